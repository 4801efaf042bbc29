// The Rollup configuration of every espimp bundle (rollup.config.js hands it to the Rollup
// CLI; host/bundle.ts uses it directly). Input: the generated entry (a virtual module).
// TypeScript through @rollup/plugin-typescript at target ES2019; output: a plain script, one
// IIFE (no `export`, no "use strict", no Object.freeze) followed by the app; then terser over
// the whole: ecma 2019, compress, mangle the IIFE's names (the runtime's top level is inside
// it) but not the app's top-level names (they are globals other code may use, like the
// agent link's `agentrx`), properties only for the runtime's internal `_` members (terserFor),
// ASCII-only output (espruino-cli replaces characters above 255 with "?"). Per app, the build
// leaves out what the app's tokens cannot reach (appNames; docs/build.md "What the build leaves out").
import type { RollupOptions, Plugin } from 'rollup';
import typescript from '@rollup/plugin-typescript';
import { minify, type MinifyOptions } from 'terser';
import * as acorn from 'acorn';
import { simple as walk } from 'acorn-walk';
import { join } from 'node:path';
import { ROOT } from './boards';
import { STATES, SEND_ERRORS } from '../firmware/constants';
import { TYPES, BY_NII } from '../firmware/niis';

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

/** What the minifier was given and its source map back to that (host/bundle.ts maps checker findings through it to the app). */
export interface MinifyRecord { input?: string; map?: object }

/** terser over the rendered chunk, in this thread (@rollup/plugin-terser's worker pool only adds start-up time here); with `record`, its input and source map kept there. */
function terserChunk(options: MinifyOptions, record?: MinifyRecord): Plugin {
  return {
    name: 'espimp-terser',
    async renderChunk(code) {
      const out = await minify(code, record ? { ...options, sourceMap: { asObject: true } } : options);
      if (record) Object.assign(record, { input: code, map: out.map });
      return { code: unicodeEscapes(out.code || ''), map: null };
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

/** What an app's tokens name: every name and string value, and whether it reaches members by computed name. */
export interface AppNames { values: string[]; dynamic: boolean }

/**
 * The names and strings of app source `app` (comments do not count), and the words inside its
 * strings. `dynamic` is true when
 * the app may reach a member by a name the scan cannot see: `x[e]` where e is not one
 * number or string literal, or any `eval`, `Function` or `with`. Null when it does not tokenize.
 */
export function appNames(app: string): AppNames | null {
  const values: string[] = [];
  let dynamic = false;
  try {
    const toks = [...acorn.tokenizer(app, { ecmaVersion: 'latest', allowHashBang: true })];
    toks.forEach((t, i) => {
      const v = (t as { value?: unknown }).value, label = t.type.label;
      if (typeof v === 'string') values.push(v);
      // code in a string (Espruino's setTimeout("…"), eval) names what it uses too
      if (typeof v === 'string' && label !== 'name') values.push(...(v.match(/[A-Za-z_$][\w$]*/g) || []));
      if (label === 'name' && (v === 'eval' || v === 'Function')) dynamic = true;
      if (label === 'with') dynamic = true;
      if (label === '[' && i > 0 && /^(name|\)|\]|string|num|`|template|this)$/.test(toks[i - 1].type.label)) {
        const a = toks[i + 1], b = toks[i + 2];
        if (!(a && b && (a.type.label === 'num' || a.type.label === 'string') && b.type.label === ']')) dynamic = true;
      }
    });
    return { values, dynamic };
  } catch {
    return null;
  }
}

/** The blob methods of firmware/blob-more.ts. */
const BLOB_MORE = 'tell seek eos readn writen readstring writestring readblob writeblob resize swap2 swap4 get set'.split(' ');

/**
 * True when an app whose scan (appNames) is `n` may name one of `list`: it names one (as a
 * name or string, or inside a string), or the scan cannot narrow what it uses (usesAll).
 */
function usesAny(n: AppNames | null, list: string[]): boolean {
  return usesAll(n) || n!.values.some((v) => list.includes(v));
}

/**
 * True when an app whose scan is `n` may call a method of BLOB_MORE: it names one, reaches
 * members dynamically, or has no tokens at all (usesAll).
 */
export function usesBlobMore(n: AppNames | null): boolean {
  return usesAny(n, BLOB_MORE);
}

/** True when the scan of an app (appNames) cannot narrow what it uses: it failed, the app reaches members dynamically, or it has no tokens at all (an empty app: the bundle is the runtime alone, driven from outside, e.g. the REPL or a test). */
export function usesAll(n: AppNames | null): boolean {
  return !n || n.dynamic || !n.values.length;
}

/** A plugin loading `source` in place of firmware/`file` (a stand-in for what the app never names). */
function stubModule(file: string, source: string): Plugin {
  const id = new RegExp(`[\\\\/]firmware[\\\\/]${file.replace('.', '\\.')}$`);
  return { name: `espimp-stub-${file}`, load: (path) => (id.test(path) ? source : null) };
}

/**
 * firmware/agent.ts replaced by a stub whose methods do nothing (send returns 0, as the real
 * one does): used when the app's scan names nothing containing "agent" (comments do not
 * count; a failed scan keeps the agent, a dynamic or empty app does not), so nothing can reach
 * it. Saves the framing code (~1.7 KB).
 */
const agentStub = () => stubModule('agent.ts', 'export function createAgent() { var n = function () { return 0; }; return { on: n, send: n, rx: n }; }\n');

/** firmware/blob-more.ts replaced by an empty module: used when the app never names a method it adds. */
const blobMoreStub = () => stubModule('blob-more.ts', 'export {};\n');

/** The members of `imp` that firmware/timers.ts makes. */
const IMP_TIMERS = ['wakeup', 'cancelwakeup', 'millis'];

/** firmware/counters.ts replaced by a stub that counts nothing: used when the app never names `stats` (nothing else reads the counters). */
const countersStub = () => stubModule('counters.ts', 'export function counters() { return {}; }\nexport function count() {}\nexport function countOversize() {}\n');

/** True when an app whose scan (appNames) is `n` may give imp.net.open an extended config: it names `wificonfig` or `staticconfig`, or the scan cannot narrow what it uses (usesAll). */
export function usesExtended(n: AppNames | null): boolean {
  return usesAny(n, ['wificonfig', 'staticconfig']);
}

/** firmware/extended.ts replaced by one that finds no extended config: used when the app never names `wificonfig` or `staticconfig` (usesExtended). */
const extendedStub = () => stubModule('extended.ts', 'export var extended = function () { return null; };\n');

/** firmware/timers.ts replaced by a stub adding nothing to `imp`: used when the app never names IMP_TIMERS. */
const timersStub = () => stubModule('timers.ts', 'export function impTimers() { return {}; }\n');

/**
 * firmware/constants.ts replaced by literals of only the imp.net state names and SEND_ERROR_*
 * globals the app mentions (impOS values from the real module). Used unless the app reaches
 * members dynamically or is empty (usesAll).
 */
function constantsPrune(names: string[]): Plugin {
  const pick = (all: { [name: string]: number }) => JSON.stringify(Object.fromEntries(Object.entries(all).filter(([k]) => names.includes(k))));
  return stubModule('constants.ts', `export var STATES = ${pick(STATES)};\nexport var SEND_ERRORS = ${pick(SEND_ERRORS)};\n`);
}

/** firmware/niis.ts with the entries of the board's NIIs `niis` only: no other interface can be opened there. */
function niisPrune(niis: string[]): Plugin {
  const pick = (all: { [nii: string]: unknown }) => JSON.stringify(Object.fromEntries(niis.map((n) => [n, all[n]])));
  return stubModule('niis.ts', `export var TYPES = ${pick(TYPES)};\nexport var HAS_CELL = ${niis.includes('cell0')};\nexport var BY_NII = ${pick(BY_NII)};\n`);
}

/** Public members of imp.net, interfaces and sockets that the runtime never calls itself (firmware/net.ts). */
const OPTIONAL_MEMBERS = ['getstate', 'onreceive', 'isopen', 'stats', 'join', 'leave'];

/** The member of imp.net only the live view's reporter reads (firmware/net.ts, firmware/reporter.ts): left out unless the build has --stats. */
const LIVE_MEMBER = '_live';

/** The socket methods of link-local multicast (firmware/multicast.ts). */
const MCAST_MEMBERS = ['join', 'leave'];

/** firmware/multicast.ts with MCAST false: used when the app never names MCAST_MEMBERS (send()'s group check goes). */
const multicastStub = () => stubModule('multicast.ts', 'export var MCAST = false;\nexport var isGroup = function () { return false; };\n');

/**
 * firmware/net.ts (as JavaScript, after TypeScript) without the class methods and object
 * members named in `drop` (OPTIONAL_MEMBERS the app never names, unless it reaches members
 * dynamically or is empty (usesAll); LIVE_MEMBER without --stats), cut out by their syntax
 * tree positions.
 */
function membersPrune(drop: string[]): Plugin {
  return {
    name: 'espimp-members-prune',
    transform(code, id) {
      if (!drop.length || !/[\\/]firmware[\\/]net\.ts$/.test(id)) return null;
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
 * JavaScript, appended after it; opts.names its scan (appNames(app)), opts.niis the board's NIIs,
 * opts.stats whether the entry adds the live view's reporter (it needs the counters and `_live`).
 */
export function rollupConfig(entry: string, app: string, opts: { minify?: boolean; niis: string[]; names: AppNames | null; record?: MinifyRecord; stats?: boolean }): RollupOptions & { output: any } {
  const names = opts.names, all = usesAll(names);
  // imp.net's `_live` serves only the live view's reporter (firmware/reporter.ts, --stats)
  const drop = [...(all ? [] : OPTIONAL_MEMBERS.filter((m) => !names!.values.includes(m))), ...(opts.stats ? [] : [LIVE_MEMBER])];
  const agent = !names || names.values.some((v) => /agent/.test(v));
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
      ...(agent ? [] : [agentStub()]),
      ...(usesBlobMore(names) ? [] : [blobMoreStub()]),
      ...(all ? [] : [constantsPrune(names!.values)]),
      ...(usesAny(names, IMP_TIMERS) ? [] : [timersStub()]),
      ...(opts.stats || usesAny(names, ['stats']) ? [] : [countersStub()]),
      ...(usesExtended(names) ? [] : [extendedStub()]),
      ...(usesAny(names, MCAST_MEMBERS) ? [] : [multicastStub()]),
      niisPrune(opts.niis),
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
