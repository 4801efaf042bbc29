// The device-wide send rate limit: an integer token bucket in milli-packets.
// Time is whole milliseconds from the board clock; a clock that steps back or wraps
// refills nothing and breaks nothing.

export class Bucket {
  t: number;
  last: number;
  /** capacity and cost in milli-packets, refill in milli-packets per ms; starts full at time `now`. */
  constructor(public capacity: number, public refill: number, public cost: number, now: number) {
    this.t = capacity;
    this.last = now;
  }
  /** Take one packet's tokens at time `now`: true if there were enough. */
  take(now: number): boolean {
    var dt = now - this.last;
    this.last = now;
    if (dt > 0) this.t = dt >= Math.ceil((this.capacity - this.t) / this.refill) ? this.capacity : this.t + dt * this.refill;
    if (this.t < this.cost) return false;
    this.t -= this.cost;
    return true;
  }
}
