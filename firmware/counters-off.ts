// The off twin of firmware/counters.ts (build/features.ts): counts nothing (no `stats` can read them).
import type { Counters } from './counters';

/** No counters. */
export function counters() { return {} as Counters; }
/** Counts nothing. */
export function count() {}
/** Counts nothing. */
export function countOversize() {}
