// `espimp build` as a library: board data + app -> one Espruino-ready script. Steps: load the
// board, read the app (TypeScript transpiled), generate the entry, bundle and minify with the
// Rollup config (build/config.ts), check that the output re-parses as a plain script, run the
// Espruino compatibility checker (host/check; any error finding fails the build), estimate
// its memory against the board's budget.
import { rollup, type RollupLog } from 'rollup';
import { minify } from 'terser';
import * as acorn from 'acorn';
import { appSource, readApp } from '../host/app';
import { emitCosts, formatEmitCost, scanWithoutEnums } from '../host/typecheck';
import { UserError } from '../host/cli-error';
import { checkSource, errorsOf } from '../host/check';
import { loadBoard, type Board } from './boards';
import { entrySource, type EntryOptions } from './entry';
import { rollupConfig, appNames, usesExtended, TERSER, type AppNames } from './config';
import { boardWarnings } from './board-warnings';
import { estimate, type SizeEstimate } from './size';

export interface BuildOptions extends EntryOptions {
  /** Board name (boards/<name>.json). */
  board: string;
  /** The app file, .js or .ts. */
  app: string;
  /** false: skip terser (for looking at the output; size figures then mean little). */
  minify?: boolean;
  /** false: do not fail over the memory budget. */
  budget?: boolean;
}

export interface BuildResult {
  board: Board;
  /** The bundle: a plain script, ends with a newline. */
  code: string;
  /** Minified bytes of the runtime with its drivers and of the app. */
  parts: { runtime: number; app: number };
  estimate: SizeEstimate;
  /** Rollup warnings worth showing, and the bytes a .ts app's enums and namespaces cost (host/typecheck.ts emitCosts). */
  warnings: string[];
}

/** The board, the app's source (trailing space cut to one newline) and the Rollup options of one bundle (pruned by the app's scan, or `scan`). */
function configFor(o: BuildOptions, scan?: AppNames | null) {
  const board = loadBoard(o.board);
  const app = appSource(o.app).replace(/\s+$/, '') + '\n';
  const names = scan === undefined ? appNames(app) : scan;
  const entry = entrySource(board, { lan: o.lan, ip: o.ip, statics: usesExtended(names), stats: o.stats });
  return { board, app, cfg: rollupConfig(entry, app, { minify: o.minify, niis: Object.keys(board.niis), names, stats: o.stats }) };
}

/** The bundle Rollup makes with `cfg` (its warnings added to `warnings`). */
async function bundled(o: BuildOptions, cfg: ReturnType<typeof configFor>['cfg'], warnings: string[]): Promise<string> {
  try {
    const bundle = await rollup({ ...cfg, onLog: (level: string, log: RollupLog) => { if (level === 'warn') warnings.push(log.message); } });
    const out = await bundle.generate(cfg.output);
    await bundle.close();
    return out.output[0].code.replace(/\s+$/, '') + '\n';
  } catch (e: any) {
    const where = e.loc ? `${e.loc.file || o.app}:${e.loc.line}:${e.loc.column}: ` : '';
    throw new UserError(`build failed: ${where}${String(e.message || e).split('\n')[0]}`, 'ERR_BUILD');
  }
}

/**
 * Warnings on what a .ts app's enums and namespaces cost (all other TypeScript erases): each
 * one's own bytes (host/typecheck.ts emitCosts), and when the enums' reverse mappings are what
 * keeps the build from pruning, the bytes that keeps in `code`: measured by building the app
 * again, pruned by its scan without the enums (scanWithoutEnums).
 */
async function typescriptCosts(o: BuildOptions, code: string): Promise<string[]> {
  const src = readApp(o.app);
  const costs = await emitCosts(src, o.app);
  const out = costs.map((c) => formatEmitCost(o.app, c));
  if (costs.some((c) => c.keepsAll)) {
    const lean = await bundled(o, configFor(o, await scanWithoutEnums(src, o.app)).cfg, []);
    out.push(`${o.app}: the enums' reverse mappings keep ${code.length - lean.length} bytes of runtime in this bundle that the build would otherwise leave out`);
  }
  return out;
}

/** Build one bundle; user errors (unknown board, bad app, checker findings, over budget) throw UserError. */
export async function buildBundle(o: BuildOptions): Promise<BuildResult> {
  const { board, app, cfg } = configFor(o);
  // what the board lacks, in the app's own coordinates, first
  const warnings: string[] = boardWarnings(app, o.app, board);
  const code = await bundled(o, cfg, warnings);
  try {
    acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script' });
  } catch (e: any) {
    throw new UserError(`build failed: the bundle does not re-parse as a script (${e.message})`, 'ERR_BUILD');
  }
  const findings = errorsOf(checkSource(code, 'bundle.js'));
  if (findings.length) {
    const f = findings[0];
    throw new UserError(`build failed: ${findings.length} Espruino compatibility finding(s), first: bundle.js:${f.line}:${f.column} ${f.rule} ${f.message}`, 'ERR_CHECK');
  }
  if (o.app.endsWith('.ts')) warnings.push(...await typescriptCosts(o, code));
  const appBytes = o.minify === false ? app.length : ((await minify(app, TERSER)).code || '').length + 1;
  const est = estimate(code.length, board);
  const result = { board, code, parts: { runtime: code.length - appBytes, app: appBytes }, estimate: est, warnings };
  if (o.budget !== false && est.storage > est.budget) {
    throw Object.assign(new UserError(`bundle too big for ${board.name}: about ${est.storage} blocks run from Storage, budget ${est.budget} of ${est.blocks} (--no-budget builds anyway)`, 'ERR_OVER_BUDGET'), { result });
  }
  return result;
}

/**
 * The Rollup options `rollup -c` uses (rollup.config.js): the same bundle from environment
 * variables BOARD, APP and, for the linux board, LAN and IP. The checker and the size check
 * run only through `espimp build`.
 */
export function cliConfig(env: { [k: string]: string | undefined }) {
  if (!env.BOARD || !env.APP) throw new UserError('rollup -c needs --environment BOARD:<board>,APP:<app.js>[,IP:192.168.77.N]', 'ERR_BAD_OPTION');
  const { cfg } = configFor({ board: env.BOARD, app: env.APP, lan: env.LAN, ip: env.IP });
  return { ...cfg, output: { ...cfg.output, file: env.OUT || 'out/bundle.js' } };
}
