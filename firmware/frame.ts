// The agent link's frame (format: docs/console.md): what the device prints on its console,
// DLE (\x10) + frame, for a message to the agent (firmware/agent.ts) and for the live
// status report (firmware/reporter.ts); the PC decodes it in host/agent-link.ts.
// BOARD CODE: Espruino-safe syntax only.
import { Blob } from './blob';

/** Adler-32 of `s` (chars 0-255; frame bodies are ASCII), as a non-negative number. */
export var adler32 = function (s: string): number {
  var a = 1, b = 0, i;
  for (i = 0; i < s.length; i++) {
    a = (a + s.charCodeAt(i)) % 65521;
    b = (b + a) % 65521;
  }
  return b * 65536 + a;
};

/** `s` with every char outside printable ASCII written as \uXXXX (valid inside JSON strings). */
var ascii = function (s: string): string {
  var o = '', i, c;
  for (i = 0; i < s.length; i++) {
    c = s.charCodeAt(i);
    o += c > 31 && c < 127 ? s.charAt(i) : '\\u' + (65536 + c).toString(16).slice(1);
  }
  return o;
};

/** The frame carrying message `name` with `data` (a blob as {$blob: base64}); throws if data has no JSON form. */
export var frame = function (name: string, data: any): string {
  var s = '', i;
  if (data instanceof Blob) {
    for (i = 0; i < data._length; i++) s += String.fromCharCode(data._bytes[i]);
    data = { $blob: btoa(s) };
  }
  s = ascii(JSON.stringify([name, data]));
  return '@' + s.length.toString(16) + ',' + adler32(s).toString(16) + ':' + s;
};
