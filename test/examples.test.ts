// @serial: real sockets on the shared loopback LAN (see test/run.js).
// The impOS guide's apps in examples/: board-safe (the checker finds nothing), unchanged on
// Espruino boards (the sensor hub bundled for every board but linux (test/device-linux), run on the real
// interpreter through the board stand-ins, with PC nodes), and on the PC with real UDP sockets on the loopback
// LAN (echo server, send-only relay) against plain Node dgram peers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dgram from 'node:dgram';
import { checkSource } from '../host/check';
import { buildBundle } from '../host/bundle';
import { loadBoard } from '../build/boards';
import { startDevice, haveInterpreter } from '../host/espruino/interpreter';
import { standinsFor, netFile } from '../host/espruino/standins/index';
import { Lan } from '../hal/mock/lan';
import { createNodeDriver } from '../hal/node/driver';
import { createHostPlatform } from '../hal/node/platform';
import { HOST_BOARD } from '../hal/node/board';
import { createRuntime } from '../firmware/runtime';
import { frame } from '../firmware/agent';
import { appSource, guarded, startApp } from '../host/app';
import { boot } from './support/runtime';

const EXAMPLES = ['examples/echo/echo.js', 'examples/relay/relay.js', 'examples/sensor-hub/hub.js', 'examples/sensor-hub/node.js', 'examples/mdns/mdns.js'];
const stateDir = mkdtempSync(join(tmpdir(), 'espimp-examples-'));

const safe = suite('examples: board-safe');

safe('the Espruino checker finds nothing in any example (no errors, no warnings)', () => {
  for (const f of EXAMPLES) assert.equal(checkSource(readFileSync(f, 'utf8'), f), [], f);
});

safe('the checker is not blind: a hoisted call and ES2015 syntax in an example would be found', () => {
  const src = readFileSync('examples/echo/echo.js', 'utf8');
  assert.ok(checkSource('start();\n' + src + '\nfunction start() {}', 'x.js').some((f) => f.rule === 'hoisting'));
  assert.ok(checkSource(src + '\nvar f = (a = 1) => a;', 'x.js').length > 0);
});

const boards = suite('examples: on Espruino boards');

for (const board of ['esp32', 'esp8266', 'espruino-wifi', 'pico-w5500', 'original-wiznet']) {
  boards(`the sensor hub bundled for ${board} on the real interpreter finds two PC nodes and polls them`, async () => {
    const hub = await startDevice({
      boot: [...standinsFor(board, { ip: '192.168.77.201' }), 'global.HUB_POLL_SECONDS = 1;'], files: netFile(),
      app: (await buildBundle({ board, app: 'examples/sensor-hub/hub.js', budget: false })).code,
    });
    const nodes = [202, 203].map((h) => hostDevice(h, 'examples/sensor-hub/node.js', { SENSOR_ID: `n${h}` }, '192.168.77.201', () => hub.poke()));
    try {
      const has = (re: RegExp) => hub.lines.some((l) => re.test(l));
      await hub.until(() => has(/^Reading from n202: .*\(seq 2\)$/) && has(/^Reading from n203: .*\(seq 2\)$/), 'two readings from each node');
      assert.ok(has(/^Hub up at 192\.168\.77\.201/), hub.lines.join('\n'));
      assert.ok(has(/^Discovered node n202 at 192\.168\.77\.202$/), hub.lines.join('\n'));
      assert.ok(has(/^Discovered node n203 at 192\.168\.77\.203$/), hub.lines.join('\n'));
      assert.equal(hub.faults, []);
      assert.not.ok(hub.lines.some((l) => l.startsWith('ERROR')), hub.lines.join('\n'));
      for (const n of nodes) assert.not.ok(n.lines.some((l) => /^(ERROR|FAULT)/.test(l)), n.lines.join('\n'));
    } finally {
      await hub.kill();
      for (const n of nodes) n.driver.shutdown();
    }
  });
}

const links = suite('examples: link loss on the simulated LAN');

links('hub and node close their sockets when the cable goes and start again when it is back; polling keeps its pace', () => {
  const lan = new Lan({ subnet: '192.168.77' });
  const devs = [[1, 'examples/sensor-hub/hub.js', {}], [2, 'examples/sensor-hub/node.js', { SENSOR_ID: 'n2' }]] as const;
  const [hub, node] = devs.map(([host, file, globals]) => {
    const b = boot(lan, host, { niis: { eth0: 'mock' } });
    const p = guarded(b.dev.platform, (l) => b.dev.platform.write('ERROR: ' + l));
    startApp(appSource(file), file, b.rt, p, globals);
    return b;
  });
  lan.run(125_000);
  hub.dev.unplug('cable');
  node.dev.unplug('cable');
  lan.run(20_000);
  hub.dev.plug('cable');
  node.dev.plug('cable');
  lan.run(250_000);
  for (const d of [hub, node]) assert.is(d.dev.console.filter((l) => l === 'ERROR: Network error - closing UDP').length, 1, d.dev.console.join('\n'));
  assert.is(hub.dev.console.filter((l) => l.startsWith('Hub up at 192.168.77.1')).length, 2);
  assert.is(node.dev.console.filter((l) => l.startsWith('Sensor n2 listening')).length, 2);
  const reqs = lan.sent({ from: '192.168.77.1' }).filter((w) => new TextDecoder().decode(w.data).startsWith('REQ')).map((w) => w.t);
  // Polls at 60 s and 120 s, the cut at 125-145 s (shorter than a poll interval), then one a
  // minute from the new start: the old poll loop does not come back beside the new one.
  assert.is(reqs.length, 2 + 4, reqs.join(' '));
  for (let i = 3; i < reqs.length; i++) assert.is(reqs[i] - reqs[i - 1], 60_000);
  const readings = hub.dev.console.filter((l) => l.startsWith('Reading from n2'));
  assert.ok(readings.length >= 5, readings.join('\n'));
  assert.not.ok(hub.dev.console.some((l) => l.startsWith('ERROR: Could not send')), 'no sends on a dead link');
});

/** A host device on the loopback LAN at 192.168.77.`host` running `file`; lines go to `lines`. */
function hostDevice(host: number, file: string, globals: { [k: string]: unknown } = {}, linuxPeer?: string, onLine?: () => void) {
  const lines: string[] = [];
  const waiters: [RegExp, () => void][] = [];
  const write = (line: string) => {
    lines.push(line);
    if (onLine) onLine();
    for (const w of waiters.slice()) if (w[0].test(line)) { waiters.splice(waiters.indexOf(w), 1); w[1](); }
  };
  const driver = createNodeDriver({ lan: 'loopback', ip: `192.168.77.${host}`, linuxPeer, onfault: (c, d) => write(`FAULT ${c} ${d}`) });
  const p = guarded(createHostPlatform({ stateFile: join(stateDir, `${host}.json`), write }), (l) => write('ERROR: ' + l));
  const rt = createRuntime(p, { node: driver }, HOST_BOARD);
  startApp(appSource(file), file, rt, p, globals);
  return {
    lines, driver, rt,
    /** Resolves at the first console line matching `re` (also one already printed). */
    line(re: RegExp): Promise<void> {
      if (lines.some((l) => re.test(l))) return Promise.resolve();
      return new Promise((resolve) => { waiters.push([re, resolve]); });
    },
  };
}

/** A plain Node socket bound to 127.77.0.`host` (= 192.168.77.`host`). */
async function peer(host: number, port = 0) {
  const s = dgram.createSocket('udp4');
  const got: { msg: Buffer; from: string; port: number }[] = [];
  const waiters: (() => void)[] = [];
  s.on('message', (msg, r) => { got.push({ msg, from: r.address, port: r.port }); waiters.splice(0).forEach((w) => w()); });
  await new Promise<void>((resolve) => s.bind(port, `127.77.0.${host}`, () => resolve()));
  return {
    s, got,
    /** Resolves once `n` datagrams have arrived. */
    async count(n: number) {
      while (got.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

const echo = suite('examples: echo server on the loopback LAN');

echo('echoes unicast text and binary datagrams, and broadcasts, to their sender', async () => {
  const dev = hostDevice(211, 'examples/echo/echo.js');
  const client = await peer(212);
  try {
    await dev.line(/^Echo server on 192\.168\.77\.211:2001$/);
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    client.s.send('hello', 2001, '127.77.0.211');
    await client.count(1);
    client.s.send(bytes, 2001, '127.77.0.211');
    await client.count(2);
    client.s.setBroadcast(true);
    client.s.send('to all', 2001, '127.255.255.255');
    // Only the echo server's replies count (another process may run an echo server too).
    while (!client.got.some((g) => g.msg.toString() === 'to all' && g.from === '127.77.0.211')) await client.count(client.got.length + 1);
    const ours = client.got.filter((g) => g.from === '127.77.0.211');
    assert.equal(ours.map((g) => g.port), [2001, 2001, 2001]);
    assert.is(ours[0].msg.toString(), 'hello');
    assert.equal([...ours[1].msg], [...bytes]);
    const me = `192.168.77.212:${client.s.address().port}`;
    assert.ok(dev.lines.includes(`Received 5 bytes from ${me} to 192.168.77.211:2001`), dev.lines.join('\n'));
    assert.ok(dev.lines.includes(`Received 256 bytes from ${me} to 192.168.77.211:2001`));
    assert.ok(dev.lines.includes(`Received 6 bytes from ${me} to 192.168.77.255:2001`), 'toAddress is the broadcast address');
    const s = dev.rt.imp.net.stats();
    assert.equal([s.received, s.delivered, s.sent, s.dropped], [3, 3, 3, 0]);
  } finally {
    client.s.close();
    dev.driver.shutdown();
  }
});

const relay = suite('examples: send-only relay on the loopback LAN');

relay('agent data goes out from port 1234 to RELAY_ADDRESS:1234; before connect it says the socket is not open', async () => {
  const sink = await peer(214, 1234);
  const dev = hostDevice(213, 'examples/relay/relay.js', { RELAY_ADDRESS: '192.168.77.214' });
  try {
    dev.rt.agent.rx(frame('relay.data', 'too early'));
    assert.is(dev.lines[0], 'ERROR: UDP socket on port 1234 is not open for sending');
    await dev.line(/^Relay ready: forwarding agent data to 192\.168\.77\.214:1234$/);
    dev.rt.agent.rx(frame('relay.data', 'reading 21.5'));
    dev.rt.agent.rx(frame('relay.data', { t: 21.5, unit: 'C' }));
    await sink.count(2);
    assert.equal(sink.got.map((g) => [g.msg.toString(), g.from, g.port]),
      [['reading 21.5', '127.77.0.213', 1234], ['{"t":21.5,"unit":"C"}', '127.77.0.213', 1234]]);
  } finally {
    sink.s.close();
    dev.driver.shutdown();
  }
});

relay('a RELAY_ADDRESS off the virtual LAN never leaves the machine: private ones are refused, public ones throw', async () => {
  for (const [address, expect] of [['192.168.1.20', /^ERROR: Could not send the data \(code: 1\)$/], ['8.8.8.8', /ERR_NOT_PRIVATE/]] as const) {
    const dev = hostDevice(215, 'examples/relay/relay.js', { RELAY_ADDRESS: address });
    try {
      await dev.line(/^Relay ready/);
      dev.rt.agent.rx(frame('relay.data', 'x'));
      assert.ok(dev.lines.some((l) => expect.test(l)), dev.lines.join('\n'));
      assert.is(dev.driver.counters.sent, 0, 'nothing handed to the kernel');
    } finally {
      dev.driver.shutdown();
    }
  }
});

safe.run();
if (haveInterpreter('examples on the real interpreter')) boards.run();
links.run();
echo.run();
relay.run();
