// What the developer sees: each board line with a host timestamp, `ERROR: ` (server.error)
// and Espruino's `Uncaught ...` lines highlighted when colour is on, agent messages as
// one-line summaries, the console's own notices marked `---`. On a terminal the line
// under way (REPL prompt and echo) is drawn live and redrawn when it completes. The
// transcript gets the same lines, plain. With --stats, the device's status line: a bar on
// the terminal's bottom row, or a plain `stats: ` line per report (not in the transcript).
import { StatusBar } from './status';

/** ANSI: red, and reset. */
const RED = '\x1b[31m';
const RESET = '\x1b[0m';
/** Longest agent data shown in a summary line. */
const SHOW_DATA = 200;

/**
 * A board line as a terminal would leave it: backspaces applied, CR (back to the line's start,
 * later text overwrites), the cursor moves and erases Espruino uses (ESC[nD / ESC[nC, ESC[J /
 * ESC[K from the cursor on), other escape sequences and control chars dropped. The real
 * Espruino erases its prompt and a half-typed input line before printing with
 * `ESC[D`... `\r ESC[J` (src/jsinteractive.c), not with backspaces.
 */
export function clean(raw: string): string {
  let out = '';
  let col = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\b' || c === '\x7f') {
      if (col >= out.length) { out = out.slice(0, -1); col = out.length; } else if (col > 0) col--;
    } else if (c === '\r') col = 0;
    else if (c === '\x1b') {
      if (raw[i + 1] === '[') {
        let j = i + 2;
        while (j < raw.length && !/[@-~]/.test(raw[j])) j++;
        const n = parseInt(raw.slice(i + 2, j), 10) || 1, op = raw[j];
        if (op === 'D') col = Math.max(0, col - n);
        else if (op === 'C') col = Math.min(out.length, col + n);
        else if ((op === 'J' || op === 'K') && !/^[12]$/.test(raw.slice(i + 2, j))) out = out.slice(0, col);
        i = j;
      } else i++;
    } else if (c >= ' ' || c === '\t') {
      out = out.slice(0, col) + c + out.slice(col + 1);
      col++;
    }
  }
  return out;
}

/** Local time as HH:MM:SS.mmm. */
export function stamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** True for lines to highlight: server.error's and Espruino's uncaught exceptions. */
export function isError(text: string): boolean {
  return text.startsWith('ERROR: ') || text.startsWith('Uncaught ');
}

/** Agent data in a summary line: JSON (bytes as <N bytes>), cut to SHOW_DATA chars. */
export function shortData(data: unknown): string {
  const s = data instanceof Uint8Array ? `<${data.length} bytes>` : data === undefined ? '' : JSON.stringify(data);
  return s.length > SHOW_DATA ? s.slice(0, SHOW_DATA) + '...' : s;
}

export interface ViewOptions {
  /** Where the lines go (the terminal, or a pipe; a terminal's size places the status bar). */ out: { write(s: string): unknown; rows?: number; columns?: number };
  /** Highlight error lines with ANSI colour. */ color: boolean;
  /** Draw the line under way live (only on a terminal). */ live: boolean;
  /** Gets every finished line, plain, for the transcript. */ transcript?: (line: string) => void;
  /** The clock for timestamps (tests). */ now?: () => Date;
}

/** The console's output. */
export class ConsoleView {
  /** What is drawn provisionally on the terminal's current line. */
  private drawn = '';
  private bar: StatusBar | null = null;
  constructor(private o: ViewOptions) {}

  /** The device's status (host/console/status.ts formatStats): the bottom bar on a terminal, else a `stats: ` line. */
  stats(text: string) {
    if (!this.o.live) return this.emit(`stats: ${text}`, false, false);
    if (!this.bar) this.bar = new StatusBar(this.o.out);
    this.bar.show(text);
  }

  /** Remove the status bar (the session ends). */
  endStats() {
    if (this.bar) this.bar.clear();
    this.bar = null;
  }

  /** A complete board line. Lines that only held prompt and erase residue are not shown. */
  line(raw: string) {
    const text = clean(raw);
    if (!text && raw) { this.partial(''); return; }
    this.emit(text, this.o.color && isError(text));
  }

  /** A message between device and agent: `agent <- name data` (from the device) or `agent -> ...`. */
  agent(fromDevice: boolean, name: string, data: unknown) {
    this.emit(`agent ${fromDevice ? '<-' : '->'} ${name} ${shortData(data)}`.trimEnd(), false);
  }

  /** The console's own news (connected, waiting, lost the board). */
  notice(text: string) {
    this.emit(`--- ${text}`, false);
  }

  /** The line under way; drawn live on a terminal, ignored otherwise. */
  partial(raw: string) {
    if (!this.o.live) return;
    const text = clean(raw);
    if (text === this.drawn) return;
    this.o.out.write(`\r\x1b[K${text}`);
    this.drawn = text;
  }

  private emit(text: string, red: boolean, transcript = true) {
    const line = `[${stamp(this.o.now ? this.o.now() : new Date())}] ${text}`;
    const undo = this.drawn ? '\r\x1b[K' : '';
    this.drawn = '';
    this.o.out.write(`${undo}${red ? RED + line + RESET : line}\n`);
    if (transcript && this.o.transcript) this.o.transcript(line);
  }
}
