// The impOS (Squirrel) blob, core part: storage, length, the pointer, the string form
// (firmware/codec.ts, or the board's native codec). The
// other methods (firmware/blob-more.ts) are added to Blob.prototype by firmware/blob.ts; the
// build leaves them out when the app never names one (docs/build.md "What the build leaves out").
import { fail } from './errors';
import { text } from './codec';
/** Storage of every empty blob (never written: a write reallocates first). */
var EMPTY = new Uint8Array(0);

/** Throw ERR_BAD_ARG for `v`. */
export function bad(v: any): never {
  return fail('BAD_ARG', v);
}

/** `v` if it is an integer in 0..max (and below 2^31), else throw ERR_BAD_ARG. */
export var ok = function (v: any, max: number): number {
  if (typeof v != 'number' || (v | 0) !== v || v < 0 || v > max) bad(v);
  return v;
};

export class Blob {
  /**
   * The bytes, exactly _length of them: a view of its buffer, whose room past the view is the
   * spare capacity a growing write uses (firmware/blob-more.ts put). Exact, so send() and
   * tostring() hand it on as it is (no subarray, no typed array `length`, costly on Espruino).
   */
  _bytes: Uint8Array;
  /** Length in bytes. */
  _length: number;
  /** Read/write pointer, 0.._length: 0 from the prototype (firmware/blob-more.ts, with the methods that move it) until moved. */
  _pos!: number;

  /** `size` zero bytes (none if omitted), pointer 0. */
  constructor(size?: number) {
    this._bytes = size === undefined || size === 0 ? EMPTY : new Uint8Array(typeof size != 'number' || (size | 0) !== size || size < 0 ? bad(size) : size);
    this._length = this._bytes.length;
  }

  /** Length in bytes. */
  len(): number {
    return this._length;
  }

  /** The whole contents decoded as UTF-8, whatever the pointer. */
  tostring(): string {
    return text(this.bytes());
  }

  /** The len() bytes, not copied. */
  bytes(): Uint8Array {
    return this._bytes;
  }
}

/** The methods firmware/blob-more.ts adds (types only; see there). */
export interface Blob {
  /** The pointer. */
  tell(): number;
  /** Move the pointer from 'b' begin (default), 'c' current or 'e' end: 0, or -1 (unmoved) if outside 0..len. */
  seek(offset: number, whence?: string): number;
  /** True at or past the end. */
  eos(): boolean;
  /** Read a number of type 'c' 'b' 's' 'w' 'i' 'f' 'd' (little-endian); ERR_BLOB_EOS if too few bytes. */
  readn(type: string): number;
  /** Write a number as type 'c' 'b' 's' 'w' 'i' 'f' 'd' (little-endian), growing as needed. */
  writen(value: number, type: string): void;
  /** Up to `n` bytes from the pointer, decoded as UTF-8. */
  readstring(n: number): string;
  /** Write the UTF-8 bytes of `s`. */
  writestring(s: string): void;
  /** Up to `n` bytes from the pointer, as a new blob. */
  readblob(n: number): Blob;
  /** Write all of `b`'s bytes. */
  writeblob(b: Blob): void;
  /** Truncate or zero-extend to `n` bytes; the pointer is clamped. */
  resize(n: number): void;
  /** Reverse the byte order of every 2-byte unit. */
  swap2(): void;
  /** Reverse the byte order of every 4-byte unit. */
  swap4(): void;
  /** The byte at `i`. */
  get(i: number): number;
  /** Store `v & 255` at `i`. */
  set(i: number, v: number): void;
}

/** A blob holding a copy of `u8`, pointer 0. */
export var blobOf = function (u8: Uint8Array): Blob {
  var b = new Blob(u8.length);
  b._bytes.set(u8);
  return b;
};
