// The impOS (Squirrel) blob: a growable byte buffer with a read/write pointer, little-endian
// numbers, UTF-8 strings. Received datagrams arrive as blobs; send() accepts one.
import { fail } from './errors';

var VIEW = 'Int8 Uint8 Int16 Uint16 Int32 Float32 Float64'.split(' ');
var chr = String.fromCharCode;
/** Storage of every empty blob (never written: a write reallocates first). */
var EMPTY = new Uint8Array(0);

/** Throw ERR_BAD_ARG for `v`. */
function bad(v: any): never {
  return fail('ERR_BAD_ARG', v);
}

/** `v` if it is an integer in 0..max (and below 2^31), else throw ERR_BAD_ARG. */
function ok(v: any, max: number): number {
  if ((v | 0) !== v || v < 0 || v > max) bad(v);
  return v;
}

/** Index of a readn/writen type letter in 'cbswifd' (its size is 1 << (index >> 1)), else throw ERR_BAD_ARG. */
function kind(t: any): number {
  var i = 'cbswifd'.indexOf(t);
  if (t !== 'cbswifd'.charAt(i)) bad(t);
  return i;
}

/** Move b's first min(len, cap) bytes to new storage of `cap` bytes. */
function realloc(b: Blob, cap: number) {
  var d = new Uint8Array(cap);
  d.set(b.d.subarray(0, Math.min(b.n, cap)));
  b.d = d;
}

/** Write `u` at b's pointer, growing it, and advance. */
function put(b: Blob, u: Uint8Array) {
  var e = b.p + u.length;
  if (e > b.d.length) realloc(b, Math.max(e, b.d.length * 2));
  b.d.set(u, b.p);
  b.p = e;
  if (e > b.n) b.n = e;
}

/** Up to `k` bytes from b's pointer (a view), advancing it. */
function take(b: Blob, k: any): Uint8Array {
  var p = b.p;
  b.p = Math.min(p + ok(k, 1 / 0), b.n);
  return b.d.subarray(p, b.p);
}

/** Reverse the byte order of every whole `k`-byte unit. */
function swap(b: Blob, k: number) {
  for (var i = 0; i + k <= b.n; i += k) b.d.subarray(i, i + k).reverse();
}

/** UTF-8 encoding of `s` (a lone surrogate becomes U+FFFD). */
export function utf8(s: string): Uint8Array {
  var o: number[] = [], i, c, k;
  for (i = 0; i < s.length; i++) {
    c = s.charCodeAt(i);
    if (c >> 10 == 54 && s.charCodeAt(i + 1) >> 10 == 55) c = (c << 10) + s.charCodeAt(++i) - 56613888;
    else if (c >> 11 == 27) c = 65533;
    k = c >> 7 ? c >> 11 ? c >> 16 ? 3 : 2 : 1 : 0;
    o.push(c >> 6 * k | [0, 192, 224, 240][k]);
    while (k) o.push(128 | c >> 6 * --k & 63);
  }
  return new Uint8Array(o);
}

/** Decode UTF-8; a byte not in a valid sequence becomes the char of that code (latin-1). */
export function text(u8: Uint8Array): string {
  var s = '', i = 0, c, k, v, j;
  while (i < u8.length) {
    c = u8[i++];
    k = +'1111223'[(c >> 3) - 24] | 0;
    v = c & 63 >> k;
    for (j = 0; j < k && u8[i + j] >> 6 == 2; j++) v = v << 6 | u8[i + j] & 63;
    if (j == k && v >> [8, 7, 11, 16][k] && v < 1114112 && v >> 11 != 27) {
      i += k;
      c = v;
    }
    if (c > 65535) {
      s += chr(55232 + (c >> 10));
      c = 56320 | c & 1023;
    }
    s += chr(c);
  }
  return s;
}

export class Blob {
  /** Storage; capacity may exceed the length. */
  d: Uint8Array;
  /** Length in bytes. */
  n: number;
  /** Read/write pointer, 0..n. */
  p: number;

  /** `size` zero bytes (none if omitted), pointer 0. */
  constructor(size?: number) {
    this.d = size === undefined || size === 0 ? EMPTY : new Uint8Array(ok(size, 1 / 0));
    this.n = this.d.length;
    this.p = 0;
  }

  /** Length in bytes. */
  len(): number {
    return this.n;
  }

  /** The pointer. */
  tell(): number {
    return this.p;
  }

  /** Move the pointer from 'b' begin (default), 'c' current or 'e' end: 0, or -1 (unmoved) if outside 0..len. */
  seek(offset: number, whence?: string): number {
    var o = whence === undefined || whence == 'b' ? 0 : whence == 'c' ? this.p : whence == 'e' ? this.n : bad(whence);
    if (typeof offset != 'number' || offset % 1 !== 0) bad(offset);
    o += offset;
    if (o < 0 || o > this.n) return -1;
    this.p = o;
    return 0;
  }

  /** True at or past the end. */
  eos(): boolean {
    return this.p >= this.n;
  }

  /** Read a number of type 'c' 'b' 's' 'w' 'i' 'f' 'd' (little-endian); ERR_BLOB_EOS if too few bytes. */
  readn(type: string): number {
    var i = kind(type), z = 1 << (i >> 1);
    if (this.n - this.p < z) fail('ERR_BLOB_EOS', type);
    return (new DataView(take(this, z).slice().buffer) as any)['get' + VIEW[i]](0, true);
  }

  /** Write a number as type 'c' 'b' 's' 'w' 'i' 'f' 'd' (little-endian), growing as needed. */
  writen(value: number, type: string): void {
    var i = kind(type), u = new Uint8Array(8);
    if (typeof value != 'number') bad(value);
    (new DataView(u.buffer) as any)['set' + VIEW[i]](0, value, true);
    put(this, u.subarray(0, 1 << (i >> 1)));
  }

  /** Up to `n` bytes from the pointer, decoded as UTF-8. */
  readstring(n: number): string {
    return text(take(this, n));
  }

  /** Write the UTF-8 bytes of `s`. */
  writestring(s: string): void {
    if (typeof s != 'string') bad(s);
    put(this, utf8(s));
  }

  /** Up to `n` bytes from the pointer, as a new blob. */
  readblob(n: number): Blob {
    return blobOf(take(this, n));
  }

  /** Write all of `b`'s bytes. */
  writeblob(b: Blob): void {
    if (!(b instanceof Blob)) bad(b);
    put(this, b == this ? b.d.slice(0, b.n) : b.bytes());
  }

  /** The whole contents decoded as UTF-8, whatever the pointer. */
  tostring(): string {
    return text(this.bytes());
  }

  /** Truncate or zero-extend to `n` bytes; the pointer is clamped. */
  resize(n: number): void {
    realloc(this, ok(n, 1 / 0));
    this.n = n;
    if (this.p > n) this.p = n;
  }

  /** Reverse the byte order of every 2-byte unit. */
  swap2(): void {
    swap(this, 2);
  }

  /** Reverse the byte order of every 4-byte unit. */
  swap4(): void {
    swap(this, 4);
  }

  /** The byte at `i`. */
  get(i: number): number {
    return this.d[ok(i, this.n - 1)];
  }

  /** Store `v & 255` at `i`. */
  set(i: number, v: number): void {
    this.d[ok(i, this.n - 1)] = v & 255;
  }

  /** A view (no copy) of the len() bytes. */
  bytes(): Uint8Array {
    return this.d.subarray(0, this.n);
  }
}

/** A blob holding a copy of `u8`, pointer 0. */
export function blobOf(u8: Uint8Array): Blob {
  var b = new Blob(u8.length);
  b.d.set(u8);
  return b;
}
