// Spec sections 5-6: udpsocket.send(address, port, data) — the order of the checks, which
// errors close the socket, data rules, return codes, the device-wide rate limit, driver
// failures, oversize counting and the exact bytes put on the wire.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Lan } from '../hal/mock/lan';
import { boot, connect, connectedLan, caught, codeOf, held, WIFI, Booted, wrong } from './support/runtime';

const THERE = '192.168.1.3';

/** A connected device at .2 with one socket (bound to `port` if given). */
function ready(port?: number) {
  const { lan, devices: [b] } = connectedLan(1);
  const s = b.f.openudp(null, port);
  return { lan, b, f: b.f, s };
}

const order = suite('send: the order of the checks');

order('a closed socket is reported first, whatever else is wrong', () => {
  const { s } = ready(2000);
  s.close();
  assert.is(codeOf(() => s.send('bad', 2000, 'x')), 'ERR_SOCKET_CLOSED');
  assert.is(codeOf(() => s.send('8.8.8.8', 67, wrong(42))), 'ERR_SOCKET_CLOSED');
  assert.is(codeOf(() => s.send(THERE, 2000, 'fine')), 'ERR_SOCKET_CLOSED');
});

order('bad address before bad port; not private before bad data; bad port before bad data', () => {
  assert.is(codeOf(() => ready().s.send('192.168.1', 67, 'x')), 'ERR_BAD_ADDRESS');
  assert.is(codeOf(() => ready().s.send('8.8.8.8', 2000, wrong(42))), 'ERR_NOT_PRIVATE');
  assert.is(codeOf(() => ready().s.send('8.8.8.8', -5, wrong(null))), 'ERR_NOT_PRIVATE');
  assert.is(codeOf(() => ready().s.send(THERE, 68, wrong({}))), 'ERR_BAD_PORT');
  assert.is(codeOf(() => ready().s.send(THERE, 2000, 'x'.repeat(70000))), 'ERR_DATA_TOO_LONG');
  assert.is(codeOf(() => ready().s.send(THERE, 2000.5, 'x'.repeat(70000))), 'ERR_BAD_PORT');
});

order('data errors throw even when the interface is not connected (not 1)', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const f = b.rt.imp.net.open({ interface: 'eth0' });
  const s = f.openudp();
  assert.is(codeOf(() => s.send(THERE, 2000, wrong(42))), 'ERR_BAD_DATA');
  assert.is(codeOf(() => s.send(THERE, 2000, 'x'.repeat(65508))), 'ERR_DATA_TOO_LONG');
  assert.is(codeOf(() => s.send(THERE, 68, 'x')), 'ERR_BAD_PORT');
  assert.is(s.send(THERE, 2000, 'x'), 1);
});

order('data errors throw even when the rate limit has no token (not 4)', () => {
  const { lan, s } = ready();
  for (let i = 0; i < 100; i++) s.send(THERE, 2000, 'x');
  assert.is(s.send(THERE, 2000, 'x'), 4);
  assert.is(codeOf(() => s.send(THERE, 2000, wrong([1]))), 'ERR_BAD_DATA');
  assert.is(lan.wire.length, 100);
});

order('errors are Errors whose code is on err.code and whose message shows what was given', () => {
  const cases: [() => unknown, string, string][] = [
    [() => ready().s.send('192.168.1', 2000, 'x'), 'ERR_BAD_ADDRESS', '"192.168.1"'],
    [() => ready().s.send('8.8.8.8', 2000, 'x'), 'ERR_NOT_PRIVATE', '"8.8.8.8"'],
    [() => ready().s.send(THERE, 67, 'x'), 'ERR_BAD_PORT', '67'],
    [() => ready().s.send(THERE, wrong('80'), 'x'), 'ERR_BAD_PORT', '"80"'],
    [() => ready().s.send(THERE, 2000, wrong(12345)), 'ERR_BAD_DATA', '12345'],
    [() => ready().s.send(THERE, 2000, 'é'.repeat(40000)), 'ERR_DATA_TOO_LONG', '80000'],
  ];
  for (const [fn, code, given] of cases) {
    const e = caught(fn);
    assert.instance(e, Error);
    assert.is(e.code, code);
    assert.ok(e.message.includes(code) && e.message.includes(given), e.message);
  }
});

const addr = suite('send: bad and non-private addresses close the socket');

addr('a malformed address throws ERR_BAD_ADDRESS, closes the socket, frees its port, sends nothing', () => {
  for (const bad of ['192.168.1', '192.168.1.256', ' 192.168.1.3', '192.168.01.3', '192.168.1.3.', 'localhost', '', 3232235779, null, undefined, {}]) {
    const { lan, f, s } = ready(2000);
    assert.is(codeOf(() => s.send(wrong(bad), 2000, 'x')), 'ERR_BAD_ADDRESS', String(bad));
    assert.is(s.isopen(), false);
    assert.equal(held(lan), []);
    assert.ok(f.openudp(null, 2000).isopen(), 'the port is free again');
    lan.run(100);
    assert.is(lan.wire.length, 0);
  }
});

addr('a well-formed public/special address throws ERR_NOT_PRIVATE and closes the socket', () => {
  for (const bad of ['8.8.8.8', '127.0.0.1', '0.0.0.0', '9.255.255.255', '11.0.0.0', '172.15.255.255', '172.32.0.0',
    '192.167.255.255', '192.169.0.0', '169.254.1.1', '224.0.0.1', '255.255.255.254', '100.64.0.1']) {
    const { lan, s } = ready(2000);
    assert.is(codeOf(() => s.send(bad, 2000, 'x')), 'ERR_NOT_PRIVATE', bad);
    assert.is(s.isopen(), false);
    assert.equal(held(lan), []);
    assert.is(lan.wire.length, 0);
  }
});

addr('every private range edge and the limited broadcast are accepted', () => {
  // a driver that hands on whatever it is given, as a board's stack does (it routes off-subnet
  // destinations through the gateway); the simulated LAN refuses those outside it (codes suite)
  const to: string[] = [];
  const { devices: [b] } = connectedLan(1, { boot: { patch: { send: (_h: number, ip: string) => (to.push(ip), 0) } } });
  const s = b.f.openudp(null);
  const ok = ['10.0.0.0', '10.255.255.255', '172.16.0.0', '172.31.255.255', '192.168.0.0', '192.168.255.255', '255.255.255.255'];
  for (const a of ok) assert.is(s.send(a, 2000, 'x'), 0, a);
  assert.equal(to, ok, 'addresses reach the driver unchanged');
  assert.ok(s.isopen());
});

addr('port, data and not-connected failures leave the socket open', () => {
  const { lan, b, s } = ready(2000);
  caught(() => s.send(THERE, 67, 'x'));
  caught(() => s.send(THERE, 2000, wrong(42)));
  caught(() => s.send(THERE, 2000, 'x'.repeat(65508)));
  assert.ok(s.isopen());
  b.dev.unplug('cable');
  lan.run(10);
  assert.is(s.send(THERE, 2000, 'x'), 1, 'not connected');
  assert.ok(s.isopen());
});

const data = suite('send: ports and data');

data('ports 67 and 68 and anything not an integer 0-65535: ERR_BAD_PORT; 0 and 65535 are fine', () => {
  const { lan, s } = ready();
  for (const p of [67, 68, -1, 65536, 1.5, NaN, Infinity, '80', null, undefined, true]) {
    assert.is(codeOf(() => s.send(THERE, wrong(p), 'x')), 'ERR_BAD_PORT', String(p));
  }
  assert.is(lan.wire.length, 0);
  assert.is(s.send(THERE, 0, 'x'), 0);
  assert.is(s.send(THERE, 65535, 'x'), 0);
  assert.is(s.send(THERE, 66, 'x'), 0);
  assert.is(s.send(THERE, 69, 'x'), 0);
  assert.equal(lan.wire.map((w) => w.toPort), [0, 65535, 66, 69]);
});

data('data that is not a string or a blob: ERR_BAD_DATA, nothing sent', () => {
  const { lan, s } = ready();
  for (const d of [42, {}, null, undefined, new Uint8Array(3), [1, 2], true, Buffer.from('x'), new ArrayBuffer(2)]) {
    assert.is(codeOf(() => s.send(THERE, 2000, wrong(d))), 'ERR_BAD_DATA', String(d));
  }
  assert.is(lan.wire.length, 0);
});

data('65507 encoded bytes is the limit: 65508 throws ERR_DATA_TOO_LONG (strings by UTF-8 length, blobs)', () => {
  const { lan, b, s } = ready();
  assert.is(codeOf(() => s.send(THERE, 2000, 'x'.repeat(65508))), 'ERR_DATA_TOO_LONG');
  const wide = 'é'.repeat(32754);
  assert.ok(wide.length < 65507);
  assert.is(codeOf(() => s.send(THERE, 2000, wide)), 'ERR_DATA_TOO_LONG', '32754 chars, 65508 bytes');
  assert.is(codeOf(() => s.send(THERE, 2000, '€'.repeat(21836))), 'ERR_DATA_TOO_LONG', '21836 chars, 65508 bytes');
  assert.is(codeOf(() => s.send(THERE, 2000, b.rt.blob(65508))), 'ERR_DATA_TOO_LONG');
  assert.is(lan.wire.length, 0);
  assert.is(s.send(THERE, 2000, 'é'.repeat(32753) + 'x'), 0);
  assert.is(s.send(THERE, 2000, b.rt.blob(65507)), 0);
  assert.equal(lan.wire.map((w) => w.data.length), [65507, 65507]);
});

data('an unbound socket stays unbound after a data error: no datagram, no port held', () => {
  const { lan, s } = ready();
  for (const d of [42, 'x'.repeat(65508), null]) {
    assert.ok(caught(() => s.send(THERE, 2000, wrong(d))));
    assert.equal(held(lan), []);
  }
  caught(() => s.send(THERE, 67, 'x'));
  assert.equal(held(lan), [], 'nor after a port error');
  assert.is(lan.wire.length, 0);
  assert.is(s.send(THERE, 2000, 'now'), 0);
  assert.is(held(lan).length, 1);
});

data('a string is sent as its UTF-8 bytes', () => {
  const { lan, s } = ready();
  const text = 'héllo € 😀 \u0000\u00ff end';
  assert.is(s.send(THERE, 2000, text), 0);
  assert.equal([...lan.wire[0].data], [...Buffer.from(text, 'utf8')]);
  assert.is(s.send(THERE, 2000, 'a\ud800b'), 0);
  assert.equal([...lan.wire[1].data], [0x61, 0xef, 0xbf, 0xbd, 0x62], 'a lone surrogate becomes U+FFFD');
});

data('a blob is sent exactly, whatever its pointer; zero-length blobs and strings too', () => {
  const { lan, b, s } = ready();
  const bl = b.rt.blob(256);
  for (let i = 0; i < 256; i++) bl.set(i, i);
  bl.seek(100);
  assert.is(s.send(THERE, 2000, bl), 0);
  assert.equal([...lan.wire[0].data], Array.from({ length: 256 }, (_, i) => i));
  bl.set(0, 99);
  assert.is(lan.wire[0].data[0], 0, 'the wire holds a copy');
  assert.is(s.send(THERE, 2000, b.rt.blob()), 0);
  assert.is(s.send(THERE, 2000, ''), 0);
  assert.equal(lan.wire.slice(1).map((w) => w.data.length), [0, 0]);
  const w = b.rt.blob();
  w.writestring('grown');
  assert.is(s.send(THERE, 2000, w), 0);
  assert.is(Buffer.from(lan.wire[3].data).toString(), 'grown', 'only len() bytes, not spare capacity');
  w.writestring('!');
  assert.is(s.send(THERE, 2000, w), 0);
  assert.is(Buffer.from(lan.wire[4].data).toString(), 'grown!', 'grown again (storage doubled): still only len() bytes');
  w.writestring('?');
  assert.is(s.send(THERE, 2000, w), 0, 'the fast path (same address and port)');
  assert.is(Buffer.from(lan.wire[5].data).toString(), 'grown!?', 'grown into the spare room: only len() bytes');
});

data('255.255.255.255 goes to the driver unchanged and reaches the other devices', () => {
  const { lan, s } = ready();
  const other: Booted = boot(lan, 3);
  const got: string[] = [];
  connect(lan, other).f.openudp((_a: string, _p: number, to: string) => got.push(to), 2000);
  assert.is(s.send('255.255.255.255', 2000, 'all'), 0);
  lan.run(10);
  assert.is(lan.wire[0].to, '255.255.255.255');
  assert.equal(got, ['255.255.255.255']);
});

const codes = suite('send: return codes');

codes('not CONNECTED -> 1, nothing on the wire (starting, cable out, after re-plug it works)', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const f = b.rt.imp.net.open({ interface: 'eth0' });
  const s = f.openudp(null, 2000);
  assert.is(s.send(THERE, 2000, 'x'), b.rt.SEND_ERROR_NOT_CONNECTED);
  lan.run(200);
  b.dev.unplug('cable');
  lan.run(10);
  assert.is(s.send(THERE, 2000, 'x'), 1);
  assert.is(lan.wire.length, 0);
  b.dev.plug('cable');
  lan.run(200);
  assert.is(s.send(THERE, 2000, 'x'), 0);
  assert.is(lan.wire.length, 1);
});

codes('the last good address and port skip the checks only while they hold: link lost -> 1, closed -> ERR_SOCKET_CLOSED', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const f = b.rt.imp.net.open({ interface: 'eth0' });
  const s = f.openudp(null, 2000);
  lan.run(200);
  assert.is(s.send(THERE, 2000, 'good'), 0);
  b.dev.unplug('cable');
  lan.run(10);
  assert.is(s.send(THERE, 2000, 'while down'), 1);
  assert.is(s.stats().failed, 0, 'not connected: answered by the runtime, not a driver failure');
  b.dev.plug('cable');
  lan.run(200);
  assert.is(s.send(THERE, 2000, 'back'), 0);
  assert.equal(lan.wire.map((w) => Buffer.from(w.data).toString()), ['good', 'back']);
  s.close();
  assert.is(codeOf(() => s.send(THERE, 2000, 'closed')), 'ERR_SOCKET_CLOSED');
  assert.is(lan.wire.length, 2);
});

codes('not CONNECTED -> 1 without asking the driver, even one that would send anyway', () => {
  const lan = new Lan();
  let calls = 0;
  const { dev, rt } = boot(lan, 2, {}, { patch: { send: () => (calls++, 0) } });
  const f = rt.imp.net.open({ interface: 'eth0' });
  const s = f.openudp(null, 2000);
  assert.is(s.send(THERE, 2000, 'x'), 1);
  lan.run(200);
  dev.unplug('cable');
  lan.run(10);
  assert.is(s.send(THERE, 2000, 'x'), 1);
  assert.is(calls, 0);
  assert.equal(s.stats(), { sent: 0, refused: 0, received: 0, delivered: 0, dropped: 0, oversize: 0, failed: 0 });
});

codes('a driver whose send fails: 1, never a throw, counted as failed', () => {
  const lan = new Lan();
  const { rt } = boot(lan, 2, {}, { patch: { send: () => -1 } });
  const f = rt.imp.net.open({ interface: 'eth0' });
  lan.run(200);
  const s = f.openudp(null, 2000);
  assert.is(s.send(THERE, 2000, 'x'), 1);
  assert.is(s.send('255.255.255.255', 2000, rt.blob(3)), 1);
  assert.ok(s.isopen());
  assert.is(s.stats().failed, 2);
  assert.is(s.stats().sent, 0);
  assert.is(rt.imp.net.stats().failed, 2);
});

codes('a private address outside the simulated LAN: 1, nothing on the wire, the hint once per socket', () => {
  const { lan, b, f, s } = ready(2000);
  const t = f.openudp(null);
  const hint = (ip: string) => `ERROR: ${ip} is outside the virtual LAN 192.168.1.0/24: not sent`;
  for (const ip of ['192.168.0.1', '192.168.0.1', '10.0.0.1', '172.31.0.9']) assert.is(s.send(ip, 1234, 'x'), b.rt.SEND_ERROR_NOT_CONNECTED, ip);
  assert.is(t.send('10.0.0.1', 1234, 'y'), 1);
  assert.is(t.send('192.168.0.1', 1234, 'y'), 1);
  assert.ok(s.isopen() && t.isopen(), 'the sockets stay open');
  assert.is(s.send(THERE, 1234, 'fence'), 0, 'the LAN itself still works');
  lan.run(10);
  assert.equal(lan.wire.map((w) => w.to), [THERE]);
  assert.equal(b.dev.console, [hint('192.168.0.1'), hint('10.0.0.1')]);
  assert.is(s.stats().failed, 4);
  assert.is(t.stats().failed, 2);
});

codes('datagrams over the 1460-byte MTU are sent and counted as oversize', () => {
  const { lan, b, s } = ready();
  assert.is(s.send(THERE, 2000, 'x'.repeat(1460)), 0);
  assert.is(s.stats().oversize, 0);
  assert.is(s.send(THERE, 2000, 'x'.repeat(1461)), 0);
  assert.is(s.send(THERE, 2000, b.rt.blob(65507)), 0);
  assert.equal(lan.wire.map((w) => w.data.length), [1460, 1461, 65507]);
  assert.is(s.stats().oversize, 2);
  assert.is(s.stats().sent, 3);
  assert.is(b.rt.imp.net.stats().oversize, 2);
});

const rate = suite('send: rate limit');

rate('100 quick sends pass, the 101st returns 4 and puts nothing on the wire; then 25/s', () => {
  const { lan, b, s } = ready();
  for (let i = 0; i < 100; i++) assert.is(s.send(THERE, 2000, 'n' + i), 0);
  assert.is(s.send(THERE, 2000, 'refused'), b.rt.SEND_ERROR_WOULDBLOCK);
  assert.is(lan.wire.length, 100);
  assert.not.ok(lan.wire.some((w) => Buffer.from(w.data).toString() === 'refused'));
  lan.run(39);
  assert.is(s.send(THERE, 2000, 'x'), 4, '39 ms: not a whole token yet');
  lan.run(1);
  assert.is(s.send(THERE, 2000, 'x'), 0, '40 ms: one token');
  assert.is(s.send(THERE, 2000, 'x'), 4);
  let ok = 0;
  for (let t = 0; t < 10_000; t += 10) {
    lan.run(10);
    for (let k = 0; k < 3; k++) if (s.send(THERE, 2000, 'x') === 0) ok++;
  }
  assert.is(ok, 250, '25 per second over 10 s');
  assert.is(s.stats().refused, 3 + 3 * 1000 - 250);
});

rate('a steady 25/s sender is never refused', () => {
  const { lan, s } = ready();
  for (let i = 0; i < 2000; i++) {
    assert.is(s.send(THERE, 2000, 'x'), 0, `send ${i}`);
    lan.run(40);
  }
});

rate('the bucket is shared by all sockets of a device, across interfaces, but not between devices', () => {
  const lan = new Lan();
  const a = boot(lan, 2);
  const e = connect(lan, a, 'eth0');
  const w = connect(lan, a, 'wl0', { wificonfig: WIFI });
  const s1 = e.f.openudp(), s2 = w.f.openudp(null, 3000);
  for (let i = 0; i < 50; i++) {
    assert.is(s1.send(THERE, 2000, 'x'), 0);
    assert.is(s2.send(THERE, 2000, 'x'), 0);
  }
  assert.is(s1.send(THERE, 2000, 'x'), 4);
  assert.is(s2.send(THERE, 2000, 'x'), 4);
  assert.is(e.f.openudp().send(THERE, 2000, 'x'), 4, 'a new socket gets no fresh bucket');
  const other = boot(lan, 3);
  const s3 = connect(lan, other).f.openudp();
  for (let i = 0; i < 100; i++) assert.is(s3.send('192.168.1.2', 2000, 'x'), 0);
  assert.is(a.rt.imp.net.stats().refused, 3);
  assert.is(other.rt.imp.net.stats().refused, 0);
});

rate('capacity and refill come from the board settings', () => {
  const lan = new Lan();
  const b = boot(lan, 2, { bucket: { capacity: 5000, refill: 1, cost: 1000 } });
  const s = connect(lan, b).f.openudp();
  lan.run(10_000);
  let ok = 0;
  for (let i = 0; i < 20; i++) if (s.send(THERE, 2000, 'x') === 0) ok++;
  assert.is(ok, 5, 'burst of 5');
  lan.run(999);
  assert.is(s.send(THERE, 2000, 'x'), 4);
  lan.run(1);
  assert.is(s.send(THERE, 2000, 'x'), 0, '1 per second');
});

// A driver that gives route() (as every Espruino driver does) instead of send(): the runtime
// sends through the route and asks for one only when the address is new or the route failed.
const route = suite('send: through a driver\'s route');

/** A device at .2 whose driver gives routes over the mock's send: asks recorded; `fail` makes a route's send throw, `none` makes route() give null. */
function routed() {
  const asks: string[] = [], sends: string[] = [];
  const o = { fail: false, none: false };
  const lan = new Lan();
  const b = boot(lan, 2, {}, {
    patch: (d) => ({
      send: undefined,
      route: (h: number, ip: string) => {
        asks.push(ip);
        return o.none ? null : {
          _sock: { send: (w: any, port: number, to: string) => {
            if (o.fail) throw new Error('socket replaced');
            sends.push(to);
            if (d.send!(h, to, port, w) < 0) throw new Error('refused');
          } },
          _to: ip,
        };
      },
    }),
  });
  const { f } = connect(lan, b);
  return { lan, b, f, s: f.openudp(null, 2000), asks, sends, o };
}

route('the first send to an address asks for a route; later ones go through it without asking; a new address asks again', () => {
  const { lan, b, s, asks, sends } = routed();
  const B = '192.168.1.4', blob = b.rt.blob(64);
  for (let i = 0; i < 64; i++) blob.writen(7, 'b');
  for (const [to, d] of [[THERE, 'a'], [THERE, 'b'], [THERE, blob], [B, 'c'], [THERE, 'd']] as [string, any][]) assert.is(s.send(to, 2000, d), 0);
  assert.equal(asks, [THERE, B, THERE]);
  assert.equal(sends, [THERE, THERE, THERE, B, THERE]);
  assert.equal(lan.wire.map((w) => w.to + ' ' + Buffer.from(w.data).toString('latin1')), [`${THERE} a`, `${THERE} b`, `${THERE} ${'\x07'.repeat(64)}`, `${B} c`, `${THERE} d`]);
  assert.is(s.stats().sent, 5);
});

route('a route that throws is asked for again and the datagram still goes; a route that cannot be had fails the send (1, counted), nothing sent', () => {
  const { lan, s, asks, o } = routed();
  assert.is(s.send(THERE, 2000, 'a'), 0);
  o.fail = true;
  assert.is(s.send(THERE, 2000, 'b'), 1, 'the new route throws too');
  o.fail = false;
  assert.is(s.send(THERE, 2000, 'c'), 0);
  assert.is(s.send(THERE, 2000, 'd'), 0);
  assert.equal(asks, [THERE, THERE], 'asked again once, for the send whose route threw');
  o.none = true;
  assert.is(s.send('192.168.1.9', 2000, 'e'), 1);
  assert.equal(lan.wire.map((w) => Buffer.from(w.data).toString()), ['a', 'c', 'd']);
  assert.equal([s.stats().sent, s.stats().failed], [3, 2]);
});

route('after the link is lost and back, or the socket is closed, no route is used: checks first, then a new route', () => {
  const { lan, b, f, s, asks } = routed();
  assert.is(s.send(THERE, 2000, 'a'), 0);
  b.dev.unplug('cable');
  lan.run(10);
  assert.is(s.send(THERE, 2000, 'b'), 1);
  b.dev.plug('cable');
  lan.run(200);
  assert.is(s.send(THERE, 2000, 'c'), 0);
  assert.equal(asks, [THERE, THERE]);
  s.close();
  assert.is(codeOf(() => s.send(THERE, 2000, 'd')), 'ERR_SOCKET_CLOSED');
  const t = f.openudp(null, 2001);
  assert.is(t.send(THERE, 2000, 'e'), 0);
  assert.equal(lan.wire.map((w) => Buffer.from(w.data).toString()), ['a', 'c', 'e']);
});

order.run();
addr.run();
data.run();
codes.run();
rate.run();
route.run();
