// The simulated LAN itself (hal/mock/lan.ts, hal/mock/clock.ts), driven through the raw
// driver contract: broadcast and unicast delivery, seeded faults, links going down and
// up, the wire record, and the virtual clock's ordering.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Lan, MockDevice, LanOptions } from '../hal/mock/lan';
import { VirtualClock } from '../hal/mock/clock';

interface Rx { dev: string; data: string; from: string; fromPort: number; to: string | null; t: number }

/** A device at subnet.host with nii brought up through its driver (clock run until connected). */
function up(lan: Lan, host: number, nii = 'eth0', cfg = {}) {
  const dev = lan.device(host);
  const links: number[] = [];
  assert.is(dev.driver.up(nii, cfg, (l) => links.push(l)), 0);
  assert.equal(links, [], 'up() never reports synchronously');
  lan.run(200);
  assert.is(links.at(-1), 1, `${dev.name} connected`);
  return { dev, links };
}

/** Open an endpoint on dev recording into `log`. */
function listen(lan: Lan, dev: MockDevice, port: number, log: Rx[], nii = 'eth0') {
  return dev.driver.open(nii, port, {
    _recv: (d, from, fromPort, to) => {
      log.push({ dev: dev.name, data: typeof d === 'string' ? d : Buffer.from(d).toString(), from, fromPort, to, t: lan.clock.now() });
    },
  });
}

const text = (s: string) => new Uint8Array(Buffer.from(s));

const deliver = suite('mock LAN: delivery');

deliver('a broadcast reaches every other connected device holding the port, with toAddress as sent', () => {
  const lan = new Lan();
  const devs = [1, 2, 3, 4].map((h) => up(lan, h).dev);
  const log: Rx[] = [];
  const hs = devs.map((d) => listen(lan, d, 5000, log));
  const fifth = up(lan, 5).dev;
  listen(lan, fifth, 6000, log);
  const down = lan.device(6);
  listen(lan, down, 5000, log);
  assert.is(devs[0].driver.send(hs[0], '192.168.1.255', 5000, text('b1')), 0);
  assert.is(devs[0].driver.send(hs[0], '255.255.255.255', 5000, text('b2')), 0);
  lan.run(10);
  assert.equal(log.map((r) => [r.dev, r.data, r.to, r.from, r.fromPort]).sort(), [
    ['dev2', 'b1', '192.168.1.255', '192.168.1.1', 5000], ['dev2', 'b2', '255.255.255.255', '192.168.1.1', 5000],
    ['dev3', 'b1', '192.168.1.255', '192.168.1.1', 5000], ['dev3', 'b2', '255.255.255.255', '192.168.1.1', 5000],
    ['dev4', 'b1', '192.168.1.255', '192.168.1.1', 5000], ['dev4', 'b2', '255.255.255.255', '192.168.1.1', 5000],
  ], 'the sender, another port and an unconnected device hear nothing');
});

deliver('unicast reaches only the device with that address, on that port', () => {
  const lan = new Lan();
  const a = up(lan, 1).dev, b = up(lan, 2).dev, c = up(lan, 3).dev;
  const log: Rx[] = [];
  const ha = listen(lan, a, 4000, log);
  listen(lan, b, 5000, log);
  listen(lan, c, 5000, log);
  listen(lan, c, 5001, log);
  a.driver.send(ha, '192.168.1.3', 5000, text('u'));
  a.driver.send(ha, '192.168.1.2', 5002, text('nobody holds 5002'));
  a.driver.send(ha, '192.168.1.99', 5000, text('no such host'));
  lan.run(10);
  assert.equal(log.map((r) => [r.dev, r.data, r.to]), [['dev3', 'u', '192.168.1.3']]);
  assert.is(lan.wire.length, 3, 'all three went on the wire');
});

deliver('a send outside the subnet is refused (-1), never on the wire; the first of each endpoint prints the hint', () => {
  const lan = new Lan();
  const a = up(lan, 1).dev, b = up(lan, 2).dev;
  const log: Rx[] = [];
  const h1 = listen(lan, a, 4000, log), h2 = listen(lan, a, 4001, log);
  listen(lan, b, 5000, log);
  for (const ip of ['10.1.2.3', '192.168.0.1', '192.168.2.2']) assert.is(a.driver.send(h1, ip, 5000, text('off the subnet')), -1, ip);
  assert.is(a.driver.send(h2, '172.16.0.1', 5000, text('off the subnet')), -1);
  assert.is(a.driver.send(h2, '192.168.1.255', 5000, text('fence')), 0, 'the broadcast of the subnet is not outside it');
  lan.run(10);
  assert.equal(lan.wire.map((w) => w.to), ['192.168.1.255']);
  assert.equal(log.map((r) => [r.dev, r.data]), [['dev2', 'fence']]);
  assert.equal(a.console, [
    'ERROR: 10.1.2.3 is outside the virtual LAN 192.168.1.0/24: not sent',
    'ERROR: 172.16.0.1 is outside the virtual LAN 192.168.1.0/24: not sent',
  ]);
});

deliver('the driver contract: one endpoint per port per device, close frees it, addr only when connected', () => {
  const lan = new Lan();
  const a = lan.device(1);
  assert.is(a.driver.addr('eth0'), null);
  a.driver.up('eth0', {}, () => {});
  lan.run(200);
  assert.equal(a.driver.addr('eth0'), { address: '192.168.1.1', netmask: '255.255.255.0', gateway: '192.168.1.1' });
  const h = a.driver.open('eth0', 7000, { _recv: () => {} });
  assert.ok(h >= 0);
  assert.ok(a.driver.open('eth0', 7000, { _recv: () => {} }) < 0, 'port held');
  assert.ok(up(lan, 2).dev.driver.open('eth0', 7000, { _recv: () => {} }) >= 0, 'another device may');
  a.driver.close(h);
  assert.ok(a.driver.open('eth0', 7000, { _recv: () => {} }) >= 0);
  assert.ok(a.driver.send(99, '192.168.1.2', 1, text('x')) < 0, 'unknown handle');
  a.driver.down('eth0');
  assert.is(a.driver.addr('eth0'), null);
});

deliver('a staticconfig address is the one the device is reached at and sends from', () => {
  const lan = new Lan();
  const a = up(lan, 1, 'eth0', { staticconfig: { ip: '192.168.1.50' } }).dev;
  const b = up(lan, 2).dev;
  const log: Rx[] = [];
  const ha = listen(lan, a, 4000, log);
  const hb = listen(lan, b, 4000, log);
  b.driver.send(hb, '192.168.1.50', 4000, text('to static'));
  b.driver.send(hb, '192.168.1.1', 4000, text('to the dhcp address'));
  a.driver.send(ha, '192.168.1.2', 4000, text('from static'));
  lan.run(10);
  assert.equal(log.map((r) => [r.dev, r.data, r.from, r.to]), [
    ['dev1', 'to static', '192.168.1.2', '192.168.1.50'], ['dev2', 'from static', '192.168.1.50', '192.168.1.2']]);
  assert.is(lan.wire[2].from, '192.168.1.50');
});

const faults = suite('mock LAN: faults');

/** 2000 unicast datagrams from .1 to .2 under `opts`; the receiver's log. */
function stream(opts: LanOptions, n = 2000) {
  const lan = new Lan(opts);
  const a = up(lan, 1).dev, b = up(lan, 2).dev;
  const log: Rx[] = [];
  const ha = listen(lan, a, 4000, log);
  listen(lan, b, 4000, log);
  const t0 = lan.clock.now();
  for (let i = 0; i < n; i++) {
    a.driver.send(ha, '192.168.1.2', 4000, text(String(i)));
    if (i % 10 === 9) lan.run(1);
  }
  lan.run(1000);
  return { log, t0, lan };
}

faults('the same seed gives the same run; another seed a different one', () => {
  const opts = { loss: 0.1, dup: 0.1, reorder: 0.3, jitter: 20 };
  const one = stream({ faults: opts, seed: 42 }).log.map((r) => `${r.t}:${r.data}`);
  const two = stream({ faults: opts, seed: 42 }).log.map((r) => `${r.t}:${r.data}`);
  const other = stream({ faults: opts, seed: 43 }).log.map((r) => `${r.t}:${r.data}`);
  assert.equal(one, two);
  assert.not.equal(one, other);
});

faults('loss, duplication and reordering happen at roughly the configured rates', () => {
  const N = 5000;
  const lost = stream({ faults: { loss: 0.2 }, seed: 1 }, N).log.length;
  assert.ok(Math.abs(lost / N - 0.8) < 0.03, `delivered ${lost}/${N}`);
  const dup = stream({ faults: { dup: 0.3 }, seed: 2 }, N).log;
  assert.ok(Math.abs(dup.length / N - 1.3) < 0.03, `deliveries ${dup.length}/${N}`);
  assert.is(new Set(dup.map((r) => r.data)).size, N, 'nothing lost');
  const { log } = stream({ faults: { reorder: 0.4, jitter: 50 }, seed: 3 }, N);
  assert.is(log.length, N);
  let inversions = 0;
  for (let i = 1; i < log.length; i++) if (+log[i].data < +log[i - 1].data) inversions++;
  assert.ok(inversions > N * 0.1, `${inversions} out of order`);
});

faults('delay: every delivery exactly `delay` ms after the send; reordered ones at most `jitter` more', () => {
  const lan = new Lan({ faults: { delay: 7 } });
  const a = up(lan, 1).dev, b = up(lan, 2).dev;
  const log: Rx[] = [];
  const ha = listen(lan, a, 4000, log);
  listen(lan, b, 4000, log);
  const sentAt: number[] = [];
  for (let i = 0; i < 20; i++) { sentAt.push(lan.clock.now()); a.driver.send(ha, '192.168.1.2', 4000, text(String(i))); lan.run(3); }
  lan.run(100);
  assert.equal(log.map((r) => r.t - sentAt[+r.data]), Array(20).fill(7));
  const r = stream({ faults: { reorder: 1, delay: 2, jitter: 30 }, seed: 9 }, 500);
  const late = r.log.map((x) => x.t - (r.t0 + Math.floor(+x.data / 10)));
  assert.ok(Math.min(...late) >= 3 && Math.max(...late) <= 32, `${Math.min(...late)}..${Math.max(...late)}`);
});

const links = suite('mock LAN: links');

links('a pulled cable stops delivery (also of datagrams in flight); plugging it back starts it again', () => {
  const lan = new Lan({ faults: { delay: 5 } });
  const a = up(lan, 1).dev;
  const { dev: b, links: bl } = up(lan, 2);
  const log: Rx[] = [];
  const ha = listen(lan, a, 4000, log);
  listen(lan, b, 4000, log);
  a.driver.send(ha, '192.168.1.2', 4000, text('in flight'));
  b.unplug('cable');
  lan.run(10);
  a.driver.send(ha, '192.168.1.2', 4000, text('while down'));
  lan.run(10);
  assert.equal(log, []);
  assert.is(bl.at(-1), 8);
  b.plug('cable');
  lan.run(200);
  assert.is(bl.at(-1), 1);
  a.driver.send(ha, '192.168.1.2', 4000, text('back'));
  lan.run(10);
  assert.equal(log.map((r) => r.data), ['back']);
});

links('a device that is down cannot send: the driver returns < 0 and nothing reaches the wire', () => {
  const lan = new Lan();
  const { dev: a } = up(lan, 1, 'wl0', { wificonfig: { ssid: 'espimp-lab', key: 'secret' } });
  const ha = a.driver.open('wl0', 4000, { _recv: () => {} });
  a.unplug('radio');
  lan.run(1);
  assert.ok(a.driver.send(ha, '192.168.1.2', 4000, text('x')) < 0);
  assert.is(lan.wire.length, 0);
  a.plug('radio');
  lan.run(200);
  assert.is(a.driver.send(ha, '192.168.1.2', 4000, text('x')), 0);
});

links('link reports follow the real stacks: Wi-Fi join/DHCP, wrong key unhappy, no cable no link', () => {
  const lan = new Lan();
  assert.equal(up(lan, 1, 'wl0', { wificonfig: { ssid: 'espimp-lab', key: 'secret' } }).links, [3, 5, 1]);
  const bad = lan.device(2);
  const l: number[] = [];
  bad.driver.up('wl0', { wificonfig: { ssid: 'espimp-lab', key: 'nope' } }, (x) => l.push(x));
  const unplugged = lan.device(3, { cable: false });
  const m: number[] = [];
  unplugged.driver.up('eth0', {}, (x) => m.push(x));
  lan.run(500);
  assert.equal(l, [3, 7]);
  assert.equal(m, [8]);
});

const wire = suite('mock LAN: the wire record');

wire('every datagram is recorded with time, addresses, ports and a copy of the bytes', () => {
  const lan = new Lan();
  const a = up(lan, 1).dev, b = up(lan, 2).dev;
  const got: Uint8Array[] = [];
  const ha = a.driver.open('eth0', 4000, { _recv: () => {} });
  b.driver.open('eth0', 5000, { _recv: (d) => { got.push(d as Uint8Array); } });
  const t = lan.clock.now();
  const payload = text('abc');
  a.driver.send(ha, '192.168.1.2', 5000, payload);
  payload[0] = 0;
  lan.run(10);
  got[0][1] = 0;
  assert.equal(lan.wire.map((w) => ({ ...w, data: Buffer.from(w.data).toString() })),
    [{ t, from: '192.168.1.1', fromPort: 4000, to: '192.168.1.2', toPort: 5000, data: 'abc' }]);
  assert.equal(lan.sent({ from: '192.168.1.1' }).length, 1);
  assert.equal(lan.sent({ to: '192.168.1.3' }).length, 0);
});

const clock = suite('virtual clock');

clock('timers run in time order; equal times in the order they were set', () => {
  const c = new VirtualClock();
  const order: string[] = [];
  c.timer(10, () => order.push('a10'));
  c.timer(5, () => order.push('b5'));
  c.timer(10, () => order.push('c10'));
  c.timer(0, () => order.push('d0'));
  c.timer(5, () => order.push('e5'));
  c.timer(-3, () => order.push('f-3'));
  c.advance(100);
  assert.equal(order, ['d0', 'f-3', 'b5', 'e5', 'a10', 'c10']);
  assert.is(c.now(), 100);
});

clock('time is the timer\'s own time while it runs; nothing runs before it is due', () => {
  const c = new VirtualClock();
  const seen: number[] = [];
  c.timer(30, () => seen.push(c.now()));
  c.advance(29);
  assert.equal(seen, []);
  c.advance(1);
  assert.equal(seen, [30]);
});

clock('cancel: a cancelled timer never runs, others do; pending counts only live timers', () => {
  const c = new VirtualClock();
  const order: string[] = [];
  const x = c.timer(5, () => order.push('x'));
  c.timer(5, () => order.push('y'));
  const z = c.timer(6, () => order.push('z'));
  c.cancel(x);
  assert.is(c.pending, 2);
  c.timer(1, () => c.cancel(z));
  c.advance(10);
  assert.equal(order, ['y']);
  assert.is(c.pending, 0);
  c.cancel(null);
  c.cancel(undefined);
});

clock('timers set inside timers run in the same advance, after timers already due at that time', () => {
  const c = new VirtualClock();
  const order: string[] = [];
  c.timer(5, () => {
    order.push('a');
    c.timer(0, () => order.push('a+0'));
    c.timer(3, () => order.push('a+3'));
    c.timer(100, () => order.push('a+100'));
  });
  c.timer(5, () => order.push('b'));
  c.timer(7, () => order.push('c'));
  c.advance(10);
  assert.equal(order, ['a', 'b', 'a+0', 'c', 'a+3']);
  c.flush();
  assert.equal(order.length, 5, 'flush does not move time');
  c.advance(100);
  assert.is(order.at(-1), 'a+100');
});

clock('flush runs what is due now, including 0 ms timers those set', () => {
  const c = new VirtualClock();
  let n = 0;
  c.timer(0, () => { n++; c.timer(0, () => n++); });
  c.flush();
  assert.is(n, 2);
  assert.is(c.now(), 0);
});

deliver.run();
faults.run();
links.run();
wire.run();
clock.run();
