// @serial: real sockets on the shared loopback LAN (see test/run.js).
// Errors in the app's own coordinates on `espimp run` and `espimp sim`: a syntax error at its
// file:line:col, an uncaught exception naming its handler (`in onreceive`) and its line (a .ts
// app's own, through the source map), and the Espruino compatibility checker's findings as
// warnings before the app runs (it still runs). Host 127.77.0.73: this file's own.
// (`espimp build` and `check` are covered in build.test.ts and check-cli.test.ts.)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventWaiter } from './support/conformance/fixtures';
import { cli } from './support/cli';
import { runSim } from '../host/sim';
import { tempFolder } from './support/files';

const root = new URL('..', import.meta.url).pathname;
const { dir, file } = tempFolder('app-errors');
const w = eventWaiter(30_000);


const SYNTAX = file('syntax.js', 'var a = 1;\nif (a) {\n  a = {;\n}\n');

const run = suite('app errors: espimp run');

run('a syntax error is one line at its file:line:col', async () => {
  const r = await cli('run', SYNTAX, '--ip', '192.168.77.73', '--state', join(dir, 's1.json'));
  assert.is(r.code, 1);
  assert.is(r.err, `espimp: ${SYNTAX}:3:8: SyntaxError: Unexpected token ';'\n`);
});

run('a compatibility finding is a warning at its line first; an exception in onreceive names the handler and its line', async () => {
  // sends itself a datagram; its handler throws
  const app = file('self.js', [
    "var s = imp.net.open({ interface: 'eth0' }).openudp(function (from, port, to, lport, data) {",
    '  server.log(\'got \' + data.tostring());',
    '  nothing.here();',
    '}, 24311);',
    'var seen = new Map();',
    "s.send('192.168.77.73', 24311, 'x');",
  ].join('\n'));
  const child = spawn(process.execPath, ['bin/espimp.js', 'run', app, '--ip', '192.168.77.73', '--state', join(dir, 's2.json')], { cwd: root });
  let out = '', err = '', code: number | null | undefined;
  child.stdout.on('data', (d) => { out += d; w.pulse(); });
  child.stderr.on('data', (d) => { err += d; w.pulse(); });
  child.on('exit', (c) => { code = c; w.pulse(); });
  try {
    await w.until(() => /Uncaught/.test(err) || code !== undefined, 'the uncaught error');
    child.kill('SIGINT');
    await w.until(() => code !== undefined, 'espimp run to end');
  } finally {
    if (code === undefined) child.kill('SIGKILL');
  }
  assert.is(code, 0, err);
  assert.match(out, /\] got x\n/, 'the app ran, and got its datagram');
  const lines = err.trim().split('\n');
  assert.match(lines[0], new RegExp(`^warning: ${app.replace(/\./g, '\\.')}:5:16  missing-global  'Map' is not defined in Espruino`));
  assert.match(lines[1], new RegExp(`\\] ERROR: Uncaught ReferenceError: nothing is not defined in onreceive at ${app.replace(/\./g, '\\.')}:3:3$`));
  assert.is(lines.length, 2, err);
});

const sim = suite('app errors: espimp sim');

sim('a syntax error in a .ts app is at its own line', () => {
  const app = file('bad.ts', 'const n: number = 1;\nif (n) { let x = {; }\n');
  try {
    runSim({ devices: [{ file: app, globals: {} }], duration: 1 });
    assert.unreachable('ran');
  } catch (e: any) {
    assert.is(e.message, `${app}:2:19: SyntaxError: Property assignment expected.`);
  }
});

sim('a .ts app: the warning and the uncaught exception in onreceive at its own lines', async () => {
  const rx = file('rx.ts', [
    'interface Reading { id: string }',
    "imp.net.open({ interface: 'eth0' }).openudp((from: string, port: number, to: string, lport: number, data: any) => {",
    '  const r: Reading = JSON.parse(data.tostring());',
    '  server.log(r.id.toUpperCase());',
    '}, 7000);',
    'const ids = new Set<string>();',
  ].join('\n'));
  const tx = file('tx.js', "var s = imp.net.open({ interface: 'eth0' }).openudp(null, 7001);\nimp.wakeup(1, function () { s.send('192.168.77.1', 7000, '{}'); });\n");
  const r = await cli('sim', `${rx}@1`, `${tx}@2`, '--duration', '2');
  assert.is(r.code, 0, r.err);
  assert.is(r.err, `warning: ${rx}:6:17  missing-global  'Set' is not defined in Espruino: ReferenceError (guard with typeof Set if optional) (runs here, not on a board)\n`);
  assert.match(r.out, new RegExp(`  rx@1  ERROR: Uncaught TypeError: Cannot read properties of undefined \\(reading 'toUpperCase'\\) in onreceive at ${rx.replace(/\./g, '\\.')}:4:19\n`));
});

run.run();
sim.run();
