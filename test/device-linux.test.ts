// @serial: real sockets on the loopback LAN (the interpreter binds 0.0.0.0).
// The linux board's bundles on the real Espruino interpreter (host/espruino/interpreter.ts), run
// from Storage as a saved app: the echo answers byte for byte for 1..1460-byte payloads, strings
// go out as their UTF-8 bytes, two interpreters on one host take different ephemeral ports, the
// sensor hub runs there with PC nodes. (Blob methods, bad
// input and the rate limit on every board: test/device-differential.test.ts.)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import dgram, { type Socket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIND_REPORTER, type Device } from '../host/espruino/interpreter';
import { boardDevice, appFile, peer, runWithInterpreter } from './support/espruino-device';
import { createNodeDriver } from '../hal/node/driver';
import { createHostPlatform } from '../hal/node/platform';
import { HOST_BOARD } from '../hal/node/board';
import { createRuntime } from '../firmware/runtime';
import { appSource, guarded, startApp } from '../host/app';
import { loadBoard } from '../build/boards';

const ECHO = 'examples/echo/echo.js';
/** An empty app: the bundle is the whole runtime (nothing left out), driven through the REPL. */
const EMPTY = appFile('');

const Echo = suite('linux echo on the real interpreter');

Echo('answers a peer byte for byte for 1..1460-byte payloads, and a broadcast', async () => {
  const dev = await boardDevice('linux', ECHO, { host: 201, boot: [BIND_REPORTER] });
  const p = await peer(3);
  try {
    await dev.event((e) => e.t === 'bound' && e.port === 2001, 'the echo socket bound');
    assert.ok(dev.lines.includes('Echo server on 192.168.77.201:2001'), dev.lines.join('\n'));
    const sizes = [1, 2, 63, 64, 255, 256, 527, 528, 529, 1023, 1024, 1400, 1459, 1460];
    for (const [i, n] of sizes.entries()) {
      const data = Buffer.from(Array.from({ length: n }, (_, k) => (k * 7 + n) & 255));
      await p.send(data, 2001);
      await p.count(i + 1);
      const got = p.got[i];
      assert.is(got.port, 2001, 'from the echo port');
      assert.is(got.msg.length, n, `length of the ${n}-byte echo`);
      assert.ok(got.msg.equals(data), `bytes of the ${n}-byte echo`);
    }
    p.s.setBroadcast(true);
    await p.send('to all', 2001, '127.255.255.255');
    await p.count(sizes.length + 1);
    assert.is(p.got[sizes.length].msg.toString(), 'to all');
    assert.equal(dev.faults, []);
    // the console line and the echo come over different pipes: wait for the line
    const line = `Received 1460 bytes from 192.168.77.3:${p.port} to 192.168.77.201:2001`;
    await dev.until(() => dev.lines.includes(line), line);
  } finally {
    await dev.kill();
    await p.close();
  }
});

Echo("records that straddle the receive ring's end, header or payload, come back whole", async () => {
  // the ring's head and tail only move forward: sizes chosen from the board's ring size put one
  // record's 12-byte header across the end (5 bytes before it), then a later payload
  const ring = loadBoard('linux').ring, sizes = [1400, 1400, 1400, 1400, 1400];
  sizes.push(ring - 5 - sizes.length * 1412 - 12, 100, 1400, 1400, 1400, 1400, 1400, 1400);
  assert.ok(sizes[5] > 0 && sizes[5] <= 1400, `ring ${ring}: a first record of ${sizes[5]} bytes`);
  const dev = await boardDevice('linux', ECHO, { host: 201, boot: [BIND_REPORTER] });
  const p = await peer(3);
  try {
    await dev.event((e) => e.t === 'bound' && e.port === 2001, 'the echo socket bound');
    for (const [i, n] of sizes.entries()) {
      const data = Buffer.from(Array.from({ length: n }, (_, k) => (k * 13 + i * 29 + 128) & 255));
      await p.send(data, 2001);
      await p.count(i + 1);
      assert.ok(p.got[i].msg.equals(data), `bytes of echo ${i + 1} (${n} bytes)`);
    }
    assert.equal(dev.faults, []);
  } finally {
    await dev.kill();
    await p.close();
  }
});

Echo('a string goes out as its UTF-8 bytes; a binary string as its bytes; a 65,508-char string is refused', async () => {
  const dev = await boardDevice('linux', EMPTY, { host: 201 });
  const p = await peer(4);
  try {
    await waitConnected(dev);
    await dev.run('global.S = F.openudp(null)');
    assert.is(await dev.call(`S.send("192.168.77.4", ${p.port}, "h\\u00e9llo \\u2713 \\ud83d\\ude00")`), 0);
    await p.count(1);
    assert.ok(p.got[0].msg.equals(Buffer.from('h\u00e9llo \u2713 \u{1F600}', 'utf8')), `UTF-8 bytes: ${p.got[0].msg.toString('hex')}`);
    assert.is(await dev.call(`S.send("192.168.77.4", ${p.port}, E.toString([0, 200, 255]))`), 0);
    await p.count(2);
    assert.equal([...p.got[1].msg], [0, 200, 255]);
    assert.is(await dev.codeOf(`S.send("192.168.77.4", ${p.port}, "x".repeat(65508))`), 'ERR_DATA_TOO_LONG');
    assert.equal(dev.faults, []);
  } finally {
    await dev.kill();
    await p.close();
  }
});

Echo('a send outside the loopback LAN (the guide\'s 192.168.0.1): 1, nothing sent, the hint once per socket', async () => {
  const dev = await boardDevice('linux', EMPTY, { host: 201 });
  // bound to every local address: whatever loopback address a send outside the LAN could have
  // been mapped to (127.77.0.1, 127.0.0.1, ...), on this port, it would arrive here
  const all = await new Promise<Socket>((res, rej) => {
    const s = dgram.createSocket('udp4');
    s.once('error', rej);
    s.bind(29997, '0.0.0.0', () => res(s));
  });
  const got: string[] = [];
  all.on('message', (m) => { got.push(String(m)); dev.poke(); });
  const hint = (ip: string) => `ERROR: ${ip} is outside the virtual LAN 192.168.77.0/24: not sent`;
  const hints = () => dev.lines.filter((l) => l.includes(' is outside the virtual LAN '));
  try {
    await waitConnected(dev);
    await dev.run('global.A = F.openudp(null); global.B = F.openudp(null, 29996)');
    assert.equal(await dev.call('[A.send("192.168.0.1", 29997, "x"), A.send("192.168.0.1", 29997, "x"), A.send("10.0.0.1", 29997, "x"),'
      + ' B.send("172.16.0.1", 29997, "y"), B.send("192.168.0.1", 29997, "y"), A.isopen() && B.isopen()]'), [1, 1, 1, 1, 1, true]);
    assert.is(await dev.call('A.send("192.168.77.3", 29997, "fence")'), 0);
    await dev.until(() => got.includes('fence') && hints().length >= 2, 'the fence datagram (to 192.168.77.3) and the hints');
    assert.equal(got, ['fence'], 'nothing but the fence reached a socket');
    assert.equal(hints(), [hint('192.168.0.1'), hint('172.16.0.1')]);
    assert.equal(await dev.call('[A.stats().failed, B.stats().failed]'), [3, 2]);
    assert.equal(dev.faults, []);
  } finally {
    await dev.kill();
    all.close();
  }
});

/** Open eth0 as global F and wait until it is connected. */
Echo('two interpreters on one host take different ephemeral ports, and each gets the replies to its own', async () => {
  // every Linux-port process draws the same Math.random() sequence; Espruino's reuseAddr is
  // SO_REUSEPORT, so one port bound twice would split the replies between the two
  const p = await peer(5);
  const devs: Device[] = [];
  try {
    for (const host of [201, 202]) {
      const dev = await boardDevice('linux', EMPTY, { host });
      devs.push(dev);
      await waitConnected(dev);
      await dev.run('global.R = []; global.S = F.openudp(function (f, fp, t, tp, b) { R.push(b.tostring()); report({t: "got"}); })');
      assert.is(await dev.call(`S.send("192.168.77.5", ${p.port}, "from ${host}")`), 0);
      await p.count(devs.length);
    }
    const [a, b] = p.got.map((g) => g.port);
    assert.ok(a >= 49152 && b >= 49152, `${a} ${b}`);
    assert.is.not(a, b, 'different ports');
    for (const [i, dev] of devs.entries()) {
      const since = dev.events.length;
      for (let k = 0; k < 4; k++) await p.send(`reply ${k}`, p.got[i].port);
      await dev.until(() => dev.events.slice(since).filter((e) => e.t === 'got').length === 4, `4 replies at interpreter ${i + 1}`);
      assert.equal(await dev.call('R'), ['reply 0', 'reply 1', 'reply 2', 'reply 3']);
    }
    for (const dev of devs) assert.equal(dev.faults, []);
  } finally {
    for (const dev of devs) await dev.kill();
    await p.close();
  }
});

async function waitConnected(dev: Device) {
  const since = dev.events.length;
  await dev.run('global.F = imp.net.open({interface: "eth0"}, function (s) { if (s == 1) report({t: "up"}); })');
  await dev.event((e) => e.t === 'up', 'eth0 connected', since);
}

const Hub = suite('linux sensor hub on the real interpreter');

Hub('the hub on the interpreter discovers two PC nodes by broadcast and polls them', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'espimp-device-hub-'));
  const hub = await boardDevice('linux', 'examples/sensor-hub/hub.js', { host: 201, boot: ['global.HUB_POLL_SECONDS = 1;'] });
  const nodes = [202, 203].map((h) => {
    const lines: string[] = [];
    const driver = createNodeDriver({ lan: 'loopback', ip: `192.168.77.${h}`, linuxPeer: '192.168.77.201', onfault: (c, d) => lines.push(`FAULT ${c} ${d}`) });
    const write = (l: string) => { lines.push(l); hub.poke(); };
    const p = guarded(createHostPlatform({ stateFile: join(stateDir, `${h}.json`), write }), (l) => write('ERROR: ' + l));
    const rt = createRuntime(p, { node: driver }, HOST_BOARD);
    startApp(appSource('examples/sensor-hub/node.js'), 'node.js', rt, p, { SENSOR_ID: `n${h}` });
    return { lines, driver };
  });
  try {
    const has = (re: RegExp) => hub.lines.some((l) => re.test(l));
    await hub.until(() => has(/^Reading from n202: .*\(seq 2\)$/) && has(/^Reading from n203: .*\(seq 2\)$/), 'two readings from each node');
    assert.ok(has(/^Discovered node n202 at 192\.168\.77\.202$/), hub.lines.join('\n'));
    assert.ok(has(/^Discovered node n203 at 192\.168\.77\.203$/), hub.lines.join('\n'));
    assert.equal(hub.faults, []);
    for (const n of nodes) assert.not.ok(n.lines.some((l) => /^(ERROR|FAULT)/.test(l)), n.lines.join('\n'));
  } finally {
    await hub.kill();
    for (const n of nodes) n.driver.shutdown();
  }
});

runWithInterpreter('device-linux (the linux board on the real interpreter)', Echo, Hub);
