// espimp boards [--json]: the boards `espimp build`, `flash` and `init` target (boards/*.json,
// read and checked by build/boards.ts), with their NIIs and limits, as a plain table; --json
// prints the board files as loaded, an array sorted by name, for machines.
import type { Command } from 'commander';
import { listBoards, loadBoard, type Board } from '../../build/boards';

/** The table's columns: heading, cell, and whether it is a number (right-aligned). */
const COLUMNS: [string, (b: Board) => string, boolean][] = [
  ['board', (b) => b.name, false],
  ['NIIs (driver)', (b) => Object.entries(b.niis).map(([nii, drv]) => `${nii} (${drv})`).join(', '), false],
  ['maxDatagram', (b) => String(b.maxDatagram), true],
  ['ring', (b) => String(b.ring), true],
  ['recvBuffer', (b) => String(b.recvBufferSize), true],
  // no reserve: the interpreter grows its memory (the Linux port); blocks is then nominal
  ['blocks', (b) => `${b.memory.blocks}${b.memory.reserve === undefined ? ' (grows)' : ''}`, true],
  ['budget', (b) => String(b.memory.budget), true],
  ['reserve', (b) => b.memory.reserve === undefined ? '-' : String(b.memory.reserve), true],
  ['rate limit', (b) => rateLimit(b), false],
  ['baud', (b) => String(b.baud), true],
];

/** The token bucket as people read it: `100 burst, 25/s` (capacity and refill in packets). */
export function rateLimit(b: Pick<Board, 'bucket'>): string {
  const { capacity, refill, cost } = b.bucket;
  const round = (n: number) => String(Math.round(n * 100) / 100);
  return `${round(capacity / cost)} burst, ${round((refill * 1000) / cost)}/s`;
}

/** Every board, as build/boards.ts loads it (a malformed board file is a UserError). */
function allBoards(): Board[] {
  return listBoards().map(loadBoard);
}

/** `boards` as a plain table: a heading line, one line per board, columns two spaces apart. */
function boardsTable(boards: Board[]): string {
  const rows = [COLUMNS.map(([h]) => h), ...boards.map((b) => COLUMNS.map(([, cell]) => cell(b)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => {
    const last = i === COLUMNS.length - 1;
    return COLUMNS[i][2] ? cell.padStart(widths[i]) : last ? cell : cell.padEnd(widths[i]);
  }).join('  ').trimEnd()).join('\n') + '\n';
}

const HELP = `
Columns: maxDatagram is the largest datagram the board receives whole (bytes); ring the
receive ring of each socket (bytes); recvBuffer the buffer given to every dgram socket;
blocks the interpreter's 13-byte JsVars ("grows": the Linux port adds memory as needed);
budget the most blocks a bundle may take (espimp build fails over it); reserve the blocks
openudp keeps free beyond a socket's ring (else ERR_NO_MEMORY); rate limit impOS's token
bucket for sends; baud the console's serial rate (espimp flash's default).
docs/boards.md describes every field; --json prints the board files themselves.
`;

export function register(program: Command) {
  program.command('boards')
    .description('list the boards you can build for, with their NIIs and limits')
    .option('--json', 'print the boards as JSON (an array of the board files, sorted by name)')
    .addHelpText('after', HELP)
    .action((opts: { json?: boolean }) => {
      const boards = allBoards();
      process.stdout.write(opts.json ? JSON.stringify(boards, null, 2) + '\n' : boardsTable(boards));
    });
}
