// Benchmark plumbing. Each side is a function that does one chunk of n operations and
// returns the time it measured. The two sides alternate chunk by chunk (which goes first
// alternates too), so a machine that slows down or speeds up mid-run weighs on both alike;
// a round is `count` operations per side, and the ratio kept is the median of the rounds'.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One timed chunk: `ms` measured for the operations, `delivered` of them arrived. */
export interface Chunk { ms: number; delivered: number }

/** A side's figures: median throughput over the rounds, every round's, totals. */
export interface SideResult { opsPerSec: number; roundsOpsPerSec: number[]; count: number; delivered: number }

/** One line of bench/results/latest.json. */
export interface BenchResult {
  name: string;
  /** espimp throughput / plain throughput: the median of the rounds' ratios. */ ratio: number;
  /** Every round's ratio. */ roundRatios: number[];
  /** The ratio this benchmark must reach, or null when it only informs. */ target: number | null;
  espimp: SideResult;
  plain: SideResult;
  /** Payload bytes per datagram. */ payload: number;
  /** Operations per round and side. */ count: number;
  /** Operations per chunk. */ chunk: number;
  rounds: number;
  /** What each side does. */ what: { espimp: string; plain: string };
  node: string;
}

export interface CompareOptions {
  name: string;
  target: number | null;
  payload: number;
  count: number;
  chunk: number;
  rounds: number;
  what: { espimp: string; plain: string };
  espimp: (n: number) => Promise<Chunk>;
  plain: (n: number) => Promise<Chunk>;
}

/** The median of `xs` (the lower middle for an even count). */
export function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[(s.length - 1) >> 1];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Time (ms) and deliveries of one round, per side. */
interface Round { t: { espimp: number; plain: number }; d: { espimp: number; plain: number } }

/** `count` operations per side in alternating chunks. */
async function round(o: CompareOptions): Promise<Round> {
  const t = { espimp: 0, plain: 0 }, d = { espimp: 0, plain: 0 };
  for (let done = 0, k = 0; done < o.count; done += o.chunk, k++) {
    const n = Math.min(o.chunk, o.count - done);
    for (const side of k % 2 ? ['plain', 'espimp'] as const : ['espimp', 'plain'] as const) {
      const c = await o[side](n);
      t[side] += c.ms;
      d[side] += c.delivered;
    }
  }
  return { t, d };
}

/** A warm-up round, then `rounds` measured ones. */
export async function compare(o: CompareOptions): Promise<BenchResult> {
  await round(o);
  const rs: Round[] = [];
  for (let i = 0; i < o.rounds; i++) rs.push(await round(o));
  const side = (s: 'espimp' | 'plain'): SideResult => {
    const ops = rs.map((r) => (o.count * 1000) / r.t[s]);
    return { opsPerSec: Math.round(median(ops)), roundsOpsPerSec: ops.map(Math.round), count: o.count * o.rounds, delivered: rs.reduce((a, r) => a + r.d[s], 0) };
  };
  const ratios = rs.map((r) => round3(r.t.plain / r.t.espimp));
  return {
    name: o.name, ratio: median(ratios), roundRatios: ratios, target: o.target, espimp: side('espimp'), plain: side('plain'),
    payload: o.payload, count: o.count, chunk: o.chunk, rounds: o.rounds, what: o.what, node: process.version,
  };
}

/** A payload of `n` bytes 0, 1, 2, ... */
export function payload(n: number): Uint8Array {
  const u = new Uint8Array(n);
  for (let i = 0; i < n; i++) u[i] = i & 255;
  return u;
}

/**
 * Write `body` as JSON, stamped with when it was measured and Node's version, to `out` when given,
 * else to bench/results/`name`; say where.
 */
export function writeResults(out: string | undefined, name: string, body: object) {
  const file = out || fileURLToPath(new URL(`results/${name}`, import.meta.url));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ measured: new Date().toISOString(), node: process.version, ...body }, null, 2) + '\n');
  console.log(`wrote ${file}`);
}
