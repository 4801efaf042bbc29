// Strings <-> bytes on Espruino, natively (the build puts this file in place of
// firmware/codec.ts). An Espruino string is either a binary string (chars 0-255, e.g. what
// dgram delivers, or "\xe9") or a UTF-8 string (a literal with "\u00e9" or "\u2713").
// E.toUint8Array gives a UTF-8 string's UTF-8 bytes and a binary string's chars as bytes, as a
// Squirrel string is bytes on an imp; E.toString makes a binary string of bytes, marked UTF-8
// (E.asUTF8, where the firmware has it) when a byte is not ASCII, so "\u00e9" == tostring() of
// its bytes. The bytes are kept whatever they are: E.toUint8Array(tostring()) gives them back.
// BOARD CODE: Espruino-safe syntax only.

declare var E: any;

/**
 * The bytes of `s` (one native conversion; the native function itself, which costs no function
 * object in RAM). Also exported as copy() below: one name in a bundle, not two.
 */
export var utf8: (s: Uint8Array | string) => Uint8Array = E.toUint8Array;

/**
 * `u8` as a string: one native conversion; marked UTF-8 when a byte is not ASCII, the firmware
 * can mark it and the bytes are valid UTF-8 (as many characters as bytes that are not
 * continuation bytes), else left binary (each byte a char, as the PC decodes invalid bytes).
 */
export var text = function (u8: Uint8Array): string {
  var s = E.toString(u8), u;
  if (!E.asUTF8 || !/[\x80-\xff]/.test(s)) return s;
  u = E.asUTF8(s);
  return u.length == s.replace(/[\x80-\xbf]/g, '').length ? u : s;
};

/** copy(u): a new Uint8Array holding a copy of `u` (bytes, or a binary string's chars): natively (the Uint8Array constructor copies element by element here). */
export { utf8 as copy };

/** Bytes `u` as dgram sends them (hal/contract.ts Route): a binary string, one native conversion (undefined when it cannot allocate). */
export var wire: (u: Uint8Array) => string = E.toString;

/** Whether string `s` is a UTF-8 string, which dgram would send one byte per char: encoded first (absent where the firmware has no UTF-8 strings). */
export var wide: ((s: string) => boolean) | undefined = E.isUTF8;

/** A typed array's slice() gives a plain Array here (espruino-facts.md): the ring copies out with copy(subarray()). */
export var SLICE_COPIES = false;
