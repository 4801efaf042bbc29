// @serial: real sockets on the shared loopback LAN (see test/run.js).
// Every board's bundles of the examples (echo, sensor hub, sensor node), built by
// `espimp build`'s code and run in the Espruino-faithful environment (host/espruino/env.ts:
// Espruino's dgram, Wifi and WIZnet, built-ins Espruino lacks removed, the checker first):
// on the simulated LAN for the Wi-Fi and WIZnet boards, on real loopback sockets for the
// Linux port. Peers are host runtimes (hal/mock, hal/node) or plain Node sockets.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lan } from '../hal/mock/lan';
import { listBoards } from '../build/boards';
import { createEspruinoEnv } from '../host/espruino/env';
import { createNodeDriver } from '../hal/node/driver';
import { createHostPlatform } from '../hal/node/platform';
import { createRuntime } from '../firmware/runtime';
import { appSource, startApp } from '../host/app';
import { boot, connect } from './helpers';
import { bundle, device, nodePeer } from './fixtures/bundles';
import { eventWaiter } from './conformance/fixtures';
import { loadBoard } from '../build/boards';

const ECHO = 'examples/echo/echo.js', HUB = 'examples/sensor-hub/hub.js', NODE = 'examples/sensor-hub/node.js';
const LAN_BOARDS = listBoards().filter((b) => b !== 'linux');

/** A peer on `lan` at .9 (a host runtime over the mock driver) with a socket on port 3000 recording what arrives. */
function peer(lan: Lan) {
  const p = boot(lan, 9);
  const { f } = connect(lan, p);
  const got: { from: string; fromPort: number; bytes: number[] }[] = [];
  const sock = f.openudp((from: string, fromPort: number, _to: string, _toPort: number, data: any) => {
    const bytes: number[] = [];
    for (let i = 0; i < data.len(); i++) bytes.push(data.get(i));
    got.push({ from, fromPort, bytes });
  }, 3000);
  const blob = (bytes: number[]) => { const b = p.rt.blob(bytes.length); bytes.forEach((v, i) => b.set(i, v)); return b; };
  return { p, sock, got, blob };
}

const Lans = suite('bundles on the simulated LAN');

for (const board of LAN_BOARDS) {
  Lans(`${board}: the echo example echoes unicast and broadcast datagrams byte for byte`, async () => {
    const lan = new Lan({ subnet: '192.168.77' });
    const env = device(board, lan, 2, await bundle(board, ECHO));
    lan.run(5000);
    assert.ok(env.output.includes('Echo server on 192.168.77.2:2001'), env.output.join('\n'));
    const { sock, got, blob } = peer(lan);
    const max = env.board.maxDatagram;
    const every = Array.from({ length: 256 }, (_, i) => i);
    const big = Array.from({ length: max }, (_, i) => (i * 13 + 7) & 255);
    for (const p of [every, big]) {
      const n = got.length;
      assert.is(sock.send('192.168.77.2', 2001, blob(p)), 0);
      lan.run(100);
      assert.is(got.length, n + 1, `${p.length} bytes echoed`);
      assert.equal(got[n], { from: '192.168.77.2', fromPort: 2001, bytes: p });
    }
    assert.ok(env.output.includes(`Received ${max} bytes from 192.168.77.9:3000 to 192.168.77.2:2001`), 'the largest datagram arrives whole (recvBufferSize)');
    const n = got.length;
    assert.is(sock.send('192.168.77.255', 2001, 'to all'), 0);
    lan.run(100);
    assert.equal(got.slice(n).map((g) => String.fromCharCode(...g.bytes)), ['to all'], 'a broadcast is echoed too');
    assert.ok(env.output.includes('Received 6 bytes from 192.168.77.9:3000 to 192.168.77.2:2001'), 'toAddress: the unicast address (dgram cannot tell)');
    assert.equal(env.errors, []);
    env.close();
  });
}

Lans('esp8266: the native stack drops a datagram over 268 bytes; the echo of 268 bytes works', async () => {
  const lan = new Lan({ subnet: '192.168.77' });
  const env = device('esp8266', lan, 2, await bundle('esp8266', ECHO));
  lan.run(5000);
  const { sock, got, blob } = peer(lan);
  assert.is(sock.send('192.168.77.2', 2001, blob(new Array(269).fill(1))), 0);
  assert.is(sock.send('192.168.77.2', 2001, blob(new Array(268).fill(2))), 0);
  lan.run(100);
  assert.equal(got.map((g) => g.bytes.length), [268]);
  assert.is(env.udp.dropped, 1);
  env.close();
});

for (const board of LAN_BOARDS) {
  Lans(`${board}: the sensor hub discovers two nodes by broadcast and relays their readings`, async () => {
    const lan = new Lan({ subnet: '192.168.77' });
    const hub = device(board, lan, 1, await bundle(board, HUB));
    const code = await bundle(board, NODE);
    const nodes = [2, 3].map((h) => device(board, lan, h, code, { SENSOR_ID: `n${h}` }));
    lan.run(5 * 60_000 + 10_000);
    const out = hub.output;
    for (const h of [2, 3]) {
      assert.ok(out.includes(`Discovered node n${h} at 192.168.77.${h}`), out.join('\n'));
      const readings = out.filter((l) => l.startsWith(`Reading from n${h}: `));
      assert.is(readings.length, 5, `five polls of n${h}: ${readings.join(' | ')}`);
      assert.match(readings[4], /\(seq 5\)$/);
    }
    const frames = out.filter((l) => l.startsWith('\x10@') && l.includes('"reading"'));
    assert.is(frames.length, 10, 'readings relayed to the agent as framed lines');
    for (const e of [hub, ...nodes]) {
      assert.equal(e.errors, [], `${board}: uncaught errors`);
      assert.equal(e.output.filter((l) => l.startsWith('ERROR')), []);
      e.close();
    }
  });
}

Lans.run();

const Linux = suite('linux bundles on real loopback sockets');
// Each Linux-port device gets its own loopback address (the env's `address`), as if it were
// its own machine: Espruino binds 0.0.0.0, which on one machine shared with other tests'
// sockets would collide. Ports: the examples' own (2001) on addresses nothing else uses,
// and SENSOR_PORT moved to 25705/25706.
const PORT = 25705;
const tmp = mkdtempSync(join(tmpdir(), 'espimp-bundles-'));

/** Re-checks its waiters on every datagram a Node peer gets and every host-runtime timer callback (guard only). */
const waiter = eventWaiter(10_000);
const until = waiter.until;

Linux('linux: the echo example echoes a Node peer byte for byte, with virtual-LAN addresses', async () => {
  const env = createEspruinoEnv({ board: loadBoard('linux') as any, address: '127.77.0.201' });
  const p = await nodePeer('127.77.0.209', waiter.pulse);
  try {
    env.run(await bundle('linux', ECHO, 201), 'linux-echo.js');
    await env.until(() => env.output.includes('Echo server on 192.168.77.201:2001'));
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));
    const mtu = Buffer.from(Array.from({ length: 1460 }, (_, i) => (i * 7) & 255));
    for (const payload of [Buffer.from('hello'), every, mtu]) {
      const n = p.got.length;
      p.s.send(payload, 2001, '127.77.0.201');
      await until(() => p.got.length > n, `the ${payload.length}-byte echo`);
      assert.ok(p.got[n].msg.equals(payload), `${payload.length} bytes exactly`);
      assert.is(p.got[n].address, '127.77.0.201');
      assert.is(p.got[n].port, 2001);
    }
    assert.ok(env.output.includes(`Received 5 bytes from 192.168.77.209:${p.port} to 192.168.77.201:2001`), env.output.join('\n'));
    // a destination outside the virtual LAN is refused by the driver: nothing reaches a socket
    env.run('var r1 = udpsocket.send("10.0.0.1", 2001, "x"), r2 = udpsocket.send("192.168.1.5", 2001, "x");', 'probe.js');
    assert.is(env.context.r1, 1);
    assert.is(env.context.r2, 1);
    assert.is(env.udp.refused, 0, 'the env\'s guard never saw them');
    assert.equal(env.errors, []);
  } finally {
    p.s.close();
    env.close();
  }
});

Linux('linux: the sensor hub discovers host-runtime nodes by broadcast and polls them', async () => {
  const env = createEspruinoEnv({ board: loadBoard('linux') as any, address: '127.77.0.201' });
  const drivers = [202, 203].map((h) => createNodeDriver({ lan: 'loopback', ip: `192.168.77.${h}` }));
  const lines: string[] = [];
  try {
    drivers.forEach((drv, i) => {
      const p = waiter.observe(createHostPlatform({ stateFile: join(tmp, `n${i}.json`), write: (l) => lines.push(l) }));
      const rt = createRuntime(p, { node: drv }, { niis: { eth0: 'node' }, ring: 8192, bucket: { capacity: 100000, refill: 25, cost: 1000 } });
      startApp(appSource(NODE), `node${i}.js`, rt, p, { SENSOR_ID: `h${i + 2}`, SENSOR_PORT: PORT });
    });
    await until(() => lines.filter((l) => l.startsWith('Sensor h')).length === 2, 'both nodes listening');
    Object.assign(env.context, { SENSOR_PORT: PORT, HUB_POLL_SECONDS: 0.2 });
    env.run(await bundle('linux', HUB, 201), 'linux-hub.js');
    await env.until(() => [2, 3].every((h) => env.output.filter((l) => l.startsWith(`Reading from h${h}: `)).length >= 2), 15_000);
    assert.ok(env.output.includes('Discovered node h2 at 192.168.77.202'), env.output.join('\n'));
    assert.ok(env.output.includes('Discovered node h3 at 192.168.77.203'));
    assert.equal(env.errors, []);
    assert.equal(lines.filter((l) => l.startsWith('ERROR')), []);
  } finally {
    env.close();
    for (const d of drivers) d.shutdown();
  }
});

Linux('linux: the sensor node answers a hub\'s discovery and its sequenced requests', async () => {
  const env = createEspruinoEnv({ board: loadBoard('linux') as any, address: '127.77.0.202' });
  const hub = await nodePeer('127.77.0.211', waiter.pulse);
  try {
    Object.assign(env.context, { SENSOR_ID: 'lx', SENSOR_PORT: PORT });
    env.run(await bundle('linux', NODE, 202), 'linux-node.js');
    await env.until(() => env.output.some((l) => l.startsWith('Sensor lx listening at 192.168.77.202:')));
    const ask = async (text: string) => {
      const n = hub.got.length;
      hub.s.send(text, PORT, '127.77.0.202');
      await until(() => hub.got.length > n, `the answer to ${text}`);
      return hub.got[n].msg.toString();
    };
    assert.is(await ask('DISCOVER'), 'HELLO lx');
    assert.match(await ask('REQ 1'), /^DATA 1 \d+\.\d$/);
    assert.match(await ask('REQ 2'), /^DATA 2 \d+\.\d$/);
    hub.s.send('REQ 2', PORT, '127.77.0.202');
    await env.until(() => env.output.some((l) => l.startsWith('ERROR: Bad Sequence Number 2')));
    assert.equal(env.errors, []);
  } finally {
    hub.s.close();
    env.close();
  }
});

Linux.run();
