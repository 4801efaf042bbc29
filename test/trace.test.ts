// @serial: real sockets on the shared loopback LAN (see test/run.js).
// --trace on `espimp sim` and `espimp run`: one line per datagram actually exchanged, with the
// addresses the apps see, the length, a preview, and the marks the LAN knows (lost, refused,
// no one listening); no escape codes when stdout is not a terminal. Hosts 127.77.0.71-72: this file's own.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventWaiter } from './support/conformance/fixtures';
import { cli } from './support/cli';
import { colorWanted, preview, traceLine } from '../host/trace';
import { tempFolder } from './support/files';

// test/run.js sets NO_COLOR for every file: without it here, "no escape codes into a pipe" tests the terminal check itself
delete process.env.NO_COLOR;
const root = new URL('..', import.meta.url).pathname;
const { dir, file } = tempFolder('trace');
const w = eventWaiter(30_000);
/** A trace line: time, from -> to, length, preview, marks. */
const LINE = /^(\S+)  (\S+) -> (\S+)  (\d+) B  (".*"|[0-9a-f ]+)(?:  (.*))?$/;


const format = suite('--trace: the line');

format('preview: text in quotes, binary as hex, cut after 24 bytes; colour only on a terminal without NO_COLOR', () => {
  assert.is(preview(Buffer.from('say "hi"\n')), '"say \\"hi\\"\\n"');
  assert.is(preview(new Uint8Array([0, 1, 0xff])), '00 01 ff');
  assert.is(preview(Buffer.alloc(30, 'a')), `"${'a'.repeat(24)}"…`);
  const r = { from: '192.168.77.1', fromPort: 1, to: '192.168.77.2', toPort: 2, data: Buffer.from('x'), marks: ['lost -> 192.168.77.2'], bad: true };
  assert.is(traceLine('T', r, false), 'T  192.168.77.1:1 -> 192.168.77.2:2  1 B  "x"  lost -> 192.168.77.2');
  assert.match(traceLine('T', r, true), /\x1b\[31mlost -> 192\.168\.77\.2\x1b\[0m/);
  assert.is(traceLine('T', r, true).replace(/\x1b\[\d+m/g, ''), traceLine('T', r, false));
  assert.ok(colorWanted({ isTTY: true }, {}));
  assert.not.ok(colorWanted({ isTTY: true }, { NO_COLOR: '1' }));
  assert.not.ok(colorWanted({ isTTY: false }, {}));
});

const sim = suite('--trace: espimp sim');

/** Sends "ping 1".."ping 6" to PEER:7000 once a second and logs what it receives; one send outside the LAN. */
const PINGER = file('pinger.js', `
var s = imp.net.open({ interface: 'eth0' }).openudp(function (from, port, to, lport, data) { server.log('got ' + data.tostring()); }, 7000);
var n = 0;
function tick() { n++; s.send(PEER, 7000, 'ping ' + n); if (n < 6) imp.wakeup(1, tick); }
imp.wakeup(1, tick);
s.send('192.168.0.1', 9, 'away');
`);

sim('one line per datagram on the wire; the lost ones are exactly those never received', async () => {
  const r = await cli('sim', `${PINGER}@1,PEER=192.168.77.2`, `${PINGER}@2,PEER=192.168.77.9`, '--duration', '8', '--loss', '0.4', '--seed', '3', '--trace');
  assert.is(r.code, 0, r.err);
  assert.not.match(r.out, /\x1b/, 'no escape codes into a pipe');
  const trace = r.out.split('\n').map((l) => LINE.exec(l)).filter((m): m is RegExpExecArray => !!m);
  const got = r.out.split('\n').filter((l) => /pinger@2  got /.test(l)).map((l) => l.replace(/.*got /, ''));
  // the two refused sends, then 6 pings from each device
  const refused = trace.filter((m) => m[6] === 'refused: outside the virtual LAN');
  assert.equal(refused.map((m) => [m[2], m[3], m[5]]), [['192.168.77.1:7000', '192.168.0.1:9', '"away"'], ['192.168.77.2:7000', '192.168.0.1:9', '"away"']]);
  const to2 = trace.filter((m) => m[3] === '192.168.77.2:7000');
  const to9 = trace.filter((m) => m[3] === '192.168.77.9:7000');
  assert.equal(to2.map((m) => m[5]), [1, 2, 3, 4, 5, 6].map((n) => `"ping ${n}"`));
  assert.ok(to2.every((m) => m[2] === '192.168.77.1:7000' && m[4] === '6'));
  assert.ok(to9.length === 6 && to9.every((m) => m[6] === 'no one listening'), 'nobody at .9');
  const lost = to2.filter((m) => m[6] === 'lost -> 192.168.77.2').map((m) => m[5].slice(1, -1));
  assert.ok(lost.length > 0 && lost.length < 6, `some lost, some not (seed 3): ${lost}`);
  assert.equal(got, [1, 2, 3, 4, 5, 6].map((n) => `ping ${n}`).filter((p) => !lost.includes(p)), 'received = on the wire and not lost');
  assert.is(trace.length, 14, r.out);
  assert.match(r.out, /: 12 datagrams on the wire/);
});

const run = suite('--trace: espimp run');

/** Echoes every datagram; on "out" it also sends one outside the virtual LAN (refused). */
const ECHO = file('echo.js', `
var s = imp.net.open({ interface: 'eth0' }).openudp(function (from, port, to, lport, data) {
  s.send(from, port, data);
  if (data.tostring() == 'out') s.send('192.168.0.1', 9, 'x');
}, 24301);
server.log('ready');
`);

run('a line per datagram sent, received or refused, with the virtual addresses', async () => {
  const peer = dgram.createSocket('udp4');
  const got: Buffer[] = [];
  peer.on('message', (m) => { got.push(m); w.pulse(); });
  await new Promise<void>((res) => peer.bind(24302, '127.77.0.72', () => res()));
  const child = spawn(process.execPath, ['bin/espimp.js', 'run', ECHO, '--ip', '192.168.77.71', '--trace',
    '--state', join(dir, 'state.json')], { cwd: root });
  let out = '', err = '', code: number | null | undefined;
  child.stdout.on('data', (d) => { out += d; w.pulse(); });
  child.stderr.on('data', (d) => { err += d; w.pulse(); });
  child.on('exit', (c) => { code = c; w.pulse(); });
  const lines = () => out.split('\n').filter((l) => LINE.test(l));
  try {
    await w.until(() => /ready/.test(out) || code !== undefined, 'the app to start');
    peer.send('hello', 24301, '127.77.0.71');
    peer.send(Buffer.from([0, 1, 2, 0xff]), 24301, '127.77.0.71');
    peer.send('out', 24301, '127.77.0.71');
    await w.until(() => (got.length === 3 && lines().length === 7) || code !== undefined, 'three echoes and seven trace lines');
    child.kill('SIGINT');
    await w.until(() => code !== undefined, 'espimp run to end');
  } finally {
    if (code === undefined) child.kill('SIGKILL');
    peer.close();
  }
  assert.is(code, 0, err);
  assert.not.match(out, /\x1b/, 'no escape codes into a pipe');
  assert.equal(got.map((b) => b.toString('hex')), ['68656c6c6f', '000102ff', '6f7574']);
  const rows = lines().map((l) => {
    const m = LINE.exec(l)!;
    assert.match(m[1], /^\[\d{4}-\d\d-\d\dT[\d:.]+Z\]$/, 'a real-clock time');
    return m.slice(2).map((x) => x ?? '');
  });
  // every datagram once: what the device received, and what it sent (each in order; the two interleave as the ring drains)
  const peerAt = '192.168.77.72:24302', dev = '192.168.77.71:24301';
  assert.equal(rows.filter((r) => r[1] === dev), [
    [peerAt, dev, '5', '"hello"', ''], [peerAt, dev, '4', '00 01 02 ff', ''], [peerAt, dev, '3', '"out"', ''],
  ]);
  assert.equal(rows.filter((r) => r[0] === dev), [
    [dev, peerAt, '5', '"hello"', ''], [dev, peerAt, '4', '00 01 02 ff', ''], [dev, peerAt, '3', '"out"', ''],
    [dev, '192.168.0.1:9', '1', '"x"', 'refused: not sent'],
  ]);
  assert.is(rows.length, 7);
});

format.run();
sim.run();
run.run();
