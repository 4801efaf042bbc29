// IPv4 dotted quads as the impOS checks them: strict syntax, private ranges, broadcast,
// link-local multicast groups. The facts both layers share: the runtime (firmware/) checks an
// app's addresses with them, the drivers (hal/) route by them.
// BOARD CODE: Espruino-safe syntax only.
// Helpers are function expressions (`var f = function`): terser turns them into arrows, the
// shortest form Espruino runs (docs/build.md "Size").

/**
 * The four octets of a strict dotted quad, or null: each part must be the canonical decimal
 * form of 0-255 (`'' + +part === part` refuses leading zeros, signs, spaces, hex, exponents,
 * other digits and '' whatever the number parser accepts).
 */
export var quad = function (s: any): number[] | null {
  var q = typeof s == 'string' && s.split('.'), i, n;
  if (!q || q.length != 4) return null;
  for (i = 0; i < 4; i++) {
    n = +q[i];
    if (q[i] !== '' + n || !(n >= 0 && n < 256)) return null;
    (q as any)[i] = n;
  }
  return q as any;
};

/** True for 10/8, 172.16/12, 192.168/16 and the limited broadcast 255.255.255.255. */
export var isPrivate = function (q: number[]): boolean {
  return q[0] == 10 || (q[0] == 172 && q[1] > 15 && q[1] < 32) || (q[0] == 192 && q[1] == 168) || q.join() == '255,255,255,255';
};

/** The broadcast address of dotted quads address/netmask, or undefined when either is not one. */
export var broadcastOf = function (address: any, netmask: any): string | undefined {
  var q = quad(address), m = quad(netmask);
  return q && m ? q.map(function (v, i) { return v | ~m![i] & 255; }).join('.') : undefined;
};

/** True for a group of the local-network control block 224.0.0.1-255 (never forwarded by routers), given as quad() octets. */
export var isGroup = function (q: number[] | null): boolean {
  return !!q && q[0] == 224 && !q[1] && !q[2] && q[3] > 0;
};
