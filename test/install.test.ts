// @serial: slow (npm pack, then npm installs the tarball with its dependencies, ~15-35 s).
// espimp used from another folder, as README's "Using espimp from another folder" says: the
// working tree as a clone would have it (tracked and untracked files, not what .gitignore
// leaves out) is packed with `npm pack` (whose prepare script compiles dist/), the tarball is
// installed into a new project, and its espimp runs there: --version, check and build on an app
// of that project (Rollup finds the firmware sources inside the installed package). ESPIMP_TSX=0
// makes each run fail unless it is the compiled dist/ that runs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const dir = mkdtempSync(join(tmpdir(), 'espimp-install-'));
const src = join(dir, 'src');
const app = join(dir, 'app');
/** The environment of npm and espimp here: none of a surrounding `npm test`'s npm_* variables. */
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))), ESPIMP_TSX: '0', NO_COLOR: '1' };

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
}
const said = (r: SpawnSyncReturns<string>) => `exit ${r.status}${r.error ? ` (${r.error.message})` : ''}\n${r.stdout}\n${r.stderr}`;
/** The installed espimp, run in the app's folder. */
const espimp = (...args: string[]) => run(process.execPath, [join(app, 'node_modules/.bin/espimp'), ...args], app);

const install = suite('install: npm pack, npm install <tarball>, espimp from another folder');

install.after(() => rmSync(dir, { recursive: true, force: true }));

install('npm pack compiles dist/ and packs it with the sources the command reads, not the tests', () => {
  const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT);
  assert.is(files.status, 0, said(files));
  for (const f of files.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(ROOT, f))) continue; // deleted, not yet committed
    mkdirSync(dirname(join(src, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(src, f));
  }
  assert.not.ok(existsSync(join(src, 'dist')), 'dist/ is not in the tree');
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'));
  const pack = run('npm', ['pack', '--pack-destination', dir, '--json'], src);
  assert.is(pack.status, 0, said(pack));
  const [{ filename, files: packed }] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')));
  assert.is(filename, `espimp-${VERSION}.tgz`);
  const paths: string[] = packed.map((f: { path: string }) => f.path);
  for (const p of ['bin/espimp.js', 'dist/cli.js', 'dist/inputs.json', 'host/cli.ts', 'firmware/runtime.ts', 'hal/espruino/codec.ts', 'boards/espruino-wifi.json',
    'host/espruino/standins/dgram.js', 'examples/echo/echo.js', 'templates/init/echo.ts', 'templates/init/gitignore', 'package.json', 'README.md']) {
    assert.ok(paths.includes(p), `${p} packed`);
  }
  assert.not.ok(paths.some((p) => /^(test|bench|docs|node_modules)\//.test(p)), 'no tests, benches, docs or node_modules');
});

install('npm install <tarball> into a new project', () => {
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'espimp-user', private: true }) + '\n');
  const r = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, `espimp-${VERSION}.tgz`)], app);
  assert.is(r.status, 0, said(r));
  assert.ok(existsSync(join(app, 'node_modules/espimp/dist/cli.js')));
});

install('espimp --version there: the package version, from the compiled CLI', () => {
  const r = espimp('--version');
  assert.is(r.status, 0, said(r));
  assert.is(r.stdout, `${VERSION}\n`);
});

install('espimp check and espimp build on an app of that project', () => {
  copyFileSync(join(ROOT, 'examples/echo/echo.js'), join(app, 'echo.js'));
  const check = espimp('check', 'echo.js');
  assert.is(check.status, 0, said(check));
  assert.is(check.stdout.trim(), '1 file checked: 0 errors, 0 warnings');
  const build = espimp('build', '--board', 'espruino-wifi', 'echo.js', '-o', 'echo.bundle.js');
  assert.is(build.status, 0, said(build));
  assert.match(build.stdout + build.stderr, /wrote echo\.bundle\.js \(\d+ bytes\)/);
  assert.ok(readFileSync(join(app, 'echo.bundle.js'), 'utf8').length > 1000);
  const usage = espimp('build', 'echo.js');
  assert.is(usage.status, 2, said(usage));
  assert.is(usage.stderr, "espimp: required option '--board <name>' not specified (espimp build --help for usage)\n");
});

install('espimp init there: the templates come with the package, and the project depends on the installed espimp', () => {
  const r = espimp('init', 'proj', '--no-install');
  assert.is(r.status, 0, said(r));
  const pkg = JSON.parse(readFileSync(join(app, 'proj/package.json'), 'utf8'));
  assert.is(pkg.devDependencies.espimp, 'file:../node_modules/espimp');
  assert.match(readFileSync(join(app, 'proj/echo.js'), 'utf8'), /udpsocket\.send\(fromAddress, fromPort, data\)/);
  assert.ok(existsSync(join(app, 'proj/test/app.test.js')) && existsSync(join(app, 'proj/jsconfig.json')));
});

install.run();
