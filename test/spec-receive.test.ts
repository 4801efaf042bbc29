// Spec section 7: receiving — the callback's arguments, toAddress for unicast and
// broadcast, onreceive(), asynchronous in-order delivery through the ring, throwing
// handlers, drops when no handler or a full ring, and the counters.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Lan } from '../hal/mock/lan';
import type { blob } from '../firmware/api';
import type { OnDatagram } from '../hal/contract';
import { boot, connect, connectedLan, codeOf, wrong } from './support/runtime';
import type { BoardSettings } from '../hal/contract';
import type { LanOptions } from '../hal/mock/lan';

type Got = [string, number, string, number, blob];

/** Receiver A at .2 (socket bound to 2000, recording) and sender B at .3 (unbound socket), both with `board`. */
function pair(board: Partial<BoardSettings> = {}, lanOpts: LanOptions = {}) {
  const { lan, devices: [a, b] } = connectedLan(2, { board, lan: lanOpts });
  const got: Got[] = [];
  const rx = a.f.openudp((...args: Got) => got.push(args), 2000);
  const tx = b.f.openudp();
  return { lan, a, b, rx, tx, got };
}

/** The runtime of a device at .2 whose mock driver's receive path is wrapped by `wrap`. */
function wrapped(lan: Lan, wrap: (onmsg: OnDatagram) => OnDatagram) {
  return boot(lan, 2, {}, { patch: (d) => ({ open: (nii, port, rx) => d.open(nii, port, { _recv: wrap((data, from, fromPort, to) => rx._recv(data, from, fromPort, to)) }) }) }).rt;
}

const args = suite('receive: callback arguments');

args('cb(fromAddress, fromPort, toAddress, toPort, data) with exact values; data is a blob', () => {
  const { lan, a, tx, got } = pair();
  assert.is(tx.send('192.168.1.2', 2000, 'hi there'), 0);
  lan.run(10);
  assert.is(got.length, 1);
  const [from, fromPort, to, toPort, data] = got[0];
  assert.is(from, '192.168.1.3');
  assert.is(fromPort, lan.wire[0].fromPort);
  assert.ok(fromPort >= 49152);
  assert.is(to, '192.168.1.2');
  assert.is(toPort, 2000);
  assert.instance(data, a.rt.blob);
  assert.is(data.len(), 8);
  assert.is(data.tell(), 0);
  assert.is(data.tostring(), 'hi there');
});

args('binary payloads arrive byte for byte; a zero-length datagram arrives as an empty blob', () => {
  const { lan, b, tx, got } = pair();
  const bl = b.rt.blob(256);
  for (let i = 0; i < 256; i++) bl.set(i, 255 - i);
  tx.send('192.168.1.2', 2000, bl);
  tx.send('192.168.1.2', 2000, '');
  lan.run(10);
  assert.equal(Array.from({ length: got[0][4].len() }, (_, i) => got[0][4].get(i)), Array.from({ length: 256 }, (_, i) => 255 - i));
  assert.is(got[1][4].len(), 0);
});

args('toAddress: unicast, subnet broadcast, limited broadcast', () => {
  const { lan, tx, got } = pair();
  tx.send('192.168.1.2', 2000, 'u');
  tx.send('192.168.1.255', 2000, 'b');
  tx.send('255.255.255.255', 2000, 'l');
  lan.run(10);
  assert.equal(got.map((g) => [g[2], g[4].tostring()]), [['192.168.1.2', 'u'], ['192.168.1.255', 'b'], ['255.255.255.255', 'l']]);
});

args('a driver that cannot tell the destination: toAddress is the interface\'s unicast address', () => {
  const lan = new Lan();
  const rt = wrapped(lan, (onmsg) => (d, f, p) => onmsg(d, f, p, null));
  const f = rt.imp.net.open({ interface: 'eth0' }, null);
  lan.run(200);
  const got: string[] = [];
  f.openudp((_f: string, _p: number, to: string) => got.push(to), 2000);
  const tx = connect(lan, boot(lan, 3)).f.openudp();
  tx.send('192.168.1.255', 2000, 'b');
  tx.send('192.168.1.2', 2000, 'u');
  lan.run(10);
  assert.equal(got, ['192.168.1.2', '192.168.1.2']);
});

const handler = suite('receive: onreceive');

handler('onreceive replaces the handler; null removes it (datagrams then dropped and counted)', () => {
  const { lan, rx, tx, got } = pair();
  const second: string[] = [];
  tx.send('192.168.1.2', 2000, 'one');
  lan.run(10);
  rx.onreceive((_a: string, _b: number, _c: string, _d: number, data: blob) => second.push(data.tostring()));
  tx.send('192.168.1.2', 2000, 'two');
  lan.run(10);
  rx.onreceive(null);
  tx.send('192.168.1.2', 2000, 'three');
  lan.run(10);
  assert.equal(got.map((g) => g[4].tostring()), ['one']);
  assert.equal(second, ['two']);
  assert.equal(rx.stats(), { sent: 0, refused: 0, received: 3, delivered: 2, dropped: 1, oversize: 0, failed: 0 });
});

handler('the handler at delivery time gets a queued datagram; removed before delivery -> dropped', () => {
  const lan = new Lan();
  let onmsg: OnDatagram | null = null;
  const rt = wrapped(lan, (m) => (onmsg = m));
  const f = rt.imp.net.open({ interface: 'eth0' });
  lan.run(200);
  const first: string[] = [], second: string[] = [];
  const s = f.openudp((_a: string, _b: number, _c: string, _d: number, d: blob) => first.push(d.tostring()), 2000);
  onmsg!(new TextEncoder().encode('q1'), '192.168.1.9', 4000, '192.168.1.2');
  s.onreceive((_a: string, _b: number, _c: string, _d: number, d: blob) => second.push(d.tostring()));
  lan.run(1);
  assert.equal([first, second], [[], ['q1']]);
  onmsg!(new TextEncoder().encode('q2'), '192.168.1.9', 4000, '192.168.1.2');
  s.onreceive(null);
  lan.run(1);
  assert.equal(second, ['q1']);
  assert.is(s.stats().dropped, 1);
  onmsg!(new TextEncoder().encode('q3'), '192.168.1.9', 4000, '192.168.1.2');
  s.onreceive((_a: string, _b: number, _c: string, _d: number, d: blob) => second.push(d.tostring()));
  lan.run(1);
  assert.equal(second, ['q1'], 'arrived with no handler: dropped, even if one is set before delivery');
  assert.is(s.stats().dropped, 2);
});

handler('a datagram the driver hands over after the socket closed is ignored, not counted', () => {
  const lan = new Lan();
  let onmsg: OnDatagram | null = null;
  const rt = wrapped(lan, (m) => (onmsg = m));
  const f = rt.imp.net.open({ interface: 'eth0' });
  lan.run(200);
  const got: string[] = [];
  const s = f.openudp((_a: string, _b: number, _c: string, _d: number, d: blob) => got.push(d.tostring()), 2000);
  s.close();
  onmsg!(new TextEncoder().encode('late'), '192.168.1.9', 4000, '192.168.1.2');
  lan.run(10);
  assert.equal(got, []);
  assert.is(s.stats().received, 0);
  assert.is(rt.imp.net.stats().received, 0);
});

handler('a bad handler: ERR_BAD_CALLBACK, the old one stays', () => {
  const { lan, rx, tx, got } = pair();
  for (const cb of ['f', 1, {}]) assert.is(codeOf(() => rx.onreceive(wrong(cb))), 'ERR_BAD_CALLBACK');
  tx.send('192.168.1.2', 2000, 'still');
  lan.run(10);
  assert.is(got.length, 1);
});

const deliver = suite('receive: delivery');

deliver('the driver delivers to the socket itself: no function or wrapper made per socket (on Espruino one costs blocks while the socket is open)', () => {
  const lan = new Lan(), receivers: unknown[] = [];
  const rt = boot(lan, 2, {}, { patch: (d) => ({ open: (nii, port, rx) => { receivers.push(rx); return d.open(nii, port, rx); } }) }).rt;
  const f = rt.imp.net.open({ interface: 'eth0' }, null);
  lan.run(200);
  const bound = f.openudp(() => {}, 2000), unbound = f.openudp(() => {});
  assert.is(unbound.send('192.168.1.3', 7000, 'binds'), 0);
  assert.is(receivers.length, 2);
  assert.ok(receivers[0] === bound && receivers[1] === unbound, 'the sockets openudp() returned');
});

deliver('delivery is asynchronous: never inside the driver\'s receive callback', () => {
  const lan = new Lan();
  let inside = false, insideCalls = 0, calls = 0;
  const rt = wrapped(lan, (onmsg) => (d, f, p, to) => { inside = true; onmsg(d, f, p, to); inside = false; });
  const f = rt.imp.net.open({ interface: 'eth0' });
  lan.run(200);
  f.openudp(() => { calls++; if (inside) insideCalls++; }, 2000);
  const tx = connect(lan, boot(lan, 3)).f.openudp();
  for (let i = 0; i < 5; i++) tx.send('192.168.1.2', 2000, 'x');
  lan.run(10);
  assert.is(calls, 5);
  assert.is(insideCalls, 0);
});

deliver('delivery is in arrival order, also when the LAN reorders and duplicates', () => {
  const lan = new Lan({ faults: { reorder: 0.5, jitter: 30, dup: 0.2 }, seed: 11 });
  const arrived: string[] = [];
  const rt = wrapped(lan, (onmsg) => (d, f, p, to) => { arrived.push(new TextDecoder().decode(d as Uint8Array)); onmsg(d, f, p, to); });
  const f = rt.imp.net.open({ interface: 'eth0' });
  lan.run(200);
  const delivered: string[] = [];
  f.openudp((_a: string, _b: number, _c: string, _d: number, d: blob) => delivered.push(d.tostring()), 2000);
  const tx = connect(lan, boot(lan, 3)).f.openudp();
  for (let i = 0; i < 60; i++) tx.send('192.168.1.2', 2000, 'n' + i);
  lan.run(100);
  assert.ok(arrived.length > 60, 'some duplicated');
  assert.not.equal(arrived, arrived.slice().sort((x, y) => +x.slice(1) - +y.slice(1)), 'the LAN did reorder');
  assert.equal(delivered, arrived);
});

deliver('a throwing handler is reported with server.error and the next datagram is still delivered', () => {
  const { lan, a, rx, tx } = pair();
  const seen: string[] = [];
  rx.onreceive((_a: string, _b: number, _c: string, _d: number, d: blob) => {
    seen.push(d.tostring());
    if (d.tostring() === 'bad') throw new Error('handler broke');
  });
  tx.send('192.168.1.2', 2000, 'bad');
  tx.send('192.168.1.2', 2000, 'good');
  lan.run(10);
  assert.equal(seen, ['bad', 'good']);
  const errors = a.dev.console.filter((l) => l.startsWith('ERROR: '));
  assert.is(errors.length, 1);
  assert.ok(errors[0].includes('handler broke'), errors[0]);
  assert.is(rx.stats().delivered, 2);
});

deliver('a handler may close its own socket: the rest of the queue is not delivered', () => {
  const { lan, rx, tx } = pair();
  const seen: string[] = [];
  rx.onreceive((_a: string, _b: number, _c: string, _d: number, d: blob) => { seen.push(d.tostring()); rx.close(); });
  tx.send('192.168.1.2', 2000, '1');
  tx.send('192.168.1.2', 2000, '2');
  lan.run(10);
  assert.equal(seen, ['1']);
});

deliver('no handler: dropped and counted, per socket and device-wide', () => {
  const { lan, devices: [a, b] } = connectedLan(2);
  const s = a.f.openudp(null, 2000);
  const tx = b.f.openudp();
  tx.send('192.168.1.2', 2000, 'nobody');
  lan.run(10);
  assert.is(s.stats().received, 1);
  assert.is(s.stats().dropped, 1);
  assert.is(s.stats().delivered, 0);
  assert.is(a.rt.imp.net.stats().dropped, 1);
});

deliver('a full ring drops the new datagram and counts it; queued ones arrive intact', () => {
  const { lan, rx, tx, got } = pair({ ring: 64 });
  const p = (c: string) => c.repeat(20);
  for (const c of 'abc') tx.send('192.168.1.2', 2000, p(c));
  lan.run(10);
  assert.equal(got.map((g) => g[4].tostring()), [p('a'), p('b')], '2 x (12 + 20) bytes fill 64');
  assert.equal(got.map((g) => [g[0], g[2], g[3]]), [['192.168.1.3', '192.168.1.2', 2000], ['192.168.1.3', '192.168.1.2', 2000]]);
  assert.is(rx.stats().dropped, 1);
  tx.send('192.168.1.2', 2000, p('d'));
  lan.run(10);
  assert.is(got.at(-1)![4].tostring(), p('d'), 'space is reused after delivery');
  tx.send('192.168.1.2', 2000, 'x'.repeat(53));
  lan.run(10);
  assert.is(rx.stats().dropped, 2, 'larger than the whole ring');
  tx.send('192.168.1.2', 2000, 'x'.repeat(52));
  lan.run(10);
  assert.is(got.at(-1)![4].len(), 52, 'exactly the ring');
});

deliver('a received blob is the app\'s own: changing it changes nothing queued or sent', () => {
  const { lan, tx, got } = pair({ ring: 64 });
  tx.send('192.168.1.2', 2000, 'abcd');
  tx.send('192.168.1.2', 2000, 'efgh');
  lan.run(2);
  got[0][4].set(0, 90);
  got[0][4].writestring('grow it past the ring');
  assert.is(got[1][4].tostring(), 'efgh');
  tx.send('192.168.1.2', 2000, 'ijkl');
  lan.run(10);
  assert.is(got[2][4].tostring(), 'ijkl');
});

const count = suite('receive: counters');

count('per-socket counters add up to imp.net.stats()', () => {
  const { lan, devices: [a, b] } = connectedLan(2, { board: { ring: 64 } });
  const s1 = a.f.openudp(() => {}, 2000);
  const s2 = a.f.openudp(null, 2001);
  const tx = b.f.openudp();
  for (let i = 0; i < 4; i++) tx.send('192.168.1.2', 2000, 'x'.repeat(20));
  tx.send('192.168.1.2', 2001, 'y');
  s1.send('192.168.1.3', 9, 'out');
  lan.run(10);
  assert.equal(s1.stats(), { sent: 1, refused: 0, received: 4, delivered: 2, dropped: 2, oversize: 0, failed: 0 });
  assert.equal(s2.stats(), { sent: 0, refused: 0, received: 1, delivered: 0, dropped: 1, oversize: 0, failed: 0 });
  assert.equal(a.rt.imp.net.stats(), { sent: 1, refused: 0, received: 5, delivered: 2, dropped: 3, oversize: 0, failed: 0 });
  const snap = a.rt.imp.net.stats();
  snap.sent = 99;
  assert.is(a.rt.imp.net.stats().sent, 1, 'stats() returns a copy');
  const one = s1.stats();
  one.sent = 99;
  assert.is(s1.stats().sent, 1, 'udpsocket.stats() returns a copy');
});

args.run();
handler.run();
deliver.run();
count.run();
