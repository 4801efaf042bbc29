// Shared by the tests that use the REAL Espruino interpreter's telnet REPL (tcp://127.0.0.1:2323):
// the machine-wide lock on port 2323, the interpreter started with --telnet in a temp folder,
// evaluating an expression over telnet, checking that telnet reaches OUR interpreter, and a UDP
// peer on 127.77.0.3. Port 2323 is fixed in Espruino and a second --telnet interpreter binds it
// without an error, so a test file holds a machine-wide lock (espimp-telnet-2323.lock in the temp
// dir, O_EXCL; a lock whose holder pid is dead is stale), checks that nothing else answers on
// 2323 before it starts its interpreter (startTelnetDevice), and checks every time that telnet
// reaches ITS interpreter: a random token written to Storage over telnet must land in the flash
// file in its temp folder.
import * as assert from 'uvu/assert';
import net from 'node:net';
import dgram from 'node:dgram';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync, watch, writeSync, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { interpreterPath } from '../../host/espruino/interpreter';

export const TELNET = 2323;
/** The console address espimp flash/console take. */
export const PORT = `tcp://127.0.0.1:${TELNET}`;
const LOCK = join(tmpdir(), `espimp-telnet-${TELNET}.lock`);
/** The peer's loopback address (192.168.77.3 on the virtual LAN). */
export const PEER = '127.77.0.3';
/** The peer's default port. */
export const PEER_PORT = 25740;
/** Upper bound for any single wait; every wait ends as soon as its event happens. */
export const GUARD_MS = 30_000;

// ---------------------------------------------------------------- the machine-wide lock

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e: any) { return e.code === 'EPERM'; }
}

/** Take the lock file (O_EXCL), waiting while a live process holds it; a dead holder's lock is removed. */
export async function takeLock(file: string, ms = 180_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, file, since: new Date().toISOString() }));
      closeSync(fd);
      return;
    } catch (e: any) {
      if (e.code !== 'EEXIST') throw e;
    }
    let holder: any = null;
    try { holder = JSON.parse(readFileSync(LOCK, 'utf8')); } catch { /* being written, or just removed */ }
    if (holder && typeof holder.pid === 'number' && !alive(holder.pid)) {
      try { unlinkSync(LOCK); } catch { /* someone else removed it */ }
      continue;
    }
    if (Date.now() > end) throw new Error(`${LOCK} is still held after ${ms} ms by ${JSON.stringify(holder)}`);
    // wait for the lock file to change (released), re-checking now and then for a holder that died
    await new Promise<void>((resolve) => {
      let w: FSWatcher | null = null;
      const done = () => { clearTimeout(t); if (w) w.close(); resolve(); };
      const t = setTimeout(done, 1000);
      try { w = watch(LOCK, done); w.on('error', done); } catch { done(); }
    });
  }
}

/** Give the lock back (only if this process holds it). */
export function releaseLock() {
  try {
    if (JSON.parse(readFileSync(LOCK, 'utf8')).pid === process.pid) unlinkSync(LOCK);
  } catch { /* not ours or gone */ }
}

// ---------------------------------------------------------------- the interpreter

/** Resolves true if something accepts a TCP connection on 127.0.0.1:port. */
export function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** The real 64-bit interpreter with its REPL on telnet, in a new temp folder (its Storage: espruino.flash there). */
export class Interpreter {
  readonly dir = mkdtempSync(join(tmpdir(), 'espimp-telnet-device-'));
  readonly proc: ChildProcess;
  /** Everything it printed on stdout/stderr (its own console while no telnet client is connected). */
  out = '';
  private waits = new Set<() => void>();

  constructor() {
    this.proc = spawn(interpreterPath('64'), ['--telnet'], { cwd: this.dir, stdio: ['pipe', 'pipe', 'pipe'] });
    const take = (d: Buffer) => { this.out += d.toString('latin1'); this.waits.forEach((w) => w()); };
    this.proc.stdout!.on('data', take);
    this.proc.stderr!.on('data', take);
    this.proc.on('exit', () => this.waits.forEach((w) => w()));
  }

  get exited() { return this.proc.exitCode !== null || this.proc.signalCode !== null; }

  /** Resolves once `re` is in its output (from `from` on). */
  until(re: RegExp, what: string, from = 0): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (re.test(this.out.slice(from))) { done(); resolve(); }
        else if (this.exited) { done(); reject(new Error(`the interpreter exited while waiting for ${what}:\n${this.out.slice(-600)}`)); }
      };
      const t = setTimeout(() => { done(); reject(new Error(`still waiting after ${GUARD_MS} ms for ${what}:\n${this.out.slice(-600)}`)); }, GUARD_MS);
      const done = () => { clearTimeout(t); this.waits.delete(check); };
      this.waits.add(check);
      check();
    });
  }

  /** The raw Storage file in its working folder. */
  flashFile(): string {
    return readFileSync(join(this.dir, 'espruino.flash'), 'latin1');
  }

  kill() {
    if (!this.exited) this.proc.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Evaluate `expr` over one telnet connection and return its JSON value (the connection is closed after). */
export function telnetEval(expr: string): Promise<any> {
  const tag = `@@T${randomBytes(4).toString('hex')}`;
  return new Promise((resolve, reject) => {
    const s = net.connect(TELNET, '127.0.0.1');
    let text = '';
    const t = setTimeout(() => { s.destroy(); reject(new Error(`no answer over telnet to ${expr} after ${GUARD_MS} ms; got ${JSON.stringify(text)}`)); }, GUARD_MS);
    s.setEncoding('latin1');
    s.on('connect', () => s.write(`\x10print("${tag} "+JSON.stringify(${expr}))\n`));
    s.on('data', (d: string) => {
      text += d;
      const m = new RegExp(`${tag} (.*)\\r?\\n`).exec(text);
      if (!m) return;
      clearTimeout(t);
      s.end();
      s.destroy();
      resolve(JSON.parse(m[1]));
    });
    s.on('error', (e) => { clearTimeout(t); reject(e); });
  });
}

/**
 * Check that telnet reaches our interpreter: a fresh token written to Storage over telnet lands in
 * the flash file of the interpreter this test started. (Not by typing on its stdin: the Linux port
 * reads stdin on a second thread that pushes into the same IO event queue as telnet, unlocked, and
 * the two at once corrupted the queue: `ASSERT(len <= 64) FAILED AT src/jsdevices.c:591`.)
 */
export async function ownInterpreter(dev: Interpreter) {
  const token = randomBytes(8).toString('hex');
  assert.is(await telnetEval(`require("Storage").write("tk","${token}")`), true, 'Storage.write over telnet');
  assert.ok(dev.flashFile().includes(token), 'telnet on 2323 reaches the interpreter this test started (the token is in its flash file)');
}

// ---------------------------------------------------------------- a UDP peer on 127.77.0.3

/** A Node UDP peer bound to 127.77.0.3:port (192.168.77.3 to the device), collecting what it gets. */
export class Peer {
  readonly sock = dgram.createSocket('udp4');
  constructor(private port = PEER_PORT) {}
  readonly got: { data: Buffer; from: string; port: number }[] = [];
  private waits = new Set<() => void>();
  async bind() {
    this.sock.on('message', (data, r) => { this.got.push({ data, from: r.address, port: r.port }); this.waits.forEach((w) => w()); });
    await new Promise<void>((resolve, reject) => { this.sock.once('error', reject); this.sock.bind(this.port, PEER, () => resolve()); });
  }
  send(data: Buffer, port: number) {
    return new Promise<void>((resolve, reject) => this.sock.send(data, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  }
  /** The first datagram from index `since` on that `pred` accepts. */
  next(pred: (d: Buffer) => boolean, what: string, since = 0): Promise<{ data: Buffer; from: string; port: number }> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.got.slice(since).find((g) => pred(g.data));
        if (m) { done(); resolve(m); }
      };
      const t = setTimeout(() => { done(); reject(new Error(`the peer got no ${what} after ${GUARD_MS} ms (got ${this.got.length} datagrams)`)); }, GUARD_MS);
      const done = () => { clearTimeout(t); this.waits.delete(check); };
      this.waits.add(check);
      check();
    });
  }
  close() { try { this.sock.close(); } catch { /* closed */ } }
}

// ---------------------------------------------------------------- one interpreter per test file

/**
 * Take the lock (for test file `file`), check nothing else answers on 2323, start the interpreter
 * and check telnet reaches it. `stop()` kills it and releases the lock (also at process exit).
 */
export async function startTelnetDevice(file: string): Promise<{ dev: Interpreter; stop: () => void }> {
  let dev: Interpreter | null = null;
  let locked = false;
  const stop = () => {
    if (dev) dev.kill();
    dev = null;
    if (locked) releaseLock();
    locked = false;
  };
  process.once('exit', stop);
  await takeLock(file);
  locked = true;
  if (await answers(TELNET)) {
    stop();
    throw new Error(`something already answers on 127.0.0.1:${TELNET} though ${LOCK} was free (an interpreter left over from a killed run?): stop it first`);
  }
  const d = dev = new Interpreter();
  await d.until(/>$/, 'the first prompt');
  await ownInterpreter(d);
  return { dev: d, stop };
}
