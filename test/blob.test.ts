// The Squirrel/impOS blob (firmware/blob.ts), through its methods only: pointer, numbers
// (checked against Node's Buffer), UTF-8 with latin-1 fallback, growth, resize, swaps, byte
// access and errors. Capacity (growth by doubling, storage kept) is read through bytes(), a
// documented view of the storage, never through the blob's fields.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Blob, blobOf, utf8, text } from '../firmware/blob';
import { prng as rng } from '../hal/mock/prng';
import { caught, wrong } from './support/runtime';


function code(fn: () => unknown, expected: string, given?: unknown) {
  const err = caught(fn);
  if (!err) assert.unreachable('expected a throw with ' + expected);
  assert.instance(err, Error);
  assert.is(err.code, expected);
  if (arguments.length > 2) assert.ok(String(err.message).includes('given'), 'message says what was given');
}

function arr(b: Blob): number[] {
  return [...b.bytes()];
}

function blobFrom(bytes: number[]): Blob {
  return blobOf(new Uint8Array(bytes));
}

/**
 * The storage behind `b`: bytes() is a view of it, never a copy (firmware/blob-core.ts), so the
 * view's buffer is the storage (the same object until the blob reallocates) and its size the capacity.
 */
function storage(b: Blob): ArrayBufferLike {
  return b.bytes().buffer;
}

type T = 'c' | 'b' | 's' | 'w' | 'i' | 'f' | 'd';
const TYPES: T[] = ['c', 'b', 's', 'w', 'i', 'f', 'd'];
const SIZE: Record<T, number> = { c: 1, b: 1, s: 2, w: 2, i: 4, f: 4, d: 8 };
const BUF: Record<T, { w: (buf: Buffer, v: number) => void; r: (buf: Buffer) => number; min: number; max: number }> = {
  c: { w: (b, v) => b.writeInt8(v, 0), r: (b) => b.readInt8(0), min: -128, max: 127 },
  b: { w: (b, v) => b.writeUInt8(v, 0), r: (b) => b.readUInt8(0), min: 0, max: 255 },
  s: { w: (b, v) => b.writeInt16LE(v, 0), r: (b) => b.readInt16LE(0), min: -32768, max: 32767 },
  w: { w: (b, v) => b.writeUInt16LE(v, 0), r: (b) => b.readUInt16LE(0), min: 0, max: 65535 },
  i: { w: (b, v) => b.writeInt32LE(v, 0), r: (b) => b.readInt32LE(0), min: -2147483648, max: 2147483647 },
  f: { w: (b, v) => b.writeFloatLE(v, 0), r: (b) => b.readFloatLE(0), min: -Infinity, max: Infinity },
  d: { w: (b, v) => b.writeDoubleLE(v, 0), r: (b) => b.readDoubleLE(0), min: -Infinity, max: Infinity },
};

/** Buffer's little-endian bytes of v as type t. */
function bufBytes(t: T, v: number): number[] {
  const buf = Buffer.alloc(SIZE[t]);
  BUF[t].w(buf, v);
  return [...buf];
}

/** A random in-range value of type t. */
function randomValue(t: T, r: () => number): number {
  if (t == 'f' || t == 'd') {
    const k = r();
    if (k < 0.05) {
      const x = [0, -0, Infinity, -Infinity, 1, -1, 0.1, 1e-45, 3.4028234663852886e38, 5e-324][Math.floor(r() * 10)];
      return t == 'f' ? Math.fround(x) : x;
    }
    const v = (r() - 0.5) * Math.pow(10, Math.floor(r() * 40) - 20);
    return t == 'f' ? Math.fround(v) : v;
  }
  const { min, max } = BUF[t];
  const k = r();
  if (k < 0.1) return min;
  if (k < 0.2) return max;
  if (k < 0.25) return 0;
  return min + Math.floor(r() * (max - min + 1));
}

/** Integer types: what DataView stores for any number (truncate, then modulo 2^bits). */
function wrapped(t: T, v: number): number {
  const bits = SIZE[t] * 8;
  const m = Math.pow(2, bits);
  let u = Number.isFinite(v) ? Math.trunc(v) % m : 0;
  if (u < 0) u += m;
  const signed = t == 'c' || t == 's' || t == 'i';
  return signed && u >= m / 2 ? u - m : u;
}

/** Reference decoder: each maximal well-formed UTF-8 char (per a fatal TextDecoder), else the byte as latin-1. */
function refText(u8: Uint8Array): string {
  const dec = new TextDecoder('utf-8', { fatal: true });
  let s = '';
  let i = 0;
  while (i < u8.length) {
    const c = u8[i];
    const len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    let ok = false;
    if (len && i + len <= u8.length) {
      try {
        s += dec.decode(u8.subarray(i, i + len));
        i += len;
        ok = true;
      } catch {
        ok = false;
      }
    }
    if (!ok) s += String.fromCharCode(u8[i++]);
  }
  return s;
}

/** A random string of code points from every UTF-8 length class. */
function randomString(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const k = r();
    let cp: number;
    if (k < 0.3) cp = Math.floor(r() * 0x80);
    else if (k < 0.5) cp = 0x80 + Math.floor(r() * (0x800 - 0x80));
    else if (k < 0.75) {
      do cp = 0x800 + Math.floor(r() * (0x10000 - 0x800));
      while (cp >= 0xd800 && cp <= 0xdfff);
    } else cp = 0x10000 + Math.floor(r() * (0x110000 - 0x10000));
    s += String.fromCodePoint(cp);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
const Basics = suite('blob: construction, len, tell, eos');

Basics('no argument: empty, pointer 0, at eos', () => {
  const b = new Blob();
  assert.is(b.len(), 0);
  assert.is(b.tell(), 0);
  assert.is(b.eos(), true);
  assert.equal(arr(b), []);
  assert.is(b.tostring(), '');
});

Basics('new Blob(size): size zero bytes, pointer 0', () => {
  for (const n of [0, 1, 7, 64, 1000]) {
    const b = new Blob(n);
    assert.is(b.len(), n);
    assert.is(b.tell(), 0);
    assert.is(b.eos(), n == 0);
    assert.is(b.bytes().length, n);
    assert.ok(b.bytes().every((x) => x === 0));
  }
});

Basics('new Blob(bad size) throws ERR_BAD_ARG', () => {
  for (const bad of [-1, 1.5, NaN, Infinity, -Infinity, '3', null, {}, [2], true]) {
    code(() => new Blob(wrong(bad)), 'ERR_BAD_ARG', bad);
  }
});

Basics('a write inside moves the pointer, not len; a write past the end grows len to where it ends', () => {
  const b = new Blob(3);
  assert.is(b.len(), 3);
  assert.is(b.tell(), 0);
  b.writen(0x0102, 'w');
  assert.is(b.tell(), 2);
  assert.is(b.len(), 3);
  b.seek(0, 'e');
  b.writen(7, 'i');
  assert.is(b.len(), 7);
  assert.is(b.tell(), 7);
  assert.equal(arr(b), [2, 1, 0, 7, 0, 0, 0]);
});

Basics('eos returns a boolean and follows the pointer', () => {
  const b = new Blob(2);
  assert.is(b.eos(), false);
  b.readn('b');
  assert.is(b.eos(), false);
  b.readn('b');
  assert.is(b.eos(), true);
  b.seek(1);
  assert.is(b.eos(), false);
  b.resize(1);
  assert.is(b.eos(), true);
  b.writen(1, 'b');
  assert.is(b.eos(), true);
  b.seek(-1, 'e');
  assert.is(b.eos(), false);
});

Basics('errors are Errors carrying the code and the value given', () => {
  try {
    new Blob(2).seek(0, 'x');
    assert.unreachable('seek with a bad whence must throw');
  } catch (e: any) {
    assert.instance(e, Error);
    assert.is(e.code, 'ERR_BAD_ARG');
    assert.match(e.message, 'ERR_BAD_ARG');
    assert.match(e.message, '"x"');
  }
  try {
    new Blob(1).readn('i');
    assert.unreachable('readn past the end must throw');
  } catch (e: any) {
    assert.is(e.code, 'ERR_BLOB_EOS');
    assert.match(e.message, '"i"');
  }
});

Basics.run();

// ---------------------------------------------------------------------------------------------
const Seek = suite('blob: seek');

Seek('default whence is begin; returns 0 and moves', () => {
  const b = new Blob(10);
  assert.is(b.seek(4), 0);
  assert.is(b.tell(), 4);
  assert.is(b.seek(0), 0);
  assert.is(b.tell(), 0);
  assert.is(b.seek(10), 0);
  assert.is(b.tell(), 10);
  assert.is(b.seek(3, 'b'), 0);
  assert.is(b.tell(), 3);
});

Seek("'c' is relative to the pointer, 'e' to the end", () => {
  const b = new Blob(10);
  b.seek(4);
  assert.is(b.seek(3, 'c'), 0);
  assert.is(b.tell(), 7);
  assert.is(b.seek(-5, 'c'), 0);
  assert.is(b.tell(), 2);
  assert.is(b.seek(0, 'c'), 0);
  assert.is(b.tell(), 2);
  assert.is(b.seek(0, 'e'), 0);
  assert.is(b.tell(), 10);
  assert.is(b.seek(-10, 'e'), 0);
  assert.is(b.tell(), 0);
  assert.is(b.seek(-3, 'e'), 0);
  assert.is(b.tell(), 7);
});

Seek('out of 0..len returns -1 and leaves the pointer', () => {
  const b = new Blob(10);
  b.seek(5);
  assert.is(b.seek(11), -1);
  assert.is(b.tell(), 5);
  assert.is(b.seek(-1), -1);
  assert.is(b.tell(), 5);
  assert.is(b.seek(6, 'c'), -1);
  assert.is(b.tell(), 5);
  assert.is(b.seek(-6, 'c'), -1);
  assert.is(b.tell(), 5);
  assert.is(b.seek(1, 'e'), -1);
  assert.is(b.tell(), 5);
  assert.is(b.seek(-11, 'e'), -1);
  assert.is(b.tell(), 5);
  assert.is(b.seek(1e15), -1);
  assert.is(b.tell(), 5);
  assert.is(b.seek(5, 'c'), 0);
  assert.is(b.tell(), 10);
});

Seek('empty blob: only 0 is a valid target', () => {
  const b = new Blob();
  assert.is(b.seek(0), 0);
  assert.is(b.seek(0, 'e'), 0);
  assert.is(b.seek(1), -1);
  assert.is(b.seek(-1, 'e'), -1);
  assert.is(b.tell(), 0);
});

Seek('bad whence or offset throws ERR_BAD_ARG, pointer unchanged', () => {
  const b = new Blob(10);
  b.seek(2);
  for (const w of ['x', 'B', 'bc', '', null, 0, 98, {}]) code(() => b.seek(1, wrong(w)), 'ERR_BAD_ARG', w);
  for (const o of [1.5, NaN, Infinity, '3', null, undefined]) code(() => b.seek(wrong(o)), 'ERR_BAD_ARG', o);
  assert.is(b.tell(), 2);
});

Seek('seek then write overwrites in place without growing', () => {
  const b = blobFrom([1, 2, 3, 4, 5]);
  b.seek(1);
  b.writen(0xaabb, 'w');
  assert.equal(arr(b), [1, 0xbb, 0xaa, 4, 5]);
  assert.is(b.len(), 5);
  assert.is(b.tell(), 3);
});

Seek.run();

// ---------------------------------------------------------------------------------------------
const Numbers = suite('blob: readn / writen');

Numbers('each type writes exact little-endian bytes and advances by its size', () => {
  const cases: [T, number, number[]][] = [
    ['c', -2, [0xfe]],
    ['b', 200, [0xc8]],
    ['s', -2, [0xfe, 0xff]],
    ['s', 0x1234, [0x34, 0x12]],
    ['w', 0xbeef, [0xef, 0xbe]],
    ['i', 0x12345678, [0x78, 0x56, 0x34, 0x12]],
    ['i', -2, [0xfe, 0xff, 0xff, 0xff]],
    ['f', 1, [0, 0, 0x80, 0x3f]],
    ['f', -2.5, [0, 0, 0x20, 0xc0]],
    ['d', 1, [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]],
    ['d', -0, [0, 0, 0, 0, 0, 0, 0, 0x80]],
  ];
  for (const [t, v, bytes] of cases) {
    const b = new Blob();
    assert.is(b.writen(v, t), undefined);
    assert.equal(arr(b), bytes, `${t} ${v}`);
    assert.is(b.tell(), SIZE[t]);
    assert.is(b.len(), SIZE[t]);
    b.seek(0);
    assert.ok(Object.is(b.readn(t), v), `${t} ${v} reads back`);
    assert.is(b.tell(), SIZE[t]);
  }
});

Numbers('4000 random in-range round trips per type match Buffer byte for byte', () => {
  const r = rng(1);
  for (const t of TYPES) {
    for (let k = 0; k < 4000; k++) {
      const v = randomValue(t, r);
      const b = new Blob();
      b.writen(v, t);
      assert.equal(arr(b), bufBytes(t, v), `${t} ${v}`);
      b.seek(0);
      const got = b.readn(t);
      if (!Object.is(got, v)) assert.unreachable(`${t}: wrote ${v}, read ${got}`);
    }
  }
});

Numbers('readn of 3000 random byte patterns per type matches Buffer read*LE', () => {
  const r = rng(2);
  for (const t of TYPES) {
    for (let k = 0; k < 3000; k++) {
      const raw = Buffer.alloc(8);
      for (let j = 0; j < 8; j++) raw[j] = Math.floor(r() * 256);
      const b = blobOf(new Uint8Array(raw));
      const got = b.readn(t);
      const want = BUF[t].r(raw);
      if (!Object.is(got, want)) assert.unreachable(`${t} of ${raw.toString('hex')}: ${got} vs ${want}`);
      assert.is(b.tell(), SIZE[t]);
    }
  }
});

Numbers('integer types wrap modulo 2^bits and truncate fractions (2000 random each)', () => {
  const fixed: [T, number, number][] = [
    ['b', 256, 0], ['b', 300, 44], ['b', -1, 255], ['b', 3.7, 3], ['b', -0.5, 0],
    ['c', 128, -128], ['c', 200, -56], ['c', 255, -1], ['c', -129, 127], ['c', -1.9, -1],
    ['s', 32768, -32768], ['s', 40000, -25536], ['s', 65536, 0], ['s', -32769, 32767],
    ['w', -1, 65535], ['w', 65536, 0], ['w', 70000, 4464],
    ['i', 2147483648, -2147483648], ['i', 4294967295, -1], ['i', 4294967301, 5], ['i', -2147483649, 2147483647],
    ['b', NaN, 0], ['i', Infinity, 0], ['s', -Infinity, 0],
  ];
  for (const [t, v, want] of fixed) {
    const b = new Blob();
    b.writen(v, t);
    assert.is(b.len(), SIZE[t]);
    b.seek(0);
    assert.is(b.readn(t), want, `${t} ${v}`);
    assert.is(wrapped(t, v), want, 'reference agrees');
  }
  const r = rng(3);
  for (const t of ['c', 'b', 's', 'w', 'i'] as T[]) {
    for (let k = 0; k < 2000; k++) {
      const v = (r() - 0.5) * Math.pow(2, 1 + Math.floor(r() * 45));
      const b = new Blob();
      b.writen(v, t);
      const want = wrapped(t, v);
      assert.equal(arr(b), bufBytes(t, want), `${t} ${v}`);
      b.seek(0);
      if (b.readn(t) !== want) assert.unreachable(`${t} ${v}`);
    }
  }
});

Numbers('floats: float32 rounds, NaN and infinities survive', () => {
  const b = new Blob();
  b.writen(0.1, 'f');
  b.writen(0.1, 'd');
  b.writen(NaN, 'f');
  b.writen(NaN, 'd');
  b.writen(-Infinity, 'f');
  b.writen(1e39, 'f');
  b.writen(-0, 'f');
  assert.is(b.len(), 4 + 8 + 4 + 8 + 4 + 4 + 4);
  b.seek(0);
  assert.is(b.readn('f'), Math.fround(0.1));
  assert.is(b.readn('d'), 0.1);
  assert.ok(Number.isNaN(b.readn('f')));
  assert.ok(Number.isNaN(b.readn('d')));
  assert.is(b.readn('f'), -Infinity);
  assert.is(b.readn('f'), Infinity);
  assert.ok(Object.is(b.readn('f'), -0));
  assert.is(b.eos(), true);
});

Numbers('a random mix of 3000 values reads back in order and equals the concatenated Buffer bytes', () => {
  const r = rng(4);
  const b = new Blob();
  const log: [T, number][] = [];
  const expect: number[] = [];
  for (let k = 0; k < 3000; k++) {
    const t = TYPES[Math.floor(r() * TYPES.length)];
    const v = randomValue(t, r);
    log.push([t, v]);
    b.writen(v, t);
    expect.push(...bufBytes(t, v));
    assert.is(b.tell(), expect.length);
  }
  assert.is(b.len(), expect.length);
  assert.equal(arr(b), expect);
  assert.is(b.seek(0), 0);
  for (const [t, v] of log) {
    if (!Object.is(b.readn(t), v)) assert.unreachable(`${t} ${v}`);
  }
  assert.is(b.eos(), true);
});

Numbers('writen straddling the end grows only by what is needed', () => {
  const b = blobFrom([1, 2, 3]);
  b.seek(2);
  b.writen(0x07060504, 'i');
  assert.equal(arr(b), [1, 2, 4, 5, 6, 7]);
  assert.is(b.len(), 6);
  assert.is(b.tell(), 6);
});

Numbers('readn with too few bytes throws ERR_BLOB_EOS and leaves the pointer', () => {
  code(() => new Blob().readn('b'), 'ERR_BLOB_EOS', 'b');
  for (const t of TYPES) {
    const n = SIZE[t];
    const b = new Blob(n + 2);
    b.seek(3);
    if (n > 1) {
      code(() => b.readn(t), 'ERR_BLOB_EOS');
      assert.is(b.tell(), 3, t);
    }
    b.seek(2);
    b.readn(t);
    assert.is(b.tell(), n + 2);
    code(() => b.readn(t), 'ERR_BLOB_EOS');
    assert.is(b.tell(), n + 2);
  }
});

Numbers('bad type throws ERR_BAD_ARG; bad value throws ERR_BAD_ARG; nothing written', () => {
  const b = new Blob(8);
  for (const t of ['x', 'cb', '', 'B', 'I', 98, null, undefined, ['c']]) {
    code(() => b.readn(wrong(t)), 'ERR_BAD_ARG', t);
    code(() => b.writen(1, wrong(t)), 'ERR_BAD_ARG', t);
  }
  for (const v of ['5', null, undefined, {}, true]) code(() => b.writen(wrong(v), 'b'), 'ERR_BAD_ARG', v);
  assert.is(b.tell(), 0);
  assert.is(b.len(), 8);
  assert.ok(b.bytes().every((x) => x === 0));
  const e = new Blob();
  code(() => e.writen(wrong('1'), 'i'), 'ERR_BAD_ARG');
  assert.is(e.len(), 0);
});

Numbers('readn reads at the pointer, wherever that lies in the storage (an odd offset, a blob cut out of another)', () => {
  const bytes = [9, 9, 9, 0x78, 0x56, 0x34, 0x12, 0, 0, 0x80, 0x3f];
  const b = blobFrom(bytes);
  b.seek(3);
  assert.is(b.readn('i'), 0x12345678);
  assert.is(b.readn('f'), 1);
  b.seek(3);
  const cut = blobOf(new Uint8Array(bytes).subarray(3));
  assert.is(cut.readn('i'), 0x12345678);
  assert.is(cut.readn('f'), 1);
  const part = b.readblob(8);
  assert.is(part.readn('i'), 0x12345678);
  assert.is(part.readn('f'), 1);
});

Numbers.run();

// ---------------------------------------------------------------------------------------------
const Growth = suite('blob: growth and capacity');

Growth('byte-at-a-time writes grow len by one with amortised doubling of storage', () => {
  const b = new Blob();
  let reallocs = 0;
  let store = storage(b);
  for (let i = 0; i < 5000; i++) {
    b.writen(i & 255, 'b');
    assert.is(b.len(), i + 1);
    if (storage(b) !== store) {
      reallocs++;
      assert.ok(storage(b).byteLength >= 2 * store.byteLength, `capacity at least doubles (${store.byteLength} -> ${storage(b).byteLength})`);
      store = storage(b);
    }
    assert.ok(store.byteLength >= b.len());
  }
  assert.ok(reallocs <= 14, `${reallocs} reallocations for 5000 bytes`);
  for (let i = 0; i < 5000; i++) if (b.get(i) !== (i & 255)) assert.unreachable(`byte ${i}`);
});

Growth('a large write grows to fit at once', () => {
  const b = new Blob(2);
  b.seek(0, 'e');
  b.writestring('x'.repeat(1000));
  assert.is(b.len(), 1002);
  assert.ok(storage(b).byteLength >= 1002);
  assert.equal(arr(b).slice(0, 3), [0, 0, 120]);
  assert.equal(arr(b).slice(2), Array(1000).fill(120));
});

Growth('storage never shrinks on writes; rewriting in place keeps it', () => {
  const b = new Blob();
  for (let i = 0; i < 100; i++) b.writen(i, 'i');
  const store = storage(b);
  const cap = store.byteLength;
  b.seek(0);
  for (let i = 0; i < 100; i++) b.writen(-i, 'i');
  assert.is(storage(b), store);
  assert.is(storage(b).byteLength, cap);
  assert.is(b.len(), 400);
  b.seek(0);
  for (let i = 0; i < 100; i++) assert.is(b.readn('i'), -i);
});

Growth.run();

// ---------------------------------------------------------------------------------------------
const Strings = suite('blob: strings, UTF-8 and latin-1 fallback');

const SAMPLES = ['', 'hello', 'a\u0000b', '\u007f\u0080', 'café', 'ß', 'Ω≈ç√', '€', '日本語', '\uffff', '😀', 'a😀b', '👍🏽', '𝄞 music', '\u{10ffff}', 'mixed: é € 😀 ok'];

SAMPLES.forEach(function (s) {
  Strings(`writestring/utf8 match Buffer.from and round-trip: ${JSON.stringify(s)}`, () => {
    const want = [...Buffer.from(s, 'utf8')];
    assert.equal([...utf8(s)], want);
    assert.instance(utf8(s), Uint8Array);
    const b = new Blob();
    assert.is(b.writestring(s), undefined);
    assert.equal(arr(b), want);
    assert.is(b.len(), want.length);
    assert.is(b.tell(), want.length);
    assert.is(b.tostring(), s);
    b.seek(0);
    assert.is(b.readstring(want.length), s);
    assert.is(text(new Uint8Array(want)), s);
  });
});

Strings('1000 random strings of 1-4 byte chars match Buffer and round-trip', () => {
  const r = rng(5);
  for (let k = 0; k < 1000; k++) {
    const s = randomString(r, 1 + Math.floor(r() * 20));
    const want = Buffer.from(s, 'utf8');
    const got = utf8(s);
    assert.ok(want.equals(got), JSON.stringify(s));
    assert.is(text(got), s);
    const b = new Blob();
    b.writestring(s);
    assert.is(b.tostring(), s);
  }
});

Strings('lone surrogates encode as U+FFFD like Buffer', () => {
  for (const s of ['\ud800', '\udc00', 'a\ud83db', '\ude00\ud83d', 'x\ud83d']) {
    assert.equal([...utf8(s)], [...Buffer.from(s, 'utf8')], JSON.stringify(s));
  }
});

Strings('invalid UTF-8 bytes decode as latin-1, valid sequences around them still decode', () => {
  const cases: [number[], string][] = [
    [[0xff], '\u00ff'],
    [[0x80], '\u0080'],
    [[0xc3], '\u00c3'],
    [[0xc3, 0x41], '\u00c3A'],
    [[0xc3, 0xa9], 'é'],
    [[0xc0, 0x80], '\u00c0\u0080'],
    [[0xc1, 0xbf], '\u00c1\u00bf'],
    [[0xe0, 0x80, 0x80], '\u00e0\u0080\u0080'],
    [[0xe0, 0x9f, 0xbf], '\u00e0\u009f\u00bf'],
    [[0xe0, 0xa0, 0x80], '\u0800'],
    [[0xed, 0xa0, 0x80], '\u00ed\u00a0\u0080'],
    [[0xed, 0x9f, 0xbf], '\ud7ff'],
    [[0xee, 0x80, 0x80], '\ue000'],
    [[0xe2, 0x82], '\u00e2\u0082'],
    [[0xf0, 0x8f, 0xbf, 0xbf], '\u00f0\u008f\u00bf\u00bf'],
    [[0xf0, 0x90, 0x80, 0x80], '\u{10000}'],
    [[0xf4, 0x8f, 0xbf, 0xbf], '\u{10ffff}'],
    [[0xf4, 0x90, 0x80, 0x80], '\u00f4\u0090\u0080\u0080'],
    [[0xf5, 0x80, 0x80, 0x80], '\u00f5\u0080\u0080\u0080'],
    [[0xf8, 0x88, 0x80, 0x80, 0x80], '\u00f8\u0088\u0080\u0080\u0080'],
    [[0xf0, 0x9f, 0x98], '\u00f0\u009f\u0098'],
    [[0xf0, 0x9f, 0x98, 0x80], '😀'],
    [[0x41, 0xc3, 0xa9, 0xff, 0xe2, 0x82, 0xac, 0xfe], 'Aé\u00ff€\u00fe'],
    [[0xc3, 0xc3, 0xa9], '\u00c3é'],
  ];
  for (const [bytes, s] of cases) {
    assert.is(text(new Uint8Array(bytes)), s, bytes.map((x) => x.toString(16)).join(' '));
    assert.is(blobFrom(bytes).tostring(), s);
    assert.is(refText(new Uint8Array(bytes)), s, 'reference agrees');
  }
});

Strings('every byte 0..255 in order round-trips byte-per-char through tostring', () => {
  const all = Array.from({ length: 256 }, (_, i) => i);
  const s = blobFrom(all).tostring();
  assert.is(s.length, 256);
  for (let i = 0; i < 256; i++) assert.is(s.charCodeAt(i), i);
  const single = Array.from({ length: 128 }, (_, i) => 128 + i);
  for (const x of single) assert.is(text(new Uint8Array([x])), String.fromCharCode(x));
});

Strings('3000 random binary blobs decode like the reference decoder', () => {
  const r = rng(6);
  for (let k = 0; k < 3000; k++) {
    const n = Math.floor(r() * 24);
    const u8 = new Uint8Array(n);
    const bias = r();
    for (let j = 0; j < n; j++) {
      const q = r();
      u8[j] = q < bias * 0.5 ? 0x80 + Math.floor(r() * 64) : q < bias ? 0xc0 + Math.floor(r() * 64) : Math.floor(r() * 256);
    }
    const want = refText(u8);
    if (text(u8) !== want) assert.unreachable(`${Buffer.from(u8).toString('hex')}: ${JSON.stringify(text(u8))} vs ${JSON.stringify(want)}`);
    if (Buffer.from(u8).toString('utf8').indexOf('\ufffd') < 0) assert.is(text(u8), Buffer.from(u8).toString('utf8'));
  }
});

Strings('readstring reads at most what is left and advances by bytes', () => {
  const b = new Blob();
  b.writestring('abcdef');
  b.seek(2);
  assert.is(b.readstring(3), 'cde');
  assert.is(b.tell(), 5);
  assert.is(b.readstring(100), 'f');
  assert.is(b.tell(), 6);
  assert.is(b.eos(), true);
  assert.is(b.readstring(5), '');
  assert.is(b.tell(), 6);
  b.seek(0);
  assert.is(b.readstring(0), '');
  assert.is(b.tell(), 0);
});

Strings('readstring counts bytes, not chars; a cut sequence falls back to latin-1', () => {
  const b = new Blob();
  b.writestring('é€😀');
  assert.is(b.len(), 2 + 3 + 4);
  b.seek(0);
  assert.is(b.readstring(2), 'é');
  assert.is(b.readstring(3), '€');
  assert.is(b.tell(), 5);
  assert.is(b.readstring(2), '\u00f0\u009f');
  assert.is(b.readstring(2), '\u0098\u0080');
  assert.is(b.eos(), true);
});

Strings('writestring at the pointer overwrites and grows; no terminator', () => {
  const b = new Blob();
  b.writestring('hello world');
  b.seek(6);
  b.writestring('there!');
  assert.is(b.tostring(), 'hello there!');
  assert.is(b.len(), 12);
  b.seek(0);
  b.writestring('J');
  assert.is(b.tostring(), 'Jello there!');
  assert.is(b.len(), 12);
  b.seek(0, 'e');
  b.writestring('');
  assert.is(b.len(), 12);
});

Strings('tostring is the whole blob whatever the pointer, and does not move it', () => {
  const b = new Blob();
  b.writestring('xyz');
  b.seek(1);
  assert.is(b.tostring(), 'xyz');
  assert.is(b.tell(), 1);
  const z = new Blob(3);
  assert.is(z.tostring(), '\u0000\u0000\u0000');
});

Strings('bad arguments throw ERR_BAD_ARG', () => {
  const b = new Blob(4);
  for (const v of [5, null, undefined, {}, ['a']]) code(() => b.writestring(wrong(v)), 'ERR_BAD_ARG', v);
  for (const n of [-1, 1.5, NaN, '2', null, undefined]) code(() => b.readstring(wrong(n)), 'ERR_BAD_ARG', n);
  assert.is(b.len(), 4);
  assert.is(b.tell(), 0);
});

Strings.run();

// ---------------------------------------------------------------------------------------------
const Blobs = suite('blob: readblob, writeblob, blobOf, bytes');

Blobs('readblob returns a new blob (pointer 0) of at most what is left', () => {
  const b = blobFrom([1, 2, 3, 4, 5]);
  b.seek(1);
  const r = b.readblob(2);
  assert.instance(r, Blob);
  assert.equal(arr(r), [2, 3]);
  assert.is(r.tell(), 0);
  assert.is(r.len(), 2);
  assert.is(b.tell(), 3);
  const rest = b.readblob(10);
  assert.equal(arr(rest), [4, 5]);
  assert.is(b.tell(), 5);
  const none = b.readblob(3);
  assert.is(none.len(), 0);
  assert.is(b.readblob(0).len(), 0);
  b.seek(0);
  assert.is(b.readblob(0).len(), 0);
  assert.is(b.tell(), 0);
});

Blobs('readblob copies: changing either side does not touch the other', () => {
  const b = blobFrom([1, 2, 3]);
  const r = b.readblob(3);
  r.set(0, 99);
  r.writen(7, 'b');
  assert.equal(arr(b), [1, 2, 3]);
  b.set(1, 42);
  assert.equal(arr(r), [7, 2, 3]);
});

Blobs('readblob with a bad count throws ERR_BAD_ARG', () => {
  const b = blobFrom([1, 2]);
  for (const n of [-1, 0.5, NaN, '1', undefined]) code(() => b.readblob(wrong(n)), 'ERR_BAD_ARG', n);
  assert.is(b.tell(), 0);
});

Blobs("writeblob copies all of b's bytes at the pointer, whatever b's pointer", () => {
  const src = blobFrom([10, 20, 30]);
  src.seek(2);
  const b = blobFrom([1, 2, 3, 4]);
  b.seek(1);
  assert.is(b.writeblob(src), undefined);
  assert.equal(arr(b), [1, 10, 20, 30]);
  assert.is(b.tell(), 4);
  assert.is(src.tell(), 2);
  b.writeblob(src);
  assert.equal(arr(b), [1, 10, 20, 30, 10, 20, 30]);
  assert.is(b.len(), 7);
  b.writeblob(new Blob());
  assert.is(b.len(), 7);
  src.set(0, 0);
  assert.is(b.get(1), 10);
});

Blobs('writeblob of a blob into itself', () => {
  const b = blobFrom([1, 2, 3]);
  b.seek(0, 'e');
  b.writeblob(b);
  assert.equal(arr(b), [1, 2, 3, 1, 2, 3]);
  const c = new Blob();
  for (let i = 0; i < 10; i++) c.writen(i, 'b');
  c.seek(2);
  c.writeblob(c);
  assert.equal(arr(c), [0, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const d = blobFrom([5, 6, 7, 8]);
  d.writeblob(d);
  assert.equal(arr(d), [5, 6, 7, 8]);
});

Blobs('writeblob into itself is right even where TypedArray.set copies forward naively (as on Espruino)', () => {
  const native = Uint8Array.prototype.set;
  Uint8Array.prototype.set = function (this: Uint8Array, src: ArrayLike<number>, at?: number) {
    for (let i = 0; i < src.length; i++) this[(at || 0) + i] = src[i];
  };
  try {
    const c = new Blob();
    for (let i = 0; i < 10; i++) c.writen(i, 'b');
    const store = storage(c);
    assert.ok(store.byteLength >= 12, 'no reallocation, so source and target share storage');
    c.seek(2);
    c.writeblob(c);
    assert.is(storage(c), store);
    assert.equal(arr(c), [0, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  } finally {
    Uint8Array.prototype.set = native;
  }
});

Blobs('writeblob of something that is not a blob throws ERR_BAD_ARG', () => {
  const b = new Blob();
  for (const v of [null, undefined, 'abc', new Uint8Array(2), { bytes: () => new Uint8Array(1) }]) {
    code(() => b.writeblob(wrong(v)), 'ERR_BAD_ARG');
  }
  assert.is(b.len(), 0);
});

Blobs('blobOf copies the bytes, pointer 0', () => {
  const u8 = new Uint8Array([1, 2, 3]);
  const b = blobOf(u8);
  assert.instance(b, Blob);
  assert.is(b.len(), 3);
  assert.is(b.tell(), 0);
  assert.equal(arr(b), [1, 2, 3]);
  u8[0] = 9;
  assert.is(b.get(0), 1);
  b.set(1, 8);
  assert.is(u8[1], 2);
  const backing = new Uint8Array([7, 7, 1, 2, 7]);
  const v = blobOf(backing.subarray(2, 4));
  assert.equal(arr(v), [1, 2]);
  assert.is(blobOf(new Uint8Array(0)).len(), 0);
});

Blobs('bytes() is a view of exactly len() bytes, no copy', () => {
  const b = new Blob();
  for (const c of 'abcde') b.writestring(c);
  assert.ok(storage(b).byteLength > 5, 'capacity exceeds length here');
  const v = b.bytes();
  assert.instance(v, Uint8Array);
  assert.is(v.length, 5);
  assert.is(b.bytes().buffer, v.buffer, 'the same storage each time');
  v[0] = 0x41;
  assert.is(b.get(0), 0x41);
  assert.is(b.tostring(), 'Abcde');
  b.set(4, 0x45);
  assert.is(v[4], 0x45);
  assert.is(new Blob().bytes().length, 0);
  b.resize(2);
  assert.is(b.bytes().length, 2);
});

Blobs.run();

// ---------------------------------------------------------------------------------------------
const Edit = suite('blob: resize, swap2, swap4, get, set');

Edit('resize up zero-extends and keeps content and pointer', () => {
  const b = blobFrom([1, 2, 3]);
  b.seek(2);
  assert.is(b.resize(6), undefined);
  assert.is(b.len(), 6);
  assert.equal(arr(b), [1, 2, 3, 0, 0, 0]);
  assert.is(b.tell(), 2);
  b.seek(0, 'e');
  assert.is(b.tell(), 6);
});

Edit('resize down truncates and clamps the pointer', () => {
  const b = blobFrom([1, 2, 3, 4, 5]);
  b.seek(4);
  b.resize(2);
  assert.is(b.len(), 2);
  assert.equal(arr(b), [1, 2]);
  assert.is(b.tell(), 2);
  assert.is(b.eos(), true);
  b.seek(1);
  b.resize(1);
  assert.is(b.tell(), 1);
  b.resize(0);
  assert.is(b.len(), 0);
  assert.is(b.tell(), 0);
  assert.equal(arr(b), []);
});

Edit('shrinking then growing shows zeros, never the old bytes', () => {
  const b = new Blob();
  b.writestring('secret!');
  b.resize(2);
  b.resize(7);
  assert.equal(arr(b), [115, 101, 0, 0, 0, 0, 0]);
  const c = new Blob();
  c.writestring('abcde');
  c.resize(1);
  c.seek(0, 'e');
  c.writen(0x21, 'b');
  c.resize(5);
  assert.equal(arr(c), [97, 0x21, 0, 0, 0]);
});

Edit('resize then write grows again normally', () => {
  const b = new Blob(4);
  b.resize(1);
  b.seek(0, 'e');
  b.writen(0x0201, 'w');
  assert.equal(arr(b), [0, 1, 2]);
  assert.is(b.len(), 3);
});

Edit('resize with a bad size throws ERR_BAD_ARG and changes nothing', () => {
  const b = blobFrom([1, 2]);
  for (const n of [-1, 1.5, NaN, '3', null, undefined]) code(() => b.resize(wrong(n)), 'ERR_BAD_ARG', n);
  assert.equal(arr(b), [1, 2]);
});

Edit('swap2 swaps every 2-byte unit; an odd trailing byte stays', () => {
  const b = blobFrom([1, 2, 3, 4, 5]);
  b.seek(3);
  assert.is(b.swap2(), undefined);
  assert.equal(arr(b), [2, 1, 4, 3, 5]);
  assert.is(b.tell(), 3);
  assert.is(b.len(), 5);
  const one = blobFrom([9]);
  one.swap2();
  assert.equal(arr(one), [9]);
  const e = new Blob();
  e.swap2();
  assert.is(e.len(), 0);
  const w = new Blob();
  w.writen(0x1234, 'w');
  w.swap2();
  w.seek(0);
  assert.is(w.readn('w'), 0x3412);
});

Edit('swap4 swaps every 4-byte unit; 1-3 trailing bytes stay', () => {
  const base = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  for (let n = 0; n <= 11; n++) {
    const b = blobFrom(base.slice(0, n));
    assert.is(b.swap4(), undefined);
    const want: number[] = [];
    for (let i = 0; i + 4 <= n; i += 4) want.push(base[i + 3], base[i + 2], base[i + 1], base[i]);
    for (let i = n - (n % 4); i < n; i++) want.push(base[i]);
    assert.equal(arr(b), want, `n=${n}`);
  }
  const i = new Blob();
  i.writen(0x11223344, 'i');
  i.swap4();
  i.seek(0);
  assert.is(i.readn('i'), 0x44332211);
});

Edit('swap2/swap4 match Buffer.swap16/swap32 on random data; twice is identity', () => {
  const r = rng(7);
  for (let k = 0; k < 500; k++) {
    const n = Math.floor(r() * 40);
    const raw = Array.from({ length: n }, () => Math.floor(r() * 256));
    const n2 = n - (n % 2);
    const n4 = n - (n % 4);
    const b2 = blobFrom(raw);
    b2.swap2();
    const ref2 = Buffer.from(raw.slice(0, n2)).swap16();
    assert.equal(arr(b2), [...ref2, ...raw.slice(n2)]);
    b2.swap2();
    assert.equal(arr(b2), raw);
    const b4 = blobFrom(raw);
    b4.swap4();
    const ref4 = Buffer.from(raw.slice(0, n4)).swap32();
    assert.equal(arr(b4), [...ref4, ...raw.slice(n4)]);
    b4.swap4();
    assert.equal(arr(b4), raw);
  }
});

Edit('swaps only touch len() bytes, not spare capacity', () => {
  const b = new Blob();
  for (const c of 'abc') b.writestring(c);
  assert.ok(storage(b).byteLength > 3, 'capacity exceeds length here');
  b.swap4();
  b.swap2();
  assert.is(b.tostring(), 'bac');
  b.resize(4);
  assert.equal(arr(b), [98, 97, 99, 0]);
});

Edit('get/set read and write bytes; set stores v & 255', () => {
  const b = new Blob(4);
  b.seek(1);
  assert.is(b.set(0, 0x41), undefined);
  b.set(1, 256);
  b.set(2, -1);
  b.set(3, 0x1ff);
  assert.equal([b.get(0), b.get(1), b.get(2), b.get(3)], [0x41, 0, 255, 255]);
  b.set(0, 3.9);
  assert.is(b.get(0), 3);
  assert.is(b.len(), 4);
  assert.is(b.tell(), 1);
});

Edit('get/set out of 0..len-1 throw ERR_BAD_ARG', () => {
  const b = new Blob();
  for (const c of 'abc') b.writestring(c);
  assert.ok(storage(b).byteLength > 3, 'an index inside capacity but past len is still rejected');
  for (const i of [-1, 3, 4, 100, 0.5, NaN, Infinity, '0', null, undefined]) {
    code(() => b.get(wrong(i)), 'ERR_BAD_ARG', i);
    code(() => b.set(wrong(i), 1), 'ERR_BAD_ARG', i);
  }
  assert.equal(arr(b), [97, 98, 99]);
  code(() => new Blob().get(0), 'ERR_BAD_ARG', 0);
  code(() => new Blob().set(0, 0), 'ERR_BAD_ARG', 0);
});

Edit.run();
