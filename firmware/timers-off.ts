// The off twin of firmware/timers.ts (build/features.ts): adds no timer member to `imp`.
import type { Platform } from '../hal/contract';
import type { impTimers as realTimers } from './timers';

/** No timer members: firmware/runtime.ts does not call impTimers (terser folds the test away). */
export var TIMERS = false;

/** `imp` as it is (typed as the real one's: the app never names a timer member). */
export var impTimers = <T extends object>(p: Platform, imp: T) => imp as ReturnType<typeof realTimers<T>>;
