// `espimp check` on files (exit codes, output, errors), and the checker on real bundler
// output: the firmware bundled by Rollup and minified by terser at ecma 2019.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { rmSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { rollup, type Plugin } from 'rollup';
import { minify } from 'terser';
import ts from 'typescript';
import { checkSource } from '../host/check/index';
import { TERSER } from '../build/config';
import { tempFolder } from './support/files';

const { dir, file } = tempFolder('check');
const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/espimp.js', 'check', ...args], { encoding: 'utf8' });

const cmd = suite('espimp check (command)');

cmd('a clean file: exit 0 and a summary', () => {
  const r = cli(file('clean.js', 'var a = [1, 2].map(function (x) { return x * 2; });\n'));
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), '1 file checked: 0 errors, 0 warnings');
});

cmd('findings: one `file:line:col  rule  message` line each, summary, exit 1', () => {
  const p = file('bad.js', 'var a = o?.b;\nvar m = new Map();\n');
  const r = cli(p);
  assert.is(r.status, 1);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines.length, 3);
  assert.match(lines[0], new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:10  optional-chaining  \\S`));
  assert.match(lines[1], /:2:13  missing-global  'Map' is not defined/);
  assert.is(lines[2], '1 file checked: 2 errors, 0 warnings');
});

cmd('a file that does not parse is a finding at its position', () => {
  const r = cli(file('syntax.js', 'var a = 1;\nfunction (\n'));
  assert.is(r.status, 1);
  assert.match(r.stdout, /syntax\.js:2:10  parse-error  /);
});

cmd('warnings alone fail unless --allow-warnings', () => {
  const p = file('warn.js', 'var s = String.fromCharCode.apply(null, u8);\n');
  assert.is(cli(p).status, 1);
  const r = cli('--allow-warnings', p);
  assert.is(r.status, 0);
  assert.match(r.stdout, /fromcharcode-apply  warning: /);
  assert.match(r.stdout, /0 errors, 1 warning$/m);
});

cmd('--json prints one object per finding', () => {
  const p = file('json.js', 'var x = a ** 2;\n');
  const r = cli('--json', p);
  assert.is(r.status, 1);
  const o = JSON.parse(r.stdout.trim());
  assert.match(o.message, /Math\.pow/);
  delete o.message;
  assert.equal(o, { file: p, line: 1, column: 11, rule: 'exponent', severity: 'error' });
});

cmd('a missing file: one line on stderr, exit 1, nothing checked', () => {
  const r = cli(file('ok.js', 'var a;\n'), join(dir, 'nope.js'));
  assert.is(r.status, 1);
  assert.is(r.stderr.trim(), `espimp: file not found: ${join(dir, 'nope.js')}`);
  assert.is(r.stdout, '');
});

cmd('usage errors exit 2: no file, unknown option', () => {
  assert.is(cli().status, 2);
  const r = cli('--frobnicate', join(dir, 'ok.js'));
  assert.is(r.status, 2);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
});

cmd('--rules lists every rule', () => {
  const r = cli('--rules');
  assert.is(r.status, 0);
  assert.match(r.stdout, /^hoisting\s+error\s+/m);
  assert.match(r.stdout, /^fromcharcode-apply\s+warning\s+/m);
});

const real = suite('check: real bundler output');

/** Transpile firmware TypeScript (ES2019) inside Rollup, resolving extensionless imports. */
const tsPlugin: Plugin = {
  name: 'ts',
  resolveId(src, imp) {
    if (!imp || !src.startsWith('.')) return null;
    const p = resolve(dirname(imp), src);
    return existsSync(p + '.ts') ? p + '.ts' : null;
  },
  transform(code, id) {
    if (!id.endsWith('.ts')) return null;
    return ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2019, module: ts.ModuleKind.ESNext } }).outputText;
  },
};

/** The whole firmware (firmware/runtime.ts and what it imports) as one IIFE script. */
async function firmwareBundle(): Promise<string> {
  const b = await rollup({ input: 'firmware/runtime.ts', plugins: [tsPlugin], onwarn: () => {} });
  const out = await b.generate({ format: 'iife', name: 'espimp', strict: false, freeze: false });
  await b.close();
  return out.output[0].code;
}

real('the firmware as Rollup emits it (ES2019) has no findings', async () => {
  const code = await firmwareBundle();
  assert.ok(code.length > 10_000, 'a real bundle');
  assert.equal(checkSource(code), []);
});

real('minified with the terser options the build ships (build/config.ts TERSER): no findings', async () => {
  const code = (await minify(await firmwareBundle(), TERSER)).code!;
  assert.equal(checkSource(code), []);
});

cmd.run();
real.after(() => rmSync(dir, { recursive: true, force: true }));
real.run();
