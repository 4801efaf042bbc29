// @serial: real sockets on the shared loopback LAN (see test/run.js).
// Packet capture (--pcap, host/pcap.ts): the file is read back two ways, by tcpdump
// (`tcpdump -r FILE -n -tt`, every line compared with what the LAN or the peer saw) and by
// this file's own reader, which checks every header field and both checksums. espimp sim
// (virtual clock: the LAN's own record of the wire), espimp run and espimp demo (real
// loopback sockets), and a capture file that cannot be written. Hosts 127.77.0.61-62 and
// .131-.134, ports 24201-24202 and 25105-25106: this file's own.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSim } from '../host/sim';
import { LiveCapture } from '../host/pcap';
import type { WireRecord } from '../hal/mock/lan';
import { eventWaiter } from './support/conformance/fixtures';
import { node } from './support/cli';
import { tempFolder } from './support/files';

const root = new URL('..', import.meta.url).pathname;
const { dir, file } = tempFolder('pcap');
const w = eventWaiter(30_000);


/** One record as this file's reader finds it. */
interface Rec { us: number; srcMac: string; dstMac: string; from: string; fromPort: number; to: string; toPort: number; data: Buffer; ttl: number }

const ip4 = (b: Buffer, at: number) => [...b.subarray(at, at + 4)].join('.');
const hexMac = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
/** The MAC the capture gives an address: 02:00 and its four octets. */
const macOf = (ip: string) => hexMac(Buffer.from([2, 0, ...ip.split('.').map(Number)]));

/** The one's-complement sum of b as 16-bit big-endian words (an odd byte padded with 0), folded. */
function onesSum(b: Buffer): number {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) | (i + 1 < b.length ? b[i + 1] : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** Parse a classic pcap file, checking the file header and every record's Ethernet, IPv4 and UDP headers. */
function readPcap(path: string): Rec[] {
  const b = readFileSync(path);
  assert.is(b.readUInt32LE(0), 0xa1b2c3d4, 'magic: microsecond pcap, little-endian');
  assert.is(b.readUInt16LE(4), 2, 'version major');
  assert.is(b.readUInt16LE(6), 4, 'version minor');
  assert.is(b.readUInt32LE(16), 65549, 'snap length: the largest frame, 14 + 20 + 8 + 65507');
  assert.is(b.readUInt32LE(20), 1, 'LINKTYPE_ETHERNET');
  const out: Rec[] = [];
  let at = 24;
  while (at < b.length) {
    const sec = b.readUInt32LE(at), usec = b.readUInt32LE(at + 4), incl = b.readUInt32LE(at + 8), orig = b.readUInt32LE(at + 12);
    const n = out.length;
    assert.ok(usec < 1e6, `record ${n}: microseconds < 1e6`);
    assert.is(incl, orig, `record ${n}: nothing cut`);
    const f = b.subarray(at + 16, at + 16 + incl);
    assert.is(f.length, incl, `record ${n}: whole`);
    at += 16 + incl;
    assert.is(f.readUInt16BE(12), 0x0800, `record ${n}: ethertype IPv4`);
    const ip = f.subarray(14, 34);
    assert.is(ip[0], 0x45, `record ${n}: IPv4, 20-byte header`);
    assert.is(ip.readUInt16BE(2), incl - 14, `record ${n}: IP total length`);
    assert.is(ip.readUInt16BE(6), 0, `record ${n}: not a fragment`);
    assert.is(ip[9], 17, `record ${n}: UDP`);
    assert.is(onesSum(ip), 0xffff, `record ${n}: IPv4 header checksum`);
    const udp = f.subarray(34);
    assert.is(udp.readUInt16BE(4), udp.length, `record ${n}: UDP length`);
    const cks = udp.readUInt16BE(6);
    if (cks !== 0) {
      const pseudo = Buffer.concat([ip.subarray(12, 20), Buffer.from([0, 17, udp.length >> 8, udp.length & 0xff]), udp]);
      assert.is(onesSum(pseudo), 0xffff, `record ${n}: UDP checksum`);
    }
    out.push({
      us: sec * 1e6 + usec, dstMac: hexMac(f.subarray(0, 6)), srcMac: hexMac(f.subarray(6, 12)),
      from: ip4(ip, 12), to: ip4(ip, 16), ttl: ip[8], fromPort: udp.readUInt16BE(0), toPort: udp.readUInt16BE(2), data: Buffer.from(udp.subarray(8)),
    });
  }
  return out;
}

/** Check a record's MACs: the sender's own, the receiver's or the broadcast one. */
function macsOk(r: Rec, broadcast: boolean, what: string) {
  assert.is(r.srcMac, macOf(r.from), `${what}: source MAC`);
  assert.is(r.dstMac, broadcast ? 'ff:ff:ff:ff:ff:ff' : macOf(r.to), `${what}: destination MAC`);
}

/** The line `tcpdump -n -tt` prints for a record. */
function tcpdumpLine(r: { us: number; from: string; fromPort: number; to: string; toPort: number; data: Uint8Array }): string {
  const t = `${Math.floor(r.us / 1e6)}.${String(r.us % 1e6).padStart(6, '0')}`;
  return `${t} IP ${r.from}.${r.fromPort} > ${r.to}.${r.toPort}: UDP, length ${r.data.length}`;
}

const haveTcpdump = spawnSync('tcpdump', ['--version']).status === 0;
if (!haveTcpdump) {
  if (process.env.CI === 'true') throw new Error('tcpdump is not installed (Debian: apt-get install tcpdump; .ci/run installs it)');
  process.stderr.write('\n!!! SKIPPED the tcpdump checks of test/pcap.test.ts: tcpdump is not installed (apt-get install tcpdump)\n\n');
}

/** tcpdump's lines for the file (null without tcpdump); `flags` beyond -r FILE -n -tt. */
function tcpdump(path: string, ...flags: string[]): string[] | null {
  if (!haveTcpdump) return null;
  const r = spawnSync('tcpdump', ['-r', path, '-n', '-tt', ...flags], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /link-type EN10MB \(Ethernet\), snapshot length 65549/);
  return r.stdout.split('\n').filter(Boolean);
}

/** tcpdump -vv recomputes both checksums: every record says "udp sum ok" and nothing is "bad". */
function tcpdumpChecksums(path: string, records: number) {
  const lines = tcpdump(path, '-vv');
  if (!lines) return;
  const text = lines.join('\n');
  assert.not.match(text, /bad|truncated|\[\|/i, text);
  assert.is((text.match(/\[udp sum ok\]/g) || []).length, records, text);
}

// ---------------------------------------------------------------------------------------
const sim = suite('--pcap: espimp sim');

/** Host 1: broadcasts both ways, unicasts (a UTF-8 string, an empty one, 3000 bytes, one to a port nobody holds), then pings each second. */
const TALKER = file('talker.js', `
var sock = null, n = 0;
function ping() { n++; sock.send('192.168.77.2', 24102, 'ping ' + n); if (n < 5) imp.wakeup(1, ping); }
var i = imp.net.open({ interface: 'eth0' }, function (s) {
  if (s != imp.net.CONNECTED || sock) return;
  sock = i.openudp(function (fa, fp, ta, tp, d) { server.log('back ' + d.len() + ' from ' + fa); }, 24101);
  sock.send('192.168.77.255', 24102, 'hello subnet');
  sock.send('255.255.255.255', 24102, 'hello all');
  sock.send('192.168.77.2', 24102, 'h\\u00e9llo');
  sock.send('192.168.77.2', 24102, '');
  sock.send('192.168.77.2', 24102, new Array(3001).join('x'));
  sock.send('192.168.77.2', 24999, 'nobody');
  imp.wakeup(1, ping);
});
`);
/** Host 2: echoes everything to its sender. */
const ECHO = file('echo.js', `
var sock = null;
var i = imp.net.open({ interface: 'eth0' }, function (s) {
  if (s != imp.net.CONNECTED || sock) return;
  sock = i.openudp(function (fa, fp, ta, tp, d) { sock.send(fa, fp, d); }, 24102);
});
`);

sim('every datagram on the wire, as sent (before loss), in order, with virtual time, addresses, ports and lengths', () => {
  const pcap = join(dir, 'sim.pcap');
  const wire: WireRecord[] = [];
  const r = runSim({ devices: [{ file: TALKER, host: 1, globals: {} }, { file: ECHO, host: 2, globals: {} }],
    duration: 6, loss: 0.3, seed: 7, pcap, onwire: (x) => wire.push(x) });
  assert.is(r.captured, r.wire);
  assert.is(wire.length, r.wire);
  // the seeded 30 % loss lost some deliveries: the echo sent fewer replies than it was sent datagrams
  const talker = r.devices[0].stats, echo = r.devices[1].stats;
  assert.ok(echo.received < talker.sent - 1, `some deliveries lost (${echo.received} of ${talker.sent - 1} arrived)`);
  assert.is(wire.length, talker.sent + echo.sent, 'every send is on the wire, lost or not');
  const recs = readPcap(pcap);
  assert.is(recs.length, wire.length);
  recs.forEach((rec, k) => {
    const x = wire[k];
    assert.equal({ us: rec.us, from: rec.from, fromPort: rec.fromPort, to: rec.to, toPort: rec.toPort, data: rec.data },
      { us: x.t * 1000, from: x.from, fromPort: x.fromPort, to: x.to, toPort: x.toPort, data: Buffer.from(x.data) }, `record ${k}`);
    macsOk(rec, x.to === '192.168.77.255' || x.to === '255.255.255.255', `record ${k}`);
    assert.is(rec.ttl, 64);
  });
  const sizes = recs.slice(0, 6).map((x) => `${x.to}:${x.toPort} ${x.data.length}`);
  assert.equal(sizes, ['192.168.77.255:24102 12', '255.255.255.255:24102 9', '192.168.77.2:24102 6',
    '192.168.77.2:24102 0', '192.168.77.2:24102 3000', '192.168.77.2:24999 6'], 'broadcasts as sent, UTF-8 bytes, empty, large');
  const lines = tcpdump(pcap);
  if (lines) assert.equal(lines, wire.map((x) => tcpdumpLine({ ...x, us: x.t * 1000 })));
  tcpdumpChecksums(pcap, wire.length);
});

sim('the command line writes the same file and says how many datagrams it holds', async () => {
  const pcap = join(dir, 'sim-cli.pcap');
  const r = await node(['bin/espimp.js', 'sim', `${TALKER}@1`, `${ECHO}@2`, '--duration', '6', '--loss', '0.3', '--seed', '7', '--quiet', '--pcap', pcap]);
  assert.is(r.code, 0, r.err);
  assert.is(r.err, '');
  const n = readPcap(pcap).length;
  assert.ok(r.out.endsWith(`\n-- capture: ${n} datagrams in ${pcap}\n`), r.out);
  assert.match(r.out, new RegExp(`virtual: ${n} datagrams on the wire`));
  assert.ok(readFileSync(pcap).equals(readFileSync(join(dir, 'sim.pcap'))), 'byte for byte the library run\'s file');
});

// ---------------------------------------------------------------------------------------
const live = suite('--pcap: espimp run and espimp demo on the loopback LAN');

/** The device of `espimp run`: broadcasts both ways when connected, then echoes everything to its sender. */
const RUN_APP = file('run-app.js', `
var sock = null;
var i = imp.net.open({ interface: 'eth0' }, function (s) {
  if (s != imp.net.CONNECTED || sock) return;
  sock = i.openudp(function (fa, fp, ta, tp, d) { sock.send(fa, fp, d); }, 24201);
  sock.send('192.168.77.255', 24202, 'hello subnet');
  sock.send('255.255.255.255', 24202, 'hello all');
});
`);

live('espimp run: what the device sends and receives, with virtual addresses, on the real clock', async () => {
  const pcap = join(dir, 'run.pcap');
  // the peer 192.168.77.62: its own address, and a listener for broadcasts on its port
  const peer = dgram.createSocket('udp4');
  const listener = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const got: string[] = [], heard: string[] = [];
  peer.on('message', (m) => { got.push(m.toString('latin1')); w.pulse(); });
  listener.on('message', (m, r) => { if (r.address === '127.77.0.61') heard.push(m.toString()); w.pulse(); });
  await new Promise<void>((res) => peer.bind(24202, '127.77.0.62', () => res()));
  await new Promise<void>((res) => listener.bind(24202, '127.255.255.255', () => res()));
  const before = Date.now() * 1000;
  const child = spawn(process.execPath, ['bin/espimp.js', 'run', RUN_APP, '--ip', '192.168.77.61', '--pcap', pcap,
    '--state', join(dir, 'run-state.json')], { cwd: root });
  let err = '', code: number | null | undefined;
  child.stderr.on('data', (d) => { err += d; w.pulse(); });
  child.stdout.on('data', () => w.pulse());
  child.on('exit', (c) => { code = c; w.pulse(); });
  const big = Buffer.alloc(3000, 'y');
  try {
    await w.until(() => heard.length === 2 || code !== undefined, 'both broadcasts at the peer');
    assert.equal(heard, ['hello subnet', 'hello all'], err);
    peer.send('ping', 24201, '127.77.0.61');
    await w.until(() => got.length === 1 || code !== undefined, 'the echo of ping');
    peer.send(big, 24201, '127.77.0.61');
    await w.until(() => got.length === 2 || code !== undefined, 'the echo of 3000 bytes');
    assert.equal(got, ['ping', big.toString('latin1')], err);
    child.kill('SIGINT');
    await w.until(() => code !== undefined, 'espimp run to end');
  } finally {
    if (code === undefined) child.kill('SIGKILL');
    peer.close();
    listener.close();
  }
  assert.is(code, 0, err);
  assert.is(err, '');
  const after = Date.now() * 1000;
  const recs = readPcap(pcap);
  const want = [
    ['192.168.77.61', 24201, '192.168.77.255', 24202, 'hello subnet'],
    ['192.168.77.61', 24201, '255.255.255.255', 24202, 'hello all'],
    ['192.168.77.62', 24202, '192.168.77.61', 24201, 'ping'],
    ['192.168.77.61', 24201, '192.168.77.62', 24202, 'ping'],
    ['192.168.77.62', 24202, '192.168.77.61', 24201, big.toString('latin1')],
    ['192.168.77.61', 24201, '192.168.77.62', 24202, big.toString('latin1')],
  ];
  assert.equal(recs.map((r) => [r.from, r.fromPort, r.to, r.toPort, r.data.toString('latin1')]), want);
  recs.forEach((r, k) => {
    macsOk(r, k < 2, `record ${k}`);
    assert.ok(r.us >= before && r.us <= after, `record ${k}: a real-clock time during the run`);
    if (k) assert.ok(r.us >= recs[k - 1].us, `record ${k}: in time order`);
  });
  const lines = tcpdump(pcap);
  if (lines) assert.equal(lines, recs.map(tcpdumpLine));
  tcpdumpChecksums(pcap, recs.length);
});

live('one file for several devices: sends written, receives from a device of the process left out, an outside broadcast once', () => {
  const pcap = join(dir, 'shared.pcap');
  const cap = new LiveCapture(pcap);
  const a = cap.tap('192.168.77.1'), b = cap.tap('192.168.77.2');
  const d = (s: string) => Buffer.from(s);
  a(false, '192.168.77.1', 5006, '192.168.77.255', 5005, d('DISCOVER'), true);
  b(true, '192.168.77.1', 5006, '192.168.77.255', 5005, d('DISCOVER'), true); // a's broadcast: written as sent
  b(false, '192.168.77.2', 5005, '192.168.77.1', 5006, d('HELLO'), false);
  a(true, '192.168.77.2', 5005, '192.168.77.1', 5006, d('HELLO'), false); // b's reply: written as sent
  a(true, '192.168.77.9', 7000, '192.168.77.255', 5005, d('X'), true); // from outside: written
  b(true, '192.168.77.9', 7000, '192.168.77.255', 5005, d('X'), true); // the same broadcast at b: not again
  a(true, '192.168.77.9', 7000, '192.168.77.255', 5005, d('X'), true); // a second one (a hears it again): written
  a(true, '192.168.77.9', 7000, '192.168.77.1', 5006, d('Y'), false); // unicast from outside: written
  cap.close();
  assert.equal(readPcap(pcap).map((r) => `${r.from}:${r.fromPort}>${r.to}:${r.toPort} ${r.data}`), [
    '192.168.77.1:5006>192.168.77.255:5005 DISCOVER', '192.168.77.2:5005>192.168.77.1:5006 HELLO',
    '192.168.77.9:7000>192.168.77.255:5005 X', '192.168.77.9:7000>192.168.77.255:5005 X', '192.168.77.9:7000>192.168.77.1:5006 Y']);
  assert.is(cap.writer.count, 5);
});

// Hosts .131-.134, ports 25105/25106: clear of test/demo.test.ts and of a default demo.
live('espimp demo: one file for the hub and three nodes, each datagram once: the hub\'s broadcasts and polls, the replies', async () => {
  const pcap = join(dir, 'demo.pcap');
  const r = await node(['bin/espimp.js', 'demo', '--seconds', '3', '--poll', '1', '--host', '131', '--port', '25105', '--pcap', pcap], 90_000);
  assert.is(r.code, 0, r.out + r.err);
  assert.is(r.err, '');
  const recs = readPcap(pcap);
  assert.ok(r.out.endsWith(`\ncapture: ${recs.length} datagrams in ${pcap}\n`), r.out);
  // every device's sends are in the file once; nothing it received was written again
  const sent: { [ip: string]: number } = {};
  for (const [name, host] of [['hub', 131], ['n132', 132], ['n133', 133], ['n134', 134]] as const) {
    const c = new RegExp(`^  ${name} +sent (\\d+), `, 'm').exec(r.out);
    assert.ok(c, r.out);
    sent[`192.168.77.${host}`] = Number(c[1]);
  }
  const from: { [ip: string]: number } = {};
  for (const x of recs) from[x.from] = (from[x.from] || 0) + 1;
  assert.equal(from, sent);
  const kinds = new Set<string>();
  recs.forEach((x, k) => {
    const text = x.data.toString();
    const hub = x.from === '192.168.77.131';
    macsOk(x, x.to === '192.168.77.255', `record ${k}`);
    if (hub && x.to === '192.168.77.255') { assert.is(text, 'DISCOVER'); kinds.add('discover'); }
    else if (hub) { assert.match(text, /^REQ \d+$/); kinds.add(`poll ${x.to}`); }
    else { assert.is(x.to, '192.168.77.131'); assert.match(text, /^(HELLO n13\d|DATA \d+ \d+\.\d)$/); kinds.add(`${text.split(' ')[0]} ${x.from}`); }
    assert.is(x.fromPort, hub ? 25106 : 25105);
    assert.is(x.toPort, hub ? 25105 : 25106);
  });
  for (const n of [132, 133, 134]) for (const k of ['poll ', 'HELLO ', 'DATA ']) assert.ok(kinds.has(`${k}192.168.77.${n}`), `${k}192.168.77.${n}`);
  assert.ok(kinds.has('discover'));
  const lines = tcpdump(pcap);
  if (lines) {
    assert.equal(lines, recs.map(tcpdumpLine));
    assert.ok(lines.some((l) => / IP 192\.168\.77\.131\.25106 > 192\.168\.77\.255\.25105: UDP, length 8$/.test(l)), 'a broadcast');
    assert.ok(lines.some((l) => / IP 192\.168\.77\.131\.25106 > 192\.168\.77\.132\.25105: UDP, length 5$/.test(l)), 'a poll');
  }
  tcpdumpChecksums(pcap, recs.length);
});

// ---------------------------------------------------------------------------------------
const bad = suite('--pcap: a file that cannot be written');

bad('a missing folder, a folder, a full disk: one line, exit 1, nothing run', async () => {
  const cases: [string[], string, string][] = [
    [['sim', ECHO, '--duration', '1'], join(dir, 'no', 'such', 'x.pcap'), 'ENOENT: no such file or directory'],
    [['sim', ECHO, '--duration', '1'], dir, 'EISDIR: illegal operation on a directory'],
    [['sim', ECHO, '--duration', '1'], '/dev/full', 'ENOSPC: no space left on device'],
    [['run', RUN_APP, '--ip', '192.168.77.61', '--state', join(dir, 'bad-state.json')], join(dir, 'no', 'x.pcap'), 'ENOENT: no such file or directory'],
    [['demo', '--seconds', '1', '--host', '131', '--port', '25105'], join(dir, 'no', 'x.pcap'), 'ENOENT: no such file or directory'],
  ];
  for (const [args, path, why] of cases) {
    const r = await node(['bin/espimp.js', ...args, '--pcap', path]);
    const what = `${args[0]} --pcap ${path}`;
    assert.is(r.code, 1, what);
    assert.is(r.err, `espimp: cannot write the capture file ${path}: ${why}\n`, what);
    assert.is(r.out, '', what);
  }
});

sim.run();
live.run();
bad.run();
