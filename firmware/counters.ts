// The counters kept per socket and device-wide (udpsocket.stats(), imp.net.stats()). Nothing
// else reads them, so the build swaps this module for its off twin (counters-off.ts) when the app
// never names `stats` (build/features.ts, docs/build.md "What the build leaves out").
import { utf8 } from './codec';

/** Counters kept per socket and device-wide. */
export interface Counters {
  sent: number; refused: number; received: number; delivered: number; dropped: number; oversize: number; failed: number;
}

/** Every counter at 0. */
export function counters(): Counters {
  return { sent: 0, refused: 0, received: 0, delivered: 0, dropped: 0, oversize: 0, failed: 0 };
}

/** A socket as the counters see it: its own counters and its device's (firmware/net.ts). */
type Counted = { _counters: Counters; _dev: { _totals: Counters } };

/** Count one event `key` of socket `s`: in its counters and in its device's. */
export function count(s: Counted, key: string) {
  (s._counters as any)[key]++;
  (s._dev._totals as any)[key]++;
}

/**
 * Count a send of `d` (bytes, or a string the driver sends as UTF-8) as `oversize` when it is
 * over the 1460-byte MTU: a string of up to 486 chars has at most 1458 UTF-8 bytes, so only a
 * longer one is encoded to be measured.
 */
export function countOversize(s: Counted, d: Uint8Array | string) {
  if (d.length > 486 && (typeof d == 'string' ? utf8(d) : d).length > 1460) count(s, 'oversize');
}
