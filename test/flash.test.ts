// espimp flash against a fake Espruino REPL on tcp://127.0.0.1 (test/support/fake-repl.ts),
// through the real espruino package: what arrives is decoded and compared byte for byte
// with the bundle `espimp build` makes. Without --save the code is typed into the REPL after
// reset(); with --save it arrives as require("Storage").write(".bootcde", ...) chunks and
// load(). Failures are one clear line: a missing port, a refused connection, a board that
// never answers, a board of another kind.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { buildBundle } from '../host/bundle';
import { startFakeRepl, type FakeRepl } from './support/fake-repl';
import { cli } from './support/cli';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventWaiter } from './support/conformance/fixtures';

const ROOT = new URL('..', import.meta.url).pathname;
const w = eventWaiter(60_000);

const APP = 'examples/echo/echo.js';


let bundle = '';
const repls: FakeRepl[] = [];
async function repl(opts = {}) {
  const r = await startFakeRepl(opts);
  repls.push(r);
  return r;
}

const Flash = suite('flash');

Flash.before(async () => {
  bundle = (await buildBundle({ board: 'espruino-wifi', app: APP })).code;
});

Flash.after(async () => {
  await Promise.all(repls.map((r) => r.close()));
});

Flash('to RAM: reset(), then the exact bundle typed into the REPL', async () => {
  const r = await repl();
  const res = await cli('flash', '--board', 'espruino-wifi', '--port', r.url, APP);
  assert.is(res.code, 0, res.err);
  assert.is(r.resets, 1);
  assert.equal(r.program, [bundle.trimEnd()], 'the program lines are the bundle');
  assert.ok(r.received.includes('\x10reset();\n\x10print()\n\x10' + bundle.trimEnd() + '\n'), 'byte for byte on the wire, echo off (DLE)');
  assert.equal(r.storage, {}, 'nothing saved');
  assert.equal(r.loads, []);
  assert.match(res.err, /upload 100% \(\d+\/\d+ bytes\)/, 'progress shown');
  assert.match(res.err, `uploaded ${bundle.length} bytes to ESPRUINOWIFI 2v29 on ${r.url}`);
  assert.match(res.err, /RAM: lost at reset/);
});

Flash('--save: a Storage write of .bootcde holding exactly the bundle, then load(); --wifi stores credentials', async () => {
  const r = await repl();
  const res = await cli('flash', '--board', 'espruino-wifi', '--port', r.url, '--save', '--wifi', 'lab net', '--wifi-key', 'p"ss\\word', APP);
  assert.is(res.code, 0, res.err);
  assert.is(r.storage['.bootcde'], bundle, 'decoded Storage file == the bundle');
  const writes = r.lines.filter((l) => l.startsWith('require("Storage").write(".bootcde",'));
  assert.is(writes.length, Math.ceil(bundle.length / 1024), 'written in 1 KB chunks');
  assert.ok(writes[0].endsWith(`,0,${bundle.length});`), 'the first chunk creates the file at its full size');
  assert.equal(r.loads, [''], 'load() runs it');
  assert.equal(r.program, [], 'nothing typed in as code');
  assert.match(res.err, /saved as \.bootcde, starts at boot/);
  // the firmware reads its Wi-Fi credentials from there (firmware/net.ts)
  assert.equal(JSON.parse(r.storage['espimp.net']), { wificonfig: { ssid: 'lab net', key: 'p"ss\\word' } });
});

Flash('a board of another kind is refused; --force uploads anyway', async () => {
  const r = await repl({ board: 'PICO_R1_3' });
  const res = await cli('flash', '--board', 'espruino-wifi', '--port', r.url, APP);
  assert.is(res.code, 1);
  assert.match(res.err, /espimp: the board on tcp:\/\/127\.0\.0\.1:\d+ is a PICO_R1_3, but the code is built for ESPRUINOWIFI \(--force uploads anyway\)/);
  assert.equal(r.program, [], 'nothing uploaded');
  const forced = await cli('flash', '--board', 'espruino-wifi', '--port', r.url, '--force', APP);
  assert.is(forced.code, 0, forced.err);
  assert.equal(r.program, [bundle.trimEnd()]);
});

Flash('a board that never answers: one line after the timeout, no stack', async () => {
  const r = await repl({ silent: true });
  const res = await cli('flash', '--board', 'espruino-wifi', '--port', r.url, APP);
  assert.is(res.code, 1);
  assert.match(res.err, /espimp: no answer from the board on tcp:\/\/127\.0\.0\.1:\d+/);
  assert.not.match(res.err, /\n\s+at /, 'no stack trace');
  assert.ok(r.received.includes('process.env'), 'it was asked');
});

Flash('a refused connection and a missing serial port are one clear line', async () => {
  // a port that was just free: nothing listens there
  const free = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
  const [refused, missing, bad, range] = await Promise.all([
    cli('flash', '--board', 'espruino-wifi', '--port', `tcp://127.0.0.1:${free}`, APP),
    cli('flash', '--board', 'espruino-wifi', '--port', '/dev/ttyESPIMP-NONE', APP),
    cli('flash', '--board', 'espruino-wifi', '--port', 'tcp://127.0.0.1:x', APP),
    cli('flash', '--board', 'espruino-wifi', '--port', 'tcp://127.0.0.1:99999', APP),
  ]);
  assert.is(refused.code, 1);
  assert.match(refused.err, `espimp: cannot connect to tcp://127.0.0.1:${free}: connection refused`);
  assert.is(missing.code, 1);
  assert.match(missing.err, /espimp: serial port \/dev\/ttyESPIMP-NONE not found/);
  assert.is(bad.code, 1);
  assert.match(bad.err, /espimp: bad port tcp:\/\/127\.0\.0\.1:x/);
  assert.is(range.code, 1);
  assert.is(range.err, 'espimp: bad port tcp://127.0.0.1:99999: use tcp://host or tcp://host:port (port 1-65535)\n', 'a port out of range: one line');
  for (const r of [refused, missing, bad, range]) assert.not.match(r.err, /\n\s+at /);
});

Flash('a bundle too big for RAM must be saved (ESP8266)', async () => {
  const r = await repl({ board: 'ESP8266_4MB' });
  const res = await cli('flash', '--board', 'esp8266', '--port', r.url, 'examples/sensor-hub/hub.js');
  assert.is(res.code, 1);
  assert.match(res.err, /espimp: too big to send to esp8266's RAM \(about \d+ blocks of 1600\): use --save/);
  assert.is(r.connections, 0, 'it did not even connect');
});

Flash('--watch: uploads again when the app changes, and ends on SIGINT', async () => {
  const r = await repl();
  const dir = mkdtempSync(join(tmpdir(), 'espimp-flash-watch-'));
  const app = join(dir, 'app.js');
  writeFileSync(app, 'server.log("version one");\n');
  const child = spawn(process.execPath, ['bin/espimp.js', 'flash', '--board', 'espruino-wifi', '--port', r.url, '--watch', app], { cwd: ROOT });
  let err = '', code: number | null | undefined;
  child.stderr.on('data', (d) => { err += d; w.pulse(); });
  child.on('exit', (c) => { code = c; w.pulse(); });
  const uploads = () => (err.match(/^uploaded \d+ bytes/gm) || []).length;
  try {
    await w.until(() => uploads() === 1 || code !== undefined, 'the first upload');
    assert.ok(r.program.join('\n').includes('version one'), 'the app as it was');
    writeFileSync(app, 'server.log("version two");\n');
    await w.until(() => uploads() === 2 || code !== undefined, 'the upload after the change');
    child.kill('SIGINT');
    await w.until(() => code !== undefined, 'espimp flash --watch to end');
  } finally {
    if (code === undefined) child.kill('SIGKILL');
  }
  assert.is(code, 0, err);
  assert.is(r.resets, 2, 'reset before each upload');
  assert.ok(r.program.join('\n').includes('version two') && !r.program.join('\n').includes('version one'), 'the changed app is what runs');
  assert.match(err, `watch: ${app} changed: uploading again`);
});

Flash.run();
