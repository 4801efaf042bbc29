// The counters kept per socket and device-wide (udpsocket.stats(), imp.net.stats()). Nothing
// else reads them, so the build swaps this module for its off twin (counters-off.ts) when the app
// never names `stats` (build/features.ts, docs/build.md "What the build leaves out").
// A set of counters is an array indexed by the constants below: count() then increments an
// element (V8 keeps that fast for every counter, where a property named by a varying key is a
// slow lookup; on Espruino an integer name is no dearer than a short one), and stats() names them.
import type { Counters } from './api';
import { utf8 } from './codec';

export type { Counters };

/** Indexes of the counters. */
export var SENT = 0, REFUSED = 1, RECEIVED = 2, DELIVERED = 3, DROPPED = 4, OVERSIZE = 5, FAILED = 6;

/** Every counter at 0. */
export function counters(): number[] {
  return [0, 0, 0, 0, 0, 0, 0];
}

/** Counters `c` by name, as stats() gives them. */
export function named(c: number[]): Counters {
  return { sent: c[0], refused: c[1], received: c[2], delivered: c[3], dropped: c[4], oversize: c[5], failed: c[6] };
}

/** A socket as the counters see it: its own counters and its device's (firmware/net.ts). */
type Counted = { _counters: number[]; _dev: { _totals: number[] } };

/** Count one event (counter index `i`) of socket `s`: in its counters and in its device's. */
export function count(s: Counted, i: number) {
  s._counters[i]++;
  s._dev._totals[i]++;
}

/**
 * Count a send of `d` (bytes, or a string the driver sends as UTF-8) as `oversize` when it is
 * over the 1460-byte MTU: a string of up to 486 chars has at most 1458 UTF-8 bytes, so only a
 * longer one is encoded to be measured.
 */
export function countOversize(s: Counted, d: Uint8Array | string) {
  if (d.length > 486 && (typeof d == 'string' ? utf8(d) : d).length > 1460) count(s, OVERSIZE);
}
