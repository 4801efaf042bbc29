// How long the espimp command takes to start: `espimp --help` and `espimp check
// examples/echo/echo.js`, each run as a new Node process, compiled (dist/, what `npm install`
// builds and an installed espimp runs) and from the TypeScript sources through tsx
// (ESPIMP_TSX=1: what every start cost before dist/), against `node -e 0` (Node's own start).
// One warm-up round (tsx fills its cache), then `runs` rounds, the commands in turn within each
// round; each figure is the median of its runs, in milliseconds of wall-clock time.
// Compiles dist/ first when it is missing or out of date. Writes bench/results/startup.json.
//   node --import tsx bench/startup.ts [--runs N] [--out FILE]     (also part of `npm run bench`)
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Timing { medianMs: number; runsMs: number[] }
export interface StartupResult {
  node: string;
  runs: number;
  measured: string;
  /** `node -e 0`. */
  baseline: Timing;
  commands: { command: string; compiled: Timing; tsx: Timing }[];
}

const COMMANDS: { command: string; args: string[] }[] = [
  { command: 'espimp --help', args: ['--help'] },
  { command: 'espimp check examples/echo/echo.js', args: ['check', 'examples/echo/echo.js'] },
];

/** Wall-clock milliseconds of one `node ...argv` in the repo; throws when it fails. */
function timeRun(argv: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${r.status}: ${(r.stderr || '').trim().split('\n')[0]}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const timing = (xs: number[]): Timing => ({ medianMs: Math.round(median(xs)), runsMs: xs.map((x) => Math.round(x)) });

/** Compile dist/ unless bin/espimp.js already runs it (ESPIMP_TSX=0 fails when it is missing or stale). */
function ensureCompiled() {
  if (spawnSync(process.execPath, ['bin/espimp.js', '--version'], { cwd: ROOT, env: { ...process.env, ESPIMP_TSX: '0' } }).status === 0) return;
  const c = spawnSync(process.execPath, ['build/compile.js'], { cwd: ROOT, encoding: 'utf8' });
  if (c.status !== 0) throw new Error(`compile failed: ${c.stderr.trim()}`);
}

export async function benchStartup(o: { runs: number }): Promise<StartupResult> {
  ensureCompiled();
  const base: number[] = [];
  const compiled: number[][] = COMMANDS.map(() => []);
  const tsx: number[][] = COMMANDS.map(() => []);
  for (let round = -1; round < o.runs; round++) {
    const keep = round >= 0;
    const b = timeRun(['-e', '0'], {});
    if (keep) base.push(b);
    COMMANDS.forEach((c, i) => {
      // ESPIMP_TSX=0: the compiled CLI or an error, never a silent fall-back to tsx.
      const a = timeRun(['bin/espimp.js', ...c.args], { ESPIMP_TSX: '0' });
      const t = timeRun(['bin/espimp.js', ...c.args], { ESPIMP_TSX: '1' });
      if (keep) { compiled[i].push(a); tsx[i].push(t); }
    });
  }
  return {
    node: process.version, runs: o.runs, measured: new Date().toISOString(), baseline: timing(base),
    commands: COMMANDS.map((c, i) => ({ command: c.command, compiled: timing(compiled[i]), tsx: timing(tsx[i]) })),
  };
}

/** The medians as a table. */
export function startupTable(r: StartupResult): string[] {
  const rows = [['startup (median ms)', 'compiled', 'tsx', 'node -e 0']];
  for (const c of r.commands) rows.push([c.command, String(c.compiled.medianMs), String(c.tsx.medianMs), String(r.baseline.medianMs)]);
  const w = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(w[c]) : cell.padStart(w[c]))).join('  ').trimEnd());
}

/** Write `r` to `file` (default bench/results/startup.json). */
export function writeStartup(r: StartupResult, file = fileURLToPath(new URL('./results/startup.json', import.meta.url))) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
  return file;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, out: { type: 'string' } } });
  const runs = Number(values.runs ?? 10);
  if (!(Number.isInteger(runs) && runs > 0 && runs <= 101)) {
    process.stderr.write(`bench startup: --runs must be an integer 1-101 (given ${values.runs})\n`);
    process.exit(1);
  }
  benchStartup({ runs }).then((r) => {
    console.log(startupTable(r).join('\n'));
    console.log(`wrote ${writeStartup(r, values.out)}`);
  }).catch((e) => { process.stderr.write(`bench startup: ${e && e.message || e}\n`); process.exit(1); });
}
