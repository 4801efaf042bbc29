// espimp init: a new project, made in a temporary folder and used as its README says.
// --ts: the real command, whose `npm install` links this checkout (a file: dependency, no
// download), then the project's own `npm test` (its two apps on the simulated LAN) passes,
// its tsconfig.json makes the globals known to tsc (as an editor reads it), and a type error
// put into its app is reported by `espimp run` at its line. JavaScript (--no-install, the link
// made here): jsconfig.json checks the apps, `espimp check` finds nothing, the generated test
// passes. A folder that is not empty, a file, an unknown board: one line, exit 1, nothing written.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSpec, initProject, packageName } from '../host/commands/init';
import { UserError } from '../build/user-error';

const ROOT = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'espimp-init-'));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
/** The environment of npm and espimp here: none of a surrounding `npm test`'s npm_* variables. */
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))), NO_COLOR: '1' };

interface Ran { code: number | null; out: string; err: string }
/** Run `cmd args` in `cwd` to its end (killed after 120 s, a guard only). */
function run(cmd: string, args: string[], cwd: string): Promise<Ran> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    c.stdout.on('data', (d) => { out += d; });
    c.stderr.on('data', (d) => { err += d; });
    const guard = setTimeout(() => c.kill('SIGKILL'), 120_000);
    c.on('close', (code) => { clearTimeout(guard); resolve({ code, out, err }); });
  });
}
const said = (r: Ran) => `exit ${r.code}\n${r.out}\n${r.err}`;
const espimp = (cwd: string, ...args: string[]) => run(process.execPath, [join(ROOT, 'bin/espimp.js'), ...args], cwd);

const init = suite('espimp init');

init.after(() => rmSync(dir, { recursive: true, force: true }));

init('refuses a folder that is not empty, a file, an unknown board: one line, nothing written', async () => {
  const full = join(dir, 'full');
  mkdirSync(full);
  writeFileSync(join(full, 'notes.txt'), 'mine\n');
  let e: unknown;
  try { initProject(full, { install: false, print: () => {} }); } catch (x) { e = x; }
  assert.instance(e, UserError);
  assert.is((e as UserError).message, `${full} is not empty: espimp init makes a project in a new or empty folder`);
  assert.equal(readdirSync(full), ['notes.txt'], 'nothing written');
  const file = join(dir, 'afile');
  writeFileSync(file, '');
  assert.throws(() => initProject(file, { install: false, print: () => {} }), /afile exists and is not a folder/);
  assert.throws(() => initProject(join(dir, 'nope'), { board: 'esp33', install: false, print: () => {} }), /unknown board "esp33" \(known boards: esp32, /);
  assert.not.ok(existsSync(join(dir, 'nope')), 'nothing made for an unknown board');
  // the command: one line on stderr, exit 1
  const r = await espimp(dir, 'init', 'full');
  assert.is(r.code, 1, said(r));
  assert.is(r.err, 'espimp: full is not empty: espimp init makes a project in a new or empty folder\n');
  assert.is(r.out, '');
});

init('package names and the file: spec', () => {
  assert.is(packageName('My Demo!'), 'my-demo');
  assert.is(packageName('...'), 'espimp-app');
  assert.is(fileSpec('/a/espimp/demo', '/a/espimp'), 'file:..');
  assert.is(fileSpec('/a/demo', '/a/espimp/'), 'file:../espimp');
  assert.is(fileSpec('/tmp/x/y/demo', '/a/espimp'), 'file:/a/espimp');
});

init('init demo --ts: npm install links espimp, and the project\'s npm test passes', async () => {
  const r = await espimp(dir, 'init', 'demo', '--ts');
  assert.is(r.code, 0, said(r));
  assert.is(r.err, '');
  assert.match(r.out, /^created demo: TypeScript echo server and client for espruino-wifi \(/);
  assert.match(r.out, /\nnext: cd demo && npm test\n$/);
  const demo = join(dir, 'demo');
  for (const f of ['echo.ts', 'client.ts', 'test/app.test.js', 'tsconfig.json', 'README.md', '.gitignore', 'package-lock.json']) assert.ok(existsSync(join(demo, f)), f);
  const pkg = JSON.parse(readFileSync(join(demo, 'package.json'), 'utf8'));
  assert.is(pkg.name, 'demo');
  assert.match(pkg.devDependencies.espimp, /^file:/);
  assert.is(realpathSync(join(demo, 'node_modules/espimp')), realpathSync(ROOT), 'linked to this checkout');
  assert.is(pkg.scripts.build, 'espimp build --board espruino-wifi echo.ts -o echo.bundle.js');
  assert.is(pkg.scripts.flash, 'espimp flash --board espruino-wifi echo.ts --save --port');
  const [test, tsc] = await Promise.all([run('npm', ['test'], demo), run(process.execPath, [TSC, '-p', 'tsconfig.json'], demo)]);
  assert.is(test.code, 0, said(test));
  assert.match(test.out, /# pass 2\n# fail 0\n/);
  assert.is(tsc.code, 0, `the editor's view (tsc -p tsconfig.json): ${said(tsc)}`);
});

init('a type error in the demo\'s app: espimp run reports it at its line and does not run the app', async () => {
  const demo = join(dir, 'demo');
  const app = readFileSync(join(demo, 'echo.ts'), 'utf8').split('\n');
  const line = app.findIndex((l) => l.startsWith('function interfaceHandler'));
  assert.ok(line > 0);
  app.splice(line, 0, 'const retries: number = "3";');
  writeFileSync(join(demo, 'echo.ts'), app.join('\n'));
  const r = await run(process.execPath, [join(demo, 'node_modules/espimp/bin/espimp.js'), 'run', 'echo.ts', '--duration', '1'], demo);
  assert.is(r.code, 1, said(r));
  assert.is(r.out, '', 'the app did not start');
  assert.is(r.err, `echo.ts:${line + 1}:7 error TS2322: Type 'string' is not assignable to type 'number'.\n` +
    'espimp: 1 type error in echo.ts (--no-typecheck runs it anyway)\n');
});

init('JavaScript for pico-w5500: jsconfig.json checks the apps, espimp check finds nothing, the test passes', async () => {
  const js = join(dir, 'demo-js');
  const lines: string[] = [];
  const written = initProject(js, { board: 'pico-w5500', install: false, print: (l) => lines.push(l) });
  assert.equal(written.sort(), ['.gitignore', 'README.md', 'client.js', 'echo.js', 'jsconfig.json', 'package.json', 'test/app.test.js']);
  assert.match(lines[lines.length - 1], /next: cd .*demo-js && npm install && npm test$/);
  const pkg = JSON.parse(readFileSync(join(js, 'package.json'), 'utf8'));
  assert.is(pkg.scripts.start, 'espimp run echo.js');
  assert.is(pkg.scripts.sim, 'espimp sim echo.js client.js --duration 60');
  assert.is(pkg.scripts.build, 'espimp build --board pico-w5500 echo.js -o echo.bundle.js');
  assert.not.match(readFileSync(join(js, 'README.md'), 'utf8'), /\{\{|--wifi/, 'filled in; a wired board needs no Wi-Fi network');
  // what npm install would make, without npm
  mkdirSync(join(js, 'node_modules'));
  symlinkSync(ROOT, join(js, 'node_modules/espimp'));
  const [tsc, check, test] = await Promise.all([
    run(process.execPath, [TSC, '-p', 'jsconfig.json'], js),
    espimp(js, 'check', 'echo.js', 'client.js'),
    run(process.execPath, ['--test', 'test/app.test.js'], js),
  ]);
  assert.is(tsc.code, 0, said(tsc));
  assert.is(check.code, 0, said(check));
  assert.is(check.out.trim(), '2 files checked: 0 errors, 0 warnings');
  assert.is(test.code, 0, said(test));
  assert.match(test.out, /# pass 2\n# fail 0\n/);
  // and the editor's check is a real one: a misspelt state constant is flagged
  writeFileSync(join(js, 'echo.js'), readFileSync(join(js, 'echo.js'), 'utf8').replace('imp.net.CONNECTED', 'imp.net.CONECTED'));
  const typo = await run(process.execPath, [TSC, '-p', 'jsconfig.json'], js);
  assert.is(typo.code, 2, said(typo));
  assert.match(typo.out, /echo\.js\(\d+,\d+\): error TS2551: Property 'CONECTED' does not exist on type 'Net'\. Did you mean 'CONNECTED'\?/);
});

init.run();
