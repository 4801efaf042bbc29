// Spec section 7: the per-socket receive ring (firmware/ring.ts), through push() and pop() only:
// wraparound of payloads and headers at every position, exact fill, refusals that change
// nothing, byte payloads, many records, order, and a differential test against a plain Array
// model. Binary-string payloads (only Espruino's dgram hands them over; V8's set() cannot copy
// them) are tested on the interpreter: test/device-linux.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Ring } from '../firmware/ring';
import { prng } from '../hal/mock/prng';

/** The bytes a record takes besides its payload (from 4, to 4, port 2, length 2). */
const HDR = 12;

const bytes = (n: number, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255);

interface Rec { data: number[]; from: string; port: number; to: string }

/** Pop one record as plain data (null when the ring is empty). */
function popped(r: Ring): Rec | null {
  const d = r.pop();
  return d && { data: [...d], from: r.from, port: r.port, to: r.to };
}

/** Pop until empty (failing, not looping for ever, when it never empties: no ring here holds 5000 records). */
function drain(r: Ring): Rec[] {
  const out: Rec[] = [];
  for (let rec = popped(r); rec; rec = popped(r)) if (out.push(rec) > 5000) assert.unreachable('the ring never empties');
  return out;
}

/**
 * An empty ring of `cap` bytes whose next record starts `head` bytes into its storage, reached
 * by push and pop alone: records are laid end to end, so pushing and popping records of `head`
 * bytes in all (modulo cap) moves the read and write positions there. Needs cap >= 24.
 */
function ringAt(cap: number, head: number): Ring {
  const r = new Ring(cap);
  const steps = head === 0 ? [] : head >= HDR ? [head - HDR] : [cap - 2 * HDR + head, 0];
  for (const n of steps) {
    assert.ok(r.push(bytes(n, 99), '10.9.9.9', 9, '10.9.9.9'), `ringAt(${cap}, ${head}): step of ${n}`);
    assert.ok(r.pop());
  }
  return r;
}

/**
 * The ring has exactly `room` (>= HDR) bytes free, header included: a record of room - HDR payload
 * bytes is refused with one byte more and accepted as it is. Leaves that record queued.
 */
function hasRoom(r: Ring, room: number, what: string) {
  assert.not.ok(r.push(bytes(room - HDR + 1), '10.0.0.8', 8, '10.0.0.9'), `${what}: ${room - HDR + 1} payload bytes refused`);
  assert.ok(r.push(bytes(room - HDR, 5), '10.0.0.8', 8, '10.0.0.9'), `${what}: ${room - HDR} payload bytes accepted`);
}

const wrap = suite('ring: wraparound');

wrap('a record at every head position comes back whole: every split of the header and of the payload', () => {
  for (const cap of [64, 97]) {
    for (let head = 0; head < cap; head++) {
      const r = ringAt(cap, head);
      const whole = bytes(cap - HDR, head);
      assert.ok(r.push(whole, '172.16.254.3', 40000 + head, '192.168.1.255'), `cap ${cap} head ${head}: the whole ring`);
      assert.equal(popped(r), { data: [...whole], from: '172.16.254.3', port: 40000 + head, to: '192.168.1.255' }, `cap ${cap} head ${head}`);
      // two records behind each other, the second starting wherever the first ended
      assert.ok(r.push(bytes(20, 1), '10.0.0.1', 1, '10.0.0.2'));
      assert.ok(r.push(bytes(7, 2), '10.0.0.3', 2, '10.0.0.4'));
      assert.equal(drain(r), [
        { data: [...bytes(20, 1)], from: '10.0.0.1', port: 1, to: '10.0.0.2' },
        { data: [...bytes(7, 2)], from: '10.0.0.3', port: 2, to: '10.0.0.4' },
      ], `cap ${cap} head ${head}: two records`);
    }
  }
});

wrap('a payload straddling the end comes back whole', () => {
  // head at 62 of 100: the header fits (62..73), the 60-byte payload runs 74..99 then 0..33
  const r = ringAt(100, 62);
  const p = bytes(60, 3);
  assert.ok(r.push(p, '192.168.1.20', 65535, '255.255.255.255'));
  assert.equal(popped(r), { data: [...p], from: '192.168.1.20', port: 65535, to: '255.255.255.255' });
  assert.is(r.pop(), null);
  hasRoom(r, 100, 'emptied');
});

wrap('a header straddling the end (every split point) comes back whole', () => {
  for (let split = 1; split < HDR; split++) {
    const r = ringAt(64, 64 - split);
    assert.ok(r.push(bytes(20, split), '172.16.254.3', 40000 + split, '192.168.1.255'));
    assert.equal(popped(r), { data: [...bytes(20, split)], from: '172.16.254.3', port: 40000 + split, to: '192.168.1.255' }, `split ${split}`);
  }
});

const fill = suite('ring: fill and refusal');

fill('a datagram that exactly fills the remaining space is accepted; one byte more is refused and changes nothing', () => {
  for (const head of [0, 17 + HDR, 63 + HDR]) {
    const r = ringAt(128, head);
    assert.ok(r.push(bytes(30), '10.0.0.1', 1, '10.0.0.2'));
    const room = 128 - (HDR + 30) - HDR;
    assert.not.ok(r.push(bytes(room + 1), '10.0.0.1', 2, '10.0.0.2'));
    // nothing changed: the same room is left (not a byte less), and the queued record is intact (below)
    assert.ok(r.push(bytes(room, 9), '10.0.0.1', 3, '10.0.0.2'), `head ${head}: exactly the room left`);
    assert.not.ok(r.push(new Uint8Array(0), '10.0.0.1', 4, '10.0.0.2'), 'full: not even an empty datagram');
    assert.equal(drain(r), [
      { data: [...bytes(30)], from: '10.0.0.1', port: 1, to: '10.0.0.2' },
      { data: [...bytes(room, 9)], from: '10.0.0.1', port: 3, to: '10.0.0.2' },
    ], `head ${head}`);
  }
});

fill('a datagram larger than the ring is refused and nothing changes', () => {
  const r = new Ring(64);
  assert.ok(r.push(bytes(10), '10.0.0.1', 5, '10.0.0.2'));
  assert.not.ok(r.push(bytes(53), '10.0.0.9', 6, '10.0.0.2'));
  assert.not.ok(r.push(bytes(1000), '10.0.0.9', 6, '10.0.0.2'));
  hasRoom(r, 64 - HDR - 10, 'after the refusals');
  assert.equal(popped(r), { data: [...bytes(10)], from: '10.0.0.1', port: 5, to: '10.0.0.2' });
  assert.equal(popped(r), { data: [...bytes(64 - 2 * HDR - 10, 5)], from: '10.0.0.8', port: 8, to: '10.0.0.9' });
  assert.ok(r.push(bytes(52), '10.0.0.9', 6, '10.0.0.2'), 'the whole ring, exactly');
});

fill('drops are the caller\'s to count: push says false, queued records stay intact', () => {
  const r = new Ring(100);
  const kept = [bytes(20, 1), bytes(20, 2), bytes(20, 3)];
  for (const k of kept) assert.ok(r.push(k, '10.0.0.1', 7, '10.0.0.2'));
  let drops = 0;
  for (let i = 0; i < 10; i++) if (!r.push(bytes(20, 100 + i), '10.0.0.1', 8, '10.0.0.2')) drops++;
  assert.is(drops, 10);
  for (const k of kept) assert.equal(popped(r)!.data, [...k]);
  assert.is(r.pop(), null);
});

fill('many records: 300 empty datagrams fill 3600 bytes exactly, the 301st is refused, all come back in order', () => {
  const r = new Ring(300 * HDR);
  for (let i = 0; i < 300; i++) assert.ok(r.push(new Uint8Array(0), `10.0.${i >> 8}.${i & 255}`, i, '10.0.0.1'), `record ${i}`);
  assert.not.ok(r.push(new Uint8Array(0), '10.0.0.9', 9, '10.0.0.1'));
  const out = drain(r);
  assert.is(out.length, 300);
  out.forEach((rec, i) => assert.equal(rec, { data: [], from: `10.0.${i >> 8}.${i & 255}`, port: i, to: '10.0.0.1' }));
  hasRoom(r, 300 * HDR, 'emptied');
});

fill('10,000 records through a 100-byte ring kept full, wrapping all the way round many times', () => {
  const r = new Ring(100);
  const queued: [number, number][] = []; // each queued record's payload length and seed
  let pushed = 0;
  for (let i = 0; i < 10_000; i++) {
    const n = i % 13;
    while (r.push(bytes(n, pushed), '10.1.2.3', pushed, '10.3.2.1')) queued.push([n, pushed++]);
    const [len, seed] = queued.shift()!;
    assert.equal(popped(r), { data: [...bytes(len, seed)], from: '10.1.2.3', port: seed, to: '10.3.2.1' }, `record ${seed}`);
  }
  assert.ok(queued.length >= 3, `${queued.length} still queued: the ring was kept full`);
  assert.equal(drain(r).map((rec) => rec.port), queued.map(([, seed]) => seed));
});

const kinds = suite('ring: payload kinds, order, capacity');

kinds('every byte value and the empty payload come back as they went in', () => {
  const r = new Ring(600);
  assert.ok(r.push(Uint8Array.from({ length: 256 }, (_, i) => i), '192.168.0.1', 1234, '192.168.0.2'));
  assert.ok(r.push(new Uint8Array(0), '192.168.0.1', 1234, '192.168.0.2'));
  assert.equal(popped(r)!.data, Array.from({ length: 256 }, (_, i) => i));
  assert.equal(popped(r)!.data, []);
});

kinds('pop returns a copy: later pushes do not change it', () => {
  const r = new Ring(40);
  r.push(bytes(10, 1), '10.0.0.1', 1, '10.0.0.2');
  const first = r.pop()!;
  r.push(bytes(20, 2), '10.0.0.1', 1, '10.0.0.2');
  assert.equal([...first], [...bytes(10, 1)]);
});

kinds('records come out in arrival order with their own addresses and ports', () => {
  const r = new Ring(4096);
  for (let i = 0; i < 50; i++) assert.ok(r.push(bytes(i, i), `10.0.${i}.1`, 1000 + i, `192.168.1.${i}`));
  for (let i = 0; i < 50; i++) assert.equal(popped(r), { data: [...bytes(i, i)], from: `10.0.${i}.1`, port: 1000 + i, to: `192.168.1.${i}` });
  assert.is(r.pop(), null);
});

kinds('each record keeps its own addresses, however they change from one to the next, with two rings used in turn', () => {
  const a = new Ring(400), b = new Ring(400);
  // b's addresses: the sender changes alone, the destination alone, both, neither, and both equal
  const pairs = [['10.0.0.7', '10.0.0.2'], ['10.0.0.1', '10.0.0.2'], ['10.0.0.1', '10.0.0.8'], ['10.0.0.7', '10.0.0.9'],
    ['10.0.0.7', '10.0.0.9'], ['10.0.0.7', '10.0.0.7'], ['10.0.0.3', '10.0.0.7'], ['10.0.0.3', '10.0.0.3']];
  pairs.forEach(([from, to], i) => {
    assert.ok(a.push(bytes(3, i), '10.0.0.1', 1, '10.0.0.2'));
    assert.ok(b.push(bytes(3, i), from, 2, to));
  });
  pairs.forEach(([from, to], i) => {
    assert.equal(popped(b), { data: [...bytes(3, i)], from, port: 2, to }, `b ${i}`);
    assert.equal(popped(a), { data: [...bytes(3, i)], from: '10.0.0.1', port: 1, to: '10.0.0.2' }, `a ${i}`);
  });
});

kinds('the capacity is fixed: after 1000 pushes and pops, an emptied ring holds its size exactly, no more', () => {
  const r = new Ring(256);
  for (let i = 0; i < 1000; i++) { r.push(bytes(i % 300), '10.0.0.1', 1, '10.0.0.2'); if (i % 3) r.pop(); }
  drain(r);
  hasRoom(r, 256, 'emptied');
});

const model = suite('ring: differential test against an Array model');

model('~100k random push/pop operations agree with the model, and the free room is exactly the model\'s', () => {
  let ops = 0, refused = 0, probes = 0;
  for (const [seed, cap] of [[1, 64], [2, 97], [3, 300], [4, 1024], [5, 4096]]) {
    const rnd = prng(seed);
    const r = new Ring(cap);
    const q: Rec[] = [];
    let used = 0;
    /** Push `rec`; it must be accepted exactly when the model says it fits. */
    const push = (rec: Rec, where: string) => {
      const fits = used + rec.data.length + HDR <= cap;
      const ok = r.push(Uint8Array.from(rec.data), rec.from, rec.port, rec.to);
      if (ok !== fits) throw new Error(`seed ${seed} ${where}: push of ${rec.data.length} ${ok}, model ${fits} (${used} of ${cap} used)`);
      if (ok) { q.push(rec); used += rec.data.length + HDR; } else refused++;
    };
    const record = (len: number): Rec => ({
      data: Array.from({ length: len }, () => Math.floor(rnd() * 256)),
      from: [10, Math.floor(rnd() * 256), Math.floor(rnd() * 256), Math.floor(rnd() * 256)].join('.'),
      port: Math.floor(rnd() * 65536),
      to: rnd() < 0.3 ? '255.255.255.255' : `192.168.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}`,
    });
    for (let i = 0; i < 20_000; i++, ops++) {
      const k = rnd();
      if (k < 0.03) {
        // probe the free room: one byte more than it is refused, exactly it is accepted
        const free = cap - used - HDR;
        if (free >= 0) {
          push(record(free + 1), `op ${i} probe +1`);
          push(record(free), `op ${i} probe`);
          probes++;
        }
      } else if (k < 0.55) {
        push(record(Math.floor(rnd() * rnd() * cap * 0.7)), `op ${i}`);
      } else {
        const want = q.shift() || null;
        if (want) used -= want.data.length + HDR;
        assert.equal(popped(r), want, `seed ${seed} op ${i}`);
      }
    }
    assert.equal(drain(r), q, `seed ${seed}: what is left`);
  }
  console.log(`  ring: ${ops} random operations, ${refused} refused pushes, ${probes} exact-room probes, agreed with the model`);
  assert.ok(ops >= 100_000 && refused > 1000 && probes > 1000);
});

wrap.run();
fill.run();
kinds.run();
model.run();
