// One `espimp console` session: keeps the wire to the board open (waiting for it and
// reopening it whenever it goes away), shows what the board prints, passes keystrokes to
// its REPL, writes the transcript, and plays the agent when an agent module is given.
// Ends when the user types Ctrl-C twice, or on SIGINT/SIGTERM.
import { closeSync, openSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { UserError } from '../../build/user-error';
import { AgentHost } from '../agent-host';
import { FrameDecoder, LinkCounts } from '../agent-link';
import { Keys } from './keys';
import { ConsoleView, clean } from './view';
import { STATS_MESSAGE, formatStats, statsRequest } from './status';
import { Link, PortSpec, openLink, portName } from './link';

/** How long after connecting --stats waits for the first status before saying the bundle may have no reporter. */
const STATS_HINT_MS = 3000;

/** Agent lines held while the user has a half-typed REPL line, at most. */
export const OUTBOX_MAX = 256;

/** A terminal's stdin as far as the session needs it. */
export interface Input {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
  on(ev: 'data', cb: (d: Buffer | string) => void): unknown;
  removeAllListeners(ev: string): unknown;
  resume(): unknown;
  pause(): unknown;
  /** Let go of it (a paused pipe would still keep the process alive). */
  destroy?(): unknown;
}

export interface ConsoleOptions {
  port: PortSpec;
  /** Transcript file (appended to). */ log?: string;
  /** Agent module file. */ agent?: string;
  /** Highlight error lines. */ color: boolean;
  /** Ask the board for its live status and show it (a bundle built with --stats). */ stats?: boolean;
  /** How long to wait between attempts to reopen the wire, ms. */ retryMs: number;
  stdin: Input;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
}

/** What a finished session reports. */
export interface ConsoleSummary {
  link: LinkCounts;
  /** Times the wire was (re)opened. */ connects: number;
}

export class ConsoleSession {
  private link: Link | null = null;
  private keys = new Keys();
  private outbox: string[] = [];
  private view: ConsoleView;
  private decoder: FrameDecoder;
  private agent: AgentHost | null = null;
  private logFd: number | null = null;
  private retry: NodeJS.Timeout | null = null;
  private hint: NodeJS.Timeout | null = null;
  private stopped = false;
  private waitingNoticed = false;
  private connects = 0;
  /** Status reports received (frames, not agent messages). */
  private reports = 0;
  /** Says once that no status came, when the board's bundle has no reporter. */
  private statsHint: NodeJS.Timeout | null = null;
  /**
   * An agent line (DLE, echo off) went to the board and no board line has come since. The real
   * Espruino does not erase its `>` prompt before what such a line prints (an agent.on handler's
   * server.log), so that output's first line starts with the prompt: it is dropped from there.
   */
  private afterAgentLine = false;
  private finish!: (s: ConsoleSummary) => void;
  /** Resolves when the session has ended. */
  readonly done: Promise<ConsoleSummary>;

  constructor(private o: ConsoleOptions) {
    this.done = new Promise((r) => { this.finish = r; });
    this.view = new ConsoleView({
      out: o.stdout,
      color: o.color,
      live: !!o.stdout.isTTY,
      transcript: (line) => this.transcript(line),
    });
    this.decoder = new FrameDecoder({
      text: (line) => {
        const prompt = this.afterAgentLine && line.startsWith('>');
        // a line that shows nothing (the prompt Espruino erases before a frame) is not that output
        if (clean(line)) this.afterAgentLine = false;
        // the prompt alone (it stood before a frame: a status report, or an agent.send in a handler) is not a line
        if (prompt && !clean(line.slice(1))) return;
        this.view.line(prompt ? line.slice(1) : line);
      },
      message: (name, data) => {
        if (name === STATS_MESSAGE) return this.status(data);
        this.view.agent(true, name, data);
        if (this.agent) this.agent.deliver(name, data);
      },
    });
  }

  /** Open the transcript, load the agent, start reading keys and connecting. Throws UserError for bad options. */
  async start(): Promise<void> {
    if (this.o.log) {
      try {
        this.logFd = openSync(this.o.log, 'a');
      } catch (e: any) {
        throw new UserError(`--log ${this.o.log}: cannot write the transcript (${e.code || e.message})`, 'ERR_LOG_FILE');
      }
    }
    if (this.o.agent) {
      const agent = new AgentHost((line) => this.view.notice(`agent: ${line}`));
      agent.connected = () => this.link !== null;
      agent.output = (line, name, data) => this.toDevice(line, name, data);
      try { await agent.load(this.o.agent); } catch (e) { this.closeLog(); throw e; }
      this.agent = agent;
    }
    this.view.notice(`espimp console on ${portName(this.o.port)}${this.agent ? ` with agent ${this.o.agent}` : ''} (Ctrl-C twice to leave)`);
    const input = this.o.stdin;
    if (input.isTTY && input.setRawMode) input.setRawMode(true);
    const utf8 = new StringDecoder('utf8');
    input.on('data', (d) => this.typed(typeof d === 'string' ? d : utf8.write(d)));
    input.resume();
    this.connect();
  }

  /** End the session: close the wire, restore the terminal, print the link counters. */
  stop() {
    if (this.stopped) return;
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.hint) clearTimeout(this.hint);
    if (this.statsHint) clearTimeout(this.statsHint);
    // best effort: the board stops reporting (the write may not leave before the wire closes)
    if (this.link && this.o.stats && !this.keys.dirty) this.link.write(statsRequest(false));
    if (this.link) this.link.close();
    this.link = null;
    this.decoder.reset();
    const input = this.o.stdin;
    if (input.isTTY && input.setRawMode) input.setRawMode(false);
    input.removeAllListeners('data');
    input.pause();
    if (input.destroy) input.destroy();
    this.view.endStats();
    const c = this.decoder.counts;
    if (this.agent || c.ok - this.reports + c.garbage + c.truncated + c.badsum) {
      this.view.notice(`agent link: ${c.ok} frames ok, ${c.garbage} garbage, ${c.truncated} truncated, ${c.badsum} bad checksum`);
    }
    this.closeLog();
    this.finish({ link: { ...c }, connects: this.connects });
  }

  /** Keys typed (or text piped in): pass them to the board. */
  private typed(s: string) {
    this.afterAgentLine = false;
    const r = this.keys.keys(s);
    if (r.send && this.link) this.link.write(r.send);
    if (r.quit) {
      if (this.o.stdout.isTTY) this.o.stdout.write('\r\n');
      this.stop();
      return;
    }
    if (r.armed && this.o.stdout.isTTY) {
      if (this.hint) clearTimeout(this.hint);
      this.hint = setTimeout(() => this.o.stdout.write('\r\n(Ctrl-C again to leave)\r\n'), 200);
    }
    if (!this.keys.dirty) this.flush();
  }

  /** An agent line toward the board: sent now, or held while the user's REPL line is half-typed. */
  private toDevice(line: string, name: string, data: unknown): number {
    if (!this.link) return 1;
    if (this.outbox.length >= OUTBOX_MAX) return 1;
    this.outbox.push(line);
    this.view.agent(false, name, data);
    if (!this.keys.dirty) this.flush();
    return 0;
  }

  private flush() {
    while (this.link && this.outbox.length) {
      this.link.write(this.outbox.shift()!);
      this.afterAgentLine = true;
    }
  }

  private connect() {
    if (this.stopped) return;
    const name = portName(this.o.port);
    openLink(this.o.port, {
      data: (chunk) => this.received(chunk),
      closed: (why) => {
        this.link = null;
        if (this.stopped) return;
        this.decoder.reset();
        if (this.outbox.length) this.view.notice(`${this.outbox.length} agent message(s) to the board dropped`);
        this.outbox = [];
        this.view.notice(`lost ${name} (${why}); waiting for it to come back`);
        this.waitingNoticed = true;
        this.later();
      },
    }).then((link) => {
      if (this.stopped) { link.close(); return; }
      this.link = link;
      this.connects++;
      this.waitingNoticed = false;
      this.view.notice(`connected to ${name}`);
      if (this.o.stats) this.askStats();
    }, (e: any) => {
      if (this.stopped) return;
      if (!this.waitingNoticed) this.view.notice(`waiting for ${name} (${e && e.message || e})`);
      this.waitingNoticed = true;
      this.later();
    });
  }

  /** A status report from the board: shown (with --stats; a leftover reporter's are dropped). */
  private status(data: unknown) {
    this.reports++;
    const text = this.o.stats ? formatStats(data) : null;
    if (text !== null) this.view.stats(text);
  }

  /** Start the board's reporter (queued like an agent line while the user's line is half-typed); say so if none answers. */
  private askStats() {
    this.outbox.push(statsRequest(true));
    if (!this.keys.dirty) this.flush();
    const seen = this.reports;
    if (this.statsHint) clearTimeout(this.statsHint);
    this.statsHint = setTimeout(() => {
      if (this.reports === seen && !this.stopped) this.view.notice('no status from the board: is its bundle built with --stats (espimp flash --stats)?');
    }, STATS_HINT_MS);
  }

  private later() {
    if (!this.stopped) this.retry = setTimeout(() => this.connect(), this.o.retryMs);
  }

  private received(chunk: Buffer) {
    const s = chunk.toString('latin1');
    this.keys.output(s);
    this.decoder.push(chunk);
    this.view.partial(this.decoder.partial());
  }

  private transcript(line: string) {
    if (this.logFd === null) return;
    try { writeSync(this.logFd, line + '\n'); } catch (e: any) {
      this.o.stderr.write(`espimp: transcript ${this.o.log}: ${e.code || e.message}; no longer written\n`);
      this.closeLog();
    }
  }

  private closeLog() {
    if (this.logFd !== null) { try { closeSync(this.logFd); } catch { /* already gone */ } }
    this.logFd = null;
  }
}
