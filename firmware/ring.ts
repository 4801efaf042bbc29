// The per-socket receive ring: one fixed Uint8Array, allocated once, never grown.
// A record is a 12-byte header (from 4, to 4, from port 2, length 2) then the payload;
// records wrap byte-wise around the end. A datagram that does not fit is refused whole.
// Copies go through set/subarray and the codec's copy() (native on Espruino and in V8), never
// byte loops, never the Uint8Array constructor from an array (element by element on Espruino),
// never slice() (a plain Array there). On Espruino every operation costs about a microsecond
// and a typed array's `length` several: the size is a field, and a record's common case (no
// wrap) is written and read in place, without a call.
import { quad } from '../hal/address';
import { copy, SLICE_COPIES } from './codec';

/**
 * Header scratch of push(), shared by every ring (a push runs to its end before another starts),
 * and the from/to strings its address bytes hold (unset: none yet).
 */
var header = new Uint8Array(12), headerFrom: string, headerTo: string;

export class Ring {
  _bytes: Uint8Array;
  /** _bytes's length (the ring's capacity). */
  _size: number;
  /** The head (read position) and the bytes queued (names shared with Blob's pointer and length: one mangled name each). */
  _pos!: number;
  _length!: number;
  /** The last popped datagram's sender, sender port and destination (unset until a pop). */
  from!: string;
  port!: number;
  to!: string;
  /** The address bytes behind from/to as one number each (unset: none yet). */
  _fk!: number;
  _tk!: number;
  constructor(size: number) {
    this._bytes = new Uint8Array(this._size = size);
    this._pos = this._length = 0;
  }
  /**
   * Append u at the tail, wrapping around the end. A string is a binary string (one char per
   * byte, as Espruino's dgram delivers it): set() and copy() take its char codes there (V8's do
   * not, and no PC driver hands over strings).
   */
  _put(u: Uint8Array | string) {
    var t = this, at = (t._pos + t._length) % t._size, k = t._size - at;
    if (u.length <= k) t._bytes.set(u as any, at);
    else {
      // split in two: a string as bytes first (strings have no subarray)
      if (typeof u == 'string') u = copy(u);
      t._bytes.set(u.subarray(0, k), at);
      t._bytes.set(u.subarray(k), 0);
    }
    t._length += u.length;
  }
  /** Remove `len` bytes from the head: a copy. */
  _take(len: number): Uint8Array {
    var t = this, b = t._bytes, at = t._pos, k = t._size - at, o;
    if (len <= k) o = SLICE_COPIES ? b.slice(at, at + len) : copy(b.subarray(at, at + len));
    else {
      o = new Uint8Array(len);
      o.set(b.subarray(at));
      o.set(b.subarray(0, len - k), k);
    }
    t._pos = (at + len) % t._size;
    t._length -= len;
    return o;
  }
  /** Copy one datagram in (bytes, or a binary string; from and to dotted quads): false, with nothing changed, when it does not fit. */
  push(data: Uint8Array | string, from: string, port: number, to: string): boolean {
    var t = this, h = header, len = data.length, at = (t._pos + t._length) % t._size;
    if (len + 12 > t._size - t._length) return false;
    // address bytes are parsed again only when the addresses change
    if (from !== headerFrom) h.set(quad(headerFrom = from)!);
    if (to !== headerTo) h.set(quad(headerTo = to)!, 4);
    h[8] = port >> 8;
    h[9] = port;
    h[10] = len >> 8;
    h[11] = len;
    // a record that does not wrap is written here (no _put calls)
    if (at + 12 + len > t._size) {
      t._put(h);
      t._put(data);
    } else {
      t._bytes.set(h, at);
      t._bytes.set(data as any, at + 12);
      t._length += 12 + len;
    }
    return true;
  }
  /** Take the oldest datagram out: its payload (a copy), with from/port/to set; null when empty. */
  pop(): Uint8Array | null {
    var t = this, h = t._bytes, i = t._pos;
    if (!t._length) return null;
    // the header is read where it lies; only one that wraps around the end is copied out first
    if (i + 12 > t._size) {
      h = t._take(12);
      i = 0;
    } else {
      t._pos = (i + 12) % t._size;
      t._length -= 12;
    }
    // the strings are rebuilt only when the addresses change
    if (t._fk !== (t._fk = h[i] << 24 | h[i + 1] << 16 | h[i + 2] << 8 | h[i + 3])) t.from = h.subarray(i, i + 4).join('.');
    if (t._tk !== (t._tk = h[i + 4] << 24 | h[i + 5] << 16 | h[i + 6] << 8 | h[i + 7])) t.to = h.subarray(i + 4, i + 8).join('.');
    t.port = h[i + 8] << 8 | h[i + 9];
    return t._take(h[i + 10] << 8 | h[i + 11]);
  }
}
