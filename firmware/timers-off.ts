// The off twin of firmware/timers.ts (build/features.ts): adds no timer member to `imp`.
import type { impTimers as realTimers } from './timers';

/** No timer members. */
export function impTimers() { return {} as ReturnType<typeof realTimers>; }
