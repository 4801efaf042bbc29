// The device-wide send rate limit: an integer token bucket in milli-packets.
// Time is whole milliseconds from the board clock; a clock that steps back or wraps
// refills nothing and breaks nothing.

import type { BoardSettings } from '../hal/contract';

export class Bucket {
  /** Tokens (milli-packets). */
  t: number;
  _last: number;
  _cap: number;
  _refill: number;
  _cost: number;
  /** Board settings `b` (capacity and cost in milli-packets, refill in milli-packets per ms); starts full at time `now`. */
  constructor(b: BoardSettings['bucket'], now: number) {
    this._cap = this.t = b.capacity;
    this._refill = b.refill;
    this._cost = b.cost;
    this._last = now;
  }
  /** Take one packet's tokens at time `now`: true if there were enough. */
  take(now: number): boolean {
    var b = this, dt = now - b._last;
    b._last = now;
    if (dt > 0) b.t = Math.min(b._cap, b.t + dt * b._refill);
    if (b.t < b._cost) return false;
    b.t -= b._cost;
    return true;
  }
}
