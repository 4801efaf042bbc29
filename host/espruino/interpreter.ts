// The real Espruino interpreter (upstream 2v29, Linux port) as a device for tests and benchmarks.
// Where it is: $ESPRUINO_DIR, else ../shared/espruino beside the checkout, or beside the local
// repository it was cloned from (shared/espruino/README.md):
// `espruino` (64-bit, memory grows) and `espruino32-8190|2630|1600` (32-bit, fixed blocks).
//
//   const dev = await startDevice({ kind: '8190', boot: [standins], app: bundle });
//   await dev.call('imp.net.info().ipv4.address')   // an expression, evaluated in the interpreter
//   await dev.event((e) => e.t == 'rx', 'a datagram')  // what the device reported with report({...})
//   dev.kill();
//
// A device runs as a saved app does on a board: the boot scripts are written into Storage as
// `.boot0` (the interpreter runs it before the app at every load()), the app as `.bootcde`, then
// `load()`; so memory figures are those of code run from Storage. Its working folder, holding
// Storage's flash file, is a new temp folder. Calls go in over a TCP connection to a small
// server in `.boot0` (see harness()), not through the console; answers and reports are console
// lines tagged `@@R<id> ` and `@@E `. "Uncaught", "OUT OF MEMORY" and other interpreter
// errors are collected in `faults` (an out-of-memory inside a callback does not end it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Socket, type AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The interpreters: 64-bit, and 32-bit with 8190, 2630 or 1600 fixed blocks. */
export type InterpreterKind = '64' | '8190' | '2630' | '1600';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The folder holding the interpreters, or null when there is none. */
export function espruinoDir(): string | null {
  if (process.env.ESPRUINO_DIR) {
    const dir = resolve(process.env.ESPRUINO_DIR);
    return existsSync(join(dir, 'espruino')) ? dir : null;
  }
  // beside this checkout, else beside the local repository it was cloned from (a clone in a temp folder)
  const dirs = [resolve(ROOT, '../shared/espruino')];
  const origin = spawnSync('git', ['config', '--get', 'remote.origin.url'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim();
  if (origin && isAbsolute(origin)) dirs.push(resolve(origin, '../shared/espruino'));
  return dirs.find((d) => existsSync(join(d, 'espruino'))) || null;
}

/** The executable of interpreter `kind` (throws when the folder is missing). */
export function interpreterPath(kind: InterpreterKind): string {
  const dir = espruinoDir();
  if (!dir) throw new Error(MISSING);
  return join(dir, kind === '64' ? 'espruino' : `espruino32-${kind}`);
}

/** What to say when the interpreters are missing. */
export const MISSING = 'the real Espruino interpreter was not found: set ESPRUINO_DIR to a folder holding `espruino` and `espruino32-*` '
  + '(upstream Espruino at tag RELEASE_2V29 built for Linux: see ../shared/espruino/README.md and docs/espruino-env.md), '
  + 'or place it at ../shared/espruino';

/**
 * For test files: true when the interpreter is here. Without it, the file's real-interpreter
 * suites are skipped with one loud line on stderr; with CI=true its absence is an error.
 */
export function haveInterpreter(what: string): boolean {
  if (espruinoDir()) return true;
  if (process.env.CI === 'true') throw new Error(`${what}: ${MISSING}`);
  process.stderr.write(`\n!!! SKIPPED ${what}: ${MISSING}\n\n`);
  return false;
}

/**
 * Test helpers loaded in `.boot0` before anything else: `report(obj)` prints one `@@E` event line;
 * `__rpc`/`__rpcf` evaluate one call; a TCP server on `port` (loopback peers only) evaluates each
 * line it receives. Calls do not go through the console: the Linux port's stdin thread pushes
 * characters into the event ring while the main loop pops them, unlocked, and now and then a
 * line is lost or `ASSERT(len <= 64) FAILED AT src/jsdevices.c` stops the interpreter. Kept
 * small: it is in every memory figure's baseline.
 */
export function harness(port: number): string {
  return [
    'global.report=function(o){console.log("@@E "+JSON.stringify(o));};',
    'global.__rpc=function(i,f){var r;try{r={v:f()}}catch(e){r={e:""+(e&&e.message||e),code:e&&e.code}}console.log("@@R"+i+" "+JSON.stringify(r));};',
    // a call's code comes from a file, whatever its length
    'global.__rpcf=function(i){var c=require("fs").readFileSync("c"+i+".js");__rpc(i,function(){return eval(c);});};',
    `require("net").createServer(function(c){var b="";c.on("data",function(d){b+=d;var i;while((i=b.indexOf("\\n"))>=0){var l=b.substr(0,i);b=b.substr(i+1);eval(l);}});}).listen(${port});`,
    // a timer set before the app runs fires once the app's top level has finished
    'setTimeout(function(){report({t:"loaded"});},0);',
    // the Linux port exits when no timer or socket is left, whatever its stdin does
    'setInterval(function(){},1000);',
  ].join('\n');
}

/**
 * A boot script for tests: a pass-through `dgram` whose sockets report `{t: 'bound', port}` once
 * the interpreter has really bound them. Espruino binds in its idle loop, after openudp() has
 * returned, and a datagram that arrives before that is lost, as on a board: a peer that must
 * not lose its first datagram waits for this event. It wraps the `dgram` it finds (the built-in,
 * or a stand-in loaded before it), kept as `realDgram`.
 */
export const BIND_REPORTER = 'global.realDgram=require("dgram");try{Modules.removeCached("dgram");}catch(e){}Modules.addCached("dgram",' + JSON.stringify(
  'exports.createSocket=function(o,c){var s=realDgram.createSocket(o,c),b=s.bind;'
  + 's.bind=function(p,f){return b.call(s,p,function(x){report({t:"bound",port:p});if(f)f(x);});};return s;};') + ');';

/** A device event: what the code in the interpreter passed to report(). */
export type DeviceEvent = { [k: string]: any };

export interface DeviceOptions {
  /** Which interpreter (default '64'). */
  kind?: InterpreterKind;
  /** Scripts run first at every load (stand-ins, test hooks), joined into `.boot0` after harness(). */
  boot?: string[];
  /** The app (a bundle), saved as `.bootcde`. */
  app?: string;
  /**
   * Run the app from RAM instead (`.bootcde` evaluates it from a file, as code typed into the
   * REPL is held): for timings. Code run from Storage is read from flash at every call, and the
   * Linux port's flash is a file: there a function from Storage runs ~16x slower than from RAM
   * (measured: 894 chars, 332 vs 21 us a call), where a board reads memory-mapped flash.
   */
  ram?: boolean;
  /** Other Storage files. */
  files?: { [name: string]: string };
  /** Every console line, as it comes. */
  echo?: (line: string) => void;
}

/** Lines of interpreter output that mean something went wrong inside it. */
const FAULT = /Uncaught|OUT OF MEMORY|Execution Interrupted|interpreter error|Error: |ASSERT/;

/** A running interpreter with the app loaded from Storage. */
export class Device {
  readonly proc: ChildProcess;
  readonly dir: string;
  /** Every console line so far. */
  readonly lines: string[] = [];
  /** Lines that show an interpreter error (see FAULT). */
  readonly faults: string[] = [];
  readonly events: DeviceEvent[] = [];
  private pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private waiters = new Set<() => void>();
  private nextId = 1;
  private rest = '';
  exited = false;

  constructor(proc: ChildProcess, dir: string, echo?: (line: string) => void) {
    this.proc = proc;
    this.dir = dir;
    const take = (chunk: Buffer) => {
      const text = this.rest + chunk.toString('latin1');
      const parts = text.split(/\r?\n/);
      this.rest = parts.pop()!;
      for (const raw of parts) this.line(raw, echo);
      this.pulse();
    };
    proc.stdout!.on('data', take);
    proc.stderr!.on('data', take);
    proc.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error(`the interpreter exited; last lines:\n${this.lines.slice(-8).join('\n')}`));
      this.pending.clear();
      this.pulse();
    });
  }

  private line(raw: string, echo?: (line: string) => void) {
    const l = raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '').replace(/^>+/, '');
    this.lines.push(l);
    if (echo) echo(l);
    const m = /@@(R(\d+)|E) (.*)$/.exec(l);
    if (!m) {
      if (FAULT.test(l)) this.faults.push(l);
      return;
    }
    let v: any;
    try { v = JSON.parse(m[3]); } catch { this.faults.push(`unparsable report: ${l}`); return; }
    if (m[1] === 'E') {
      this.events.push(v);
      if (this.onevent) this.onevent(v);
      return;
    }
    const p = this.pending.get(+m[2]);
    if (!p) return;
    this.pending.delete(+m[2]);
    if ('e' in v) p.reject(Object.assign(new Error(`in the interpreter: ${v.e}`), { code: v.code }));
    else p.resolve(v.v);
  }

  private pulse() {
    for (const w of [...this.waiters]) w();
  }

  /** Called with every event as it comes (after it is in `events`). */
  onevent?: (e: DeviceEvent) => void;
  /** The control connection (set by startDevice). */
  control!: Socket;

  /** Have the device evaluate one line of code (through the control connection, not the console). */
  evalLine(line: string) {
    this.control.write(line.replace(/\n/g, ' ') + '\n');
  }

  /** Blocks in use: the least of three readings (one reading can catch a datagram or a console line in flight). */
  async blocksInUse(): Promise<number> {
    const r: number[] = [];
    for (let i = 0; i < 3; i++) r.push(await this.call('process.memory().usage'));
    return Math.min(...r);
  }

  /** Evaluate `expr` (a JavaScript expression) in the interpreter: its value as JSON, or a rejection with the thrown error's message and `code`. */
  call(expr: string, ms = 30_000): Promise<any> {
    const id = this.nextId++;
    return new Promise((res, rej) => {
      const guard = setTimeout(() => { this.pending.delete(id); rej(new Error(`no answer after ${ms} ms to: ${expr.slice(0, 200)}\n${this.lines.slice(-8).join('\n')}`)); }, ms);
      this.pending.set(id, { resolve: (v) => { clearTimeout(guard); res(v); }, reject: (e) => { clearTimeout(guard); rej(e); } });
      writeFileSync(join(this.dir, `c${id}.js`), `(${expr})`, 'latin1');
      this.evalLine(`__rpcf(${id})`);
    });
  }

  /** The `code` of the error call(expr) throws ('no throw' when it returns). */
  async codeOf(expr: string): Promise<string> {
    try {
      await this.call(expr);
      return 'no throw';
    } catch (e: any) {
      return e.code || `threw without a code: ${e.message}`;
    }
  }

  /** Run statements (no value). */
  run(code: string, ms?: number): Promise<void> {
    return this.call(`(function(){${code}})()`, ms);
  }

  /** Resolve when cond() holds, re-checked at every line the interpreter prints; reject after `ms` (a guard, nothing waits for it). */
  until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
    return new Promise((res, rej) => {
      if (cond()) return res();
      const faults = this.faults.length;
      const done = () => { this.waiters.delete(check); clearTimeout(guard); };
      const check = () => {
        if (cond()) { done(); res(); }
        else if (this.exited) { done(); rej(new Error(`the interpreter exited while waiting for ${what}; last lines:\n${this.lines.slice(-8).join('\n')}`)); }
        // out of memory: what is awaited may never come (the interpreter goes on)
        else if (this.faults.slice(faults).some((f) => /OUT OF MEMORY|ASSERT/.test(f))) { done(); rej(new Error(`the interpreter ran out of memory while waiting for ${what}: ${this.faults.slice(faults).join(' | ')}`)); }
      };
      const guard = setTimeout(() => { done(); rej(new Error(`still waiting after ${ms} ms for ${what}; last lines:\n${this.lines.slice(-8).join('\n')}`)); }, ms);
      this.waiters.add(check);
    });
  }

  /** Re-check until() waiters (for conditions on things outside the interpreter, e.g. a peer's socket). */
  poke() {
    this.pulse();
  }

  /** The first event from index `since` on that matches `pred` (waits for it). */
  async event(pred: (e: DeviceEvent) => boolean, what: string, since = 0, ms?: number): Promise<DeviceEvent> {
    await this.until(() => this.events.slice(since).some(pred), what, ms);
    return this.events.slice(since).find(pred)!;
  }

  /**
   * Kill it (it ignores SIGTERM) and remove its folder; resolves once it has exited, so its
   * sockets are closed (Espruino's reuseAddr is SO_REUSEPORT: a dying interpreter's socket
   * would share the port with the next one's and take some of its datagrams).
   */
  kill(): Promise<void> {
    this.pending.clear();
    if (this.control) this.control.destroy();
    const gone = this.exited ? Promise.resolve() : new Promise<void>((r) => this.proc.once('exit', () => r()));
    if (!this.exited) this.proc.kill('SIGKILL');
    return gone.then(() => { try { rmSync(this.dir, { recursive: true, force: true }); } catch { /* gone */ } });
  }
}

/**
 * A setup script that copies `files` (name -> path in the working folder) into Storage in
 * 512-byte chunks (nothing larger ever sits in RAM), then load()s: `.boot0` runs, then `.bootcde`.
 */
function setupScript(files: { [name: string]: string }): string {
  const puts = Object.entries(files).map(([name, path]) => `put(${JSON.stringify(name)},${JSON.stringify(path)},${statSync(path).size});`);
  return [
    'var S=require("Storage");S.eraseAll();',
    'function put(n,p,z){var f=E.openFile(p,"r"),o=0,c;if(!z){S.write(n," ");return;}while((c=f.read(512))){S.write(n,c,o,z);o+=c.length;}f.close();}',
    ...puts,
    'setTimeout(function(){load();},1);',
    '',
  ].join('\n');
}

/** A TCP port nothing listens on now (the interpreter's server listens on every address). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, () => { const p = (srv.address() as AddressInfo).port; srv.close(() => resolve(p)); });
  });
}

/** Connect to the device's control server; it listens from its first idle loop on, so a refused connection is tried again (at most 100 times, 20 ms apart). */
async function connectControl(port: number, dev: Device): Promise<Socket> {
  for (let i = 0; ; i++) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const c = connect(port, '127.0.0.1', () => { c.off('error', reject); c.on('error', () => {}); resolve(c); });
        c.once('error', reject);
      });
    } catch (e) {
      if (i >= 100 || dev.exited) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Start an interpreter in a new temp folder with the boot scripts and app in Storage, and wait until the app's top level has run. */
export async function startDevice(o: DeviceOptions = {}): Promise<Device> {
  const dir = mkdtempSync(join(tmpdir(), 'espimp-espruino-'));
  const port = await freePort();
  const storage: { [name: string]: string } = { '.boot0': [harness(port), ...(o.boot || [])].join('\n'), ...(o.files || {}) };
  if (o.app !== undefined && o.ram) writeFileSync(join(dir, 'app.js'), o.app, 'latin1');
  if (o.app !== undefined) storage['.bootcde'] = o.ram ? 'eval(require("fs").readFileSync("app.js"));' : o.app;
  const paths: { [name: string]: string } = {};
  Object.entries(storage).forEach(([name, text], i) => {
    paths[name] = join(dir, `f${i}.js`);
    writeFileSync(paths[name], text, 'latin1');
  });
  writeFileSync(join(dir, 'setup.js'), setupScript(paths));
  const proc = spawn(interpreterPath(o.kind || '64'), ['setup.js'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  const dev = new Device(proc, dir, o.echo);
  try {
    // an out-of-memory while the app loads ends the wait at once (the interpreter may go on)
    await dev.until(() => dev.events.some((e) => e.t === 'loaded') || dev.faults.some((f) => /OUT OF MEMORY/.test(f)), 'the app to load from Storage');
    if (!dev.events.some((e) => e.t === 'loaded')) throw new Error(`out of memory while loading: ${dev.faults.join(' | ')}`);
    dev.control = await connectControl(port, dev);
  } catch (e) {
    dev.kill();
    throw e;
  }
  return dev;
}
