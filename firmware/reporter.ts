// The live view's reporter (`espimp build/flash --stats`, `espimp run --stats`; docs/console.md
// "Live status"). The global `espimpstats(on)` starts (truthy) or stops (falsy) one report a
// second, printed as an agent-link frame (firmware/frame.ts) named STATS_MESSAGE, so the
// console takes it out of the output and shows it as its status line, never inside the app's
// lines. Only bundles built with --stats carry this module (build/entry.ts).
// BOARD CODE: Espruino-safe syntax only.
import type { Platform } from '../hal/contract';
import { frame } from './frame';

declare var process: any;

/** The frame name of a report. */
export var STATS_MESSAGE = 'espimp.stats';

/** How many counters a report carries: the first five (firmware/counters.ts: sent, refused, received, delivered, dropped). */
var REPORTED = 5;

/**
 * One report of the imp.net `net` at time `now`:
 * {d: device-wide counts, t: [tokens, capacity, cost] of the rate limit (milli-packets, tokens
 * refilled up to now), m: blocks free (process.memory(); -1 where there is none, the PC),
 * s: [[bound port (0: unbound), counts..., ring bytes queued, ring size], ...] per open socket}.
 */
export var report = function (net: any, now: number): any {
  var v = net._live(), b = v[0], f = v[2], dt = now - b._last, s = [], nii, i, k;
  for (nii in f) {
    for (i = 0; i < f[nii]._socks.length; i++) {
      k = f[nii]._socks[i];
      s.push([k._port || 0].concat(k._counters.slice(0, REPORTED), [k._ring._length, k._ring._size]));
    }
  }
  return {
    d: v[1].slice(0, REPORTED),
    t: [Math.floor(dt > 0 ? Math.min(b._cap, b.t + dt * b._refill) : b.t), b._cap, b._cost],
    m: typeof process != 'undefined' && typeof process.memory == 'function' ? process.memory(false).free : -1,
    s: s,
  };
};

/** The `espimpstats(on)` of one device: reports of `net` through `p.write`, one now and one a second while on. */
export function createReporter(net: any, p: Platform) {
  var id: any = null;
  var tick = function () {
    id = p.timer(1000, tick);
    p.write('\x10' + frame(STATS_MESSAGE, report(net, p.now())));
  };
  return function (on: any) {
    if (id != null) p.cancel(id);
    id = null;
    if (on) tick();
  };
}
