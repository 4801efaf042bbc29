// @serial: real sockets on the shared loopback LAN and the group 224.0.0.251:5353 on `lo` (see test/run.js).
// Link-local multicast (extension, docs/decisions.md): udpsocket.join/leave validation, the one
// addition to send()'s private-only rule, delivery on the simulated LAN, and on the PC's loopback
// LAN (real multicast pinned to 127.0.0.1: proven from the socket options the driver sets), with a
// Python peer joined on the loopback interface. Hosts 127.77.0.231-233: this file's own.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { spawn } from 'node:child_process';
import { Lan } from '../hal/mock/lan';
import { boot, connect, connectedLan, codeOf, held, wrong, type ConnectedDevice } from './support/runtime';
import { nodeFixture } from './support/conformance/fixtures';
import { MESSAGES } from '../host/messages';
import { startDevice } from '../host/espruino/interpreter';
import { standinsFor, netFile } from '../host/espruino/standins';
import { bundleOf, runWithInterpreter } from './support/espruino-device';
import type { blob } from '../firmware/api';

const G = '224.0.0.251', MDNS = 5353;

const valid = suite('multicast: join/leave checks');

valid('join/leave take 224.0.0.1-255 only: anything else throws ERR_BAD_GROUP', () => {
  const { devices: [{ f }] } = connectedLan(1);
  const s = f.openudp(() => {}, 5000);
  for (const g of ['239.1.2.3', '224.0.1.1', '224.1.0.1', '224.0.0.0', '192.168.1.3', '255.255.255.255', '224.0.0.01', '224.0.0', 'x', 7, null, undefined]) {
    assert.is(codeOf(() => s.join(wrong(g))), 'ERR_BAD_GROUP', String(g));
    assert.is(codeOf(() => s.leave(wrong(g))), 'ERR_BAD_GROUP', String(g));
  }
  assert.ok(s.isopen(), 'a bad group does not close the socket');
  assert.is(codeOf(() => s.join(G)), 'no throw');
  assert.is(codeOf(() => s.join(G)), 'no throw', 'joining twice');
  assert.is(codeOf(() => s.leave(G)), 'no throw');
  assert.is(codeOf(() => s.leave(G)), 'no throw', 'leaving a group not joined');
  assert.type(MESSAGES.ERR_BAD_GROUP, 'string');
  s.close();
  assert.is(codeOf(() => s.join(G)), 'ERR_SOCKET_CLOSED');
  assert.is(codeOf(() => s.leave(G)), 'ERR_SOCKET_CLOSED');
});

valid('a driver without join: ERR_NOT_SUPPORTED', () => {
  const lan = new Lan();
  const { f } = connect(lan, boot(lan, 2, {}, { patch: { join: undefined, leave: undefined } }));
  const s = f.openudp(() => {}, 5000);
  assert.is(codeOf(() => s.join(G)), 'ERR_NOT_SUPPORTED');
  const refusing = boot(lan, 3, {}, { patch: { join: () => -1 } });
  assert.is(codeOf(() => connect(lan, refusing).f.openudp(() => {}, 5000).join(G)), 'ERR_NOT_SUPPORTED', 'driver join < 0');
});

valid('send: a group passes only once joined (else ERR_NOT_PRIVATE, closed); 239.1.2.3 never', () => {
  const { devices: [{ f }] } = connectedLan(1);
  let s = f.openudp(() => {}, 5000);
  assert.is(codeOf(() => s.send(G, MDNS, 'q')), 'ERR_NOT_PRIVATE');
  assert.not.ok(s.isopen());
  s = f.openudp(() => {}, 5000);
  assert.is(codeOf(() => s.send('239.1.2.3', MDNS, 'q')), 'ERR_NOT_PRIVATE');
  s = f.openudp(() => {}, 5000);
  s.join(G);
  assert.is(s.send(G, MDNS, 'q'), 0);
  assert.is(s.send(G, MDNS, 'q'), 0, 'again (fast path)');
  assert.is(codeOf(() => s.send('224.0.0.252', MDNS, 'q')), 'ERR_NOT_PRIVATE', 'another group');
  s = f.openudp(() => {}, 5000);
  s.join(G);
  s.send(G, MDNS, 'q');
  s.leave(G);
  assert.is(codeOf(() => s.send(G, MDNS, 'q')), 'ERR_NOT_PRIVATE', 'after leave, even on the fast path');
  assert.not.ok(s.isopen());
  s = f.openudp(() => {}, 5000);
  s.join(G);
  s.send(G, MDNS, 'q');
  s.leave(G);
  assert.is(codeOf(() => s.send('', MDNS, 'q')), 'ERR_BAD_ADDRESS', 'leave() forgets the good address: "" is not it');
});

valid('join binds an unbound socket to an ephemeral port', () => {
  const { lan, devices: [{ f }] } = connectedLan(1);
  const s = f.openudp(() => {});
  assert.equal(held(lan), []);
  s.join(G);
  const ports = held(lan);
  assert.is(ports.length, 1);
  assert.ok(ports[0] >= 49152 && ports[0] <= 65535, String(ports[0]));
});

valid('sends to a group share the rate limit and the counters', () => {
  const { devices: [{ f }] } = connectedLan(1);
  const s = f.openudp(() => {}, 5000);
  s.join(G);
  const codes: number[] = [];
  for (let i = 0; i < 101; i++) codes.push(s.send(G, MDNS, 'q'));
  assert.is(codes.filter((c) => c === 0).length, 100);
  assert.is(codes[100], 4);
  assert.is(s.stats().sent, 100);
  assert.is(s.stats().refused, 1);
});

valid.run();

const mock = suite('multicast: simulated LAN');

mock('members receive with toAddress = group; non-members and the sending socket do not; leave stops delivery', () => {
  const { lan, devices } = connectedLan(3);
  const got: { [who: string]: string[] } = {};
  const sock = ({ f, ip }: ConnectedDevice, join: boolean, port = MDNS) => {
    const key = `${ip}:${port}`;
    got[key] = [];
    const s = f.openudp((from, fp, to, tp, d) => got[key].push(`${from}:${fp}>${to}:${tp} ${d.tostring()}`), port);
    if (join) s.join(G);
    return { s, f };
  };
  const a = sock(devices[0], true), b = sock(devices[1], true), c = sock(devices[2], false);
  // a second socket of device 2, on another port, sends: its own device's member hears it
  const a2 = a.f.openudp(() => {}, 6000);
  a2.join(G);
  assert.is(a2.send(G, MDNS, 'who'), 0);
  lan.run(10);
  assert.equal(got['192.168.1.2:5353'], [`192.168.1.2:6000>${G}:5353 who`]);
  assert.equal(got['192.168.1.3:5353'], [`192.168.1.2:6000>${G}:5353 who`]);
  assert.equal(got['192.168.1.4:5353'], [], 'not a member');
  assert.is(lan.sent({ to: G }).length, 1, 'one datagram on the wire');
  // a member sends: the others hear, not itself
  b.s.send(G, MDNS, 'me');
  lan.run(10);
  assert.is(got['192.168.1.2:5353'].length, 2);
  assert.is(got['192.168.1.3:5353'].length, 1, 'the sending socket does not hear itself');
  b.s.leave(G);
  a.s.send(G, MDNS, 'again');
  lan.run(10);
  assert.is(got['192.168.1.3:5353'].length, 1, 'left: nothing more');
  assert.equal(got['192.168.1.4:5353'], []);
  c.s.close();
});

mock.run();

// ---- the PC: node driver on the loopback LAN ----

/** Every dgram socket call that decides where multicast goes, in order, per socket. */
interface Spy { calls: { sock: dgram.Socket; what: string; args: unknown[] }[]; restore(): void }
function spyDgram(): Spy {
  const proto = dgram.Socket.prototype as any, names = ['setMulticastInterface', 'setMulticastTTL', 'addMembership', 'send', 'bind'];
  const saved = names.map((n) => proto[n]);
  const calls: Spy['calls'] = [];
  names.forEach((n, i) => {
    proto[n] = function (this: dgram.Socket, ...args: unknown[]) {
      calls.push({ sock: this, what: n, args });
      return saved[i].apply(this, args);
    };
  });
  return { calls, restore: () => names.forEach((n, i) => { proto[n] = saved[i]; }) };
}

/** Check that every send to 224/4 went from a socket with multicast interface 127.0.0.1 and TTL 1 set before, and every membership is on 127.0.0.1. */
function provenLoopbackOnly(spy: Spy): number {
  let groupSends = 0;
  for (const [i, c] of spy.calls.entries()) {
    if (c.what === 'addMembership') assert.is(c.args[1], '127.0.0.1', 'membership on the loopback interface');
    if (c.what !== 'send') continue;
    const dst = c.args.find((a) => typeof a === 'string' && /^\d+\.\d+\.\d+\.\d+$/.test(a)) as string;
    if (!/^2(2[4-9]|3\d)\./.test(dst)) {
      assert.ok(dst.startsWith('127.'), `unicast/broadcast on loopback: ${dst}`);
      continue;
    }
    groupSends++;
    const before = spy.calls.slice(0, i).filter((b) => b.sock === c.sock);
    assert.ok(before.some((b) => b.what === 'setMulticastInterface' && b.args[0] === '127.0.0.1'), `send to ${dst}: multicast interface 127.0.0.1 set first`);
    assert.ok(before.some((b) => b.what === 'setMulticastTTL' && b.args[0] === 1), `send to ${dst}: TTL 1 set first`);
    assert.ok(before.some((b) => b.what === 'bind' && String(b.args[1]).startsWith('127.77.0.')), 'from a socket bound on loopback');
  }
  return groupSends;
}

const pc = suite('multicast: node driver on the loopback LAN');

/** Two devices 192.168.77.231/232 on the loopback LAN; a mDNS-style responder on the first, a querier on the second. */
async function mdnsPair(spy: Spy) {
  const fx = nodeFixture({ hosts: [231, 232], base: 5353 });
  const [A, B] = fx.devices;
  const fa = A.rt.imp.net.open(fx.nic), fb = B.rt.imp.net.open(fx.nic);
  await fx.until(() => fa.getstate() === 1 && fb.getstate() === 1, 'both connected');
  const answers: string[] = [], queries: string[] = [];
  const ip = A.rt.imp.net.info().ipv4.address;
  const responder = fa.openudp((from: string, fp: number, to: string, tp: number, d: blob) => {
    queries.push(`${from}:${fp}>${to}:${tp} ${d.tostring()}`);
    if (d.tostring() === 'Q espimp.local') responder.send(G, MDNS, `A espimp.local ${ip}`);
    fx.pulse();
  }, MDNS);
  responder.join(G);
  const querier = fb.openudp((from: string, fp: number, to: string, tp: number, d: blob) => {
    answers.push(`${from}:${fp}>${to}:${tp} ${d.tostring()}`);
    fx.pulse();
  }, MDNS);
  querier.join(G);
  return { fx, responder, querier, answers, queries, spy };
}

pc('two devices find each other through a 224.0.0.251:5353 query/answer; multicast never leaves lo', async () => {
  const spy = spyDgram();
  let fx;
  try {
    const m = await mdnsPair(spy);
    fx = m.fx;
    assert.is(m.querier.send(G, MDNS, 'Q espimp.local'), 0);
    await fx.until(() => m.answers.length > 0, 'the answer');
    assert.equal(m.queries, [`192.168.77.232:5353>${G}:5353 Q espimp.local`]);
    assert.equal(m.answers, [`192.168.77.231:5353>${G}:5353 A espimp.local 192.168.77.231`]);
    assert.is(m.querier.stats().sent, 1);
    assert.is(m.querier.stats().delivered, 1, 'the querier does not hear its own query');
    assert.ok(fx.drivers[0].bound().includes(`${G}:${MDNS}`), fx.drivers[0].bound().join());
    // left: the responder hears no more queries
    m.responder.leave(G);
    assert.not.ok(fx.drivers[0].bound().includes(`${G}:${MDNS}`));
    m.querier.send(G, MDNS, 'Q espimp.local');
    // a fence sent after it to the responder's own address: once it is in, the query would be too
    m.querier.send('192.168.77.231', MDNS, 'fence');
    await fx.until(() => m.queries.some((q) => q.endsWith(' fence')), 'the fence');
    assert.equal(m.queries.filter((q) => !q.endsWith(' fence')).length, 1, 'no query after leave');
    assert.ok(provenLoopbackOnly(spy) >= 3);
    assert.equal(fx.faults(), []);
  } finally {
    spy.restore();
    fx?.close();
  }
});

pc('a send to 239.1.2.3 throws ERR_NOT_PRIVATE; the driver refuses a group not joined, and every group in real mode', async () => {
  const fx = nodeFixture({ hosts: [233], base: 5400 });
  try {
    const f = fx.devices[0].rt.imp.net.open(fx.nic);
    await fx.until(() => f.getstate() === 1, 'connected');
    const s = f.openudp(() => {}, 5400);
    assert.is(codeOf(() => s.join('239.1.2.3')), 'ERR_BAD_GROUP');
    assert.is(codeOf(() => s.send('239.1.2.3', MDNS, 'x')), 'ERR_NOT_PRIVATE');
    const d = fx.drivers[0], h = d.open('eth0', 5401, { _recv: () => {} });
    assert.ok(h >= 0);
    assert.is(d.send(h, G, MDNS, 'x'), -1, 'not joined');
    assert.is(d.join!(h, '239.1.2.3'), -1);
    assert.is(d.send(h, '239.1.2.3', MDNS, 'x'), -1);
    assert.is(d.join!(h, G), 0);
    assert.is(d.send(h, G, MDNS, 'x'), 0);
    assert.is(d.leave!(h, G), 0);
    assert.is(d.send(h, G, MDNS, 'x'), -1, 'left');
  } finally {
    fx.close();
  }
});

pc('a Python peer joined on 127.0.0.1 sees the query and the answer', async () => {
  const py = `
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('${G}', ${MDNS}))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, struct.pack('4s4s', socket.inet_aton('${G}'), socket.inet_aton('127.0.0.1')))
s.settimeout(8)
print('ready', flush=True)
try:
    while True:
        d, a = s.recvfrom(2048)
        print(a[0], a[1], d.decode(), flush=True)
        if d.startswith(b'A '): break
except socket.timeout:
    print('timeout', flush=True)
`;
  const child = spawn('python3', ['-c', py], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout.on('data', (b) => { out += b; });
  child.stderr.on('data', (b) => { err += b; });
  const exited = new Promise((r) => child.on('close', r));
  const spy = spyDgram();
  let fx;
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('python peer not ready: ' + err)), 5000);
      child.stdout.on('data', () => { if (out.includes('ready')) { clearTimeout(t); resolve(); } });
    });
    const m = await mdnsPair(spy);
    fx = m.fx;
    m.querier.send(G, MDNS, 'Q espimp.local');
    await exited;
    const lines = out.trim().split('\n');
    assert.ok(lines.includes('127.77.0.232 5353 Q espimp.local'), out + err);
    assert.ok(lines.includes('127.77.0.231 5353 A espimp.local 192.168.77.231'), out + err);
    provenLoopbackOnly(spy);
  } finally {
    spy.restore();
    child.kill();
    fx?.close();
  }
});

pc.run();

// ---- the example, on the simulated LAN and on a board (real interpreter, where it is unsupported) ----

const example = suite('multicast: examples/mdns');

example('three devices of `espimp sim` find each other', async () => {
  const child = spawn(process.execPath, ['bin/espimp.js', 'sim', 'examples/mdns/mdns.js', 'examples/mdns/mdns.js', 'examples/mdns/mdns.js', '--duration', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b) => { out += b; });
  child.stderr.on('data', (b) => { out += b; });
  const code = await new Promise((r) => child.on('close', r));
  assert.is(code, 0, out);
  for (const [a, b] of [[1, 2], [1, 3], [2, 1], [2, 3], [3, 1], [3, 2]]) {
    assert.match(out, new RegExp(`mdns@${a}  found espimp-${b}\\.local at 192\\.168\\.77\\.${b}`), out);
  }
});

const board = suite('multicast: a board bundle (espruino-wifi, real interpreter)');

board('join throws ERR_NOT_SUPPORTED (the board drivers have no multicast yet); nothing goes to the group', async () => {
  const dev = await startDevice({ kind: '64', boot: standinsFor('espruino-wifi'), app: await bundleOf('espruino-wifi', 'examples/mdns/mdns.js'), files: netFile() });
  try {
    await dev.until(() => dev.lines.some((l) => l.includes('no link-local multicast here')), 'the example giving up');
    assert.ok(dev.lines.includes('ERROR: no link-local multicast here (ERR_NOT_SUPPORTED)'), dev.lines.join('\n'));
    assert.equal(await dev.call('STANDIN.real'), {});
    assert.equal(await dev.call('STANDIN.refused'), {});
  } finally {
    await dev.kill();
  }
});

example.run();
runWithInterpreter('multicast on a board bundle', board);
