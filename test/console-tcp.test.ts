// `espimp console --port tcp://127.0.0.1:N` against a fake Espruino that is a TCP server
// (as Espruino's telnet console is): logs, agent both ways, the board going away and
// coming back on the same port. Then the console's stdin as a real terminal (util-linux
// `script` gives it a pty): keystrokes reach the REPL, errors are coloured, agent lines wait
// while a REPL line is half-typed, Ctrl-C twice leaves.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeEspruino, Watch, espimp, exited } from './support/console-device';

const APP = `agent.on('ack', function (d) { server.log('ack ' + d.seq); });`;
const AGENT = `export default function (device) {
  device.on('reading', (d) => device.send('ack', { seq: d.seq }));
}`;

/** The fake board as a TCP console server on 127.0.0.1; close() unplugs it, listen() plugs it back on the same port. */
class TcpBoard {
  readonly dev = new FakeEspruino(APP);
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  private accepts: (() => void)[] = [];
  /** Connections this server has accepted so far. */
  accepted = 0;
  port = 0;
  async listen() {
    this.server = net.createServer((s) => {
      this.sockets.add(s);
      this.dev.out = (x) => s.write(x);
      this.accepted++;
      this.accepts.splice(0).forEach((f) => f());
      s.on('data', (d) => this.dev.type(d.toString('utf8')));
      s.on('error', () => {});
      s.on('close', () => { this.sockets.delete(s); if (this.sockets.size === 0) this.dev.out = null; });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  /**
   * Resolves once `n` connections have been accepted here. The console prints "connected"
   * when its side of the connection is up, which can be before this server has run its
   * accept callback; board output before then has no wire to go to.
   */
  async connections(n: number) {
    while (this.accepted < n) await new Promise<void>((resolve) => this.accepts.push(resolve));
  }
  async close() {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server!.close(resolve));
  }
}

function agentModule(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'espimp-console-')), 'agent.mjs');
  writeFileSync(file, AGENT);
  return file;
}

const tcp = suite('console over TCP');

tcp('logs and agent messages flow; the board goes away and comes back on the same port', async () => {
  const board = new TcpBoard();
  await board.listen();
  const con = espimp(['console', '--port', `tcp://127.0.0.1:${board.port}`, '--agent', agentModule(), '--color']);
  try {
    await con.out.until(/--- connected to tcp:\/\/127\.0\.0\.1:/);
    await board.connections(1);
    board.dev.rt.server.log('telnet hello');
    board.dev.rt.server.error('telnet trouble');
    board.dev.rt.agent.send('reading', { seq: 1 });
    await con.out.until(/ack 1\n/);
    assert.match(con.out.text, /\] telnet hello\n/);
    assert.match(con.out.text, /\x1b\[31m\[[\d:.]+\] ERROR: telnet trouble\x1b\[0m\n/, '--color highlights the ERROR line');
    assert.not.match(con.out.text, /\x1b\[31m[^\n]*telnet hello/, 'only error lines are coloured');

    await board.close();
    await con.out.until(/--- lost tcp:/);
    await board.listen();
    await con.out.until(/--- connected to tcp:/, 2);
    await board.connections(2);
    board.dev.rt.agent.send('reading', { seq: 2 });
    await con.out.until(/ack 2\n/);
    assert.equal(board.dev.rt.agent.stats(), { sent: 2, received: 2, unhandled: 0, bad: 0 });

    con.child.kill('SIGTERM');
    assert.is(await exited(con.child), 0);
    assert.match(con.out.text, /agent link: 2 frames ok, 0 garbage, 0 truncated, 0 bad checksum/);
  } finally {
    con.child.kill('SIGKILL');
    await board.close().catch(() => {});
  }
});

tcp('a terminal on stdin: keys reach the REPL, agent lines wait for a half-typed line, Ctrl-C twice leaves', async () => {
  const board = new TcpBoard();
  await board.listen();
  const cmd = `'${process.execPath}' bin/espimp.js console --port tcp://127.0.0.1:${board.port} --agent '${agentModule()}'`;
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...process.env, NO_COLOR: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out = new Watch(child.stdout!);
  try {
    await out.until(/--- connected to /);
    await board.connections(1);
    child.stdin!.write('1+2\r');
    await out.until(/\] =3\r?\n/);
    assert.equal(board.dev.typed, [{ line: '1+2', echoOff: false }], 'the keys went to the REPL as typed');

    board.dev.rt.server.error('on a terminal');
    await out.until(/\x1b\[31m\[[\d:.]+\] ERROR: on a terminal\x1b\[0m/);

    child.stdin!.write('x=1');
    await out.until(/x=1/);
    board.dev.rt.agent.send('reading', { seq: 7 });
    await out.until(/agent -> ack \{"seq":7\}/);
    child.stdin!.write(' +1');
    await out.until(/x=1 \+1/);
    assert.is(board.dev.typed.length, 1, 'the agent line waits while the REPL line is half-typed');
    child.stdin!.write('\r');
    await out.until(/ack 7/);
    assert.equal(board.dev.typed.map((t) => [t.line.replace(/\(.*/, '(...)'), t.echoOff]),
      [['1+2', false], ['x=1 +1', false], ['agentrx(...)', true]]);

    child.stdin!.write('\x03');
    await out.until(/Ctrl-C again to leave/);
    child.stdin!.write('\x03');
    assert.is(await exited(child), 0);
    await board.dev.when(() => board.dev.out === null);
    assert.is(board.dev.ctrlC, 1, 'the first Ctrl-C reached the board, the second did not');
  } finally {
    child.kill('SIGKILL');
    await board.close().catch(() => {});
  }
});

tcp('a malformed --port is a usage error on one line', async () => {
  for (const bad of ['tcp://', 'tcp://127.0.0.1:0', 'http://x:1']) {
    const c = espimp(['console', '--port', bad]);
    assert.is(await exited(c.child), 1, bad);
    assert.match(c.err.text, /^espimp: --port [^\n]*\n$/, bad);
  }
});

tcp.run();
