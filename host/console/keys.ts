// Keystrokes on their way to the Espruino REPL: Ctrl-C twice leaves (as espruino-cli: two
// in a row with no device output between them other than a bare prompt, or within a second),
// and a guess at whether the user has a half-typed line on the board, so agent frames
// (which must start an empty REPL line) wait until it is finished or cleared.

/** Ctrl-C. */
const ETX = '\x03';
/** Ctrl-U: Espruino clears the input line. */
const NAK = '\x15';
/** Two Ctrl-C this close together always leave, however chatty the board is. */
export const QUIT_WINDOW_MS = 1000;

export interface KeyResult {
  /** What to pass to the board. */ send: string;
  /** The user asked to leave (the second Ctrl-C is not passed on). */ quit: boolean;
  /** A first Ctrl-C was just typed: the console may remind how to leave. */ armed: boolean;
}

/** The REPL-side state of the keyboard. */
export class Keys {
  /** Time of a Ctrl-C still waiting for its twin, or null. */
  private ctrlC: number | null = null;
  /** The board said something since that Ctrl-C. */
  private spoke = false;
  /** Chars typed into the board's current input line, as far as we can tell. */
  private typed = 0;
  /** The line holds something we cannot count (history recall, cursor keys). */
  private unknown = false;

  constructor(private now: () => number = Date.now) {}

  /** True while the board's input line may hold something the user typed. */
  get dirty(): boolean {
    return this.typed > 0 || this.unknown;
  }

  /** Handle typed (or piped) text: what to send, and whether to leave. */
  keys(s: string): KeyResult {
    let armed = false;
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (c === ETX) {
        const t = this.now();
        if (this.ctrlC !== null && (!this.spoke || t - this.ctrlC <= QUIT_WINDOW_MS)) return { send: s.slice(0, i), quit: true, armed: false };
        this.ctrlC = t;
        this.spoke = false;
        armed = true;
        this.clear();
      } else if (c === '\r' || c === '\n' || c === NAK) {
        this.clear();
      } else if (c === '\b' || c === '\x7f') {
        if (this.typed > 0) this.typed--;
      } else if (c === '\x1b' || c < ' ') {
        this.unknown = true;
      } else {
        this.typed++;
      }
    }
    return { send: s, quit: false, armed };
  }

  /** Board output arrived: anything but a bare prompt, backspaces or line ends makes a later Ctrl-C (past the quit window) a first one again. */
  output(s: string) {
    if (!/^[>\x08\r\n ]*$/.test(s)) this.spoke = true;
  }

  private clear() {
    this.typed = 0;
    this.unknown = false;
  }
}
