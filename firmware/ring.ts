// The per-socket receive ring: one fixed Uint8Array, allocated once, never grown.
// A record is a 12-byte header (length 2, from 4, from port 2, to 4) then the payload;
// records wrap byte-wise around the end. A datagram that does not fit is refused whole.
// Hot path (bench/receive.ts): headers are built in a 12-byte scratch whose address bytes
// are reused while from/to repeat, copies go through set/slice, and pop reuses the last
// from/to strings while their bytes repeat.

/** Write dotted quad `s` as 4 bytes at h[i..i+3]. */
function quadTo(h: Uint8Array, i: number, s: string) {
  var v = 0;
  for (var j = 0; j < s.length; j++) {
    var c = s.charCodeAt(j);
    if (c == 46) { h[i++] = v; v = 0; } else v = v * 10 + c - 48;
  }
  h[i] = v;
}

export class Ring {
  b: Uint8Array;
  r = 0;
  n = 0;
  from = '';
  port = 0;
  to = '';
  /** Header scratch; lf/lt: the from/to strings its address bytes hold. */
  h = new Uint8Array(12);
  lf = '';
  lt = '';
  /** The address bytes (as numbers) of the strings in from/to. */
  fk = -1;
  tk = -1;
  constructor(size: number) {
    this.b = new Uint8Array(size);
  }
  /** Copy u into the ring at index at, wrapping around the end. */
  put(at: number, u: Uint8Array) {
    var b = this.b, k = b.length - at;
    if (u.length <= k) b.set(u, at);
    else { b.set(u.subarray(0, k), at); b.set(u.subarray(k), 0); }
  }
  /** Copy one datagram in: false, with nothing changed, when it does not fit. */
  push(data: Uint8Array | string, from: string, port: number, to: string): boolean {
    var len = data.length, b = this.b, cap = b.length, h = this.h;
    if (len + 12 > cap - this.n) return false;
    if (from !== this.lf) { quadTo(h, 2, from); this.lf = from; }
    if (to !== this.lt) { quadTo(h, 8, to); this.lt = to; }
    h[0] = len >> 8; h[1] = len & 255; h[6] = port >> 8; h[7] = port & 255;
    var at = (this.r + this.n) % cap;
    this.put(at, h);
    at = (at + 12) % cap;
    if (typeof data == 'string') {
      for (var i = 0; i < len; i++) b[(at + i) % cap] = data.charCodeAt(i);
    } else this.put(at, data);
    this.n += len + 12;
    return true;
  }
  /** Take the oldest datagram out: its payload (a copy), with from/port/to set; null when empty. */
  pop(): Uint8Array | null {
    if (!this.n) return null;
    var b = this.b, cap = b.length, h = b, a = this.r, i;
    if (a + 12 > cap) {
      // a header across the end: gather it in the scratch (push then rebuilds its address bytes)
      h = this.h;
      for (i = 0; i < 12; i++) h[i] = b[(a + i) % cap];
      a = 0;
      this.lf = this.lt = '';
    }
    var len = h[a] << 8 | h[a + 1];
    var k = h[a + 2] * 16777216 + (h[a + 3] << 16 | h[a + 4] << 8 | h[a + 5]);
    if (k != this.fk) { this.fk = k; this.from = h[a + 2] + '.' + h[a + 3] + '.' + h[a + 4] + '.' + h[a + 5]; }
    this.port = h[a + 6] << 8 | h[a + 7];
    k = h[a + 8] * 16777216 + (h[a + 9] << 16 | h[a + 10] << 8 | h[a + 11]);
    if (k != this.tk) { this.tk = k; this.to = h[a + 8] + '.' + h[a + 9] + '.' + h[a + 10] + '.' + h[a + 11]; }
    var at = (this.r + 12) % cap, out;
    k = cap - at;
    if (len <= k) out = b.slice(at, at + len);
    else {
      out = new Uint8Array(len);
      out.set(b.subarray(at, cap));
      out.set(b.subarray(0, len - k), k);
    }
    this.r = (at + len) % cap;
    this.n -= len + 12;
    return out;
  }
  /** Forget everything queued. */
  clear() {
    this.r = this.n = 0;
  }
}
