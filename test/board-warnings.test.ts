// What a board lacks is known at build time (issue 12, build/board-warnings.ts): an NII the
// board does not have, a literal payload over its largest datagram — each with the app's file:line:col, from `espimp build` and
// `espimp check --board`; `--strict` makes them fail the build.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boardWarnings } from '../build/board-warnings';
import { loadBoard } from '../build/boards';
import { cli } from './support/cli';

const Warn = suite('board warnings');

Warn('an NII the board lacks, by NII or by type, at its line and column; none for one it has', () => {
  const src = 'var a = imp.net.open({interface: "eth0"});\nvar b = imp.net.open({ "interface": "ethernet" });\nvar c = imp.net.open({interface: "wl0"});\n';
  const w = boardWarnings(src, 'app.js', loadBoard('esp32'));
  assert.is(w.length, 2, w.join('\n'));
  assert.match(w[0], /^app\.js:1:34: esp32 has no eth0 \(it has wl0\): .*imp\.net\.info\(\)\.interface\[0\]\.nii/);
  assert.match(w[1], /^app\.js:2:37: esp32 has no ethernet/);
  assert.equal(boardWarnings(src.split('\n')[2], 'app.js', loadBoard('esp32')), []);
});

Warn('a literal payload over maxDatagram (UTF-8 bytes), not one at it', () => {
  const b = loadBoard('esp8266');
  const src = `s.send("192.168.1.2", 9, "${'x'.repeat(b.maxDatagram)}");\ns.send("192.168.1.2", 9, "${'\u00e9'.repeat(b.maxDatagram / 2 + 1)}");\n`;
  const w = boardWarnings(src, 'app.js', b);
  assert.is(w.length, 1, w.join('\n'));
  assert.match(w[0], new RegExp(`^app\\.js:2:\\d+: a ${b.maxDatagram + 2}-byte payload: esp8266 sends at most ${b.maxDatagram} bytes`));
});

Warn('imp.net.info() at the top level gives no warning: the bundle boots like an imp (test/guide.test.ts)', () => {
  assert.equal(boardWarnings('var i = imp.net.info();\n', 'app.js', loadBoard('esp32')), []);
});

Warn('a syntax error is left to the build (no warning, no throw)', () => {
  assert.equal(boardWarnings('var = ;', 'app.js', loadBoard('linux')), []);
});

const Cli = suite('board warnings from the command');

Cli('espimp build warns with the app\'s line; --strict fails the build; check --board warns too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'espimp-warn-'));
  const app = join(dir, 'guide.js');
  writeFileSync(app, 'var f = imp.net.open({interface: "eth0"}, function (s) {});\n');
  const b = await cli('build', app, '--board', 'espruino-wifi', '-o', join(dir, 'out.js'));
  assert.is(b.code, 0, b.err);
  assert.match(b.err, `warning: ${app}:1:34: espruino-wifi has no eth0 (it has wl0)`);
  const s = await cli('build', app, '--board', 'espruino-wifi', '--strict', '-o', join(dir, 'out2.js'));
  assert.is(s.code, 1, s.err);
  assert.match(s.err, 'espimp: 1 warning and --strict: not built');
  const c = await cli('check', app, '--board', 'espruino-wifi');
  assert.is(c.code, 1, c.out + c.err);
  assert.match(c.out, `${app}:1:34: espruino-wifi has no eth0`);
  const ok = await cli('check', app, '--board', 'linux');
  assert.is(ok.code, 0, ok.out + ok.err);
});

Warn.run();
Cli.run();
