// `espimp build` shows its steps on a terminal: one line (stderr) that each step overwrites and
// the end clears, before the size table; with stderr not a terminal (a pipe, CI logs) no step
// is printed. The terminal is a real pseudo-terminal, made by util-linux `script`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './support/cli';

const ROOT = new URL('..', import.meta.url).pathname;
const STEPS = ['reading the app', 'bundling for esp8266 (Rollup, TypeScript, terser)', 'checking the bundle for Espruino', 'measuring'];

test('on a terminal: every step, each over the last, cleared before the size table; the bundle is the same', () => {
  const dir = mkdtempSync(join(tmpdir(), 'espimp-progress-'));
  try {
    const cmd = `${process.execPath} bin/espimp.js build --board esp8266 examples/echo/echo.js -o ${join(dir, 'tty.js')}`;
    const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { cwd: ROOT, encoding: 'latin1', timeout: 120_000 });
    assert.is(r.status, 0, r.stdout + r.stderr);
    const shown = [...r.stdout.matchAll(/\r\x1b\[Kespimp build: ([^\r]*)\.\.\./g)].map((m) => m[1]);
    assert.equal(shown, STEPS, r.stdout);
    assert.match(r.stdout, /measuring\.\.\.\r\x1b\[K {2}esp8266 +bytes/, 'the line is cleared, then the size table');
    const piped = spawnSync(process.execPath, ['bin/espimp.js', 'build', '--board', 'esp8266', 'examples/echo/echo.js', '-o', join(dir, 'pipe.js')], { cwd: ROOT, encoding: 'utf8' });
    assert.is(piped.status, 0, piped.stderr);
    assert.is(readFileSync(join(dir, 'tty.js'), 'utf8'), readFileSync(join(dir, 'pipe.js'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('not a terminal: no steps, no escape codes', async () => {
  const r = await cli('build', '--board', 'esp8266', 'examples/echo/echo.js');
  assert.is(r.code, 0, r.err);
  assert.not.match(r.err, /espimp build:|\x1b/);
  assert.match(r.err, /^ {2}esp8266 +bytes/);
});

test.run();
