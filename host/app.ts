// Loading an app on the PC: read it (TypeScript transpiled), then run it in a node:vm
// context whose globals are one device's runtime, timers on that device's platform clock,
// and console.log -> server.log. Exceptions from callbacks are reported, as Espruino
// reports "Uncaught" errors, and never stop the device; every error names the app's
// file:line:col (a .ts app's own lines, through TypeScript's source map), and an uncaught
// one the handler it came from (`in onreceive`).
import { readFileSync, existsSync } from 'node:fs';
import { createRequire, SourceMap } from 'node:module';
import vm from 'node:vm';
import type * as TS from 'typescript';
import type { Platform } from '../hal/contract';
import type { Runtime } from '../firmware/runtime';
import type { Nic } from '../firmware/api';
import { UserError } from '../build/user-error';

/** The text of app file `file`, or a one-line UserError. */
export function readApp(file: string): string {
  if (!existsSync(file)) throw new UserError(`app file not found: ${file}`, 'ERR_APP_NOT_FOUND');
  try {
    return readFileSync(file, 'utf8');
  } catch (e: any) {
    throw new UserError(`cannot read app file ${file}: ${e && e.code || e}`, 'ERR_APP_NOT_FOUND');
  }
}

/** The TypeScript compiler, loaded on first use: it alone takes about half a second to load. */
export function typescript(): typeof TS {
  return createRequire(import.meta.url)('typescript');
}

/** A .ts app's source `src` as ES2019 (with its source map when `map`), and the syntax errors TypeScript found (it emits anyway). */
export function transpileApp(src: string, file: string, map = false): { code: string; map?: string; errors: TS.Diagnostic[] } {
  const ts = typescript();
  const out = ts.transpileModule(src, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2019, module: ts.ModuleKind.ESNext, removeComments: false, sourceMap: map },
  });
  const errors = (out.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  // `export {};` (a file with only type exports) is the last line: the lines before keep their numbers
  const code = out.outputText.replace(/\n\/\/# sourceMappingURL=[^\n]*\s*$/, '\n').replace(/^export \{\};?\s*$/m, '');
  return { code, map: out.sourceMapText, errors };
}

/** A generated position (line, column from 1) -> the source's through `sm`, or null where it maps to nothing. */
export function mapBack(sm: SourceMap, line: number, column: number): { line: number; column: number } | null {
  const e: any = sm.findEntry(line - 1, column - 1);
  if (!e || typeof e.originalLine !== 'number') return null;
  // within the mapped segment the text is the source's own, so the offset carries over
  const offset = e.generatedLine === line - 1 ? column - 1 - e.generatedColumn : 0;
  return { line: e.originalLine + 1, column: e.originalColumn + 1 + offset };
}

/** A generated position (line, column from 1) -> the source's, through source map `map` (JSON text); unmapped ones as they are. */
export function sourcePositions(map: string): (line: number, column: number) => { line: number; column: number } {
  const sm = new SourceMap(JSON.parse(map));
  return (line, column) => mapBack(sm, line, column) || { line, column };
}

/** An app's JavaScript, and for a .ts app the source map back to its own lines. */
export interface AppCode {
  /** The JavaScript the device runs (a .ts file transpiled to ES2019). */ code: string;
  /** A position in `code` -> the app file's (identity for a .js app). */ at: (line: number, column: number) => { line: number; column: number };
}

/** The JavaScript of app file `file` with its position map; a .ts syntax error is a UserError at its file:line:col. */
export function appCode(file: string): AppCode {
  const src = readApp(file);
  if (!file.endsWith('.ts')) return { code: src, at: (line, column) => ({ line, column }) };
  const { code, map, errors } = transpileApp(src, file, true);
  if (errors.length) {
    const d = errors[0], at = d.file ? d.file.getLineAndCharacterOfPosition(d.start || 0) : { line: 0, character: 0 };
    throw new UserError(`${file}:${at.line + 1}:${at.character + 1}: SyntaxError: ${typescript().flattenDiagnosticMessageText(d.messageText, ' ')}`, 'ERR_APP_SYNTAX');
  }
  return { code, at: sourcePositions(map!) };
}

/** The JavaScript of app file `file` (a .ts file is transpiled to ES2019). */
export function appSource(file: string): string {
  return appCode(file).code;
}

/**
 * Where error `e` happened in app `file`: ` at FILE:LINE:COL` from the first stack frame in the
 * file (a syntax error: the line V8 names and its caret), mapped by `at`; '' when none is.
 */
function appLocation(e: any, file: string, at: AppCode['at'] = (line, column) => ({ line, column })): string {
  const stack = String(e && e.stack || '');
  const name = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let m = new RegExp(`(?:\\(|at )${name}:(\\d+):(\\d+)\\)?$`, 'm').exec(stack);
  let line: number, column: number;
  if (m) {
    line = Number(m[1]); column = Number(m[2]);
  } else {
    // a SyntaxError from vm: "FILE:LINE\n<the line>\n<spaces>^^^"
    m = new RegExp(`^${name}:(\\d+)\\n[^\\n]*\\n( *)\\^`).exec(stack);
    if (!m) return '';
    line = Number(m[1]); column = m[2].length + 1;
  }
  const p = at(line, column);
  return ` at ${file}:${p.line}:${p.column}`;
}

/** "Name: message" of a thrown value (its first line). */
function errorText(e: any): string {
  if (e && typeof e === 'object' && 'message' in e) return `${e.name || 'Error'}: ${String(e.message).split('\n')[0]}`;
  return String(e);
}

/**
 * Wrap every callback the app hands the runtime (imp.net.open's onstate, openudp's and
 * onreceive's handler, imp.wakeup, agent.on) so an exception in it is reported as
 * `Uncaught Error: x in onreceive at app.js:4:3` (`report` gets that line) and goes no further,
 * as the runtime would have it (the device keeps running).
 */
function nameHandlers(rt: Runtime, report: (line: string) => void, where: (e: unknown) => string) {
  const wrap = (what: string, cb: any) => typeof cb !== 'function' ? cb : function (this: unknown, ...args: unknown[]) {
    try { return cb.apply(this, args); } catch (e) { report(`Uncaught ${errorText(e)} in ${what}${where(e)}`); }
  };
  const patched = new Set<object>();
  /** Wrap the handler-taking methods of `o`'s prototype (a class inside the runtime) once. */
  const patch = (o: any, methods: { [m: string]: string }) => {
    const proto = o && Object.getPrototypeOf(o);
    if (!proto || patched.has(proto)) return;
    patched.add(proto);
    for (const m of Object.keys(methods)) {
      const orig = proto[m];
      if (typeof orig !== 'function') continue;
      proto[m] = function (this: unknown, cb: unknown, ...rest: unknown[]) {
        const r = orig.call(this, wrap(methods[m], cb), ...rest);
        if (m === 'openudp') patch(r, { onreceive: 'onreceive' });
        return r;
      };
    }
  };
  const net = rt.imp.net, open = net.open;
  net.open = function (this: unknown, nic: Nic, onstate?: unknown) {
    const f = open.call(this, nic, wrap('onstate', onstate));
    patch(f, { openudp: 'onreceive' });
    return f;
  };
  const imp: any = rt.imp;
  if (typeof imp.wakeup === 'function') {
    const wakeup = imp.wakeup;
    imp.wakeup = function (this: unknown, seconds: unknown, cb: unknown) { return wakeup.call(this, seconds, wrap('imp.wakeup', cb)); };
  }
  const agent: any = rt.agent;
  if (agent && typeof agent.on === 'function') {
    const on = agent.on;
    agent.on = function (this: unknown, name: unknown, cb: unknown) { return on.call(this, name, wrap(`agent.on(${JSON.stringify(name)})`, cb)); };
  }
}

/** A platform whose timer callbacks report exceptions instead of throwing them. */
export function guarded(p: Platform, report: (line: string) => void): Platform {
  const wrap = (cb: () => void) => () => {
    try { cb(); } catch (e: any) { report(`Uncaught ${e && e.stack ? String(e.stack).split('\n')[0] : e}`); }
  };
  return { ...p, timer: (ms, cb) => p.timer(ms, wrap(cb)), later: (cb) => p.later(wrap(cb)) };
}

/** A platform whose timers are tracked, so what an app left pending can be cancelled at once (to stop a device). */
export function tracked(p: Platform): { platform: Platform; stopAll: () => void } {
  const live = new Set<unknown>();
  const platform: Platform = {
    ...p,
    timer: (ms, cb) => {
      const id = p.timer(ms, () => { live.delete(id); cb(); });
      live.add(id);
      return id;
    },
    // tracked as a 0 ms timer, so stopAll() cancels it too
    later: (cb) => { platform.timer(0, cb); },
    cancel: (id) => { live.delete(id); p.cancel(id); },
  };
  return { platform, stopAll: () => { for (const id of live) p.cancel(id); live.clear(); } };
}

/** The globals an app sees: the runtime's, timers on the platform clock, console. `named` wraps a timer's callback (startApp: to name it in an uncaught error). */
export function appGlobals(rt: Runtime, p: Platform, named: (what: string, cb: () => void) => () => void = (_, cb) => cb): { [name: string]: unknown } {
  const intervals = new Map<object, unknown>();
  const g: { [name: string]: unknown } = {
    imp: rt.imp, server: rt.server, agent: rt.agent, blob: rt.blob,
    SEND_ERROR_NOT_CONNECTED: 1, SEND_ERROR_TIMEOUT: 2, SEND_ERROR_DISCONNECTED: 3, SEND_ERROR_WOULDBLOCK: 4,
    setTimeout: (cb: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => p.timer(ms || 0, named('setTimeout', () => cb(...args))),
    clearTimeout: (id: unknown) => p.cancel(id),
    setInterval: (cb: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const key = {};
      const run = named('setInterval', () => cb(...args));
      const tick = () => { intervals.set(key, p.timer(Math.max(1, ms || 0), tick)); run(); };
      intervals.set(key, p.timer(Math.max(1, ms || 0), tick));
      return key;
    },
    clearInterval: (key: object) => { p.cancel(intervals.get(key)); intervals.delete(key); },
    console: { log: (...a: unknown[]) => rt.server.log(a.join(' ')), error: (...a: unknown[]) => rt.server.error(a.join(' ')) },
  };
  return g;
}

/**
 * Run app source `src` (named `file` in stack traces; or its AppCode, whose map puts positions
 * in the app's own lines) as one device; returns its context. A syntax error or an exception
 * while loading is a UserError at the app's file:line:col; an exception in a handler later is
 * an `ERROR: Uncaught ... in HANDLER at FILE:LINE:COL` line on the device's console.
 */
export function startApp(src: string | AppCode, file: string, rt: Runtime, p: Platform, extra: { [name: string]: unknown } = {}): vm.Context {
  const app = typeof src === 'string' ? { code: src, at: (line: number, column: number) => ({ line, column }) } : src;
  const where = (e: unknown) => appLocation(e, file, app.at);
  const report = (line: string) => p.write('ERROR: ' + line);
  nameHandlers(rt, report, where);
  const named = (what: string, cb: () => void) => () => {
    try { cb(); } catch (e) { report(`Uncaught ${errorText(e)} in ${what}${where(e)}`); }
  };
  const ctx = vm.createContext({ ...appGlobals(rt, p, named), ...extra });
  let script: vm.Script;
  try {
    script = new vm.Script(app.code, { filename: file });
  } catch (e: any) {
    const at = where(e);
    throw new UserError(at ? `${at.slice(4)}: ${errorText(e)}` : `${file}: ${errorText(e)}`, 'ERR_APP_SYNTAX');
  }
  try {
    script.runInContext(ctx);
  } catch (e: any) {
    const at = where(e);
    throw new UserError(`${at ? at.slice(4) + ':' : file} threw while loading: ${e && e.message || e}`, 'ERR_APP_THREW');
  }
  return ctx;
}
