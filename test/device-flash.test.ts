// @serial (the real interpreter's telnet port 2323 is machine-wide; its apps bind UDP ports on
// every loopback address)
// `espimp flash` and `espimp console --agent` against the REAL Espruino interpreter (upstream
// 2v29, Linux port, ../shared/espruino) serving its REPL on telnet (tcp://127.0.0.1:2323), not
// the fake REPL of flash.test.ts / console-tcp.test.ts:
// - flash --save of the linux build of examples/echo/echo.js through the CLI: the app lands in
//   Storage (.bootcde, and in the interpreter's flash file), starts, and echoes a Node peer's
//   datagrams byte for byte (5 and 1400 bytes);
// - console --agent with a tiny app: a UDP datagram makes the device agent.send() a message,
//   which reaches the agent module on the PC; the agent's device.send() reaches the device's
//   agent.on handler, which logs a line and answers the peer by UDP.
// One interpreter for the file, in a new temp folder (its Storage is `espruino.flash` there).
// Port 2323 is fixed in Espruino and a second --telnet interpreter binds it without an error,
// so the file holds a machine-wide lock (espimp-telnet-2323.lock in the temp dir, O_EXCL; a
// lock whose holder pid is dead is stale), checks that nothing else answers on 2323 before it
// starts its interpreter, and checks every time that telnet reaches ITS interpreter: a random
// token written to Storage over telnet must land in the flash file in its temp folder.
// Addresses: device 192.168.77.2 (the linux build), peer 127.77.0.3 (192.168.77.3 to the
// device), device ports 2001 (echo) and 25741, peer port 25740.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import dgram from 'node:dgram';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync, watch, writeFileSync, writeSync, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { haveInterpreter, interpreterPath } from '../host/espruino/interpreter';
import { cli } from './cli';
import { espimp, exited } from './console-device';

const TELNET = 2323;
const PORT = `tcp://127.0.0.1:${TELNET}`;
const LOCK = join(tmpdir(), `espimp-telnet-${TELNET}.lock`);
const PEER = '127.77.0.3';
const PEER_PORT = 25740;
const AGENT_APP_PORT = 25741;
/** Upper bound for any single wait; every wait ends as soon as its event happens. */
const GUARD_MS = 30_000;

// ---------------------------------------------------------------- the machine-wide lock

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e: any) { return e.code === 'EPERM'; }
}

/** Take the lock file (O_EXCL), waiting while a live process holds it; a dead holder's lock is removed. */
async function takeLock(ms = 180_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, file: 'test/device-flash.test.ts', since: new Date().toISOString() }));
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

function releaseLock() {
  try {
    if (JSON.parse(readFileSync(LOCK, 'utf8')).pid === process.pid) unlinkSync(LOCK);
  } catch { /* not ours or gone */ }
}

// ---------------------------------------------------------------- the interpreter

/** Resolves true if something accepts a TCP connection on 127.0.0.1:port. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

class Interpreter {
  readonly dir = mkdtempSync(join(tmpdir(), 'espimp-device-flash-'));
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
function telnetEval(expr: string): Promise<any> {
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
async function ownInterpreter(dev: Interpreter) {
  const token = randomBytes(8).toString('hex');
  assert.is(await telnetEval(`require("Storage").write("tk","${token}")`), true, 'Storage.write over telnet');
  assert.ok(dev.flashFile().includes(token), 'telnet on 2323 reaches the interpreter this test started (the token is in its flash file)');
}

// ---------------------------------------------------------------- a UDP peer on 127.77.0.3

class Peer {
  readonly sock = dgram.createSocket('udp4');
  readonly got: { data: Buffer; from: string; port: number }[] = [];
  private waits = new Set<() => void>();
  async bind() {
    this.sock.on('message', (data, r) => { this.got.push({ data, from: r.address, port: r.port }); this.waits.forEach((w) => w()); });
    await new Promise<void>((resolve, reject) => { this.sock.once('error', reject); this.sock.bind(PEER_PORT, PEER, () => resolve()); });
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

// ---------------------------------------------------------------- the agent app

const AGENT_APP = `// a device that relays UDP to its agent, and the agent's answers back to the sender
var sock = null;
var peer = null;
var iface = imp.net.open({ interface: imp.net.info().interface[0].nii }, function (state) {
  if (state == imp.net.CONNECTED && sock == null) {
    sock = iface.openudp(function (fromAddress, fromPort, toAddress, toPort, data) {
      peer = { address: fromAddress, port: fromPort };
      agent.send('udp', { text: data.tostring(), from: fromAddress + ':' + fromPort });
    }, ${AGENT_APP_PORT});
    server.log('agent app on ' + iface.getiptable().ipv4.address + ':${AGENT_APP_PORT}');
  }
});
agent.on('reply', function (d) {
  server.log('device got reply ' + d.text + ' (' + d.n + ')');
  var r = sock.send(peer.address, peer.port, 'from agent: ' + d.text);
  if (r != 0) server.error('could not answer (' + r + ')');
});
`;

const AGENT = `export default function (device) {
  device.on('udp', (m) => {
    console.log('agent module got udp ' + JSON.stringify(m));
    device.send('reply', { text: m.text.toUpperCase(), n: m.text.length });
  });
}
`;

// ---------------------------------------------------------------- the tests

if (!haveInterpreter('device-flash')) {
  const skipped = suite('device-flash (real interpreter missing: skipped)');
  skipped('nothing to run without ../shared/espruino', () => {});
  skipped.run();
} else {
  const Real = suite('flash and console against the real Espruino REPL on telnet');
  let dev: Interpreter | null = null;
  let locked = false;
  const files = mkdtempSync(join(tmpdir(), 'espimp-device-flash-files-'));
  const cleanup = () => {
    if (dev) dev.kill();
    dev = null;
    if (locked) releaseLock();
    locked = false;
  };
  process.once('exit', cleanup);

  Real.before(async () => {
    await takeLock();
    locked = true;
    if (await answers(TELNET)) {
      throw new Error(`something already answers on 127.0.0.1:${TELNET} though ${LOCK} was free (an interpreter left over from a killed run?): stop it first`);
    }
    dev = new Interpreter();
    await dev.until(/>$/, 'the first prompt');
    await ownInterpreter(dev);
  });

  Real.after(() => {
    cleanup();
    rmSync(files, { recursive: true, force: true });
  });

  Real('flash --save of the linux echo bundle: in Storage, starts, echoes 5 and 1400 bytes byte for byte', async () => {
    const res = await cli('flash', '--board', 'linux', '--ip', '192.168.77.2', '--port', PORT, '--save', 'examples/echo/echo.js');
    assert.is(res.code, 0, res.err);
    assert.match(res.err, /uploaded (\d+) bytes to LINUX 2v29 on tcp:\/\/127\.0\.0\.1:2323; saved as \.bootcde, starts at boot/);
    assert.match(res.out, /Echo server on 192\.168\.77\.2:2001/, 'the app started after load() and said so on the console');
    const bytes = +/uploaded (\d+) bytes/.exec(res.err)![1];

    // it went to our interpreter's Storage, and the REPL sees it there
    assert.ok(dev!.flashFile().includes('Echo server on '), 'the app is in our flash file');
    await ownInterpreter(dev!);
    assert.is(await telnetEval('require("Storage").read(".bootcde").length'), bytes, '.bootcde holds the whole bundle');
    assert.is(await telnetEval('require("Storage").list().indexOf(".bootcde")>=0'), true);

    const peer = new Peer();
    await peer.bind();
    try {
      const small = Buffer.from([0, 1, 0x7f, 0x80, 0xff]);
      await peer.send(small, 2001);
      const a = await peer.next((d) => d.length === 5, 'echo of 5 bytes');
      assert.equal([...a.data], [...small], '5 bytes back byte for byte');
      assert.is(a.port, 2001);
      assert.is(a.from, '127.0.0.1', 'the Linux port sends from 127.0.0.1');

      const big = randomBytes(1400);
      big[0] = 0; big[1399] = 0xff;
      await peer.send(big, 2001);
      const b = await peer.next((d) => d.length === 1400, 'echo of 1400 bytes');
      assert.ok(b.data.equals(big), '1400 bytes back byte for byte');
      await dev!.until(/Received 1400 bytes from 192\.168\.77\.3:25740 to 192\.168\.77\.2:2001/, 'the app logging the 1400-byte datagram');
      assert.match(dev!.out, /Received 5 bytes from 192\.168\.77\.3:25740 to 192\.168\.77\.2:2001/);
    } finally {
      peer.close();
    }
  });

  Real('console --agent: device agent.send reaches the agent module; the agent\'s device.send reaches agent.on', async () => {
    const app = join(files, 'agent-app.js');
    const agentFile = join(files, 'agent.mjs');
    writeFileSync(app, AGENT_APP);
    writeFileSync(agentFile, AGENT);

    const res = await cli('flash', '--board', 'linux', '--ip', '192.168.77.2', '--port', PORT, '--save', app);
    assert.is(res.code, 0, res.err);
    assert.match(res.out, /agent app on 192\.168\.77\.2:25741/, 'the agent app started');
    assert.ok(dev!.flashFile().includes('agent app on '), 'the app is in our flash file');
    await ownInterpreter(dev!);

    const con = espimp(['console', '--port', PORT, '--agent', agentFile]);
    const peer = new Peer();
    try {
      await con.out.until(/--- connected to tcp:\/\/127\.0\.0\.1:2323/);
      // the board's console has switched to this connection once it answers what is typed here
      const probe = randomBytes(4).toString('hex');
      con.child.stdin!.write(`print("rea"+"dy ${probe}")\n`);
      await con.out.until(new RegExp(`\\] ready ${probe}\\n`));

      await peer.bind();
      await peer.send(Buffer.from('hello agent'), AGENT_APP_PORT);
      // device -> agent
      await con.out.until(/agent module got udp \{"text":"hello agent","from":"192\.168\.77\.3:25740"\}/);
      assert.match(con.out.text, /\] agent <- udp \{"text":"hello agent","from":"192\.168\.77\.3:25740"\}\n/, 'the console shows the message from the board');
      // agent -> device
      const back = await peer.next((d) => d.toString().startsWith('from agent: '), 'the answer the device sends when agent.on fires');
      assert.is(back.data.toString(), 'from agent: HELLO AGENT');
      await con.out.until(/\] device got reply HELLO AGENT \(11\)\n/);
      assert.match(con.out.text, /\] agent -> reply \{"text":"HELLO AGENT","n":11\}\n/, 'the console shows the message to the board');
      assert.not.match(con.out.text, /\x10/, 'no raw frame is shown');
      assert.not.match(con.out.text, /Uncaught|agentrx/, con.out.text);
    } finally {
      peer.close();
      con.child.kill('SIGTERM');
      await exited(con.child);
    }
    assert.match(con.err.text + con.out.text, /agent link: 1 frames ok, 0 garbage, 0 truncated, 0 bad checksum/, con.err.text + con.out.text);
  });

  Real.run();
}
