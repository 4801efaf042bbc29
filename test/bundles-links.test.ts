// Link states through the Espruino drivers, in real bundles in the Espruino-faithful
// environment: what an app's onstate sees when the W5500's cable is out at boot (the driver
// reads the PHY itself, so the board does not freeze in connect()), pulled and put back; when
// a Wi-Fi radio leaves and comes back; with wrong credentials (each board's Wifi module
// fails differently); and with a static address (no DHCP state).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lan } from '../hal/mock/lan';
import { loadBoard } from '../build/boards';
import { createEspruinoEnv } from '../host/espruino/env';
import { bundle, wifiStorage } from './fixtures/bundles';

const dir = mkdtempSync(join(tmpdir(), 'espimp-links-'));
const APP = join(dir, 'states.js');
writeFileSync(APP, [
  'var states = [];',
  'var nic = { interface: imp.net.info().interface[0].nii };',
  'if (typeof STATIC_IP == "string") nic.staticconfig = { ip: STATIC_IP, netmask: "255.255.255.0", gateway: "192.168.77.1" };',
  'var iface = imp.net.open(nic, function (s) { states.push(s); });',
  '',
].join('\n'));

/** A device at .2 running the states app; `before` runs on the env before the code (pull a cable, ...). */
async function start(board: string, opts: { storage?: { [f: string]: string }; globals?: object; before?: (env: any) => void } = {}) {
  const lan = new Lan({ subnet: '192.168.77' });
  const env = createEspruinoEnv({ board: loadBoard(board) as any, lan, host: 2, storage: opts.storage ?? wifiStorage(lan) });
  Object.assign(env.context, opts.globals || {});
  if (opts.before) opts.before(env);
  env.run(await bundle(board, APP), `${board}-states.js`);
  const states = () => [...(env.context.states as number[])];
  return { lan, env, states };
}

const Eth = suite('WIZnet links');

for (const board of ['pico-w5500', 'original-wiznet']) {
  Eth(`${board}: cable out at boot reports ETHERNET_STOPPED_NO_LINK without freezing; plugging it in connects`, async () => {
    const { lan, env, states } = await start(board, { before: (e) => e.device.unplug('cable') });
    lan.run(5000);
    assert.equal(states(), [0, 204], 'STARTING, then no link');
    assert.equal(env.errors, [], 'connect() was never called with the cable out');
    env.device!.plug('cable');
    lan.run(3000);
    assert.equal(states(), [0, 204, 200, 201, 1]);
    assert.is(env.context.iface.getiptable().ipv4.address, '192.168.77.2');
    env.close();
  });

  Eth(`${board}: a pulled cable is seen by polling (204), and the link comes back with DHCP`, async () => {
    const { lan, env, states } = await start(board);
    lan.run(3000);
    assert.equal(states(), [0, 200, 201, 1]);
    env.device!.unplug('cable');
    lan.run(1500);
    assert.equal(states().slice(4), [204]);
    assert.equal(env.context.iface.getiptable().ipv4.address, undefined, 'no address while the link is down');
    env.device!.plug('cable');
    lan.run(1500);
    assert.equal(states().slice(4), [204, 200, 201, 1]);
    env.close();
  });
}

Eth('pico-w5500: a static address skips DHCP', async () => {
  const { lan, env, states } = await start('pico-w5500', { globals: { STATIC_IP: '192.168.77.42' } });
  lan.run(3000);
  assert.equal(states(), [0, 200, 1]);
  assert.is(env.context.iface.getiptable().ipv4.address, '192.168.77.42');
  env.close();
});

Eth.run();

const Wifi = suite('Wi-Fi links');

for (const board of ['esp32', 'esp8266', 'espruino-wifi']) {
  Wifi(`${board}: joins (STARTING, JOINING, DHCPING, CONNECTED); radio loss is WIFI_STOPPED, the stack rejoins`, async () => {
    const { lan, env, states } = await start(board);
    lan.run(5000);
    assert.equal(states(), [0, 101, 104, 1]);
    env.device!.unplug('radio');
    lan.run(2000);
    assert.equal(states().slice(4), [105]);
    env.device!.plug('radio');
    lan.run(20_000);
    assert.equal(states().slice(4), [105, 104, 1], 'back by itself');
    env.close();
  });

  Wifi(`${board}: wrong credentials end in WIFI_STOPPED_UNHAPPY`, async () => {
    const { lan, env, states } = await start(board, { storage: { 'espimp.net': JSON.stringify({ wificonfig: { ssid: 'espimp-lab', key: 'wrong' } }) } });
    lan.run(30_000);
    assert.equal(states().slice(0, 3), [0, 101, 106]);
    assert.is(states()[states().length - 1], 106);
    env.close();
  });
}

for (const board of ['esp8266', 'espruino-wifi']) {
  Wifi(`${board}: a static address skips DHCP (JOINING, then CONNECTED)`, async () => {
    const { lan, env, states } = await start(board, { globals: { STATIC_IP: '192.168.77.42' } });
    lan.run(5000);
    assert.equal(states(), [0, 101, 1]);
    assert.is(env.context.iface.getiptable().ipv4.address, '192.168.77.42');
    env.close();
  });
}

Wifi('esp32: no Wifi.setIP, so a static address ends in WIFI_STOPPED_UNHAPPY', async () => {
  const { lan, env, states } = await start('esp32', { globals: { STATIC_IP: '192.168.77.42' } });
  lan.run(5000);
  assert.equal(states(), [0, 101, 106]);
  env.close();
});

Wifi('espruino-wifi: getIP gives no netmask, so the iptable has the address alone', async () => {
  const { lan, env } = await start('espruino-wifi');
  lan.run(5000);
  assert.equal(JSON.parse(JSON.stringify(env.context.iface.getiptable())), { ipv4: { address: '192.168.77.2' } });
  env.close();
});

Wifi.run();
