// `espimp console` against a fake Espruino over a real pseudo-terminal pair (socat): the real
// command as a child process, the board on the other end running the runtime and an app.
// Logs and errors with timestamps, agent messages both ways, the board disappearing (socat
// killed) and coming back under the same path, Ctrl-C twice, the transcript.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { FakeEspruino, espimp, exited, socatPair } from './support/console-device';

const APP = `agent.on('ack', function (d) { server.log('ack ' + d.seq + ' ' + JSON.stringify(d.echo)); });`;
const AGENT = `export default function (device) {
  device.on('reading', (d) => { console.log('AGENT reading ' + JSON.stringify(d)); device.send('ack', { seq: d.seq, echo: d.text }); });
  device.on('boom', () => { throw new Error('agent handler broke'); });
}`;
const TRICKY = 'caf\u00e9 "q" \\ \nsecond line \x10@1,2:x \ud83d\ude00';
const STAMP = String.raw`\[\d\d:\d\d:\d\d\.\d\d\d\]`;

/** Open the board's end of the pty pair and wire the fake board to it. */
function plug(dev: FakeEspruino, path: string): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: 115200 }, (e) => {
      if (e) return reject(e);
      dev.out = (s) => port.write(Buffer.from(s, 'utf8'));
      resolve(port);
    });
    port.on('data', (d: Buffer) => dev.type(d.toString('utf8')));
    port.on('error', () => {});
    port.on('close', () => { dev.out = null; });
  });
}

const pty = suite('console over a pty');

pty('logs, errors, agent both ways, board unplugged and back, Ctrl-C twice, transcript', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'espimp-console-'));
  const A = join(dir, 'console');
  const B = join(dir, 'board');
  const agentFile = join(dir, 'agent.mjs');
  const logFile = join(dir, 'transcript.txt');
  writeFileSync(agentFile, AGENT);
  const dev = new FakeEspruino(APP);
  let socat = await socatPair(A, B);
  let port = await plug(dev, B);
  const con = espimp(['console', '--port', A, '--agent', agentFile, '--log', logFile]);
  try {
    await con.out.until(/--- connected to /);

    dev.rt.server.log('hello from the board');
    dev.rt.server.error('sensor on fire');
    await con.out.until(new RegExp(`${STAMP} ERROR: sensor on fire\\n`));
    assert.match(con.out.text, new RegExp(`${STAMP} hello from the board\\n`));
    assert.not.match(con.out.text, /\x1b\[/, 'no colour when stdout is not a terminal');

    dev.rt.agent.send('reading', { seq: 1, text: TRICKY });
    await con.out.until(/ack 1 /);
    assert.ok(con.out.text.includes('AGENT reading ' + JSON.stringify({ seq: 1, text: TRICKY })), 'the agent module got the data intact');
    assert.ok(con.out.text.includes(`ack 1 ${JSON.stringify(TRICKY)}`), 'the reply reached the app intact');
    assert.match(con.out.text, new RegExp(`${STAMP} agent <- reading \\{"seq":1,`));
    assert.match(con.out.text, new RegExp(`${STAMP} agent -> ack \\{"seq":1,`));
    const rx = dev.typed.filter((t) => t.line.startsWith('agentrx('));
    assert.is(rx.length, 1);
    assert.ok(rx[0].echoOff, 'the agent line was typed with DLE: no echo');
    assert.not.match(con.out.text, /=undefined/, 'nothing echoed for the agent line');
    assert.equal(dev.rt.agent.stats(), { sent: 1, received: 1, unhandled: 0, bad: 0 });

    dev.rt.agent.send('boom', null);
    await con.out.until(/agent: device.on\("boom"\) handler threw: agent handler broke/);

    // the board disappears: the pty pair goes away, then comes back under the same paths
    socat.kill('SIGTERM');
    await exited(socat);
    await con.out.until(/--- lost /);
    socat = await socatPair(A, B);
    port = await plug(dev, B);
    await con.out.until(/--- connected to /, 2);
    dev.rt.server.log('back again');
    dev.rt.agent.send('reading', { seq: 2, text: 'after replug' });
    await con.out.until(/ack 2 "after replug"/);
    assert.match(con.out.text, new RegExp(`${STAMP} back again\\n`));

    con.child.stdin!.write('\x03');
    con.child.stdin!.write('\x03');
    assert.is(await exited(con.child), 0);
    await dev.when(() => dev.ctrlC >= 1); // the first Ctrl-C went to the board (it may arrive after the console has gone)
    assert.match(con.out.text, /agent link: 3 frames ok, 0 garbage, 0 truncated, 0 bad checksum/);

    const log = readFileSync(logFile, 'utf8');
    for (const want of ['hello from the board', 'ERROR: sensor on fire', 'agent <- reading', 'agent -> ack', '--- lost ', 'back again', 'ack 2 "after replug"']) {
      assert.ok(log.includes(want), `transcript has ${want}`);
    }
    assert.not.match(log, /[\x00-\x08\x0b-\x1f]/, 'transcript is plain text');
    assert.is(log.split('\n').filter((l) => /--- connected to /.test(l)).length, 2);
    assert.ok(log.split('\n').filter(Boolean).every((l) => new RegExp(`^${STAMP} `).test(l)), 'every transcript line has a timestamp');
  } finally {
    con.child.kill('SIGKILL');
    socat.kill('SIGKILL');
    if (port.isOpen) port.close();
  }
});

pty('a board that is not there yet is waited for; a bad --log or --agent is one line on stderr', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'espimp-console-'));
  const A = join(dir, 'console');
  const B = join(dir, 'board');
  const con = espimp(['console', '--port', A]);
  let socat: any = null;
  try {
    await con.out.until(/--- waiting for /);
    socat = await socatPair(A, B);
    await con.out.until(/--- connected to /);
    con.child.kill('SIGTERM');
    assert.is(await exited(con.child), 0);
  } finally {
    con.child.kill('SIGKILL');
    if (socat) socat.kill('SIGKILL');
  }
  const bad = espimp(['console', '--port', A, '--log', join(dir, 'no/such/dir/t.txt')]);
  assert.is(await exited(bad.child), 1);
  assert.match(bad.err.text, /^espimp: --log .*cannot write the transcript \(ENOENT\)\n$/);
  const noAgent = espimp(['console', '--port', A, '--agent', join(dir, 'missing.mjs')]);
  assert.is(await exited(noAgent.child), 1);
  assert.match(noAgent.err.text, /^espimp: agent module not found: .*missing\.mjs\n$/);
  const badBaud = espimp(['console', '--port', A, '--baud', 'fast']);
  assert.is(await exited(badBaud.child), 1);
  assert.match(badBaud.err.text, /^espimp: --baud must be a positive integer/);
});

pty.run();
