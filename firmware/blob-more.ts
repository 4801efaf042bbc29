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

/** Move b's first min(len, n) bytes to new storage of `n` bytes (zeros after them): b is n long. */
var realloc = function (b: Blob, n: number) {
  var d = new Uint8Array(n);
  d.set(b._bytes.subarray(0, Math.min(b._length, n)));
  b._bytes = d;
  b._length = n;
};

/**
 * Write `u` at b's pointer and advance, growing b past its end: into its buffer's spare room (a
 * longer view of it; that room is only ever written here, so it holds zeros), else into a new
 * buffer of twice the room, or of the new length if more.
 */
var put = function (b: Blob, u: Uint8Array) {
  var e = b._pos + u.length, d = b._bytes, room = d.buffer.byteLength - d.byteOffset;
  if (e > b._length) {
    if (e > room) realloc(b, Math.max(e, room * 2));
    d = b._bytes = new Uint8Array(b._bytes.buffer, b._bytes.byteOffset, e);
    b._length = e;
  }
  d.set(u, b._pos);
  b._pos = e;
};

/** Up to `k` bytes from b's pointer (a view), advancing it. */
var take = function (b: Blob, k: any): Uint8Array {
  var p = b._pos;
  b._pos = Math.min(p + ok(k, 1 / 0), b._length);
  return b._bytes.subarray(p, b._pos);
};

/** Reverse the byte order of every whole `k`-byte unit. */
var swap = function (b: Blob, k: number) {
  for (var i = 0; i + k <= b._length; i += k) b._bytes.subarray(i, i + k).reverse();
};

// Each method is documented on the Blob interface in firmware/blob-core.ts. `_pos`: the pointer
// every blob starts with (a write makes its own).
Object.assign(Blob.prototype, {
  _pos: 0,
  tell: function (this: Blob) {
    return this._pos;
  },
  seek: function (this: Blob, offset: number, whence?: string) {
    var o = whence === undefined || whence == 'b' ? 0 : whence == 'c' ? this._pos : whence == 'e' ? this._length : bad(whence);
    if (typeof offset != 'number' || offset % 1 !== 0) bad(offset);
    o += offset;
    if (o < 0 || o > this._length) return -1;
    this._pos = o;
    return 0;
  },
  eos: function (this: Blob) {
    return this._pos >= this._length;
  },
  readn: function (this: Blob, type: string) {
    var i = kind(type), z = 1 << (i >> 1);
    if (this._length - this._pos < z) fail('BLOB_EOS', type);
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
    if (this._pos > n) this._pos = n;
  },
  swap2: function (this: Blob) {
    swap(this, 2);
  },
  swap4: function (this: Blob) {
    swap(this, 4);
  },
  get: function (this: Blob, i: number) {
    return this._bytes[ok(i, this._length - 1)];
  },
  set: function (this: Blob, i: number, v: number) {
    this._bytes[ok(i, this._length - 1)] = v & 255;
  },
});
