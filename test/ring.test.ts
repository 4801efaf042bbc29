// Spec section 7: the per-socket receive ring (firmware/ring.ts) — wraparound of payloads
// and headers, exact fill, refusals that change nothing, byte payloads, order, and a
// differential test against a plain Array model. Binary-string payloads (only Espruino's dgram
// hands them over; V8's set() cannot copy them) are tested on the interpreter: test/device-linux.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Ring } from '../firmware/ring';
import { prng } from '../hal/mock/prng';

const HDR = 12;


const bytes = (n: number, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255);

/** Pop one record as plain data. */
function popped(r: Ring) {
  const d = r.pop();
  return d && { data: [...d], from: r.from, port: r.port, to: r.to };
}

/** Everything a refused push must leave as it was. */
function snapshot(r: Ring) {
  return { b: [...r._bytes], r: r._pos, n: r._length };
}

const wrap = suite('ring: wraparound');

wrap('a payload straddling the end comes back whole', () => {
  const r = new Ring(100);
  assert.ok(r.push(bytes(50), '10.0.0.1', 1, '10.0.0.2'));
  assert.ok(popped(r));
  assert.is(r._pos, 62);
  const p = bytes(60, 3);
  assert.ok(r.push(p, '192.168.1.20', 65535, '255.255.255.255'));
  assert.ok(r._pos + HDR < 100 && r._pos + HDR + 60 > 100, 'payload straddles');
  assert.equal(popped(r), { data: [...p], from: '192.168.1.20', port: 65535, to: '255.255.255.255' });
  assert.is(r._length, 0);
});

wrap('a header straddling the end (every split point) comes back whole', () => {
  for (let split = 1; split < HDR; split++) {
    const cap = 64;
    const r = new Ring(cap);
    const lead = cap - split - HDR;
    assert.ok(r.push(bytes(lead), '10.0.0.1', 1, '10.0.0.1'));
    r.pop();
    assert.is(r._pos, cap - split);
    assert.ok(r.push(bytes(20, split), '172.16.254.3', 40000 + split, '192.168.1.255'));
    assert.equal(popped(r), { data: [...bytes(20, split)], from: '172.16.254.3', port: 40000 + split, to: '192.168.1.255' }, `split ${split}`);
  }
});

const fill = suite('ring: fill and refusal');

fill('a datagram that exactly fills the remaining space is accepted; one byte more is refused', () => {
  for (const offset of [0, 17, 63]) {
    const r = new Ring(128);
    if (offset) { r.push(bytes(offset), '1.1.1.1', 1, '1.1.1.1'); r.pop(); }
    assert.ok(r.push(bytes(30), '10.0.0.1', 1, '10.0.0.2'));
    const room = 128 - r._length - HDR;
    const before = snapshot(r);
    assert.not.ok(r.push(bytes(room + 1), '10.0.0.1', 2, '10.0.0.2'));
    assert.equal(snapshot(r), before, 'refused: nothing changed');
    assert.ok(r.push(bytes(room, 9), '10.0.0.1', 3, '10.0.0.2'));
    assert.is(r._length, 128);
    assert.not.ok(r.push(new Uint8Array(0), '10.0.0.1', 4, '10.0.0.2'), 'full: not even an empty datagram');
    assert.equal(popped(r)!.port, 1);
    assert.equal(popped(r), { data: [...bytes(room, 9)], from: '10.0.0.1', port: 3, to: '10.0.0.2' });
  }
});

fill('a datagram larger than the ring is refused and nothing changes', () => {
  const r = new Ring(64);
  r.push(bytes(10), '10.0.0.1', 5, '10.0.0.2');
  const before = snapshot(r);
  assert.not.ok(r.push(bytes(53), '10.0.0.9', 6, '10.0.0.2'));
  assert.not.ok(r.push(bytes(1000), '10.0.0.9', 6, '10.0.0.2'));
  assert.equal(snapshot(r), before);
  assert.equal(popped(r)!.port, 5);
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

const kinds = suite('ring: payload kinds, order, clear');

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

kinds('the storage is allocated once and never grows', () => {
  const r = new Ring(256);
  const buf = r._bytes;
  for (let i = 0; i < 1000; i++) { r.push(bytes(i % 300), '10.0.0.1', 1, '10.0.0.2'); if (i % 3) r.pop(); }
  assert.ok(r._bytes === buf);
  assert.is(r._bytes.length, 256);
});

const model = suite('ring: differential test against an Array model');

model('~100k random push/pop operations agree with the model', () => {
  let ops = 0, refused = 0, maxUsed = 0;
  for (const [seed, cap] of [[1, 64], [2, 97], [3, 300], [4, 1024], [5, 4096]]) {
    const rnd = prng(seed);
    const r = new Ring(cap);
    const q: { data: number[]; from: string; port: number; to: string }[] = [];
    let used = 0;
    for (let i = 0; i < 20_000; i++, ops++) {
      if (rnd() < 0.55) {
        const len = Math.floor(rnd() * rnd() * cap * 0.7);
        const raw = Array.from({ length: len }, () => Math.floor(rnd() * 256));
        const rec = {
          data: raw,
          from: [10, Math.floor(rnd() * 256), Math.floor(rnd() * 256), Math.floor(rnd() * 256)].join('.'),
          port: Math.floor(rnd() * 65536),
          to: rnd() < 0.3 ? '255.255.255.255' : `192.168.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}`,
        };
        const payload = Uint8Array.from(raw);
        const fits = used + len + HDR <= cap;
        const ok = r.push(payload, rec.from, rec.port, rec.to);
        if (ok !== fits) throw new Error(`seed ${seed} op ${i}: push ${ok}, model ${fits}`);
        if (ok) { q.push(rec); used += len + HDR; } else refused++;
        maxUsed = Math.max(maxUsed, used / cap);
      } else {
        const want = q.shift() || null;
        if (want) used -= want.data.length + HDR;
        assert.equal(popped(r), want, `seed ${seed} op ${i}`);
      }
      if (r._length !== used) throw new Error(`seed ${seed} op ${i}: ring holds ${r._length}, model ${used}`);
    }
  }
  console.log(`  ring: ${ops} random operations, ${refused} refused pushes, agreed with the model`);
  assert.ok(ops >= 100_000 && refused > 1000);
});

wrap.run();
fill.run();
kinds.run();
model.run();
