// Spec section 4: interface.openudp(onreceive?, localPort?) — where it throws, local port
// rules, unbound sockets, and the ephemeral port the first successful send binds.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Lan } from '../hal/mock/lan';
import { report } from '../firmware/reporter';
import { boot, connect, connectedLan, codeOf, held, WIFI, wrong } from './support/runtime';

const THERE = '192.168.1.3';

const where = suite('openudp: where it throws');

where('cellular: ERR_NOT_SUPPORTED, connected or not', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const f = b.rt.imp.net.open({ interface: 'cell0' });
  assert.is(codeOf(() => f.openudp()), 'ERR_NOT_SUPPORTED');
  lan.run(500);
  assert.is(f.getstate(), 1);
  assert.is(codeOf(() => f.openudp(null, 2000)), 'ERR_NOT_SUPPORTED');
  assert.is(codeOf(() => b.rt.imp.net.open({ interface: 'cell' }).openudp()), 'ERR_NOT_SUPPORTED');
  f.close();
  assert.is(codeOf(() => f.openudp()), 'ERR_NOT_SUPPORTED', 'closed');
});

where('closed (idle) or stopped interfaces: ERR_NOT_AVAILABLE', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const e = connect(lan, b, 'eth0');
  b.dev.unplug('cable');
  lan.run(10);
  assert.is(e.f.getstate(), 204);
  assert.is(codeOf(() => e.f.openudp()), 'ERR_NOT_AVAILABLE', 'ETHERNET_STOPPED_NO_LINK');
  e.f.close();
  assert.is(e.f.getstate(), -1);
  assert.is(codeOf(() => e.f.openudp(null, 3000)), 'ERR_NOT_AVAILABLE', 'UNKNOWN (closed)');
  const w = connect(lan, b, 'wl0', { wificonfig: { ssid: 'nope' } });
  assert.is(w.f.getstate(), 106);
  assert.is(codeOf(() => w.f.openudp()), 'ERR_NOT_AVAILABLE', 'WIFI_STOPPED_UNHAPPY');
  const c = boot(lan, 3);
  const r = connect(lan, c, 'wl0', { wificonfig: WIFI });
  c.dev.unplug('radio');
  lan.run(10);
  assert.is(r.f.getstate(), 105);
  assert.is(codeOf(() => r.f.openudp()), 'ERR_NOT_AVAILABLE', 'WIFI_STOPPED');
});

where('while the interface is still starting, openudp works (only stopped/idle refuse)', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const f = b.rt.imp.net.open({ interface: 'eth0' });
  const s = f.openudp(null, 2000);
  assert.ok(s.isopen());
  assert.is(s.send(THERE, 2000, 'early'), 1, 'not connected yet');
  lan.run(200);
  assert.is(s.send(THERE, 2000, 'later'), 0);
});

where('a bad callback: ERR_BAD_CALLBACK; null and undefined are fine', () => {
  const { devices: [{ f }] } = connectedLan(1);
  for (const cb of ['cb', 5, {}, true]) assert.is(codeOf(() => f.openudp(wrong(cb))), 'ERR_BAD_CALLBACK', String(cb));
  assert.ok(f.openudp(null).isopen());
  assert.ok(f.openudp(undefined, 2001).isopen());
});

where('localPort not an integer in 1024-65535: ERR_BAD_PORT, nothing bound', () => {
  const { lan, devices: [{ f }] } = connectedLan(1);
  for (const p of [1.5, 1023, 65536, NaN, '2000', 0, -1, Infinity, true, {}, 1024.0001]) {
    assert.is(codeOf(() => f.openudp(null, wrong(p))), 'ERR_BAD_PORT', String(p));
  }
  assert.is(held(lan).length, 0);
  assert.ok(f.openudp(null, 1024).isopen());
  assert.ok(f.openudp(null, 65535).isopen());
  assert.equal(held(lan), [1024, 65535]);
});

where('a port another open socket on the device holds: ERR_PORT_IN_USE, OK again once it closes', () => {
  const { lan, devices: [b, other] } = connectedLan(2);
  const e = b;
  const w = connect(lan, b, 'wl0', { wificonfig: WIFI });
  const s = e.f.openudp(null, 2000);
  assert.is(codeOf(() => e.f.openudp(null, 2000)), 'ERR_PORT_IN_USE');
  assert.is(codeOf(() => w.f.openudp(null, 2000)), 'ERR_PORT_IN_USE', 'held device-wide, across interfaces');
  assert.ok(other.f.openudp(null, 2000).isopen(), 'another device may hold the same port');
  s.close();
  const again = w.f.openudp(null, 2000);
  assert.ok(again.isopen());
});

where('the port check is the runtime\'s: also over a driver that binds per interface', () => {
  const lan = new Lan();
  let handles = 0;
  const { rt } = boot(lan, 2, {}, { patch: { open: () => handles++, close: () => {} } });
  const e = rt.imp.net.open({ interface: 'eth0' });
  const w = rt.imp.net.open({ interface: 'wl0', wificonfig: WIFI });
  lan.run(200);
  e.openudp(null, 2000);
  assert.is(codeOf(() => w.openudp(null, 2000)), 'ERR_PORT_IN_USE');
  assert.is(codeOf(() => e.openudp(null, 2000)), 'ERR_PORT_IN_USE');
  assert.is(handles, 1, 'the driver was not asked again');
});

where('a port an ephemeral bind took is in use for openudp too', () => {
  const { lan, devices: [{ f }] } = connectedLan(1);
  const s = f.openudp();
  assert.is(s.send(THERE, 9, 'x'), 0);
  const port = lan.wire[0].fromPort;
  assert.is(codeOf(() => f.openudp(null, port)), 'ERR_PORT_IN_USE');
  s.close();
  assert.ok(f.openudp(null, port).isopen());
});

where('a driver that cannot bind the port (held outside the runtime): ERR_PORT_IN_USE, nothing kept', () => {
  const lan = new Lan();
  const { rt } = boot(lan, 2, {}, { patch: (d) => ({ open: (nii, port, cb) => (port === 4000 ? -1 : d.open(nii, port, cb)) }) });
  const f = rt.imp.net.open({ interface: 'eth0' });
  lan.run(200);
  assert.is(codeOf(() => f.openudp(null, 4000)), 'ERR_PORT_IN_USE');
  assert.equal(report(rt.imp.net, 0).s, [], 'no socket kept (the live view lists every open one)');
  assert.ok(f.openudp(null, 4001).isopen());
  assert.equal(report(rt.imp.net, 0).s.map((row: number[]) => row[0]), [4001]);
});

const unbound = suite('openudp: unbound sockets and the ephemeral port');

unbound('an unbound socket holds no port and delivers nothing', () => {
  const { lan, devices: [a, b] } = connectedLan(2);
  const got: unknown[] = [];
  const s = a.f.openudp((...args: unknown[]) => got.push(args));
  assert.is(held(lan).length, 0);
  const t = b.f.openudp(null, 5000);
  for (const port of [0, 1024, 49152, 65535]) t.send('192.168.1.2', port, 'hello?');
  t.send('192.168.1.255', 49153, 'anyone?');
  lan.run(100);
  assert.equal(got, []);
  assert.is(s.stats().received, 0);
});

unbound('the first successful send binds a port in 49152-65535; later sends keep it', () => {
  const { lan, devices: [{ f }] } = connectedLan(1);
  const s = f.openudp();
  for (let i = 0; i < 5; i++) assert.is(s.send(THERE, 7000, 'n' + i), 0);
  const ports = lan.wire.map((w) => w.fromPort);
  assert.ok(ports[0] >= 49152 && ports[0] <= 65535, String(ports[0]));
  assert.equal(ports, [ports[0], ports[0], ports[0], ports[0], ports[0]]);
  assert.equal(held(lan), [ports[0]]);
});

unbound('devices whose Math.random() draws alike (every Espruino Linux-port process does) take different ephemeral ports at different times', () => {
  const { lan, devices: [a, b] } = connectedLan(2);
  const random = Math.random;
  try {
    Math.random = () => 0.5;
    assert.is(a.f.openudp().send(THERE, 7000, 'a'), 0);
    lan.run(1);
    assert.is(b.f.openudp().send(THERE, 7000, 'b'), 0);
  } finally {
    Math.random = random;
  }
  const [pa, pb] = lan.wire.map((w) => w.fromPort);
  assert.ok(pa >= 49152 && pb >= 49152 && pa <= 65535 && pb <= 65535, `${pa} ${pb}`);
  assert.is.not(pa, pb, 'the clock moves the start');
});

unbound('a send that is not connected, rate limited or a data error does not bind', () => {
  const lan = new Lan();
  const b = boot(lan, 2, { bucket: { capacity: 1000, refill: 1, cost: 1000 } });
  const f = b.rt.imp.net.open({ interface: 'eth0' });
  const s = f.openudp();
  assert.is(s.send(THERE, 7000, 'x'), 1);
  assert.is(held(lan).length, 0, 'not connected');
  lan.run(200);
  assert.is(codeOf(() => s.send(THERE, 7000, wrong(42))), 'ERR_BAD_DATA');
  assert.is(held(lan).length, 0, 'data error');
  const other = f.openudp();
  assert.is(other.send(THERE, 7000, 'takes the only token'), 0);
  assert.is(s.send(THERE, 7000, 'x'), 4);
  assert.is(held(lan).length, 1, 'rate limited: only the other socket is bound');
});

unbound('ephemeral ports never collide with ports held by open sockets (all but 12 held)', () => {
  const { lan, devices: [{ f }] } = connectedLan(1, { board: { ring: 16 } });
  const free = new Set([49152, 49153, 50000, 51234, 55555, 60000, 60001, 60002, 64000, 65533, 65534, 65535]);
  for (let p = 49152; p <= 65535; p++) if (!free.has(p)) f.openudp(null, p);
  const socks = Array.from({ length: 12 }, () => f.openudp());
  for (const s of socks) assert.is(s.send(THERE, 7000, 'x'), 0);
  const used = lan.wire.map((w) => w.fromPort);
  assert.equal([...used].sort((x, y) => x - y), [...free].sort((x, y) => x - y), 'exactly the free ports, each once');
  const late = f.openudp();
  assert.is(late.send(THERE, 7000, 'x'), 1, 'no free ephemeral port: a failure code, no throw');
  assert.is(lan.wire.length, 12, 'nothing sent');
  assert.is(late.stats().failed, 1);
  socks[3].close();
  assert.is(late.send(THERE, 7000, 'y'), 0, 'a port freed by close is used');
  assert.is(lan.wire.at(-1)!.fromPort, used[3]);
});

unbound('many unbound sockets get distinct ports spread over the range', () => {
  const { lan, devices: [{ f }] } = connectedLan(1, { board: { ring: 16 } });
  for (let i = 0; i < 90; i++) assert.is(f.openudp().send(THERE, 7000, 'x'), 0);
  const ports = lan.wire.map((w) => w.fromPort);
  assert.is(new Set(ports).size, 90);
  for (const p of ports) assert.ok(p >= 49152 && p <= 65535);
  const spread = Math.max(...ports) - Math.min(...ports);
  assert.ok(spread > 8000, `random, not sequential from one place (spread ${spread})`);
});

unbound('a port the driver refuses is skipped and not marked held', () => {
  const lan = new Lan();
  const refused: number[] = [];
  const { rt } = boot(lan, 2, {}, { patch: (d) => ({ open: (nii, port, cb) => (refused.length < 3 ? (refused.push(port), -1) : d.open(nii, port, cb)) }) });
  const f = rt.imp.net.open({ interface: 'eth0' });
  lan.run(200);
  const s = f.openudp();
  assert.is(s.send(THERE, 7000, 'x'), 0);
  assert.is(refused.length, 3);
  assert.not.ok(refused.includes(lan.wire[0].fromPort));
  for (const p of refused) assert.ok(f.openudp(null, p).isopen(), `refused port ${p} is not held by the runtime`);
});

where.run();
unbound.run();
