// The live view's status line (`espimp console --stats`, `espimp run --stats`; docs/console.md
// "Live status"): a device's report (firmware/reporter.ts, carried as an agent-link frame) as
// one line of text, and the bar that keeps it on a terminal's bottom row while everything
// else scrolls above it. Where stdout is not a terminal the callers print the text as a plain
// `stats: ` line instead.
import { STATS_MESSAGE } from '../../firmware/reporter';

export { STATS_MESSAGE };

/** The REPL line (DLE: no echo, no result) that starts (on) or stops a bundle's reporter; it does nothing in a bundle without one. */
export function statsRequest(on: boolean): string {
  return `\x10if(global.espimpstats)espimpstats(${on ? 1 : 0})\n`;
}

const isCounts = (a: unknown): a is number[] => Array.isArray(a) && a.length === 5 && a.every((n) => typeof n === 'number');

/** Milli-packets as packets, one decimal at most. */
const packets = (milli: number, cost: number) => String(Math.floor((milli / cost) * 10) / 10);

/**
 * A report as one line: `device S/R/RC/DL/DR tokens T/C free F | :PORT S/R/RC/DL/DR ring N/SIZE | ...`
 * (counts sent/refused/received/delivered/dropped; tokens in packets; `free`: blocks, boards
 * only; `:0` an unbound socket). Null when `data` is not a report.
 */
export function formatStats(data: any): string | null {
  if (!data || typeof data !== 'object' || !isCounts(data.d) || !Array.isArray(data.t) || !Array.isArray(data.s)) return null;
  const [tokens, cap, cost] = data.t;
  if (!(cost > 0)) return null;
  let line = `device ${data.d.join('/')} tokens ${packets(tokens, cost)}/${packets(cap, cost)}`;
  if (typeof data.m === 'number' && data.m >= 0) line += ` free ${data.m}`;
  for (const s of data.s) {
    if (!Array.isArray(s) || s.length !== 8) return null;
    line += ` | :${s[0]} ${s.slice(1, 6).join('/')} ring ${s[6]}/${s[7]}`;
  }
  return line;
}

/** A terminal as far as the bar needs it. */
export interface Terminal { write(s: string): unknown; rows?: number; columns?: number }

/**
 * A line kept on the terminal's bottom row: the rows above are made the scrolling region, so
 * what the console or app prints scrolls there and never over the bar; the bar is drawn with
 * the cursor saved and restored, so a line being typed is not disturbed. Redrawn when the
 * terminal's height changes; clear() gives the row back.
 */
export class StatusBar {
  private rows = 0;
  constructor(private out: Terminal) {}

  show(text: string) {
    const rows = this.out.rows || 24, cols = this.out.columns || 80;
    let s = '';
    if (rows !== this.rows) {
      // room for the bar: a new line (scrolling if the cursor is on the last row), back up, then the region above it
      if (!this.rows) s += '\n\x1b[1A';
      s += `\x1b7\x1b[1;${rows - 1}r\x1b8`;
      this.rows = rows;
    }
    this.out.write(`${s}\x1b7\x1b[${rows};1H\x1b[2K${text.slice(0, cols - 1)}\x1b8`);
  }

  /** Erase the bar and give the whole screen back to scrolling. */
  clear() {
    if (!this.rows) return;
    this.out.write(`\x1b7\x1b[${this.rows};1H\x1b[2K\x1b[r\x1b8`);
    this.rows = 0;
  }
}
