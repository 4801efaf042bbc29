// The Espruino-faithful test environment: runs Espruino JavaScript (a board bundle, or a
// hand-written script) in Node, in a node:vm context that looks like Espruino 2v2x and not
// like Node.
//
//   import { createEspruinoEnv } from '../host/espruino/env';
//   const lan = new Lan({ subnet: '192.168.77' });
//   const env = createEspruinoEnv({ board, lan, host: 5, storage: { 'espimp.net': '{"nii":"wl0","wificonfig":{...}}' } });
//   env.run(bundleSource, 'esp32.js');     // checked first (host/check): Espruino-unsupported code throws
//   lan.run(10_000);                       // virtual time: timers, Wi-Fi joins, datagrams
//   env.output                             // console lines ("Uncaught …" lines too)
//   env.device.unplug('radio')             // the device on the LAN: pull the radio / cable
//   env.close();
//
// Options (EspruinoEnvOptions): `board` (the parsed boards/<name>.json: name, memory.blocks,
// storage bytes are used), `flavor` (esp32 | esp8266 | espruino-wifi | pico | original |
// linux; default: derived from board.flavor or board.name), `lan` (a hal/mock/lan.ts Lan;
// created if missing for LAN flavors), `host` (the device's DHCP address is subnet.host,
// default 2), `address` (linux: the address sockets bind; default 0.0.0.0 as Espruino's
// bind(port) does, so datagrams leave from 127.0.0.1; a 127.x address instead puts the
// device there, a deviation that lets several devices share a machine), `storage`
// ({file: content}, shared and mutated),
// `check` (default true), `echo` (a function called with every console line), `onevent`
// (called after every event the script handled).
//
// The context has no Node globals (no process, Buffer, require, setImmediate,
// structuredClone, TextEncoder, ...), and the standard built-ins Espruino lacks are deleted
// (host/espruino/builtins.ts: Map, Set, Symbol, Array.from, Object.freeze, Math.trunc,
// Promise.prototype.finally, ...). It has Espruino's globals: E, getTime, setTimeout /
// setInterval / clearTimeout / clearInterval / changeInterval (integer ids; no argument
// clears all; clearTimeout(undefined) throws), console, print, process (memory(),
// version, env), btoa/atob, global, pins (A0-C15, D0-D40, LED1-3), SPI1-3, Object.prototype.on/
// emit/removeListener/removeAllListeners, and require() for 'dgram', 'Storage', 'Wifi'
// (esp32, esp8266, espruino-wifi; the linux port throws `Module "Wifi" not found`) and
// 'WIZnet' (pico, original, espruino-wifi). LAN flavors run on the LAN's virtual clock; the
// linux flavor uses real timers and real UDP sockets on loopback (await env.until(...)).
// What the vm cannot imitate (function/var hoisting, closures over for-let, X.prototype.m
// being undefined) is caught by the checker before the code runs. Details:
// docs/espruino-env.md.
import vm from 'node:vm';
import { Lan, type MockDevice } from '../../hal/mock/lan';
import { checkSource, errorsOf, formatFinding, type Finding } from '../check/index';
import type { Core, Flavor, Handle, Realm } from './core';
import { BLOCKS, BLOCKSIZE, base64, consoleOf, installEvents, makeE, makePin, makeSPI, show, stripBuiltins, timers } from './globals';
import { makeDgram, isLoopback, type DgramStats } from './dgram';
import { makeWifi } from './wifi';
import { makeWiznet } from './wiznet';
import { makeStorage } from './storage';

export type { Flavor } from './core';

/** Fields of a boards/<name>.json the environment reads (others are ignored). */
export interface BoardLike {
  name?: string;
  /** Not in boards/*.json (they are told apart by name): for a hand-made board object. */
  flavor?: string;
  /** `storage` (bytes of flash for Storage) is not in boards/*.json either: for a hand-made board object. */
  memory?: { blocks?: number; storage?: number } | null;
  [key: string]: unknown;
}

export interface EspruinoEnvOptions {
  board?: BoardLike;
  flavor?: Flavor;
  lan?: Lan;
  host?: number;
  address?: string;
  storage?: { [file: string]: string };
  check?: boolean;
  echo?: (line: string) => void;
  /** Called after every event the script has handled (a timer, a datagram, a load), for waiters outside the environment. */
  onevent?: () => void;
}

/** An error a script threw at load time, or the checker's verdict; `findings` when it is the checker's. */
export class EspruinoError extends Error {
  findings: Finding[];
  constructor(message: string, findings: Finding[] = []) {
    super(message);
    this.name = 'EspruinoError';
    this.findings = findings;
  }
}

export interface EspruinoEnv {
  readonly flavor: Flavor;
  /** Console lines, in order (console.log, print, "Uncaught …", warnings). */
  readonly output: string[];
  /** The "Uncaught …" lines alone. */
  readonly errors: string[];
  /** The vm context (its globals are Espruino's). */
  readonly context: vm.Context;
  /** Storage files (the object passed as opts.storage, mutated in place). */
  readonly storage: { [file: string]: string };
  /** The LAN and this environment's device on it (null for linux). */
  readonly lan: Lan | null;
  readonly device: MockDevice | null;
  /** dgram counters: sent, received, truncated, dropped, refused. */
  readonly udp: DgramStats;
  /** Check (unless opts.check === false) and run `code` as Espruino loads a file; throws EspruinoError on check errors or an uncaught load-time exception. */
  run(code: string, filename?: string): void;
  /** Estimated JsVar use and the board's total, as process.memory() reports them. */
  memory(): { usage: number; total: number; free: number; blocksize: number };
  /** Linux flavor: resolve once `pred()` is true (checked after every event), reject after `timeoutMs`. */
  until(pred: () => boolean, timeoutMs?: number): Promise<void>;
  /** Stop timers, close sockets, take links down. */
  close(): void;
}

const FLAVORS: Flavor[] = ['esp32', 'esp8266', 'espruino-wifi', 'pico', 'original', 'linux'];
const WIFI: Flavor[] = ['esp32', 'esp8266', 'espruino-wifi'];
const WIZNET: Flavor[] = ['pico', 'original', 'espruino-wifi'];
/** Espruino's storage area per flavor (bytes), when the board file does not say. */
const STORAGE: { [f in Flavor]: number } = { esp32: 196608, esp8266: 12288, 'espruino-wifi': 131072, pico: 49152, original: 12288, linux: 1048576 };
/** JsVars a script loaded into RAM keeps per source character (espruino-facts.md: 5 KB of functions → 614 vars). */
const VARS_PER_CHAR = 614 / 5000;
/** JsVars in use with an empty script (32-bit builds). */
const BASE_VARS = 48;

/** The flavor a board file describes (board.flavor, else its name). */
function flavorOf(board?: BoardLike): Flavor {
  const s = String((board && (board.flavor || board.name)) || '').toLowerCase();
  if ((FLAVORS as string[]).includes(s)) return s as Flavor;
  if (s.includes('esp32')) return 'esp32';
  if (s.includes('esp8266')) return 'esp8266';
  if (s.includes('wifi')) return 'espruino-wifi';
  if (s.includes('pico')) return 'pico';
  if (s.includes('original')) return 'original';
  if (s.includes('linux')) return 'linux';
  throw new Error(`cannot tell the Espruino flavor of board ${JSON.stringify(s)}: give opts.flavor`);
}

let openEnvs = 0;
const byPromise = new Map<unknown, (reason: unknown) => void>();
function onRejection(reason: unknown, p: Promise<unknown>) {
  const report = byPromise.get(p && Object.getPrototypeOf(p) && Object.getPrototypeOf(p).constructor);
  if (report) report(reason);
  else if (process.listenerCount('unhandledRejection') === 1) throw reason;
}

/** Create an Espruino-faithful environment (see the file header). */
export function createEspruinoEnv(opts: EspruinoEnvOptions = {}): EspruinoEnv {
  const flavor = opts.flavor || flavorOf(opts.board);
  if (!FLAVORS.includes(flavor)) throw new Error(`unknown flavor ${flavor}`);
  const linux = flavor === 'linux';
  const host = opts.host ?? 2;
  const address = opts.address || '0.0.0.0';
  if (linux && address !== '0.0.0.0' && !isLoopback(address)) throw new Error(`the linux flavor binds 0.0.0.0 or a loopback address, not ${address}`);
  const lan = linux ? null : opts.lan || new Lan({ subnet: '192.168.77' });
  const device = lan ? lan.device(host, { name: opts.board?.name || flavor }) : null;
  const storage = opts.storage || {};
  const output: string[] = [];
  const errors: string[] = [];
  const closers: (() => void)[] = [];
  const waiters: { pred: () => boolean; resolve: () => void }[] = [];
  const realTimers = new Set<ReturnType<typeof setTimeout>>();
  let codeChars = 0;
  let closed = false;

  const ctx = vm.createContext({}, { name: `espruino-${flavor}`, microtaskMode: 'afterEvaluate' });
  const inCtx = (code: string) => vm.runInContext(code, ctx);
  const drain = new vm.Script('0');
  const R: Realm = inCtx('({ Object: Object, Array: Array, Uint8Array: Uint8Array, Error: Error, JSON: JSON })');
  const print = (line: string) => {
    output.push(line);
    if (opts.echo) opts.echo(line);
  };
  const uncaught = (e: any) => {
    const line = `Uncaught ${e && typeof e === 'object' && 'message' in e ? `${e.name || 'Error'}: ${e.message}` : show(e, false)}`;
    errors.push(line);
    print(line);
  };
  const notify = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].pred()) { waiters[i].resolve(); waiters.splice(i, 1); }
    }
    if (opts.onevent) opts.onevent();
  };
  const core: Core = {
    flavor, R, lan, device, net: null,
    call(fn, thisArg, args) {
      if (closed) return;
      try { (fn as Function).apply(thisArg, args); } catch (e) { uncaught(e); }
      drain.runInContext(ctx);
      notify();
    },
    later(ms, fn) {
      if (lan) return lan.clock.timer(ms, fn);
      const t = setTimeout(() => { realTimers.delete(t); if (!closed) fn(); }, Math.max(0, ms));
      realTimers.add(t);
      return t;
    },
    cancel(h: Handle) {
      if (lan) lan.clock.cancel(h);
      else { clearTimeout(h as ReturnType<typeof setTimeout>); realTimers.delete(h as ReturnType<typeof setTimeout>); }
    },
    now: () => (lan ? lan.clock.now() + device!.skew : Date.now()),
    print,
    error: (message: string) => new R.Error(message),
    onClose: (fn) => { closers.push(fn); },
  };

  // Espruino's world in the context.
  installEvents(inCtx);
  const total = opts.board?.memory?.blocks || BLOCKS[flavor];
  const memory = () => {
    const usage = Math.min(total, BASE_VARS + Math.round(codeChars * VARS_PER_CHAR));
    return { usage, total, free: total - usage, blocksize: BLOCKSIZE[flavor] };
  };
  const t = timers(core);
  const { console: con, print: printFn } = consoleOf(core);
  const dg = makeDgram(core, linux ? { loopback: { address } } : {});
  const st = makeStorage(core, storage, opts.board?.memory?.storage || STORAGE[flavor]);
  const pinState = new Map<string, number>();
  const chip = WIZNET.includes(flavor) ? () => !!device && device.cable : null;
  const spis = [makeSPI(core, 'SPI1', chip), makeSPI(core, 'SPI2', chip), makeSPI(core, 'SPI3', chip)];
  const modules: { [name: string]: () => unknown } = { dgram: () => dg.module, Storage: () => st };
  if (WIFI.includes(flavor)) { let w: unknown; modules.Wifi = () => w || (w = makeWifi(core, host)); }
  if (WIZNET.includes(flavor)) { let w: unknown; modules.WIZnet = () => w || (w = makeWiznet(core, host, spis)); }
  const g: any = inCtx('this');
  const proc: any = new R.Object();
  Object.assign(proc, {
    version: '2v29',
    env: R.JSON.parse(JSON.stringify({ VERSION: '2v29', BOARD: (opts.board?.name || flavor).toUpperCase(), RAM: total * BLOCKSIZE[flavor] })),
    memory: () => {
      const m = memory();
      return R.JSON.parse(JSON.stringify({ free: m.free, usage: m.usage, total: m.total, history: 0, gc: 0, gctime: 0, blocksize: m.blocksize }));
    },
  });
  Object.assign(g, {
    global: g,
    E: makeE(core, memory),
    console: con,
    print: printFn,
    process: proc,
    getTime: () => core.now() / 1000,
    btoa: base64.btoa,
    atob: base64.atob,
    setTimeout: t.setTimeout, setInterval: t.setInterval, clearTimeout: t.clearTimeout, clearInterval: t.clearInterval,
    changeInterval: t.changeInterval,
    require: (name: unknown) => {
      const n = String(name);
      if (!Object.prototype.hasOwnProperty.call(modules, n)) throw core.error(`Module ${JSON.stringify(n)} not found`);
      return modules[n]();
    },
    SPI1: spis[0], SPI2: spis[1], SPI3: spis[2],
    digitalWrite: (p: unknown, v: unknown) => { pinState.set(String(p), v ? 1 : 0); },
    digitalRead: (p: unknown) => pinState.get(String(p)) || 0,
    pinMode: () => undefined,
  });
  if (linux) g.quit = () => api.close();
  const pins = [...'ABC'].flatMap((port) => Array.from({ length: 16 }, (_, i) => port + i))
    .concat(Array.from({ length: 41 }, (_, i) => 'D' + i), ['LED1', 'LED2', 'LED3', 'BTN1']);
  for (const p of pins) g[p] = makePin(core, p, pinState);
  stripBuiltins(inCtx);

  const P = inCtx('Promise');
  byPromise.set(P, (reason) => { if (!closed) uncaught({ name: 'Error', message: `Unhandled promise rejection: ${show(reason, false)}` }); });
  if (openEnvs++ === 0) process.on('unhandledRejection', onRejection);

  const api: EspruinoEnv = {
    flavor, output, errors, context: ctx, storage, lan, device, udp: dg.stats,
    run(code, filename = 'code.js') {
      if (opts.check !== false) {
        const findings = checkSource(code, filename);
        const bad = errorsOf(findings);
        if (bad.length) {
          throw new EspruinoError(`${filename} uses what Espruino cannot run:\n` + bad.map((f) => formatFinding(filename, f)).join('\n'), findings);
        }
      }
      codeChars += code.length;
      try {
        new vm.Script(code, { filename }).runInContext(ctx);
      } catch (e: any) {
        uncaught(e);
        throw new EspruinoError(errors[errors.length - 1]);
      } finally {
        notify();
      }
    },
    memory,
    until(pred, timeoutMs = 5000) {
      if (pred()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const w = { pred, resolve: () => { clearTimeout(guard); resolve(); } };
        const guard = setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) waiters.splice(i, 1);
          reject(new Error(`until: condition not met within ${timeoutMs} ms; output so far:\n${output.join('\n')}`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    close() {
      if (closed) return;
      for (const f of closers.splice(0)) { try { f(); } catch { /* keep closing */ } }
      closed = true;
      for (const tm of realTimers) clearTimeout(tm);
      realTimers.clear();
      if (lan && device) {
        lan.endpoints = lan.endpoints.filter((e) => e.dev !== device);
        for (const nii of Object.keys(device.links)) delete device.links[nii];
      }
      byPromise.delete(P);
      if (--openEnvs === 0) process.off('unhandledRejection', onRejection);
    },
  };
  return api;
}
