// How much of a board's memory a bundle takes: a model, not a measurement (docs/build.md).
// Espruino keeps code as text in its 13-byte blocks (JsVars). Calibrated on the measured facts
// (espruino-facts.md, 32-bit build): 5 KB of small functions uploaded to RAM leave 662
// blocks in use, about 7.55 bytes of code per block (each function keeps its text, in string
// blocks carrying ~9 chars, plus its name, scope and object); the same code run from Storage
// (saved with `espimp flash --save`) leaves 369 blocks, ~13.55 bytes per block, because the
// text stays in flash. Data adds what the runtime allocates: one receive ring (a flat
// buffer, 13 bytes per block, plus its header) for the first socket. The budget is checked
// against the Storage figure, the way an app is deployed (`espimp flash --save`); the RAM
// figure decides whether plain `espimp flash` (code typed into the REPL) can work at all.
import type { Board } from './boards';

/** Bytes of code per block when uploaded to RAM / run from Storage (espruino-facts.md). */
const BYTES_PER_BLOCK_RAM = 5000 / 662;
const BYTES_PER_BLOCK_STORAGE = 5000 / 369;

/** The estimate for `bytes` of bundle on board `b`. */
export interface SizeEstimate {
  bytes: number;
  /** Blocks of one socket's receive ring. */
  ring: number;
  /** Blocks in use once the app has started, code sent to RAM / run from Storage. */
  ram: number;
  storage: number;
  /** The board's total blocks and the bundle's budget. */
  blocks: number;
  budget: number;
}

export function estimate(bytes: number, b: Board): SizeEstimate {
  const ring = Math.ceil(b.ring / 13) + 2;
  return {
    bytes,
    ring,
    ram: Math.ceil(bytes / BYTES_PER_BLOCK_RAM) + ring,
    storage: Math.ceil(bytes / BYTES_PER_BLOCK_STORAGE) + ring,
    blocks: b.memory.blocks,
    budget: b.memory.budget,
  };
}

/** The size table `espimp build` prints. */
export function sizeTable(b: Board, parts: { runtime: number; app: number }, e: SizeEstimate): string {
  const row = (a: string, c: string, d = '', f = '') => `  ${a.padEnd(17)}${c.padStart(7)}${d.padStart(18)}${f.padStart(14)}`;
  return [
    row(`${b.name}`, 'bytes', 'blocks (Storage)', 'blocks (RAM)'),
    row('runtime+drivers', String(parts.runtime)),
    row('app', String(parts.app)),
    row('receive ring', '', String(e.ring), String(e.ring)),
    row('total (estimate)', String(e.bytes), String(e.storage), String(e.ram)),
    row('budget', '', String(e.budget), ''),
    row('board', '', String(e.blocks), String(e.blocks)),
  ].join('\n');
}

/** True when the code cannot even be sent to RAM (typed into the REPL): it must be saved to Storage. */
export function needsStorage(e: SizeEstimate): boolean {
  return e.ram > e.blocks;
}
