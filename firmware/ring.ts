// The per-socket receive ring: one fixed Uint8Array, allocated once, never grown.
// A record is a 12-byte header (length 2, from 4, from port 2, to 4) then the payload;
// records wrap byte-wise around the end. A datagram that does not fit is refused whole.

export class Ring {
  b: Uint8Array;
  r = 0;
  n = 0;
  from = '';
  port = 0;
  to = '';
  constructor(size: number) {
    this.b = new Uint8Array(size);
  }
  /** Write byte v at offset i past the write end. */
  w(i: number, v: number) {
    var b = this.b;
    b[(this.r + this.n + i) % b.length] = v;
  }
  /** Write the dotted quad s as 4 bytes at offset i past the write end. */
  ip(i: number, s: string) {
    var v = 0;
    for (var j = 0; j <= s.length; j++) {
      var c = j < s.length ? s.charCodeAt(j) : 46;
      if (c == 46) { this.w(i++, v); v = 0; } else v = v * 10 + c - 48;
    }
  }
  /** Byte at offset i past the read end. */
  g(i: number): number {
    var b = this.b;
    return b[(this.r + i) % b.length];
  }
  /** Copy one datagram in: false, with nothing changed, when it does not fit. */
  push(data: Uint8Array | string, from: string, port: number, to: string): boolean {
    var len = data.length, b = this.b, cap = b.length;
    if (len + 12 > cap - this.n) return false;
    this.w(0, len >> 8); this.w(1, len & 255);
    this.ip(2, from);
    this.w(6, port >> 8); this.w(7, port & 255);
    this.ip(8, to);
    var at = (this.r + this.n + 12) % cap;
    if (typeof data == 'string') {
      for (var i = 0; i < len; i++) b[(at + i) % cap] = data.charCodeAt(i);
    } else {
      var k = cap - at;
      if (len <= k) b.set(data, at);
      else { b.set(data.subarray(0, k), at); b.set(data.subarray(k), 0); }
    }
    this.n += len + 12;
    return true;
  }
  /** Take the oldest datagram out: its payload (a copy), with from/port/to set; null when empty. */
  pop(): Uint8Array | null {
    if (!this.n) return null;
    var b = this.b, cap = b.length, len = this.g(0) << 8 | this.g(1);
    this.from = this.g(2) + '.' + this.g(3) + '.' + this.g(4) + '.' + this.g(5);
    this.port = this.g(6) << 8 | this.g(7);
    this.to = this.g(8) + '.' + this.g(9) + '.' + this.g(10) + '.' + this.g(11);
    var at = (this.r + 12) % cap, k = cap - at, out = new Uint8Array(len);
    if (len <= k) out.set(b.subarray(at, at + len));
    else { out.set(b.subarray(at, cap)); out.set(b.subarray(0, len - k), k); }
    this.r = (at + len) % cap;
    this.n -= len + 12;
    return out;
  }
  /** Forget everything queued. */
  clear() {
    this.r = this.n = 0;
  }
}
