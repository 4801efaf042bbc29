// Loading an app on the PC: read it (TypeScript transpiled), then run it in a node:vm
// context whose globals are one device's runtime, timers on that device's platform clock,
// and console.log -> server.log. Exceptions from callbacks are reported, as Espruino
// reports "Uncaught" errors, and never stop the device.
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';
import type * as TS from 'typescript';
import type { Platform } from '../hal/contract';
import type { Runtime } from '../firmware/runtime';
import { UserError } from './cli-error';

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

/** The JavaScript of app file `file` (a .ts file is transpiled to ES2019). */
export function appSource(file: string): string {
  const src = readApp(file);
  if (!file.endsWith('.ts')) return src;
  const { code, errors } = transpileApp(src, file);
  if (errors.length) throw new UserError(`${file}: ${typescript().flattenDiagnosticMessageText(errors[0].messageText, ' ')}`, 'ERR_APP_SYNTAX');
  return code;
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

/** The globals an app sees: the runtime's, timers on the platform clock, console. */
export function appGlobals(rt: Runtime, p: Platform): { [name: string]: unknown } {
  const intervals = new Map<object, unknown>();
  const g: { [name: string]: unknown } = {
    imp: rt.imp, server: rt.server, agent: rt.agent, blob: rt.blob,
    SEND_ERROR_NOT_CONNECTED: 1, SEND_ERROR_TIMEOUT: 2, SEND_ERROR_DISCONNECTED: 3, SEND_ERROR_WOULDBLOCK: 4,
    setTimeout: (cb: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => p.timer(ms || 0, () => cb(...args)),
    clearTimeout: (id: unknown) => p.cancel(id),
    setInterval: (cb: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const key = {};
      const tick = () => { intervals.set(key, p.timer(Math.max(1, ms || 0), tick)); cb(...args); };
      intervals.set(key, p.timer(Math.max(1, ms || 0), tick));
      return key;
    },
    clearInterval: (key: object) => { p.cancel(intervals.get(key)); intervals.delete(key); },
    console: { log: (...a: unknown[]) => rt.server.log(a.join(' ')), error: (...a: unknown[]) => rt.server.error(a.join(' ')) },
  };
  return g;
}

/** Run app source `src` (named `file` in stack traces) as one device; returns its context. */
export function startApp(src: string, file: string, rt: Runtime, p: Platform, extra: { [name: string]: unknown } = {}): vm.Context {
  const ctx = vm.createContext({ ...appGlobals(rt, p), ...extra });
  try {
    vm.runInContext(src, ctx, { filename: file });
  } catch (e: any) {
    throw new UserError(`${file} threw while loading: ${e && e.message || e}`, 'ERR_APP_THREW');
  }
  return ctx;
}
