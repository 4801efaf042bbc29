// The PC playing the imp's agent. An agent module's default export is called with a
// `device` ({on, send, isconnected}); AgentHost hands it messages from the device and puts
// its sends on the link. attachAgent() joins it to a host runtime (`espimp run --agent`)
// through the same frame encoder and decoder the serial console uses. Errors in the
// module's handlers are reported and never stop the device or the link.
// Agent modules load from any folder as .js, .mjs, .cjs or .ts (loadAgentModule).
import { statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Platform } from '../hal/contract';
import type { Runtime } from '../firmware/runtime';
import { fail } from '../firmware/errors';
import { UserError } from '../build/user-error';
import { FrameDecoder, encodeLine, replFrame } from './agent-link';

/** The file extensions an agent module may have. */
export const AGENT_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts'];

/** An error's message, first line only (the CLI prints one line). */
function firstLine(e: any): string {
  return String(e && e.message || e).split('\n').find((l) => l.trim()) || String(e);
}

/**
 * Why a module failed to load, as one line, with the place when the error tells it: esbuild's
 * "Transform failed with 1 error:" is followed by `file:line:col: ERROR: ...`; a CommonJS
 * syntax error's stack starts with `file:line`.
 */
function loadFailure(e: any): string {
  const lines = String(e && e.message || e).split('\n');
  if (/^Transform failed with \d+ errors?:$/.test(lines[0]) && lines[1]) return lines[1];
  const at = e && typeof e.stack === 'string' ? e.stack.split('\n')[0] : '';
  const what = e instanceof SyntaxError ? `SyntaxError: ${firstLine(e)}` : firstLine(e);
  return /^(\/|[A-Za-z]:\\|file:).*:\d+$/.test(at) ? `${at}: ${what}` : what;
}

/**
 * The agent function of the module at `file`: its default export (an ES module's
 * `export default`, a CommonJS module's `module.exports` or `exports.default`).
 * Loads from any folder, with or without a package.json around it, through tsx's
 * isolated loader (`tsImport`): `.ts` is transpiled, `.js` is ESM or CommonJS by its
 * package.json's "type" and, without one, by its syntax; `.mjs`/`.cjs` are what they say.
 * (A plain import() failed outside the repository: under the tsx hooks `espimp` registers
 * when it runs its sources, a `.js` or `.ts` there is a CommonJS require of an ES module,
 * "Cannot require() ES Module ... in a cycle"; the compiled CLI cannot import `.ts` at all.)
 * Throws a one-line UserError: ERR_AGENT_NOT_FOUND (no such file), ERR_AGENT_BAD (another
 * extension, or no function exported), ERR_AGENT_THREW (it failed to load).
 */
export async function loadAgentModule(file: string): Promise<(device: Device) => unknown> {
  const path = resolve(file);
  let isFile = false;
  try { isFile = statSync(path).isFile(); } catch { /* missing */ }
  if (!isFile) throw new UserError(`agent module not found: ${file}`, 'ERR_AGENT_NOT_FOUND');
  if (!AGENT_EXTENSIONS.includes(extname(path))) {
    throw new UserError(`${file}: an agent module is a ${AGENT_EXTENSIONS.join(', ')} file`, 'ERR_AGENT_BAD');
  }
  let mod: any;
  try {
    const { tsImport } = await import('tsx/esm/api');
    mod = await tsImport(path, import.meta.url);
  } catch (e: any) {
    throw new UserError(`${file}: could not load the agent module: ${loadFailure(e)}`, 'ERR_AGENT_THREW');
  }
  let start = mod && mod.default;
  // ESM syntax loaded as CommonJS (a .ts or .js with no "type": "module") or exports.default = fn
  if (start && typeof start === 'object' && typeof start.default === 'function') start = start.default;
  if (typeof start !== 'function') {
    throw new UserError(`${file}: exports no agent: its default export (export default, or module.exports) must be a function(device)`, 'ERR_AGENT_BAD');
  }
  return start;
}

/** What an agent module's default export is given. */
export interface Device {
  /** Register (or, with null, remove) the handler for messages called `name` from the device. */
  on(name: string, cb: ((data: any) => unknown) | null): void;
  /** Send `name` with JSON-able data (a Uint8Array/Buffer arrives as a blob) to the device. 0: sent; 1: device not connected or link busy. */
  send(name: string, data?: unknown): number;
  /** True while the link to the device is up. */
  isconnected(): boolean;
}

/** Counters of the agent side: messages handled, with no handler, sent, refused (not connected). */
export interface AgentCounts { received: number; unhandled: number; sent: number; refused: number }

/** One agent module and its device link. */
export class AgentHost {
  readonly counts: AgentCounts = { received: 0, unhandled: 0, sent: 0, refused: 0 };
  readonly device: Device;
  /** Puts one REPL line (encodeLine) toward the device; returns 0 when sent or queued. Set by the link's owner. */
  output: (line: string, name: string, data: unknown) => number = () => 1;
  /** Whether the link is up. Set by the link's owner. */
  connected: () => boolean = () => true;
  private handlers = new Map<string, (data: any) => unknown>();

  /** `report` gets one line per problem in the module (a handler threw, a promise rejected). */
  constructor(private report: (line: string) => void) {
    this.device = {
      on: (name, cb) => {
        if (typeof name !== 'string') fail('BAD_ARG', name);
        if (cb != null && typeof cb !== 'function') fail('BAD_CALLBACK', cb);
        if (cb) this.handlers.set(name, cb); else this.handlers.delete(name);
      },
      send: (name, data) => {
        if (typeof name !== 'string') fail('BAD_ARG', name);
        let line = '';
        try { line = encodeLine(name, data); } catch { fail('BAD_DATA', data); }
        if (!this.connected()) { this.counts.refused++; return 1; }
        const r = this.output(line, name, data);
        if (r) this.counts.refused++; else this.counts.sent++;
        return r;
      },
      isconnected: () => this.connected(),
    };
  }

  /** Import the module at `file` and call its default export with `device`. Throws UserError when it cannot. */
  async load(file: string): Promise<void> {
    const start = await loadAgentModule(file);
    try {
      await start(this.device);
    } catch (e: any) {
      throw new UserError(`${file}: the agent module threw while starting: ${firstLine(e)}`, 'ERR_AGENT_THREW');
    }
  }

  /** A message from the device: call its handler; a throw or rejection is reported, never thrown. */
  deliver(name: string, data: unknown) {
    const cb = this.handlers.get(name);
    this.counts.received++;
    if (!cb) { this.counts.unhandled++; return; }
    const failed = (e: any) => this.report(`device.on(${JSON.stringify(name)}) handler threw: ${e && e.message || e}`);
    try {
      const r: any = cb(data);
      if (r && typeof r.then === 'function') r.then(undefined, failed);
    } catch (e) {
      failed(e);
    }
  }
}

/**
 * Join the agent module at `modulePath` to the host runtime `rt` (whose board is `platform`):
 * the app's agent.send frames go through the frame decoder to the module's device.on
 * handlers, and device.send lines are taken apart as the REPL would and handed to the
 * app's agent.on handlers, each from the platform's event loop. Problems in the module go
 * to `report` (default: stderr, prefixed "agent: "). Call it before the app starts.
 */
export async function attachAgent(rt: Runtime, modulePath: string, platform: Platform,
  report: (line: string) => void = (line) => process.stderr.write(`agent: ${line}\n`)): Promise<AgentHost> {
  const host = new AgentHost(report);
  const decoder = new FrameDecoder({
    text: (line) => { if (line) platform.write(line); },
    message: (name, data) => { platform.timer(0, () => host.deliver(name, data)); },
  });
  rt.agent.tx = (line: string) => decoder.push(line + '\n');
  host.output = (line) => {
    const frame = replFrame(line);
    if (frame === null) return 1;
    platform.timer(0, () => rt.agent.rx(frame));
    return 0;
  };
  await host.load(modulePath);
  return host;
}
