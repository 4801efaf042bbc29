// The impOS blob's less-used methods (pointer moves, numbers, strings, blobs, resize, swaps,
// get/set), added to Blob.prototype. firmware/blob.ts always loads this module; the build
// swaps it for an empty one when the app never names any of BLOB_MORE (build/features.ts: blob-more-off.ts).
// BOARD CODE: Espruino-safe syntax only.
import { fail } from './errors';
import { Blob, blobOf, bad, ok } from './blob-core';
import { utf8, text } from './codec';

var VIEW = 'Int8 Uint8 Int16 Uint16 Int32 Float32 Float64'.split(' ');

/** Index of a readn/writen type letter in 'cbswifd' (its size is 1 << (index >> 1)), else throw ERR_BAD_ARG. */
var kind = function (t: any): number {
  var i = 'cbswifd'.indexOf(t);
  if (t !== 'cbswifd'.charAt(i)) bad(t);
  return i;
};

/** Move b's first min(len, cap) bytes to new storage of `cap` bytes. */
var realloc = function (b: Blob, cap: number) {
  var d = new Uint8Array(cap);
  d.set(b.d.subarray(0, Math.min(b.n, cap)));
  b.d = d;
};

/** Write `u` at b's pointer, growing it, and advance. */
var put = function (b: Blob, u: Uint8Array) {
  var e = b.p + u.length;
  if (e > b.d.length) realloc(b, Math.max(e, b.d.length * 2));
  b.d.set(u, b.p);
  b.p = e;
  if (e > b.n) b.n = e;
};

/** Up to `k` bytes from b's pointer (a view), advancing it. */
var take = function (b: Blob, k: any): Uint8Array {
  var p = b.p;
  b.p = Math.min(p + ok(k, 1 / 0), b.n);
  return b.d.subarray(p, b.p);
};

/** Reverse the byte order of every whole `k`-byte unit. */
var swap = function (b: Blob, k: number) {
  for (var i = 0; i + k <= b.n; i += k) b.d.subarray(i, i + k).reverse();
};

// Each method is documented on the Blob interface in firmware/blob-core.ts. `p`: the pointer
// every blob starts with (a write makes its own).
Object.assign(Blob.prototype, {
  p: 0,
  tell: function (this: Blob) {
    return this.p;
  },
  seek: function (this: Blob, offset: number, whence?: string) {
    var o = whence === undefined || whence == 'b' ? 0 : whence == 'c' ? this.p : whence == 'e' ? this.n : bad(whence);
    if (typeof offset != 'number' || offset % 1 !== 0) bad(offset);
    o += offset;
    if (o < 0 || o > this.n) return -1;
    this.p = o;
    return 0;
  },
  eos: function (this: Blob) {
    return this.p >= this.n;
  },
  readn: function (this: Blob, type: string) {
    var i = kind(type), z = 1 << (i >> 1);
    if (this.n - this.p < z) fail('BLOB_EOS', type);
    return (new DataView(new Uint8Array(take(this, z)).buffer) as any)['get' + VIEW[i]](0, true);
  },
  writen: function (this: Blob, value: number, type: string) {
    var i = kind(type), u = new Uint8Array(8);
    if (typeof value != 'number') bad(value);
    (new DataView(u.buffer) as any)['set' + VIEW[i]](0, value, true);
    put(this, u.subarray(0, 1 << (i >> 1)));
  },
  readstring: function (this: Blob, n: number) {
    return text(take(this, n));
  },
  writestring: function (this: Blob, s: string) {
    if (typeof s != 'string') bad(s);
    put(this, utf8(s));
  },
  readblob: function (this: Blob, n: number) {
    return blobOf(take(this, n));
  },
  writeblob: function (this: Blob, b: Blob) {
    if (!(b instanceof Blob)) bad(b);
    put(this, b == this ? new Uint8Array(b.bytes()) : b.bytes());
  },
  resize: function (this: Blob, n: number) {
    realloc(this, ok(n, 1 / 0));
    this.n = n;
    if (this.p > n) this.p = n;
  },
  swap2: function (this: Blob) {
    swap(this, 2);
  },
  swap4: function (this: Blob) {
    swap(this, 4);
  },
  get: function (this: Blob, i: number) {
    return this.d[ok(i, this.n - 1)];
  },
  set: function (this: Blob, i: number, v: number) {
    this.d[ok(i, this.n - 1)] = v & 255;
  },
});
