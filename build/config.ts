// The Rollup configuration of every espimp bundle (rollup.config.js hands it to the Rollup
// CLI; host/bundle.ts uses it directly). Input: the generated entry (a virtual module).
// TypeScript through @rollup/plugin-typescript at target ES2019; output: a plain script, one
// IIFE (no `export`, no "use strict", no Object.freeze) followed by the app; then terser over
// the whole: ecma 2019, compress, mangle the IIFE's names (the runtime's top level is inside
// it) but not the app's top-level names (they are globals other code may use, like the
// agent link's `agentrx`), properties only for the runtime's internal `_` members (terserFor),
// ASCII-only output (espruino-cli replaces characters above 255 with "?"); then the IIFE
// flattened: its top-level names become `$` globals (build/flatten.ts). Per app, the build
// leaves out what the app's tokens cannot reach (appNames; docs/build.md "What the build leaves out").
import type { RollupOptions, Plugin } from 'rollup';
import typescript from '@rollup/plugin-typescript';
import { minify, type MinifyOptions } from 'terser';
import * as acorn from 'acorn';
import { simple as walk } from 'acorn-walk';
import { join } from 'node:path';
import { ROOT } from './boards';
import { flatten, type Edit } from './flatten';
import { decide, leftOutLine, taken, niiName, STATS_OPTION, BOOT_NAME, type Decision } from './features';

/** The id of the generated entry module. */
const ENTRY_ID = '\0espimp-entry';

/** terser options for bundles (also used alone to measure the app's share). */
export const TERSER: MinifyOptions = {
  ecma: 2019,
  module: false,
  toplevel: false,
  compress: { passes: 2, inline: 2, unsafe_arrows: true },
  mangle: { properties: false },
  format: { ascii_only: true, comments: false },
};

/**
 * terser options for the bundle of an app whose scan (appNames) is `names`: TERSER, plus the
 * runtime's internal member names (those starting with `_`, firmware/net.ts) mangled — except
 * names the app itself mentions (its own `_x` members stay whole), and not at all when the app
 * does not tokenize. Computed access (`x[k]`) does not stop it: only the runtime's own code
 * names these members, and an app's data keys are never renamed.
 */
export function terserFor(names: AppNames | null): MinifyOptions {
  if (!names) return TERSER;
  const reserved = names.values.filter((v) => v.startsWith('_'));
  return { ...TERSER, mangle: { properties: { regex: /^_/, reserved } } };
}

/** What the minifier was given, its source map back to that, and the edits flattening made after it (host/bundle.ts maps checker findings through them to the app). */
export interface MinifyRecord { input?: string; map?: object; minified?: string; edits?: Edit[] }

/**
 * terser over the rendered chunk, in this thread (@rollup/plugin-terser's worker pool only adds
 * start-up time here), then the runtime's IIFE flattened (build/flatten.ts); with `record`, its
 * input, source map and the flattening's edits kept there.
 */
function terserChunk(options: MinifyOptions, record?: MinifyRecord): Plugin {
  return {
    name: 'espimp-terser',
    async renderChunk(code) {
      const out = await minify(code, record ? { ...options, sourceMap: { asObject: true } } : options);
      const flat = flatten(out.code || '');
      if (record) Object.assign(record, { input: code, map: out.map, minified: out.code, edits: flat.edits });
      return { code: unicodeEscapes(flat.code), map: null };
    },
  };
}

/**
 * terser's ASCII-only output writes chars 0x80-0xFF in strings as "\xHH"; Espruino reads that
 * escape as one byte of a binary string, but "\u00HH" as a UTF-8 string, as the source meant.
 * So in string and template tokens (not regular expressions: Espruino's matcher has no \u),
 * every such escape (after an even run of backslashes) becomes "\u00HH".
 */
export function unicodeEscapes(code: string): string {
  const fix = (raw: string) => raw.replace(/(\\+)x([89a-fA-F][0-9a-fA-F])/g, (m, bs: string, hex: string) => (bs.length % 2 ? `${bs}u00${hex}` : m));
  let out = '', at = 0;
  for (const t of acorn.tokenizer(code, { ecmaVersion: 'latest' })) {
    if (t.type.label !== 'string' && t.type.label !== 'template') continue;
    out += code.slice(at, t.start) + fix(code.slice(t.start, t.end));
    at = t.end;
  }
  return out + code.slice(at);
}

/** firmware/codec.ts replaced by the board's native codec (hal/espruino/codec.ts): no per-byte JavaScript on a board. */
function nativeCodec(): Plugin {
  const file = join(ROOT, 'hal/espruino/codec.ts');
  return { name: 'espimp-native-codec', resolveId: (source, importer) => (source === './codec' && importer && /[\\/]firmware[\\/]/.test(importer) ? file : null) };
}

/** What an app's tokens name: every name and string value, and whether it reaches members by computed name (`why`: how, first seen). */
export interface AppNames { values: string[]; dynamic: boolean; why?: string }

/**
 * The names and strings of app source `app` (comments do not count), and the words inside its
 * strings. `dynamic` is true when
 * the app may reach a member by a name the scan cannot see: `x[e]` where e is not one
 * number or string literal (an enum's reverse mapping `E[E["A"] = 0]` is one), or any `eval`,
 * `Function` or `with`; `why` says which and where. Null when it does not tokenize.
 */
export function appNames(app: string): AppNames | null {
  const values: string[] = [];
  let why: string | undefined;
  const wide = (what: string, t: acorn.Token) => { why = why || `${what} at line ${t.loc!.start.line}`; };
  try {
    const toks = [...acorn.tokenizer(app, { ecmaVersion: 'latest', allowHashBang: true, locations: true })];
    toks.forEach((t, i) => {
      const v = (t as { value?: unknown }).value, label = t.type.label;
      if (typeof v === 'string') values.push(v);
      // code in a string (Espruino's setTimeout("…"), eval) names what it uses too
      if (typeof v === 'string' && label !== 'name') values.push(...(v.match(/[A-Za-z_$][\w$]*/g) || []));
      if (label === 'name' && (v === 'eval' || v === 'Function')) wide(`\`${v}\``, t);
      if (label === 'with') wide('`with`', t);
      if (label === '[' && i > 0 && /^(name|\)|\]|string|num|`|template|this)$/.test(toks[i - 1].type.label)) {
        const p = toks[i - 1], a = toks[i + 1], b = toks[i + 2];
        if (!(a && b && (a.type.label === 'num' || a.type.label === 'string') && b.type.label === ']')) {
          const word = (x: acorn.Token) => (x as { value?: unknown }).value;
          const enumMap = p.type.label === 'name' && a && a.type.label === 'name' && word(a) === word(p) && b && b.type.label === '[';
          wide(enumMap ? `an enum (${word(p)}'s reverse mapping)` : `\`${app.slice(p.start, p.end)}[${a ? app.slice(a.start, a.end) : ''}…]\``, t);
        }
      }
    });
    return { values, dynamic: !!why, ...(why ? { why } : {}) };
  } catch {
    return null;
  }
}

/** True when the scan of an app (appNames) cannot narrow what it uses: it failed, the app reaches members dynamically, or it has no tokens at all (an empty app: the bundle is the runtime alone, driven from outside, e.g. the REPL or a test). */
export function usesAll(n: AppNames | null): boolean {
  return whyAll(n) !== null;
}

/** Why the scan `n` cannot narrow what the app uses (usesAll), or null. */
export function whyAll(n: AppNames | null): string | null {
  return !n ? 'the app does not tokenize' : n.dynamic ? n.why || 'the app reaches members dynamically' : !n.values.length ? 'the app is empty' : null;
}

/**
 * How the build takes each optional part (build/features.ts FEATURES) for an app whose scan is
 * `names`, on a board with NIIs `niis`, with or without --stats; and the report line saying
 * what it left out and why.
 */
export function pruning(names: AppNames | null, o: { niis: string[]; stats?: boolean; boot?: boolean }): { decisions: Decision[]; line: string } {
  const all = [...(names ? names.values : []), ...(o.stats ? [STATS_OPTION] : []), ...(o.boot ? [BOOT_NAME] : []), ...o.niis.map(niiName)];
  const decisions = decide(all, !names ? 'unparsed' : usesAll(names) ? 'wide' : null);
  return { decisions, line: leftOutLine(decisions, whyAll(names)) };
}

/** True when an app whose scan is `n` gets the feature called `feature` (build/features.ts), on any board, without --stats. */
export function uses(n: AppNames | null, feature: string): boolean {
  return taken(pruning(n, { niis: [] }).decisions, feature);
}

/** A plugin putting each off feature's twin in place of its module (build/features.ts), and a generated module in place of one decided `some`. */
function featureModules(decisions: Decision[]): Plugin {
  const file = (f: string) => join(ROOT, f);
  const off = new Map(decisions.filter((d) => d.take === 'off' && d.feature.module).map((d) => [file(d.feature.module!), file(d.feature.off!)]));
  const some = new Map(decisions.filter((d) => d.take === 'some').map((d) => [file(d.feature.module!), d.feature.generate!(d.called)]));
  return {
    name: 'espimp-features',
    async resolveId(source, importer, options) {
      if (!importer || !off.size) return null;
      const r = await this.resolve(source, importer, { ...options, skipSelf: true });
      return r && off.get(r.id) || null;
    },
    load: (id) => some.get(id) ?? null,
  };
}

/**
 * firmware/net.ts and hal/espruino/platform.ts (as JavaScript, after TypeScript) without the
 * class methods and object members named in `drop` (the members of off features,
 * build/features.ts), cut out by their syntax tree positions.
 */
function membersPrune(drop: string[]): Plugin {
  return {
    name: 'espimp-members-prune',
    transform(code, id) {
      if (!drop.length || !/[\\/](firmware[\\/]net|hal[\\/]espruino[\\/]platform)\.ts$/.test(id)) return null;
      const cuts: [number, number][] = [];
      const name = (k: any) => (k.type === 'Identifier' ? k.name : k.value);
      walk(this.parse(code) as any, {
        MethodDefinition(n: any) { if (drop.includes(name(n.key))) cuts.push([n.start, n.end]); },
        Property(n: any) {
          // with the comma after it (every such member is followed by one, or ends the literal)
          if (drop.includes(name(n.key))) cuts.push([n.start, code[n.end] === ',' ? n.end + 1 : n.end]);
        },
      });
      let out = code;
      for (const [a, b] of cuts.sort((x, y) => y[0] - x[0])) out = out.slice(0, a) + out.slice(b);
      return { code: out, map: null };
    },
  };
}

/** A plugin serving the entry source under ENTRY_ID. */
function virtualEntry(source: string): Plugin {
  return {
    name: 'espimp-entry',
    resolveId: (id) => (id === ENTRY_ID ? id : null),
    load: (id) => (id === ENTRY_ID ? source : null),
  };
}

/**
 * Rollup options for one bundle: `entry` is the generated entry source, `app` the app's
 * JavaScript, appended after it; opts.names its scan (appNames(app)), opts.decisions what the
 * build takes of each feature (pruning(): the app's names, the board's NIIs, --stats, boot).
 */
export function rollupConfig(entry: string, app: string, opts: { minify?: boolean; names: AppNames | null; decisions: Decision[]; record?: MinifyRecord }): RollupOptions & { output: any } {
  const names = opts.names, decisions = opts.decisions;
  const drop = decisions.filter((d) => d.take === 'off').flatMap((d) => d.feature.members || []);
  return {
    input: ENTRY_ID,
    treeshake: true,
    onLog(level, log, handler) {
      // the entry assigns the app's globals on purpose; anything else is worth seeing
      if (log.code === 'CIRCULAR_DEPENDENCY' && level === 'warn') return;
      handler(level, log);
    },
    plugins: [
      virtualEntry(entry),
      nativeCodec(),
      featureModules(decisions),
      typescript({
        tsconfig: join(ROOT, 'build/tsconfig.bundle.json'),
        filterRoot: ROOT,
        include: ['firmware/**/*.ts', 'hal/**/*.ts'],
        exclude: ['hal/node/**', 'hal/mock/**'],
        noForceEmit: false,
        compilerOptions: {
          target: 'ES2019',
          module: 'ESNext',
          moduleResolution: 'bundler',
          lib: ['ES2019'],
          types: [],
          strict: false,
          skipLibCheck: true,
          removeComments: true,
          importHelpers: false,
          isolatedModules: true,
          sourceMap: false,
          declaration: false,
          noEmitOnError: false,
          noEmit: false,
          rootDir: ROOT,
          noCheck: true,
        },
      }),
      membersPrune(drop),
      ...(opts.minify === false ? [] : [terserChunk(terserFor(names), opts.record)]),
    ],
    output: {
      format: 'iife',
      strict: false,
      freeze: false,
      generatedCode: { preset: 'es2015', constBindings: false, objectShorthand: false, arrowFunctions: false },
      footer: app,
      compact: true,
    },
  };
}
