// The device end of the agent link (spec §8; the format is in docs/console.md; the frame
// itself is made in firmware/frame.ts).
// agent.send(name, data) prints one console line: DLE (\x10) + frame, where
//   frame = "@" + hex(body length) + "," + hex(adler32(body)) + ":" + body
//   body  = JSON [name, data] in printable ASCII (other chars as \uXXXX); a blob is {"$blob": base64}.
// The PC sends by typing  \x10agentrx("<frame>")  at the REPL (DLE: Espruino does not echo
// that line); rx(frame) checks length and checksum and calls the agent.on handler.
// BOARD CODE: Espruino-safe syntax only.
import type { Platform } from '../hal/contract';
import { fail } from './errors';
import { Blob } from './blob';
import { adler32, frame } from './frame';

export { adler32, frame };

/**
 * [name, data] from a frame, or why not: 0 garbage (bad header, not JSON [string, any]),
 * 1 truncated (body shorter than its length), 2 damaged (longer, or checksum mismatch).
 */
export var unframe = function (f: string): any {
  var i = f.indexOf(':'), h = f.slice(1, i).split(','), b = f.slice(i + 1), n = parseInt(h[0], 16), m;
  if (f.charAt(0) != '@' || i < 0 || h.length != 2 || !(n >= 0)) return 0;
  if (b.length < n) return 1;
  if (b.length > n || parseInt(h[1], 16) !== adler32(b)) return 2;
  try { m = JSON.parse(b); } catch (e) { return 0; }
  return Array.isArray(m) && m.length == 2 && typeof m[0] == 'string' ? m : 0;
};

/** The data a frame carried, with {$blob: base64} turned back into a blob. */
var unwire = function (d: any): any {
  var s, i;
  if (d && typeof d.$blob == 'string') {
    s = atob(d.$blob);
    d = new Blob(s.length);
    for (i = 0; i < s.length; i++) d._bytes[i] = s.charCodeAt(i);
  }
  return d;
};

/**
 * The `agent` global of one device, writing frames through `p.write`:
 * on(name, cb) registers (null: removes) the handler for messages called `name`;
 * send(name, data) sends JSON-able data or a blob to the agent, returns 0;
 * tx(line) puts a frame line on the console (the host replaces it to route frames elsewhere);
 * rx(frame) takes a frame from the agent (the board's global `agentrx`), checks it, calls the handler;
 * stats() -> {sent, received (intact frames), unhandled (of those, no handler), bad (damaged, dropped)}.
 */
export function createAgent(p: Platform) {
  var handlers: { [key: string]: Function } = {};
  var counts = { sent: 0, received: 0, unhandled: 0, bad: 0 };
  var a = {
    on: function (name: string, cb: Function | null) {
      if (typeof name != 'string') fail('BAD_ARG', name);
      if (cb != null && typeof cb != 'function') fail('BAD_CALLBACK', cb);
      if (cb) handlers['$' + name] = cb; else delete handlers['$' + name];
    },
    send: function (name: string, data?: any) {
      var f = '';
      if (typeof name != 'string') fail('BAD_ARG', name);
      try { f = frame(name, data); } catch (e) { fail('BAD_DATA', data); }
      counts.sent++;
      a.tx('\x10' + f);
      return 0;
    },
    tx: function (line: string) { p.write(line); },
    rx: function (f: any) {
      var m = typeof f == 'string' ? unframe(f) : 0, cb, d;
      if (typeof m != 'number') {
        try { d = unwire(m[1]); } catch (e) { m = 0; }
      }
      if (typeof m == 'number') { counts.bad++; return; }
      counts.received++;
      cb = handlers['$' + m[0]];
      if (!cb) { counts.unhandled++; return; }
      try { cb(d); } catch (e: any) { p.write('ERROR: agent.on threw: ' + (e && e.message || e)); }
    },
    stats: function () { return Object.assign({}, counts); },
  };
  return a;
}
