// @serial: real sockets on the shared loopback LAN (see test/run.js).
// The node driver beyond the conformance suite: the loopback mapping, refusing destinations
// outside the virtual LAN, peers that are not espimp, a port held by another socket, the
// real-LAN mode (on an injected loopback-only interface: TTL 1, SO_BROADCAST, exact
// toAddress), sends the kernel refuses, bytes overwritten after send(), and the host platform.
// Hosts 127.77.0.31-39, ports 22000-22099: this file's own.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toLoopback, fromLoopback, VIRTUAL_LAN, LOOPBACK_LAN, LOOPBACK_BROADCAST } from '../hal/loopback';
import { createNodeDriver } from '../hal/node/driver';
import { createHostPlatform, stampedWrite } from '../hal/node/platform';
import { nodeFixture, eventWaiter } from './support/conformance/fixtures';
import { recorder, Received } from './support/conformance/suite';
import { overwriteAfterSend } from './support/overwrite-after-send';

/** A plain dgram socket bound to addr:port (a peer that is not espimp). */
function peer(addr: string, port = 0, reuseAddr = false): Promise<dgram.Socket & { got: { data: Buffer; from: string; port: number }[] }> {
  const s = dgram.createSocket({ type: 'udp4', reuseAddr }) as any;
  s.got = [];
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, addr, () => resolve(s.unref())); // never what keeps a failed test's process alive
  });
}

/** Close a peer socket, whether or not the test closed it already. */
function shut(s: dgram.Socket) {
  try { s.close(); } catch (e) { /* already closed */ }
}

/** Resolve when socket s has received n datagrams (the waiter re-checks on each one). */
function listenAll(s: any, w: ReturnType<typeof eventWaiter>) {
  s.on('message', (data: Buffer, r: dgram.RemoteInfo) => { s.got.push({ data, from: r.address, port: r.port }); w.pulse(); });
}

const mapping = suite('loopback mapping');

mapping('virtual hosts and broadcasts map onto loopback; everything else is refused', () => {
  assert.is(VIRTUAL_LAN, '192.168.77');
  assert.is(LOOPBACK_LAN, '127.77.0');
  assert.is(toLoopback('192.168.77.2'), '127.77.0.2');
  assert.is(toLoopback('192.168.77.1'), '127.77.0.1');
  assert.is(toLoopback('192.168.77.254'), '127.77.0.254');
  assert.is(toLoopback('192.168.77.255'), LOOPBACK_BROADCAST);
  assert.is(toLoopback('255.255.255.255'), LOOPBACK_BROADCAST);
  for (const bad of ['192.168.77.0', '192.168.78.2', '10.0.0.1', '192.168.1.5', '127.77.0.2', '8.8.8.8', '192.168.77.02', '192.168.77.2 ', '']) {
    assert.is(toLoopback(bad), null, bad);
  }
  assert.is(fromLoopback('127.77.0.9'), '192.168.77.9');
  assert.is(fromLoopback(LOOPBACK_BROADCAST), '192.168.77.255');
  for (const bad of ['127.0.0.1', '127.77.0.0', '127.77.0.255', '127.77.1.2', '192.168.77.2']) assert.is(fromLoopback(bad), null, bad);
});

const loop = suite('node driver: loopback LAN');

loop('every socket is bound to a 127.x address', async () => {
  const fx = nodeFixture({ hosts: [31], base: 22000 });
  try {
    const f = fx.devices[0].rt.imp.net.open({ interface: 'eth0' });
    await fx.until(() => f.getstate() === 1, 'connected');
    f.openudp(null, 22000);
    f.openudp(null).send('192.168.77.32', 22001, 'x');
    const bound = fx.drivers[0].bound();
    assert.is(bound.length, 4, bound.join(' '));
    assert.equal(bound.slice(0, 2), ['127.77.0.31:22000', '127.255.255.255:22000']);
    assert.match(bound[2], /^127\.77\.0\.31:(49|5|6)\d+$/);
    for (const b of bound) assert.ok(b.startsWith('127.'), b);
  } finally {
    fx.close();
  }
});

loop('a destination outside the virtual LAN is refused (send returns 1) and nothing is sent; onfault says so once per endpoint', async () => {
  const fx = nodeFixture({ hosts: [31], base: 22000 });
  try {
    const f = fx.devices[0].rt.imp.net.open({ interface: 'eth0' });
    await fx.until(() => f.getstate() === 1, 'connected');
    const s = f.openudp(null, 22002);
    const d = fx.drivers[0];
    for (const ip of ['192.168.77.0', '10.0.0.1', '192.168.1.5', '172.16.0.1']) {
      assert.is(s.send(ip, 9, 'must not leave'), 1, ip);
      assert.ok(s.isopen(), 'a refused send does not close the socket');
    }
    assert.is(d.counters.sent, 0, 'nothing handed to a socket');
    assert.is(d.counters.refused, 4);
    assert.is(s.stats().failed, 4);
    for (const ip of ['127.0.0.1', '8.8.8.8', '192.0.2.2', '192.168.77.999']) assert.is(d.send(0, ip, 9, new Uint8Array(1)), -1, ip);
    assert.is(d.counters.sent, 0);
    assert.is(d.send(0, '192.168.77.32', 0, new Uint8Array(1)), -1, 'port 0');
    // 192.168.77.0 is in the LAN (no hint); the first send outside it is the only hint of the socket
    assert.equal(fx.faults(), ['192.168.77.31: ERR_OUTSIDE_LAN 10.0.0.1 is outside the virtual LAN 192.168.77.0/24: not sent']);
    assert.is(f.openudp(null).send('192.168.0.1', 9, 'x'), 1);
    assert.is(fx.faults()[1], '192.168.77.31: ERR_OUTSIDE_LAN 192.168.0.1 is outside the virtual LAN 192.168.77.0/24: not sent', 'another socket: its own hint');
    assert.is(fx.faults().length, 2);
  } finally {
    fx.close();
  }
});

loop('a peer that is not espimp, bound to 127.77.0.9, talks to the device as 192.168.77.9', async () => {
  const fx = nodeFixture({ hosts: [31], base: 22000 });
  const w = eventWaiter();
  const p = await peer('127.77.0.9', 22010);
  const outsider = await peer('127.0.0.1', 22011);
  listenAll(p, w);
  try {
    const f = fx.devices[0].rt.imp.net.open({ interface: 'eth0' });
    await fx.until(() => f.getstate() === 1, 'connected');
    const box: Received[] = [];
    const s = f.openudp(recorder(box), 22012);
    p.send(Buffer.from([0, 1, 2, 255]), 22012, '127.77.0.31');
    await fx.until(() => box.length === 1, 'the peer datagram');
    assert.equal(box[0], { from: '192.168.77.9', fromPort: 22010, to: '192.168.77.31', toPort: 22012, bytes: [0, 1, 2, 255] });
    assert.is(s.send('192.168.77.9', 22010, 'reply'), 0);
    await w.until(() => p.got.length === 1, 'the reply at the peer');
    assert.equal(p.got[0], { data: Buffer.from('reply'), from: '127.77.0.31', port: 22012 });
    p.setBroadcast(true);
    p.send('to all', 22012, LOOPBACK_BROADCAST);
    await fx.until(() => box.length === 2, 'the peer broadcast');
    assert.equal(box[1], { from: '192.168.77.9', fromPort: 22010, to: '192.168.77.255', toPort: 22012, bytes: [...Buffer.from('to all')] });
    const ignored = fx.drivers[0].counters.ignored;
    outsider.send('from outside the virtual LAN', 22012, '127.77.0.31');
    p.send('fence', 22012, '127.77.0.31');
    await fx.until(() => box.length === 3, 'the fence');
    assert.is(Buffer.from(box[2].bytes).toString(), 'fence', 'the outsider datagram was not delivered');
    assert.is(fx.drivers[0].counters.ignored, ignored + 1, 'it was counted as ignored');
  } finally {
    fx.close();
    p.close();
    outsider.close();
  }
});

loop('a port another process holds: openudp throws ERR_PORT_IN_USE at once, onfault says where', async () => {
  const fx = nodeFixture({ hosts: [33], base: 22000 });
  const blocker = await peer('127.77.0.33', 22020);
  const shared = await peer('127.255.255.255', 22022);
  try {
    const f = fx.devices[0].rt.imp.net.open({ interface: 'eth0' });
    await fx.until(() => f.getstate() === 1, 'connected');
    assert.throws(() => f.openudp(null, 22020), (e: any) => e.code === 'ERR_PORT_IN_USE');
    assert.equal(fx.faults(), ['192.168.77.33: ERR_PORT_IN_USE port 22020 is already in use on 127.77.0.33']);
    assert.throws(() => f.openudp(null, 22022), (e: any) => e.code === 'ERR_PORT_IN_USE', 'the broadcast address is held without SO_REUSEADDR');
    assert.is(fx.faults()[1], '192.168.77.33: ERR_PORT_IN_USE port 22022 is already in use on 127.255.255.255');
    assert.equal(fx.drivers[0].bound(), [], 'a failed open leaves no socket bound');
    const s = f.openudp(null, 22021);
    assert.equal(fx.drivers[0].bound(), ['127.77.0.33:22021', '127.255.255.255:22021']);
    await new Promise<void>((r) => blocker.close(r));
    const again = f.openudp(null, 22020);
    assert.ok(again.isopen() && s.isopen());
  } finally {
    fx.close();
    for (const s of [blocker, shared]) shut(s);
  }
});

loop('link states: static config, an address outside the LAN, shutdown frees every port', async () => {
  const fx = nodeFixture({ hosts: [35], base: 22000 });
  try {
    const seen: number[] = [];
    const f = fx.devices[0].rt.imp.net.open({ interface: 'eth0', staticconfig: { ip: '192.168.77.36' } }, (s: number) => seen.push(s));
    await fx.until(() => seen[seen.length - 1] === 1, 'connected');
    assert.equal(seen, [0, 200, 1], 'no DHCP step with a static address');
    assert.is(f.getiptable().ipv4.address, '192.168.77.36');
    f.openudp(null, 22030);
    assert.equal(fx.drivers[0].bound(), ['127.77.0.36:22030', '127.255.255.255:22030']);
    fx.drivers[0].shutdown();
    const again = await peer('127.77.0.36', 22030);
    again.close();
    const bad: number[] = [];
    fx.devices[0].rt.imp.net.open({ interface: 'wl0', wificonfig: { ssid: 'x' }, staticconfig: { ip: '10.1.2.3' } }, (s: number) => bad.push(s));
    await fx.until(() => bad.includes(106), 'WIFI_STOPPED_UNHAPPY');
    assert.equal(bad, [0, 106]);
    assert.throws(() => createNodeDriver({ lan: 'loopback', ip: '192.168.77.255' }), (e: any) => e.code === 'ERR_BAD_IP');
    assert.throws(() => createNodeDriver({ lan: 'loopback', ip: '10.0.0.2' }), (e: any) => e.code === 'ERR_BAD_IP');
  } finally {
    fx.close();
  }
});

loop('a send the kernel refuses (a broadcast from a socket without SO_BROADCAST: EACCES) is counted as failed and reported with its destination', async () => {
  const faults: string[] = [], w = eventWaiter();
  // this driver's sockets never get SO_BROADCAST (the real call is skipped while it opens)
  const setBroadcast = dgram.Socket.prototype.setBroadcast;
  const d = createNodeDriver({ lan: 'loopback', ip: '192.168.77.38', onfault: (c, m, port) => { faults.push(`${c} ${m} (${port})`); w.pulse(); } });
  try {
    await new Promise<void>((resolve) => d.up('eth0', {}, (s) => { if (s === 1) resolve(); }));
    dgram.Socket.prototype.setBroadcast = function () {};
    const h = d.open('eth0', 22052, { _recv: () => {} });
    dgram.Socket.prototype.setBroadcast = setBroadcast;
    assert.is(d.send(h, '192.168.77.255', 22053, new Uint8Array([1])), 0, 'handed to Node: the kernel answers later');
    assert.is(d.send(h, '192.168.77.255', 22054, 'text'), 0);
    // bytes again: lent to Node this time (the copied send was not queued), a broadcast still with its callback
    assert.is(d.send(h, '192.168.77.255', 22055, new Uint8Array([2])), 0);
    await w.until(() => faults.length === 3, 'all three failures');
    assert.is(d.counters.failed, 3);
    assert.equal(faults, [
      `ERR_SEND send to ${LOOPBACK_BROADCAST}:22053 failed: EACCES (22052)`,
      `ERR_SEND send to ${LOOPBACK_BROADCAST}:22054 failed: EACCES (22052)`,
      `ERR_SEND send to ${LOOPBACK_BROADCAST}:22055 failed: EACCES (22052)`,
    ]);
    assert.is(d.counters.sent, 3, 'sent counts what was handed over');
  } finally {
    dgram.Socket.prototype.setBroadcast = setBroadcast;
    d.shutdown();
  }
});

loop('bytes overwritten right after send() leave as they were at send(), lent to Node or copied', async () => {
  // in this process Node sends at once: the driver lends the bytes from the second send on
  const here = await overwriteAfterSend(37, 22050);
  assert.equal(here.got, here.sent);
  assert.is(here.queued, 0);
  assert.is(here.lent, here.sent.length - 1, 'every send after the first lends the bytes');
  // with --test-udp-no-try-send Node queues every send: the driver copies every time
  const child = spawn(process.execPath, ['--test-udp-no-try-send', '--import', 'tsx', 'test/support/overwrite-after-send.ts', '37', '22056'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (b) => { out += b; });
  await new Promise<void>((resolve) => child.on('close', () => resolve()));
  const queued = JSON.parse(out);
  assert.is(queued.error, undefined);
  assert.equal(queued.got, queued.sent);
  assert.ok(queued.queued > 0, 'Node queued the sends');
  assert.is(queued.lent, 0, 'nothing lent while sends are queued');
});

const real = suite('node driver: real-LAN mode on an injected loopback interface');

/** An interface list whose only non-internal IPv4 interface is 127.0.0.1/8. */
const LO_ONLY = () => ({ lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', internal: false, mac: '00:00:00:00:00:00', cidr: '127.0.0.1/8' }] }) as any;

real('binds the unicast, subnet-broadcast and limited-broadcast sockets; toAddress is exact', async () => {
  const w = eventWaiter();
  const faults: string[] = [];
  const d = createNodeDriver({ lan: 'real', interfaces: LO_ONLY, onfault: (c, m) => faults.push(c + ' ' + m) });
  const links: number[] = [];
  const got: [string, string, number, string | null][] = [];
  const p = await peer('127.0.0.1', 22040);
  try {
    assert.is(d.up('eth0', {}, (l) => { links.push(l); w.pulse(); }), 0);
    assert.equal(links, [], 'reports come later');
    await w.until(() => links[links.length - 1] === 1, 'link 1');
    assert.equal(links, [4, 5, 1]);
    assert.equal(d.addr('eth0'), { address: '127.0.0.1', netmask: '255.0.0.0', broadcast: '127.255.255.255' });
    const h = d.open('eth0', 22041, { _recv: (data, from, port, to) => { got.push([Buffer.from(data as Uint8Array).toString(), from, port, to]); w.pulse(); } });
    assert.ok(h >= 0);
    assert.equal(d.bound(), ['127.0.0.1:22041', '127.255.255.255:22041', '255.255.255.255:22041']);
    p.setBroadcast(true);
    p.send('uni', 22041, '127.0.0.1');
    await w.until(() => got.length === 1, 'unicast');
    p.send('bcast', 22041, '127.255.255.255');
    await w.until(() => got.length === 2, 'broadcast');
    assert.equal(got, [['uni', '127.0.0.1', 22040, '127.0.0.1'], ['bcast', '127.0.0.1', 22040, '127.255.255.255']]);
    // SO_BROADCAST is set: a send to the (loopback) broadcast address is accepted by the kernel.
    const bl = await peer('127.255.255.255', 22042, true);
    listenAll(bl, w);
    assert.is(d.send(h, '127.255.255.255', 22042, new Uint8Array([7])), 0);
    await w.until(() => bl.got.length === 1, 'the driver broadcast');
    assert.equal(bl.got[0].data, Buffer.from([7]));
    bl.close();
    assert.equal(faults, []);
  } finally {
    d.shutdown();
    p.close();
  }
});

real('sends with TTL 1 (read by a CPython receiver with IP_RECVTTL)', async () => {
  const py = spawn('python3', ['-c', [
    'import socket, struct, sys',
    'r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
    'r.setsockopt(socket.IPPROTO_IP, 12, 1)', // IP_RECVTTL
    'r.bind(("127.0.0.1", 22050))',
    'print("ready", flush=True)',
    'data, anc, flags, addr = r.recvmsg(100, socket.CMSG_SPACE(4))',
    'print(data.decode(), [struct.unpack("i", d)[0] for l, t, d in anc if t == 2], addr[1], flush=True)',
  ].join('\n')]);
  let out = '';
  const w = eventWaiter();
  py.stdout.on('data', (b) => { out += b; w.pulse(); });
  py.stderr.on('data', (b) => { out += b; w.pulse(); });
  const d = createNodeDriver({ lan: 'real', interfaces: LO_ONLY });
  try {
    await w.until(() => out.includes('ready'), 'the python receiver');
    let up = false;
    d.up('eth0', {}, (l) => { up = l === 1; w.pulse(); });
    await w.until(() => up, 'link up');
    const h = d.open('eth0', 22051, { _recv: () => {} });
    assert.is(d.send(h, '127.0.0.1', 22050, new TextEncoder().encode('ttl?')), 0);
    await w.until(() => /^ready\n.*\n/.test(out), 'the python report');
    assert.is(out.split('\n')[1], 'ttl? [1] 22051');
  } finally {
    d.shutdown();
    py.kill();
  }
});

real('no usable interface: the link is reported unhappy', async () => {
  const w = eventWaiter();
  for (const list of [() => ({}), () => ({ lo: [{ ...LO_ONLY().lo[0], internal: true }] })]) {
    const d = createNodeDriver({ lan: 'real', interfaces: list as any });
    const links: number[] = [];
    d.up('eth0', {}, (l) => { links.push(l); w.pulse(); });
    await w.until(() => links.length === 1, 'a report');
    assert.equal(links, [7]);
    assert.is(d.addr('eth0'), null);
    assert.is(d.open('eth0', 22060, { _recv: () => {} }), -1);
  }
});

const plat = suite('host platform');

plat('clock, timers from the event loop, cancel', async () => {
  const p = createHostPlatform({ stateFile: '/nonexistent/never-written.json', write: () => {} });
  const t0 = p.now();
  assert.ok(Number.isInteger(t0));
  const order: string[] = [];
  p.timer(0, () => order.push('a'));
  const cancelled = p.timer(0, () => order.push('cancelled'));
  p.timer(0, () => order.push('b'));
  p.cancel(cancelled);
  const late = p.timer(5, () => order.push('late'));
  p.cancel(late);
  order.push('sync');
  await new Promise<void>((r) => p.timer(20, r));
  assert.equal(order, ['sync', 'a', 'b']);
  const t1 = p.now();
  // the clock is whole milliseconds and a timer may fire within the 20th: only "it moved on" is certain
  assert.ok(Number.isInteger(t1) && t1 > t0, `${t0} -> ${t1}`);
});

plat('storage persists as JSON in the state file; a bad file loads as empty', () => {
  const dir = mkdtempSync(join(tmpdir(), 'espimp-plat-'));
  try {
    const file = join(dir, 'sub', 'state.json');
    const a = createHostPlatform({ stateFile: file, write: () => {} });
    assert.is(a.load('k'), null);
    a.save('k', '{"nii":"eth0"}');
    a.save('toString', 'x');
    assert.equal(JSON.parse(readFileSync(file, 'utf8')), { k: '{"nii":"eth0"}', toString: 'x' });
    const b = createHostPlatform({ stateFile: file, write: () => {} });
    assert.is(b.load('k'), '{"nii":"eth0"}');
    assert.is(b.load('constructor'), null);
    writeFileSync(file, '{not json');
    const c = createHostPlatform({ stateFile: file, write: () => {} });
    assert.is(c.load('k'), null);
    c.save('k', 'v');
    assert.equal(JSON.parse(readFileSync(file, 'utf8')), { k: 'v' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

plat('the default console timestamps lines; ERROR: lines go to stderr', () => {
  const out: string[] = [], err: string[] = [];
  const so = process.stdout.write, se = process.stderr.write;
  (process.stdout as any).write = (s: string) => { out.push(s); return true; };
  (process.stderr as any).write = (s: string) => { err.push(s); return true; };
  try {
    stampedWrite('hello');
    stampedWrite('ERROR: bad');
  } finally {
    process.stdout.write = so;
    process.stderr.write = se;
  }
  assert.is(out.length, 1);
  assert.match(out[0], /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] hello\n$/);
  assert.is(err.length, 1);
  assert.match(err[0], /^\[[^\]]+\] ERROR: bad\n$/);
});

mapping.run();
loop.run();
real.run();
plat.run();
