// IPv4 dotted quads as the impOS checks them: strict syntax, private ranges, and the
// 4-byte form the receive ring stores.

/** The four octets of a strict dotted quad (decimal 0-255, no leading zeros, nothing else), or null. */
export function quad(s: any): number[] | null {
  if (typeof s != 'string' || s.length > 15) return null;
  var parts = s.split('.');
  if (parts.length != 4) return null;
  var out: number[] = [];
  for (var i = 0; i < 4; i++) {
    var p = parts[i], n = 0;
    if (p.length < 1 || p.length > 3 || (p.length > 1 && p[0] == '0')) return null;
    for (var j = 0; j < p.length; j++) {
      var c = p.charCodeAt(j) - 48;
      if (c < 0 || c > 9) return null;
      n = n * 10 + c;
    }
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** True for 10/8, 172.16/12, 192.168/16 and the limited broadcast 255.255.255.255. */
export function isPrivate(q: number[]): boolean {
  return q[0] == 10 || (q[0] == 172 && q[1] >= 16 && q[1] < 32) || (q[0] == 192 && q[1] == 168) ||
    (q[0] == 255 && q[1] == 255 && q[2] == 255 && q[3] == 255);
}

/** The dotted quad of 4 bytes at `at` in `u8`. */
export function dotted(u8: Uint8Array, at: number): string {
  return u8[at] + '.' + u8[at + 1] + '.' + u8[at + 2] + '.' + u8[at + 3];
}

/** The broadcast address of dotted quads address/netmask, or undefined when either is not one. */
export function broadcastOf(address: any, netmask: any): string | undefined {
  var q = quad(address), m = quad(netmask);
  if (!q || !m) return undefined;
  for (var i = 0; i < 4; i++) q[i] = q[i] | (~m[i] & 255);
  return q.join('.');
}
