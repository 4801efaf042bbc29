// Spec section 6: the integer token bucket (firmware/bucket.ts) — the 100 + 25/s bound over
// 30 simulated days of random schedules, steady senders never refused, exact refill, clocks
// that step back or wrap, and the board's settings through the runtime (with clock skew).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Bucket } from '../firmware/bucket';
import { Lan } from '../hal/mock/lan';
import { boot, connect } from './support/runtime';
import { prng } from '../hal/mock/prng';

const CAP = 100_000, REFILL = 25, COST = 1000;
const DAY = 86_400_000, DAYS30 = 30 * DAY;


/**
 * The packets bucket `b` would give at `now`, asked of a copy (b itself is not touched): what a
 * sender can see of its tokens. NaN or negative tokens, or more than the capacity, show here as
 * an endless run of packets, none, or more than 100.
 */
function packets(b: Bucket, now: number): number {
  const c: Bucket = Object.assign(Object.create(Bucket.prototype), b);
  let n = 0;
  while (n <= 1000 && c.take(now)) n++;
  return n;
}

const bound = suite('bucket: the 100 + 25/s bound');

bound('random schedules over 30 days: accepted <= 100 + floor(25T/1000) for every prefix; matches min(cap, t + dt*refill)', () => {
  let events = 0, accepted = 0;
  for (const seed of [1, 2, 3, 4]) {
    const rnd = prng(seed);
    const start = Math.floor(rnd() * 1e9);
    const b = new Bucket({ capacity: CAP, refill: REFILL, cost: COST }, start);
    let model = CAP, last = start, now = start, ok = 0;
    const take = () => {
      events++;
      model = Math.min(CAP, model + (now - last) * REFILL);
      last = now;
      const want = model >= COST;
      if (want) model -= COST;
      const got = b.take(now);
      if (got !== want) throw new Error(`seed ${seed}: at ${now - start} ms bucket said ${got}, model ${want}`);
      if (got) ok++;
      if (ok > 100 + Math.floor((25 * (now - start)) / 1000)) throw new Error(`seed ${seed}: ${ok} accepted by ${now - start} ms`);
      if (events % 1000 == 0 && packets(b, now) > 100) throw new Error(`seed ${seed}: ${packets(b, now)} packets at once`);
    };
    while (now - start < DAYS30) {
      const phase = rnd();
      if (phase < 0.25) for (let k = Math.floor(rnd() * 300); k > 0; k--) take();
      else if (phase < 0.5) for (let k = Math.floor(rnd() * 500); k > 0; k--) { now += Math.floor(rnd() * 10); take(); }
      else if (phase < 0.7) for (let k = Math.floor(rnd() * 500); k > 0; k--) { now += 35 + Math.floor(rnd() * 10); take(); }
      else if (phase < 0.8) for (let k = Math.floor(rnd() * 200); k > 0; k--) { now += Math.floor(rnd() * 200); for (let j = Math.floor(rnd() * 5); j >= 0; j--) take(); }
      else now += Math.floor(rnd() * rnd() * 6 * 3_600_000);
    }
    accepted += ok;
  }
  console.log(`  bucket: ${events} sends over 4 x 30 simulated days, ${accepted} accepted, bound and model held at every one`);
  assert.ok(events > 100_000);
});

bound('a steady sender every 40 ms is never refused over 30 days (from full, and from empty at a random phase)', () => {
  const rnd = prng(99);
  for (const drainFirst of [false, true]) {
    const start = 1000;
    const b = new Bucket({ capacity: CAP, refill: REFILL, cost: COST }, start);
    let now = start + Math.floor(rnd() * 40);
    if (drainFirst) for (let i = 0; i < 100; i++) assert.ok(b.take(now));
    const end = start + DAYS30;
    let refused = 0, n = 0;
    for (now += drainFirst ? 40 : 0; now < end; now += 40, n++) if (!b.take(now)) refused++;
    assert.is(refused, 0, `drain first: ${drainFirst}`);
    assert.ok(n >= DAYS30 / 40 - 2, String(n));
  }
});

bound('a sender with jittered intervals >= 40 ms is never refused over 30 days', () => {
  const rnd = prng(7);
  const b = new Bucket({ capacity: CAP, refill: REFILL, cost: COST }, 0);
  for (let i = 0; i < 100; i++) b.take(0);
  let now = 0, refused = 0, n = 0;
  while (now < DAYS30) {
    now += 40 + (rnd() < 0.5 ? 0 : Math.floor(rnd() * rnd() * 500));
    if (!b.take(now)) refused++;
    n++;
  }
  assert.is(refused, 0);
  assert.ok(n > 10_000_000, String(n));
});

const exact = suite('bucket: exact refill');

exact('starts full: 100 at once, the 101st refused; 39 ms gives nothing, 40 ms one packet, 80 ms two', () => {
  const b = new Bucket({ capacity: CAP, refill: REFILL, cost: COST }, 5000);
  for (let i = 0; i < 100; i++) assert.ok(b.take(5000));
  assert.not.ok(b.take(5000));
  assert.not.ok(b.take(5039));
  assert.ok(b.take(5040));
  assert.not.ok(b.take(5040));
  assert.ok(b.take(5120));
  assert.ok(b.take(5120));
  assert.not.ok(b.take(5120));
});

exact('refused attempts lose no partial refill (20 ms + 20 ms = one packet)', () => {
  const b = new Bucket({ capacity: CAP, refill: REFILL, cost: COST }, 0);
  for (let i = 0; i < 100; i++) b.take(0);
  assert.not.ok(b.take(20));
  assert.is(packets(b, 20), 0);
  assert.ok(b.take(40));
  assert.is(packets(b, 40), 0, 'exactly one packet came of the two 20 ms');
  assert.is(packets(b, 80), 1);
});

exact('refill stops at capacity: a long idle gap gives back 100, not more', () => {
  const b = new Bucket({ capacity: CAP, refill: REFILL, cost: COST }, 0);
  for (let i = 0; i < 100; i++) b.take(0);
  let ok = 0;
  for (let i = 0; i < 300; i++) if (b.take(10 * DAY)) ok++;
  assert.is(ok, 100);
  const c = new Bucket({ capacity: CAP, refill: REFILL, cost: COST }, 0);
  c.take(0);
  assert.ok(c.take(39));
  assert.is(packets(c, 39), 98, '100 - 2 taken + 975 milli-packets of refill: 98 whole ones');
  assert.is(packets(c, 40), 99, 'the 25 more of one ms complete the 99th');
  assert.ok(c.take(4000));
  assert.is(packets(c, 4000), 99, 'refilled to the top, then one taken');
});

const clock = suite('bucket: clocks that step back or wrap');

clock('a clock stepping backwards refills nothing; time then counts from the new reading', () => {
  const b = new Bucket({ capacity: CAP, refill: REFILL, cost: COST }, 1_000_000);
  for (let i = 0; i < 100; i++) b.take(1_000_000);
  assert.not.ok(b.take(400_000), 'stepped back 600 s: nothing');
  assert.is(packets(b, 400_000), 0);
  assert.not.ok(b.take(400_039));
  assert.ok(b.take(400_040));
  assert.not.ok(b.take(0));
  assert.not.ok(b.take(-5000), 'even a negative reading');
  assert.is(packets(b, -5000), 0);
});

clock('a 32-bit wrap (2^32 -> 0) refills nothing and breaks nothing', () => {
  const top = 2 ** 32;
  const b = new Bucket({ capacity: CAP, refill: REFILL, cost: COST }, top - 1000);
  for (let i = 0; i < 100; i++) b.take(top - 1);
  assert.not.ok(b.take(0));
  assert.not.ok(b.take(39));
  assert.ok(b.take(40));
  assert.is(packets(b, 40), 0);
});

clock('random forward/backward/wrapping clocks: never NaN, negative or extra tokens', () => {
  const rnd = prng(5);
  for (let run = 0; run < 50; run++) {
    let now = Math.floor(rnd() * 2 ** 32);
    const b = new Bucket({ capacity: CAP, refill: REFILL, cost: COST }, now);
    let forward = 0, ok = 0;
    for (let i = 0; i < 20_000; i++) {
      const r = rnd();
      const next = r < 0.05 ? now - Math.floor(rnd() * 1e7) : r < 0.07 ? Math.floor(rnd() * 100) : now + Math.floor(rnd() * 60);
      if (next > now) forward += next - now;
      now = next;
      if (b.take(now)) ok++;
      if (i % 500 == 0 && packets(b, now) > 100) throw new Error(`run ${run}: ${packets(b, now)} packets at once`);
      if (ok > 100 + Math.floor((25 * forward) / 1000)) throw new Error(`run ${run}: ${ok} accepted with ${forward} ms forward`);
    }
  }
});

const board = suite('bucket: board settings and the device clock, through the runtime');

board('a board with a different bucket: burst and rate follow it', () => {
  const lan = new Lan();
  const b = boot(lan, 2, { bucket: { capacity: 3000, refill: 2, cost: 1000 } });
  const s = connect(lan, b).f.openudp();
  const res = Array.from({ length: 5 }, () => s.send('192.168.1.3', 9, 'x'));
  assert.equal(res, [0, 0, 0, 4, 4]);
  lan.run(499);
  assert.is(s.send('192.168.1.3', 9, 'x'), 4);
  lan.run(1);
  assert.is(s.send('192.168.1.3', 9, 'x'), 0, '2 milli-packets per ms: one packet per 500 ms');
});

board('the device clock stepped back (MockDevice.skew) refills nothing; stepped forward refills to capacity only', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const s = connect(lan, b).f.openudp();
  const burst = () => { let ok = 0; for (let i = 0; i < 200; i++) if (s.send('192.168.1.3', 9, 'x') === 0) ok++; return ok; };
  assert.is(burst(), 100);
  b.dev.skew = -3_600_000;
  assert.is(burst(), 0, 'an hour back: nothing');
  lan.run(40);
  assert.is(burst(), 1, '40 ms later on the stepped-back clock: one');
  b.dev.skew = 10 * DAY;
  assert.is(burst(), 100, 'ten days forward: full, not more');
  assert.is(b.rt.imp.net.stats().refused, 100 + 200 + 199 + 100);
});

bound.run();
exact.run();
clock.run();
board.run();
