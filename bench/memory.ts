// Blocks in use per board on the real 32-bit interpreters (host/espruino/memory.ts): the echo
// and the sensor hub, each bundle run from Storage with the board's stand-ins (their own cost
// taken out), against a raw Espruino `dgram` echo measured the same way. Writes
// bench/results/memory.json and prints a table (the one in README.md) and issue 10's targets.
// Part of `npm run bench` (bench/run.ts); alone:
//   node --import tsx bench/memory.ts [--boards a,b] [--out FILE]
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { buildBundle } from '../host/bundle';
import { listBoards, loadBoard } from '../build/boards';
import { measureBundle, rawEcho, type MemoryFigure } from '../host/espruino/memory';
import { espruinoDir, MISSING } from '../host/espruino/interpreter';
import { writeResults } from './harness';

export interface BoardMemory {
  board: string;
  interpreter: string;
  raw: number;
  echo: { bytes: number; blocks: number; free: number };
  hub: { bytes: number; blocks: number; free: number } | { bytes: number; error: string };
  /** Blocks the stand-ins and harness hold alone (taken out of every figure). */
  baseline: number;
  total: number;
}

/** Build `app` for `board` (linux at 192.168.77.2) and measure it once `ready` is printed. */
async function measureApp(board: string, app: string, ready: RegExp): Promise<{ bytes: number; m: MemoryFigure }> {
  const built = await buildBundle({ board, app, budget: false, ...(board === 'linux' ? { ip: '192.168.77.2' } : {}) });
  return { bytes: built.code.length, m: await measureBundle(board, built.code, ready) };
}

/** Every figure of `board`. */
export async function boardMemory(board: string): Promise<BoardMemory> {
  const b = loadBoard(board);
  const raw = await measureBundle(board, rawEcho(b.recvBufferSize), /^raw echo on 2001$/);
  const echo = await measureApp(board, 'examples/echo/echo.js', /^Echo server on /);
  let hub: BoardMemory['hub'];
  try {
    const h = await measureApp(board, 'examples/sensor-hub/hub.js', /^Hub up at /);
    hub = { bytes: h.bytes, blocks: h.m.blocks, free: h.m.free };
  } catch (e: any) {
    hub = { bytes: 0, error: /OUT OF MEMORY/.test(String(e.message)) ? 'out of memory while loading' : String(e.message || e).split('\n')[0].slice(0, 120) };
  }
  return {
    board, interpreter: `espruino32-${echo.m.kind}`, raw: raw.blocks,
    echo: { bytes: echo.bytes, blocks: echo.m.blocks, free: echo.m.free }, hub, baseline: echo.m.baseline, total: echo.m.total,
  };
}

/** Issue 10's targets: blocks the echo may hold (espruino-wifi 600, every other board 700), blocks the sensor hub leaves free on esp8266, echo bytes on espruino-wifi. */
export const TARGETS = { echoBlocks: (board: string) => (board === 'espruino-wifi' ? 600 : 700), hubFree: { esp8266: 500 } as { [board: string]: number }, echoBytes: { 'espruino-wifi': 6144 } as { [board: string]: number } };

/** Every board's figures (the boards with a bundle: not the host); null when the interpreter is not here. */
export async function benchMemory(boards: string[] = listBoards()): Promise<BoardMemory[] | null> {
  if (!espruinoDir()) return null;
  const rows: BoardMemory[] = [];
  for (const board of boards) rows.push(await boardMemory(board));
  return rows;
}

/** One line per target: the figure, the target and ok or MISSED. */
export function targetLines(rows: BoardMemory[]): string[] {
  const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  const out: string[] = [];
  for (const r of rows) {
    const t = TARGETS.echoBlocks(r.board);
    out.push(`${r.board}: echo ${r.echo.blocks} blocks (${(r.echo.blocks / r.raw).toFixed(1)}x the raw echo's ${r.raw}), target <= ${t}  ${mark(r.echo.blocks <= t)}`);
    if (TARGETS.echoBytes[r.board]) out.push(`${r.board}: echo ${r.echo.bytes} bytes, target <= ${TARGETS.echoBytes[r.board]}  ${mark(r.echo.bytes <= TARGETS.echoBytes[r.board])}`);
    if (TARGETS.hubFree[r.board]) {
      const free = 'error' in r.hub ? 0 : r.hub.free;
      out.push(`${r.board}: sensor hub leaves ${'error' in r.hub ? `nothing (${r.hub.error})` : `${free} blocks`} free, target >= ${TARGETS.hubFree[r.board]}  ${mark(free >= TARGETS.hubFree[r.board])}`);
    }
  }
  return out;
}

/** The figures as a Markdown table. */
export function memoryTable(rows: BoardMemory[]): string {
  const out = ['| board | interpreter (blocks) | raw `dgram` echo | echo bytes | echo blocks | free | hub bytes | hub blocks | free |', '|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const hub = 'error' in r.hub ? `${r.hub.error} | | ` : `${r.hub.bytes.toLocaleString('en-US')} | ${r.hub.blocks.toLocaleString('en-US')} | ${r.hub.free.toLocaleString('en-US')}`;
    out.push(`| ${r.board} | ${r.interpreter} (${r.total}) | ${r.raw} | ${r.echo.bytes.toLocaleString('en-US')} | ${r.echo.blocks.toLocaleString('en-US')} | ${r.echo.free.toLocaleString('en-US')} | ${hub} |`);
  }
  return out.join('\n');
}

async function main() {
  const { values } = parseArgs({ options: { boards: { type: 'string' }, out: { type: 'string' } } });
  const rows = await benchMemory(values.boards ? values.boards.split(',') : undefined);
  if (!rows) throw new Error(MISSING);
  console.log(memoryTable(rows) + '\n');
  console.log(targetLines(rows).join('\n') + '\n');
  writeResults(values.out, 'memory.json', { espruino: '2v29', rows });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main().catch((e) => {
    process.stderr.write(`bench memory: ${e && e.message || e}\n`);
    process.exit(1);
  });
}
