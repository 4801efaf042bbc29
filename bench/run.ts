// npm run bench: every benchmark, a table, and bench/results/latest.json (an array of
// {name, ratio, roundRatios, target, espimp, plain, payload, count, chunk, rounds, what, node}).
// Options: --count N (operations per round and side), --rounds R (median of R, default 9),
// --payload B (bytes, default 64), --only NAME[,NAME], --out FILE. Loopback only.
// Then `espruino` (bench/espruino.ts: the linux board's bundle on the real interpreter against raw
// dgram there, its own table, written to espruino.json beside the results): it has fixed sizes, so
// a run with --count (a tiny run) leaves it out unless --only names it; --rounds applies to it too.
// Then `memory` (bench/memory.ts: blocks in use and bytes of the echo and sensor hub per board on the
// 32-bit interpreters, with issue 10's targets, written to memory.json beside the results): likewise.
// Then `startup` (bench/startup.ts: how long `espimp --help` and `espimp check` take to start,
// compiled and through tsx, against `node -e 0`, median of 10 runs or --rounds, written to
// startup.json beside the results): like `espruino`, left out of a run with --count unless --only names it.
import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './harness';
import { benchSend } from './send';
import { benchReceive } from './receive';
import { benchRing } from './ring';
import { benchEspruino, espruinoTable, writeEspruino } from './espruino';
import { benchStartup, startupTable, writeStartup } from './startup';
import { benchMemory, memoryTable, targetLines } from './memory';
import { writeResults } from './harness';

/** The benchmarks with their default operation counts. */
const BENCHES: { name: string; count: number; run: (o: { count: number; rounds: number; payload: number }) => Promise<BenchResult> }[] = [
  { name: 'send', count: 30000, run: benchSend },
  { name: 'receive', count: 30000, run: benchReceive },
  { name: 'ring', count: 200000, run: benchRing },
];

function positive(v: string | undefined, what: string, fallback: number, max: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${what} must be an integer 1-${max} (given ${v})`);
  return n;
}

/** The results as a table, one line per benchmark. */
export function table(results: BenchResult[]): string[] {
  const rows = [['bench', 'espimp ops/s', 'plain ops/s', 'ratio', 'target', '']];
  for (const r of results) {
    rows.push([r.name, r.espimp.opsPerSec.toLocaleString('en-US'), r.plain.opsPerSec.toLocaleString('en-US'), r.ratio.toFixed(3),
      r.target === null ? '-' : `>= ${r.target}`, r.target === null ? '' : r.ratio >= r.target ? 'ok' : 'MISSED']);
  }
  const w = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(w[c]) : cell.padStart(w[c]))).join('  ').trimEnd());
}

async function main() {
  const { values } = parseArgs({ options: { count: { type: 'string' }, rounds: { type: 'string' }, payload: { type: 'string' }, only: { type: 'string' }, out: { type: 'string' } } });
  const rounds = positive(values.rounds, '--rounds', 9, 101);
  const size = positive(values.payload, '--payload', 64, 512);
  const only = values.only ? values.only.split(',') : null;
  const unknown = (only || []).filter((n) => n !== 'espruino' && n !== 'memory' && n !== 'startup' && !BENCHES.some((b) => b.name === n));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')} (have ${BENCHES.map((b) => b.name).join(', ')}, espruino, memory, startup)`);
  const out = values.out || fileURLToPath(new URL('./results/latest.json', import.meta.url));
  const results: BenchResult[] = [];
  console.log(`node ${process.version}, payload ${size} bytes, sides alternating chunk by chunk, median of ${rounds} rounds after a warm-up, loopback only`);
  for (const b of BENCHES) {
    if (only && !only.includes(b.name)) continue;
    const r = await b.run({ count: positive(values.count, '--count', b.count, 10_000_000), rounds, payload: size });
    results.push(r);
    console.log(`  ${b.name}: ratios ${r.roundRatios.join(' ')}; delivered ${r.espimp.delivered}/${r.espimp.count} (espimp), ` +
      `${r.plain.delivered}/${r.plain.count} (plain)`);
  }
  if (results.length) {
    console.log(table(results).join('\n'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
    console.log(`wrote ${out}`);
  }
  if (only ? only.includes('espruino') : values.count === undefined) {
    const e = await benchEspruino({ rounds: positive(values.rounds, '--rounds', 5, 101) });
    if (!e) console.log('espruino: skipped (no interpreter: see ../shared/espruino/README.md)');
    else {
      console.log(espruinoTable(e).join('\n'));
      console.log(`wrote ${writeEspruino(e, join(dirname(out), 'espruino.json'))}`);
    }
  }
  if (only ? only.includes('memory') : values.count === undefined) {
    const rows = await benchMemory();
    if (!rows) console.log('memory: skipped (no interpreter: see ../shared/espruino/README.md)');
    else {
      console.log('blocks in use, echo and sensor hub run from Storage on the 32-bit interpreters (bench/memory.ts):');
      console.log(memoryTable(rows));
      console.log(targetLines(rows).join('\n'));
      writeResults(join(dirname(out), 'memory.json'), 'memory.json', { espruino: '2v29', rows });
    }
  }
  if (only ? only.includes('startup') : values.count === undefined) {
    const s = await benchStartup({ runs: positive(values.rounds, '--rounds', 10, 101) });
    console.log(startupTable(s).join('\n'));
    console.log(`wrote ${writeStartup(s, join(dirname(out), 'startup.json'))}`);
  }
}

main().catch((e) => {
  process.stderr.write(`bench: ${e && e.message || e}\n`);
  process.exit(1);
});
