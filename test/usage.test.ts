// The espimp command itself: --version, usage errors (exit 2, one line), every
// host/commands/*.ts registered, and bin/espimp.js running the compiled dist/cli.js only while
// it is up to date with its sources (else the TypeScript through tsx).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './support/cli';
import { COMMANDS } from '../host/cli';

const ROOT = new URL('..', import.meta.url).pathname;
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

const cmd = suite('espimp: --version and usage errors');

cmd('--version and -V print the package version, one line, exit 0', async () => {
  for (const flag of ['--version', '-V']) {
    const r = await cli(flag);
    assert.is(r.code, 0, r.err);
    assert.is(r.out, `${VERSION}\n`);
    assert.is(r.err, '');
  }
});

cmd('usage errors: exit 2, one line on stderr naming the problem and the --help to read, no stack', async () => {
  const cases: [string[], RegExp][] = [
    [['--bogus'], /^espimp: unknown option '--bogus' \(espimp --help for usage\)$/],
    [['frobnicate'], /^espimp: unknown command 'frobnicate' \(espimp --help for usage\)$/],
    [['runn'], /^espimp: unknown command 'runn' \(Did you mean run\?\) \(espimp --help for usage\)$/],
    [['run'], /^espimp: missing required argument 'app' \(espimp run --help for usage\)$/],
    [['check', '--bogus', 'x.js'], /^espimp: unknown option '--bogus' \(espimp check --help for usage\)$/],
    [['build', 'examples/echo/echo.js'], /^espimp: required option '--board <name>' not specified \(espimp build --help for usage\)$/],
    [['sim', 'examples/echo/echo.js', '--duration'], /^espimp: option '--duration <seconds>' argument missing \(espimp sim --help for usage\)$/],
  ];
  const results = await Promise.all(cases.map(([args]) => cli(...args)));
  cases.forEach(([args, re], i) => {
    const r = results[i];
    assert.is(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.is(r.out, '', args.join(' '));
    assert.is(r.err.split('\n').length, 2, `one line: ${JSON.stringify(r.err)}`);
    assert.match(r.err.trim(), re);
  });
});

cmd('every host/commands/*.ts is a subcommand, in the order --help lists', async () => {
  const files = readdirSync(join(ROOT, 'host/commands')).filter((n) => n.endsWith('.ts')).map((n) => n.slice(0, -3)).sort();
  assert.equal(Object.keys(COMMANDS), files);
  const help = await cli('--help');
  assert.is(help.code, 0);
  const listed = [...help.out.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]).filter((n) => n !== 'help');
  assert.equal(listed, files);
});

cmd.run();

// bin/espimp.js in a tree of its own: a dist/cli.js and a host/cli.ts that each say which ran.
const pick = suite('bin/espimp.js: compiled or tsx');
const tree = mkdtempSync(join(tmpdir(), 'espimp-bin-'));
const SOURCE = "export async function main(): Promise<number> { process.stdout.write('tsx\\n'); return 0; }\n";
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** Lay the tree anew: dist/ compiled from host/cli.ts as it is now (its inputs.json). */
function lay() {
  rmSync(tree, { recursive: true, force: true });
  for (const d of ['bin', 'dist', 'host']) mkdirSync(join(tree, d), { recursive: true });
  copyFileSync(join(ROOT, 'bin/espimp.js'), join(tree, 'bin/espimp.js'));
  symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
  writeFileSync(join(tree, 'package.json'), '{"type": "module"}\n');
  writeFileSync(join(tree, 'host/cli.ts'), SOURCE);
  writeFileSync(join(tree, 'dist/cli.js'), "export async function main() { process.stdout.write('dist\\n'); return 0; }\n");
  writeFileSync(join(tree, 'dist/inputs.json'), JSON.stringify({ started: Date.now(), files: { 'host/cli.ts': sha1(SOURCE) } }));
}

/** Which CLI bin/espimp.js ran ('dist' or 'tsx'), or its exit code and stderr when it failed. */
function ran(env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, [join(tree, 'bin/espimp.js')], { encoding: 'utf8', env: { ...process.env, ...env } });
  return r.status === 0 ? r.stdout.trim() : `exit ${r.status}: ${r.stderr.trim()}`;
}

pick.before.each(lay);
pick.after(() => rmSync(tree, { recursive: true, force: true }));

pick('dist/ up to date: the compiled CLI; ESPIMP_TSX=1: the sources through tsx', () => {
  assert.is(ran(), 'dist');
  assert.is(ran({ ESPIMP_TSX: '0' }), 'dist');
  assert.is(ran({ ESPIMP_TSX: '1' }), 'tsx');
});

pick('a source touched (or copied) but the same: still the compiled CLI', () => {
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(tree, 'host/cli.ts'), later, later);
  assert.is(ran(), 'dist');
});

pick('a source edited since the compile: tsx; ESPIMP_TSX=0 then fails with one line', () => {
  writeFileSync(join(tree, 'host/cli.ts'), SOURCE + '// edited\n');
  assert.is(ran(), 'tsx');
  assert.match(ran({ ESPIMP_TSX: '0' }), /^exit 1: espimp: dist\/ is missing or older than the sources \(npm run compile\), and ESPIMP_TSX=0$/);
});

pick('no dist/, or an input gone: tsx', () => {
  rmSync(join(tree, 'dist'), { recursive: true });
  assert.is(ran(), 'tsx');
  lay();
  writeFileSync(join(tree, 'dist/inputs.json'), JSON.stringify({ started: Date.now(), files: { 'host/cli.ts': sha1(SOURCE), 'host/gone.ts': sha1('') } }));
  assert.is(ran(), 'tsx');
});

pick.run();
