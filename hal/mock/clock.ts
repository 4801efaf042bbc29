// A virtual clock for the simulated LAN: timers run only when a test advances time,
// in time order and, for equal times, in the order they were set. Tests never sleep.

interface Timer { at: number; seq: number; cb: () => void; dead?: boolean }

export class VirtualClock {
  t = 0;
  private seq = 0;
  private q: Timer[] = [];
  /** Current virtual time, ms. */
  now(): number {
    return this.t;
  }
  /** Run `cb` at now + ms (ms <= 0: at now, after everything already due). */
  timer(ms: number, cb: () => void): Timer {
    const t: Timer = { at: this.t + Math.max(0, Math.floor(ms) || 0), seq: this.seq++, cb };
    let lo = 0, hi = this.q.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.q[mid];
      if (m.at < t.at || (m.at === t.at && m.seq < t.seq)) lo = mid + 1; else hi = mid;
    }
    this.q.splice(lo, 0, t);
    return t;
  }
  cancel(t: unknown) {
    if (t && typeof t === 'object') (t as Timer).dead = true;
  }
  /** Timers still pending. */
  get pending(): number {
    return this.q.filter((t) => !t.dead).length;
  }
  /** Advance time by ms, running every timer due on the way (including ones they set). */
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      const next = this.q[0];
      if (!next || next.at > end) break;
      this.q.shift();
      if (next.dead) continue;
      this.t = next.at;
      next.cb();
    }
    this.t = end;
  }
  /** Run what is due now (timers set with 0 ms), without moving time. */
  flush() {
    this.advance(0);
  }
}
