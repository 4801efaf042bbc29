// Strings <-> bytes, portable: the PC's runtime (V8 strings are UTF-16) encodes and decodes
// UTF-8 here. Board bundles get hal/espruino/codec.ts in its place (build/config.ts), which
// does the same with the interpreter's native conversions and no per-byte JavaScript.
// BOARD CODE: Espruino-safe syntax only (it is type-checked and checked like the rest).

var chr = String.fromCharCode;

/** UTF-8 encoding of `s` (a lone surrogate becomes U+FFFD). */
export var utf8 = function (s: string): Uint8Array {
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
};

/** Decode UTF-8; a byte not in a valid sequence becomes the char of that code (latin-1). */
export var text = function (u8: Uint8Array): string {
  var s = '', i = 0, c, k, v, j;
  while (i < u8.length) {
    c = u8[i++];
    k = c < 192 ? 0 : +'1111223'.charAt((c >> 3) - 24) | 0;
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
};

/** A new Uint8Array holding a copy of bytes `u` (V8 copies typed arrays natively; no PC driver hands over strings). */
export var copy = function (u: Uint8Array | string): Uint8Array {
  return new Uint8Array(u as Uint8Array);
};

/** Bytes `u` in the form a driver's route sends (hal/contract.ts Route): on the PC the bytes themselves. */
export var wire = function (u: Uint8Array): any {
  return u;
};

/** Whether a string must be encoded before a route sends it (absent: a route takes strings as they are, and encodes them). */
export var wide: ((s: string) => boolean) | undefined;

/** A typed array's slice() is a copy of the same type (V8): the ring copies a datagram out with one slice, not a view and its copy. */
export var SLICE_COPIES = true;
