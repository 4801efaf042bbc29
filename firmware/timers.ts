// imp.wakeup, imp.cancelwakeup and imp.millis over the platform's timers and clock. The build
// swaps this module for its off twin (timers-off.ts) when the app never names them (build/features.ts).
import type { Platform } from '../hal/contract';
import { fail } from './errors';

/** The timer members are there (the off twin's is false, so the build drops the call to impTimers). */
export var TIMERS = true;

/** `imp` with the timer members added; millis() counts from this call. */
export function impTimers<T extends object>(p: Platform, imp: T) {
  var start = p.now();
  return Object.assign(imp, {
    wakeup: function (seconds: any, cb: any) {
      if (typeof seconds != 'number' || !(seconds >= 0 && seconds < 1 / 0) || typeof cb != 'function') fail('BAD_ARG', seconds);
      return p.timer(Math.round(seconds * 1000), cb);
    },
    cancelwakeup: function (id: any) { p.cancel(id); },
    millis: function () { return p.now() - start; },
  });
}
