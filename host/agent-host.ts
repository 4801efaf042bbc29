// The PC playing the imp's agent. An agent module's default export is called with a
// `device` ({on, send, isconnected}); AgentHost hands it messages from the device and puts
// its sends on the link. attachAgent() joins it to a host runtime (`espimp run --agent`)
// through the same frame encoder and decoder the serial console uses. Errors in the
// module's handlers are reported and never stop the device or the link.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Platform } from '../hal/contract';
import type { Runtime } from '../firmware/runtime';
import { fail } from '../firmware/errors';
import { UserError } from './cli-error';
import { FrameDecoder, encodeLine, replFrame } from './agent-link';

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
    const path = resolve(file);
    if (!existsSync(path)) throw new UserError(`agent module not found: ${file}`, 'ERR_AGENT_NOT_FOUND');
    let mod: any;
    try {
      mod = await import(pathToFileURL(path).href);
    } catch (e: any) {
      throw new UserError(`${file}: could not load the agent module: ${e && e.message || e}`, 'ERR_AGENT_THREW');
    }
    const start = mod && mod.default;
    if (typeof start !== 'function') throw new UserError(`${file}: an agent module must export a default function(device)`, 'ERR_AGENT_BAD');
    try {
      await start(this.device);
    } catch (e: any) {
      throw new UserError(`${file}: the agent module threw while starting: ${e && e.message || e}`, 'ERR_AGENT_THREW');
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
