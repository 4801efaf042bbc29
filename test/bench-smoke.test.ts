// @serial: real sockets on the shared loopback LAN (see test/run.js).
// The benchmarks at a tiny size (npm test never runs them at full size): the runner ends,
// writes results JSON of the documented shape, and espimp delivered every datagram.
// The start-up bench runs one round; the memory targets' verdicts are checked on made-up figures.
// Speed is not checked here: that is what `npm run bench` reports.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { node } from './support/cli';
import { targetLines, type BoardMemory } from '../bench/memory';

const dir = mkdtempSync(join(tmpdir(), 'espimp-bench-'));

/** Run bench/run.ts with `args`; resolves when it exits (guard: 120 s). */
const bench = (...args: string[]) => node(['--import', 'tsx', 'bench/run.ts', ...args], 120_000);

const smoke = suite('bench: smoke');

smoke('every benchmark runs at a tiny size; the JSON has the documented shape; every datagram was delivered', async () => {
  const file = join(dir, 'latest.json');
  const r = await bench('--count', '300', '--rounds', '2', '--payload', '100', '--out', file);
  assert.is(r.code, 0, r.out + r.err);
  assert.ok(existsSync(file), 'results written');
  const results = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(results.map((x: any) => x.name), ['send', 'receive', 'ring']);
  assert.equal(results.map((x: any) => x.target), [0.95, 0.95, null]);
  for (const x of results) {
    assert.is(typeof x.ratio, 'number', x.name);
    assert.ok(x.ratio > 0 && Number.isFinite(x.ratio), `${x.name} ratio ${x.ratio}`);
    assert.is(x.roundRatios.length, 2);
    assert.is(x.ratio, Math.min(...x.roundRatios), 'the median of two rounds is the lower one');
    assert.equal([x.payload, x.count, x.rounds, x.node], [100, 300, 2, process.version], x.name);
    assert.ok(x.chunk > 0);
    assert.ok(typeof x.what.espimp === 'string' && typeof x.what.plain === 'string');
    for (const side of ['espimp', 'plain']) {
      const s = x[side];
      assert.is(s.count, 600, `${x.name} ${side}: 300 operations x 2 rounds`);
      assert.is(s.delivered, s.count, `${x.name} ${side}: every datagram delivered`);
      assert.ok(s.opsPerSec > 0);
      assert.is(s.roundsOpsPerSec.length, 2);
    }
  }
  assert.match(r.out, /^bench +espimp ops\/s +plain ops\/s +ratio +target$/m);
  assert.match(r.out, /^send +[\d,]+ +[\d,]+ +\d\.\d{3} +>= 0\.95 +(ok|MISSED)$/m);
  assert.match(r.out, /^receive +[\d,]+ +[\d,]+ +\d\.\d{3} +>= 0\.95 +(ok|MISSED)$/m);
  assert.match(r.out, /^ring +[\d,]+ +[\d,]+ +\d\.\d{3} +-$/m);
});

smoke('--only runs the named benchmarks; bad options fail with one line', async () => {
  const file = join(dir, 'ring.json');
  const r = await bench('--only', 'ring', '--count', '100', '--rounds', '1', '--out', file);
  assert.is(r.code, 0, r.err);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).map((x: any) => x.name), ['ring']);
  for (const [args, re] of [[['--only', 'nope'], /^bench: unknown benchmark nope/], [['--rounds', '0'], /^bench: --rounds must be an integer/], [['--bogus'], /^bench: .*bogus/]] as const) {
    const b = await bench(...args, '--out', join(dir, 'x.json'));
    assert.is(b.code, 1, args.join(' '));
    assert.match(b.err, re);
    assert.is(b.err.trim().split('\n').length, 1, b.err);
  }
});

smoke('startup: one round of each command, compiled and through tsx, against node -e 0; the JSON has the documented shape', async () => {
  const r = await bench('--only', 'startup', '--rounds', '1', '--out', join(dir, 'latest.json'));
  assert.is(r.code, 0, r.out + r.err);
  const s = JSON.parse(readFileSync(join(dir, 'startup.json'), 'utf8'));
  assert.equal([s.node, s.runs], [process.version, 1]);
  assert.ok(!Number.isNaN(Date.parse(s.measured)));
  assert.equal(s.commands.map((c: any) => c.command), ['espimp --help', 'espimp check examples/echo/echo.js']);
  for (const t of [s.baseline, ...s.commands.flatMap((c: any) => [c.compiled, c.tsx])]) {
    assert.is(t.runsMs.length, 1);
    assert.ok(t.medianMs > 0 && t.medianMs === t.runsMs[0], JSON.stringify(t));
  }
  assert.match(r.out, /^startup \(median ms\) +compiled +tsx +node -e 0$/m);
  assert.match(r.out, /^espimp --help +\d+ +\d+ +\d+$/m);
});

smoke('memory: issue 10\'s targets, each line ok or MISSED by its figure', () => {
  const row = (board: string, blocks: number, bytes: number, hub: BoardMemory['hub']): BoardMemory =>
    ({ board, interpreter: 'espruino32-8190', raw: 70, echo: { bytes, blocks, free: 1000 }, hub, baseline: 400, total: 8190 });
  assert.equal(targetLines([
    row('espruino-wifi', 600, 6145, { bytes: 9000, blocks: 900, free: 6000 }),
    row('esp8266', 701, 6000, { bytes: 9000, blocks: 900, free: 500 }),
    row('esp32', 700, 6000, { bytes: 9000, error: 'out of memory while loading' }),
  ]), [
    "espruino-wifi: echo 600 blocks (8.6x the raw echo's 70), target <= 600  ok",
    'espruino-wifi: echo 6145 bytes, target <= 6144  MISSED',
    "esp8266: echo 701 blocks (10.0x the raw echo's 70), target <= 700  MISSED",
    'esp8266: sensor hub leaves 500 blocks free, target >= 500  ok',
    "esp32: echo 700 blocks (10.0x the raw echo's 70), target <= 700  ok",
  ]);
  assert.equal(targetLines([row('esp8266', 600, 6000, { bytes: 9000, error: 'out of memory while loading' })])[1],
    'esp8266: sensor hub leaves nothing (out of memory while loading) free, target >= 500  MISSED');
});

smoke.run();
