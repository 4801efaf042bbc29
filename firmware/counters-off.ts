// The off twin of firmware/counters.ts (build/features.ts): counts nothing (no `stats` can read them).
import type { Counters } from './api';

export type { Counters };
export var SENT = 0, REFUSED = 1, RECEIVED = 2, DELIVERED = 3, DROPPED = 4, OVERSIZE = 5, FAILED = 6;
/** No counters. */
export function counters() { return [] as number[]; }
/** Nothing to name. */
export function named() { return {} as Counters; }
/** Counts nothing. */
export function count() {}
/** Counts nothing. */
export function countOversize() {}
