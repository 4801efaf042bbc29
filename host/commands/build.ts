// espimp build --board <name> [--lan loopback --ip 192.168.77.N] [--stats] <app.js|app.ts> [-o out.js]:
// one Espruino-ready script for a board (host/bundle.ts), its size table on stderr.
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { sizeTable, needsStorage } from '../../build/size';
import { listBoards } from '../../build/boards';
import { UserError } from '../../build/user-error';
import type { BuildResult } from '../bundle';
import { typecheckOrFail } from '../typecheck';

/** Build options shared with `espimp flash`. */
export function buildOptions(c: Command): Command {
  return c
    .requiredOption('--board <name>', `target board (${listBoards().join(', ')})`)
    .option('--lan <kind>', 'linux board: the LAN the device is on (loopback)')
    .option('--ip <address>', 'linux board: its address on the loopback LAN, 192.168.77.1-254')
    .option('--no-minify', 'skip terser (readable output; sizes then mean little)')
    .option('--no-budget', 'do not fail when over the board\'s memory budget')
    .option('--strict', 'fail (exit 1) when the build has warnings, e.g. an NII the board lacks')
    .option('--stats', 'add the live status reporter that espimp console --stats shows (left out otherwise)')
    .option('--no-typecheck', 'build a .ts app without type-checking it against the app globals\' declarations first');
}

/** Build, print the size table and warnings on stderr (and, with `note`, that it needs --save), return the result. */
export async function buildAndReport(app: string, opts: any, note = true): Promise<BuildResult> {
  // Rollup, TypeScript and terser load only when a build runs (every espimp command starts faster)
  const { buildBundle } = await import('../bundle');
  if (app.endsWith('.ts') && opts.typecheck !== false) typecheckOrFail(app, '--no-typecheck builds it anyway');
  let r;
  // on a terminal, each step on one line that the next overwrites (and the end clears)
  const tty = !!process.stderr.isTTY;
  const progress = tty ? (s: string) => process.stderr.write(`\r\x1b[Kespimp build: ${s}...`) : undefined;
  try {
    r = await buildBundle({ board: opts.board, app, lan: opts.lan, ip: opts.ip, minify: opts.minify, budget: opts.budget, stats: !!opts.stats, progress });
  } catch (e: any) {
    if (tty) process.stderr.write('\r\x1b[K');
    if (e.result) process.stderr.write(sizeTable(e.result.board, e.result.parts, e.result.estimate) + '\n');
    throw e;
  }
  if (tty) process.stderr.write('\r\x1b[K');
  process.stderr.write(sizeTable(r.board, r.parts, r.estimate) + '\n');
  process.stderr.write(`${r.leftOut}\n`);
  if (note && needsStorage(r.estimate)) process.stderr.write(`note: too big to send to ${r.board.name}'s RAM: flash it with --save\n`);
  for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  if (opts.strict && r.warnings.length) throw new UserError(`${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'} and --strict: not built`, 'ERR_WARNINGS');
  return r;
}

/** `--measure`: the bundle's blocks in use, measured on the real interpreter (host/espruino/memory.ts). */
async function measure(board: string, code: string, ready: string) {
  const { espruinoDir, MISSING } = await import('../espruino/interpreter');
  const { measureBundle } = await import('../espruino/memory');
  if (!espruinoDir()) throw new UserError(`--measure: ${MISSING}`, 'ERR_NO_INTERPRETER');
  let re: RegExp;
  try {
    re = new RegExp(ready);
  } catch (e: any) {
    throw new UserError(`--measure ${ready}: not a regular expression (${e.message})`, 'ERR_BAD_OPTION');
  }
  try {
    const m = await measureBundle(board, code, re);
    process.stderr.write(`  measured         ${String(m.blocks).padStart(7)} blocks in use from Storage on espruino32-${m.kind} (${m.free} free of ${m.total}; the stand-ins' ${m.baseline} taken out)\n`);
  } catch (e: any) {
    throw new UserError(`--measure: ${String(e.message || e).split('\n')[0]}`, 'ERR_MEASURE');
  }
}

export function register(program: Command) {
  buildOptions(program.command('build'))
    .description('bundle an app with the runtime and the board\'s drivers into one Espruino script')
    .argument('<app>', 'the app, a .js or .ts file')
    .option('-o, --out <file>', 'write the bundle here (default: stdout)')
    .option('--measure [regex]', 'run the bundle from Storage on the real 32-bit interpreter of the board\'s class and report the blocks in use once the app prints a line (matching regex)')
    .action(async (app: string, opts: any) => {
      const { code, board } = await buildAndReport(app, opts);
      if (opts.measure) await measure(board.name, code, opts.measure === true ? '.' : opts.measure);
      if (!opts.out) return void process.stdout.write(code);
      try {
        writeFileSync(opts.out, code);
      } catch (e: any) {
        throw new UserError(`cannot write ${opts.out}: ${e.code || e.message}`, 'ERR_WRITE');
      }
      process.stderr.write(`wrote ${opts.out} (${code.length} bytes)\n`);
    });
}
