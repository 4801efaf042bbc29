// Shared by the console tests: a fake Espruino on the far end of a console wire, and
// helpers to wait for real events (child output, socat ready, process exit) with a
// generous timeout only as a failure guard.
// The fake board runs the real runtime (firmware/) and an app, prints the way Espruino's
// REPL does with echo on (prompt ">", erased with a backspace before each printed line,
// CRLF line ends, typed chars echoed, "=result" after an evaluated line) and evaluates
// typed lines in the app's context; a line that starts with DLE (0x10) on an empty input
// line is evaluated without echo, as src/jsinteractive.c does.
import vm from 'node:vm';
import { spawn, ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Lan } from '../../hal/mock/lan';
import { boot, Booted } from './runtime';
import { startApp } from '../../host/app';

/** Upper bound for any single wait; tests end as soon as the event happens. */
export const GUARD_MS = 20_000;

export interface TypedLine { line: string; echoOff: boolean }

export class FakeEspruino {
  readonly lan = new Lan({ subnet: '192.168.77' });
  readonly board: Booted;
  /** Every line the REPL evaluated. */
  readonly typed: TypedLine[] = [];
  /** Ctrl-C bytes received. */
  ctrlC = 0;
  private wire: ((s: string) => void) | null = null;
  private watchers: { test: () => boolean; done: () => void }[] = [];
  private input = '';
  private echoOff = false;
  private prompt = false;
  private hadCR = false;
  private ctx: vm.Context;

  constructor(app: string) {
    this.board = boot(this.lan, 1, { niis: { eth0: 'mock' } });
    this.board.dev.echo = (line) => this.print(line);
    this.ctx = startApp(app, 'app.js', this.board.rt, this.board.dev.platform, { agentrx: this.board.rt.agentrx });
  }

  /** Where the board's output goes (the wire); null while unplugged. */
  get out() { return this.wire; }
  set out(f: ((s: string) => void) | null) { this.wire = f; this.changed(); }

  /** Resolves once `test()` holds; checked after every chunk typed and every plug or unplug. */
  when(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`the board never saw: ${test}`)), GUARD_MS);
      this.watchers.push({ test, done: () => { clearTimeout(t); resolve(); } });
    });
  }

  private changed() {
    this.watchers = this.watchers.filter((w) => { if (w.test()) { w.done(); return false; } return true; });
  }

  /** The runtime's globals (server, agent, ...). */
  get rt() { return this.board.rt; }

  /** Print one line as Espruino's print/console.log does (erase the prompt, CRLF, prompt back). */
  print(text: string) {
    const erase = this.prompt ? '\x08'.repeat(this.input.length + 1) : '';
    this.send(`${erase}${text.replace(/\n/g, '\r\n')}\r\n>${this.input}`);
    this.prompt = true;
  }

  /** Bytes typed at the board's console. */
  type(chunk: string) {
    for (const c of chunk) {
      const cr = this.hadCR;
      this.hadCR = c === '\r';
      if (c === '\x10' && this.input === '') this.echoOff = true;
      else if (c === '\x03') { this.ctrlC++; this.input = ''; }
      else if (c === '\n' && cr) continue;
      else if (c === '\r' || c === '\n') this.enter();
      else if (c === '\x08' || c === '\x7f') { if (this.input) { this.input = this.input.slice(0, -1); this.echo('\x08 \x08'); } }
      else if (c >= ' ') { this.input += c; this.echo(c); }
    }
    this.changed();
  }

  private enter() {
    const line = this.input;
    const quiet = this.echoOff;
    this.input = '';
    this.typed.push({ line, echoOff: quiet });
    if (!quiet) { this.send('\r\n'); this.prompt = false; }
    try {
      const v = vm.runInContext(line, this.ctx);
      if (!quiet) this.send(`=${v === undefined ? 'undefined' : JSON.stringify(v)}\r\n`);
    } catch (e: any) {
      this.send(`Uncaught ${e && e.name || 'Error'}: ${e && e.message}\r\n`);
    }
    if (!this.prompt) { this.send('>'); this.prompt = true; }
    this.echoOff = false;
  }

  private echo(s: string) {
    if (!this.echoOff) this.send(s);
  }

  private send(s: string) {
    if (this.wire) this.wire(s);
  }
}

/** Collects a stream's text and resolves waits when it shows what they wait for. */
export class Watch {
  text = '';
  private waits: { test: (t: string) => boolean; done: () => void }[] = [];
  constructor(stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => {
      this.text += d;
      this.waits = this.waits.filter((w) => { if (w.test(this.text)) { w.done(); return false; } return true; });
    });
  }
  /** Times `re` (global) occurs so far. */
  count(re: RegExp): number {
    return (this.text.match(new RegExp(re.source, 'g')) || []).length;
  }
  /** Resolves once `re` has occurred `times` times; rejects after GUARD_MS with the text so far. */
  until(re: RegExp, times = 1): Promise<void> {
    const test = () => this.count(re) >= times;
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${re} x${times}; output so far:\n${this.text}`)), GUARD_MS);
      this.waits.push({ test, done: () => { clearTimeout(t); resolve(); } });
    });
  }
}

/** The exit code of `child` once it has exited and its output has been read to the end. */
export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('process did not exit')), GUARD_MS);
    const done = () => { clearTimeout(t); resolve(child.exitCode); };
    const streams = [child.stdout, child.stderr].filter((s) => s && !s.readableEnded);
    let open = streams.length + (child.exitCode !== null || child.signalCode !== null ? 0 : 1);
    const one = () => { if (--open === 0) done(); };
    if (open === 0) return done();
    for (const s of streams) s!.once('end', one);
    if (child.exitCode === null && child.signalCode === null) child.once('exit', one);
  });
}

/** A socat pseudo-terminal pair with stable link paths; resolves once both exist and data flows. */
export async function socatPair(a: string, b: string): Promise<ChildProcess> {
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const w = new Watch(child.stderr!);
  await w.until(/starting data transfer loop/);
  if (!existsSync(a) || !existsSync(b)) throw new Error('socat links missing');
  return child;
}

/** Start the real `espimp` command with `args`; stdin is a pipe (not a TTY). */
export function espimp(args: string[]): { child: ChildProcess; out: Watch; err: Watch } {
  const child = spawn(process.execPath, ['bin/espimp.js', ...args], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return { child, out: new Watch(child.stdout!), err: new Watch(child.stderr!) };
}
