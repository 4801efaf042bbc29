// Spec sections 7b and 2: udpsocket.close()/isopen() and interface.close() — what closing
// frees, what it discards, what throws afterwards, and opening again.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Lan } from '../hal/mock/lan';
import { boot, connect, connectedLan, codeOf, held, WIFI } from './support/runtime';

const THERE = '192.168.1.3';

const sock = suite('udpsocket.close / isopen');

sock('isopen is true from openudp until close; a second close does nothing', () => {
  const { devices: [{ f }] } = connectedLan(1);
  const s = f.openudp(null, 2000);
  assert.is(s.isopen(), true);
  assert.is(s.close(), undefined);
  assert.is(s.isopen(), false);
  assert.is(codeOf(() => s.close()), 'no throw');
  assert.is(s.isopen(), false);
});

sock('after close every other method throws ERR_SOCKET_CLOSED', () => {
  const { lan, devices: [{ f }] } = connectedLan(1);
  const s = f.openudp(() => {}, 2000);
  s.close();
  assert.is(codeOf(() => s.send(THERE, 2000, 'x')), 'ERR_SOCKET_CLOSED');
  assert.is(codeOf(() => s.onreceive(() => {})), 'ERR_SOCKET_CLOSED');
  assert.is(codeOf(() => s.onreceive(null)), 'ERR_SOCKET_CLOSED');
  assert.is(lan.wire.length, 0);
});

sock('close frees the port: the same localPort opens again, and nothing reaches the closed socket', () => {
  const { lan, devices: [{ f }, peer] } = connectedLan(2);
  const old: string[] = [];
  const s = f.openudp(() => old.push('old'), 2000);
  s.close();
  assert.equal(held(lan), []);
  const fresh: string[] = [];
  const t = f.openudp(() => fresh.push('new'), 2000);
  assert.ok(t.isopen());
  const tx = peer.f.openudp();
  tx.send('192.168.1.2', 2000, 'x');
  lan.run(10);
  assert.equal([old, fresh], [[], ['new']]);
});

sock('an ephemeral port is freed by close too', () => {
  const { lan, devices: [{ f }] } = connectedLan(1);
  const s = f.openudp();
  s.send(THERE, 9, 'x');
  const port = lan.wire[0].fromPort;
  assert.equal(held(lan), [port]);
  s.close();
  assert.equal(held(lan), []);
});

sock('datagrams queued when the socket closes are discarded, not delivered', () => {
  const { lan, devices: [{ f }, peer] } = connectedLan(2);
  const seen: string[] = [];
  const s2 = f.openudp(() => seen.push('s2'), 2001);
  f.openudp(() => { seen.push('s1'); s2.close(); }, 2000);
  const tx = peer.f.openudp();
  tx.send('192.168.1.2', 2000, 'a');
  tx.send('192.168.1.2', 2001, 'b');
  lan.run(10);
  assert.equal(seen, ['s1'], 's2 had "b" queued when s1\'s handler closed it');
  assert.is(s2.stats().received, 1);
  assert.is(s2.stats().delivered, 0);
});

const iface = suite('interface.close');

iface('closes all its sockets, frees their ports, reports UNKNOWN asynchronously', () => {
  const { lan, devices: [b] } = connectedLan(1);
  const { f, states } = b;
  const w = connect(lan, b, 'wl0', { wificonfig: WIFI });
  const socks = [f.openudp(null, 2000), f.openudp(), f.openudp(() => {}, 2001)];
  socks[1].send(THERE, 9, 'bind');
  const other = w.f.openudp(null, 3000);
  const before = states.length;
  f.close();
  assert.is(states.length, before, 'not reported from inside close()');
  assert.is(f.getstate(), -1);
  assert.not.ok(b.dev.connected('eth0'), 'the driver link is released');
  assert.equal(socks.map((s) => s.isopen()), [false, false, false]);
  assert.equal(held(lan), [3000], 'only the other interface\'s socket keeps its port');
  assert.ok(other.isopen());
  lan.run(0);
  assert.equal(states.slice(before), [-1]);
  assert.is(codeOf(() => f.openudp()), 'ERR_NOT_AVAILABLE');
  assert.is(codeOf(() => socks[0].send(THERE, 9, 'x')), 'ERR_SOCKET_CLOSED');
  assert.is(other.send(THERE, 9, 'still fine'), 0);
});

iface('a second interface.close() does nothing; closing while starting stops the attempt', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const states: number[] = [];
  const f = b.rt.imp.net.open({ interface: 'eth0' }, (s: number) => states.push(s));
  lan.run(15);
  f.close();
  f.close();
  lan.run(1000);
  assert.equal(states, [0, 200, -1]);
  assert.is(f.getstate(), -1);
  assert.not.ok(b.dev.connected('eth0'), 'the driver gave up the attempt');
});

iface('late reports from a driver after close or restart are ignored', () => {
  const lan = new Lan();
  const { rt } = boot(lan, 2, {}, { patch: { up: (_n, _c, report) => { lan.clock.timer(50, () => report(1)); return 0; }, down: () => {} } });
  const states: number[] = [];
  const f = rt.imp.net.open({ interface: 'eth0' }, (s: number) => states.push(s));
  lan.run(10);
  f.close();
  lan.run(100);
  assert.equal(states, [0, -1], 'the first attempt\'s CONNECTED came after close');
  assert.is(f.getstate(), -1);
  lan.run(1);
  rt.imp.net.open({ interface: 'eth0' });
  lan.run(30);
  f.close();
  rt.imp.net.open({ interface: 'eth0' });
  lan.run(30);
  assert.is(f.getstate(), 0, 'the second attempt\'s report (at 50 ms) does not connect the third');
  lan.run(30);
  assert.is(f.getstate(), 1);
});

iface('re-opening after close connects again, and the same local port can be bound', () => {
  const { lan, devices: [b, peer] } = connectedLan(2);
  const { f } = b;
  f.openudp(null, 2000);
  f.close();
  lan.run(10);
  const again: number[] = [];
  const g = b.rt.imp.net.open({ interface: 'eth0' }, (s: number) => again.push(s));
  lan.run(200);
  assert.ok(g === f);
  assert.equal(again, [0, 200, 201, 1]);
  const got: string[] = [];
  g.openudp((_a, _p, _t, _tp, d) => got.push(d.tostring()), 2000);
  const tx = peer.f.openudp();
  tx.send('192.168.1.2', 2000, 'back');
  lan.run(10);
  assert.equal(got, ['back']);
});

iface('closing a stopped interface makes it idle; closing an idle one reports nothing', () => {
  const { lan, devices: [b] } = connectedLan(1);
  const { f, states } = b;
  b.dev.unplug('cable');
  lan.run(10);
  f.close();
  lan.run(10);
  assert.equal(states.slice(-2), [204, -1]);
  b.dev.plug('cable');
  lan.run(1000);
  assert.is(states.at(-1), -1, 'a closed interface does not come back with the cable');
  f.close();
  lan.run(10);
  assert.is(states.filter((s) => s === -1).length, 1);
});

sock.run();
iface.run();
