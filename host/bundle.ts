// `espimp build` as a library: board data + app -> one Espruino-ready script. Steps: load the
// board, read the app (TypeScript transpiled), generate the entry, bundle and minify with the
// Rollup config (build/config.ts), check that the output re-parses as a plain script, run the
// Espruino compatibility checker (host/check; any error finding fails the build), estimate
// its memory against the board's budget.
import { rollup, type RollupLog } from 'rollup';
import { minify } from 'terser';
import * as acorn from 'acorn';
import { SourceMap } from 'node:module';
import { beforeFlatten } from '../build/flatten';
import { appCode, readApp, mapBack, type AppCode } from './app';
import { emitCosts, formatEmitCost, scanWithoutEnums } from './typecheck';
import { UserError } from '../build/user-error';
import { checkSource, errorsOf } from './check';
import { loadBoard, type Board } from '../build/boards';
import { entrySource, type EntryOptions } from '../build/entry';
import { rollupConfig, appNames, pruning, TERSER, type AppNames, type MinifyRecord } from '../build/config';
import { taken } from '../build/features';
import { boardWarnings } from '../build/board-warnings';
import { parseApp, topLevelInfoCalls, bootTransform } from '../build/boot-transform';
import { estimate, type SizeEstimate } from '../build/size';

export interface BuildOptions extends EntryOptions {
  /** Board name (boards/<name>.json). */
  board: string;
  /** The app file, .js or .ts. */
  app: string;
  /** false: skip terser (for looking at the output; size figures then mean little). */
  minify?: boolean;
  /** false: do not fail over the memory budget. */
  budget?: boolean;
  /** false: never boot before the app (to measure what boot costs: build/boot-transform.ts). */
  boot?: boolean;
  /** Names to take as the app's too when deciding what to leave out (build/features.ts): a test driving the bundle from outside (the conformance suite) gives the names it uses. */
  names?: string[];
  /** Told each step as it starts (espimp build shows them on a terminal). */
  progress?: (step: string) => void;
}

export interface BuildResult {
  board: Board;
  /** The bundle: a plain script, ends with a newline. */
  code: string;
  /** Minified bytes of the runtime with its drivers and of the app. */
  parts: { runtime: number; app: number };
  estimate: SizeEstimate;
  /** What the build left out of the bundle and why, or why it kept everything: one line (build/features.ts leftOutLine). */
  leftOut: string;
  /** Rollup warnings worth showing, and the bytes a .ts app's enums and namespaces cost (host/typecheck.ts emitCosts). */
  warnings: string[];
}

/** The board, the app's source (trailing space cut to one newline) and the Rollup options of one bundle (pruned by the app's scan, or `scan`). */
function configFor(o: BuildOptions, scan?: AppNames | null) {
  const board = loadBoard(o.board);
  const source = appCode(o.app);
  const app = source.code.replace(/\s+$/, '') + '\n';
  try {
    acorn.parse(app, { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true });
  } catch (e: any) {
    const at = e.loc ? source.at(e.loc.line, e.loc.column + 1) : null;
    throw new UserError(`${o.app}${at ? `:${at.line}:${at.column}` : ''}: SyntaxError: ${String(e.message).replace(/ \(\d+:\d+\)$/, '')}`, 'ERR_APP_SYNTAX');
  }
  const scanned = scan === undefined ? appNames(app) : scan;
  const names = scanned && o.names ? { ...scanned, values: [...scanned.values, ...o.names] } : scanned;
  // an app that reads imp.net.info() at its top level boots like an imp first (build/boot-transform.ts;
  // findings in such an app's rewritten text are shown at bundle.js:L:C, not mapped back)
  const ast = parseApp(app);
  const boot = o.boot !== false && !!ast && topLevelInfoCalls(ast).length > 0;
  const niis = Object.keys(board.niis), prune = pruning(names, { niis, stats: o.stats, boot });
  const entry = entrySource(board, { lan: o.lan, ip: o.ip, statics: taken(prune.decisions, 'extended config'), boot, stats: o.stats });
  const record: MinifyRecord = {};
  return { board, app, source, record, leftOut: prune.line, cfg: rollupConfig(entry, boot ? bootTransform(app) : app, { minify: o.minify, names, decisions: prune.decisions, record }) };
}

/** Line and column (from 1) of offset `i` in `text`. */
function lineColumn(text: string, i: number): { line: number; column: number } {
  const before = text.slice(0, i), nl = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: i - nl };
}

/** Offset of line:column (from 1) in `text`. */
function offsetOf(text: string, line: number, column: number): number {
  let i = 0;
  for (let l = 1; l < line && i >= 0; l++) i = text.indexOf('\n', i) + 1;
  return i + column - 1;
}

/**
 * Where a position in the bundle `code` is in the app's own file: back through the flattening
 * (build/flatten.ts), then terser's source
 * map to the rendered chunk (the app is its tail, Rollup's footer), then through the app's own
 * map (a .ts app's lines); `bundle.js:L:C` when it is in the runtime. (The ASCII escaping after
 * terser, "\xHH" -> "\u00HH", can shift a column by 2 per such escape before it on the line.)
 */
function appPosition(code: string, line: number, column: number, app: string, source: AppCode, record: MinifyRecord, file: string): string {
  let chunk = code, l = line, c = column;
  if (record.input && record.map) {
    if (record.minified && record.edits && record.edits.length) {
      const minified = lineColumn(record.minified, beforeFlatten(offsetOf(code, line, column), record.edits));
      line = minified.line;
      column = minified.column;
    }
    const m = mapBack(new SourceMap(record.map as any), line, column);
    if (!m) return `bundle.js:${line}:${column}`;
    chunk = record.input;
    l = m.line;
    c = m.column;
  }
  const start = chunk.lastIndexOf(app.replace(/\n$/, '')), at = offsetOf(chunk, l, c);
  if (start < 0 || at < start) return `bundle.js:${line}:${column}`;
  const inApp = lineColumn(app, at - start), p = source.at(inApp.line, inApp.column);
  return `${file}:${p.line}:${p.column}`;
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
  const step = o.progress || (() => {});
  step('reading the app');
  const { board, app, cfg, source, record, leftOut } = configFor(o);
  // what the board lacks, in the app's own coordinates, first
  const warnings: string[] = boardWarnings(app, o.app, board);
  step(`bundling for ${board.name} (Rollup, TypeScript${o.minify === false ? '' : ', terser'})`);
  const code = await bundled(o, cfg, warnings);
  step('checking the bundle for Espruino');
  try {
    acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script' });
  } catch (e: any) {
    throw new UserError(`build failed: the bundle does not re-parse as a script (${e.message})`, 'ERR_BUILD');
  }
  const findings = errorsOf(checkSource(code, 'bundle.js'));
  if (findings.length) {
    const f = findings[0];
    const at = appPosition(code, f.line, f.column, app, source, record, o.app);
    throw new UserError(`build failed: ${findings.length} Espruino compatibility finding(s), first: ${at} ${f.rule} ${f.message}`, 'ERR_CHECK');
  }
  step('measuring');
  if (o.app.endsWith('.ts')) warnings.push(...await typescriptCosts(o, code));
  const appBytes = o.minify === false ? app.length : ((await minify(app, TERSER)).code || '').length + 1;
  const est = estimate(code.length, board);
  const result = { board, code, parts: { runtime: code.length - appBytes, app: appBytes }, estimate: est, leftOut, warnings };
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
