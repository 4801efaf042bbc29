// Espruino's global functions and objects for the vm context: E, timers, console/print,
// getTime, process, btoa/atob, pins and SPI, Object.prototype.on/emit, and the removal of
// the standard built-ins Espruino lacks (builtins.ts). Behaviour per espruino-facts.md and
// Espruino's sources; see docs/espruino-env.md.
import { MISSING_GLOBALS, MISSING_STATICS, MISSING_METHODS, ESPRUINO_MATH } from './builtins';
import { type Core, type Flavor, stringBytes, bytesString } from './core';

/** Memory of the boards (JsVar blocks, espruino-facts.md); the 64-bit Linux port starts at 4096 and grows. */
export const BLOCKS: { [f in Flavor]: number } = {
  esp32: 16383, esp8266: 1600, 'espruino-wifi': 8190, pico: 5100, original: 2756, linux: 4096,
};

/** Bytes per JsVar: 13 on the 32-bit boards, 27 on the 64-bit Linux port. */
export const BLOCKSIZE: { [f in Flavor]: number } = {
  esp32: 13, esp8266: 13, 'espruino-wifi': 13, pico: 13, original: 13, linux: 27,
};

/** Espruino's console rendering of a value (close to what it prints: strings raw, objects JSON-like). */
export function show(v: unknown, top = true): string {
  if (typeof v === 'string') return top ? v : JSON.stringify(v);
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return typeof v === 'function' ? 'function () { [native code] }' : String(v);
  if (ArrayBuffer.isView(v)) return `new ${v.constructor.name}([${Array.prototype.join.call(v, ', ')}])`;
  if (Array.isArray(v)) return '[ ' + v.map((x) => show(x, false)).join(', ') + ' ]';
  if (v instanceof Error || (typeof (v as any).message === 'string' && typeof (v as any).name === 'string')) return `${(v as any).name}: ${(v as any).message}`;
  const keys = Object.keys(v);
  return keys.length ? '{ ' + keys.map((k) => `${JSON.stringify(k)}: ${show((v as any)[k], false)}`).join(', ') + ' }' : '{ }';
}

/** The bytes E.toUint8Array/E.toString make of their arguments: numbers wrap to a byte, strings by char, arrays and {data,count} recursively. */
export function flatBytes(args: unknown[]): number[] {
  const out: number[] = [];
  const add = (v: any) => {
    if (typeof v === 'number' || typeof v === 'boolean') out.push(Number(v) & 255);
    else if (typeof v === 'string') for (let i = 0; i < v.length; i++) out.push(v.charCodeAt(i) & 255);
    else if (v instanceof ArrayBuffer || (v && v.constructor && v.constructor.name === 'ArrayBuffer')) add(new Uint8Array(v));
    else if (v && typeof v === 'object' && 'data' in v && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
      const n = v.count === undefined ? 1 : Number(v.count) | 0;
      for (let i = 0; i < n; i++) add(v.data);
    } else if (v && typeof v === 'object' && typeof v.length === 'number') for (let i = 0; i < v.length; i++) add(v[i]);
  };
  for (const a of args) add(a);
  return out;
}

/** The binary string E.toString makes of its arguments (flatBytes). */
export function flatString(args: unknown[]): string {
  return bytesString(Uint8Array.from(flatBytes(args)));
}

/** CRC32 (IEEE, as E.CRC32). */
function crc32(bytes: number[] | Uint8Array): number {
  let c = ~0;
  for (let i = 0; i < bytes.length; i++) {
    c ^= bytes[i] & 255;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (~c) >>> 0;
}

/** Approximate E.getSizeOf on a 32-bit build: {} = 1, 10-element array = 11, 100-char string = 12, Uint8Array(100) = 11, small function = 3. */
function sizeOf(v: any, seen = new Set<object>()): number {
  if (typeof v === 'string') return v.length <= 8 ? 1 : 1 + Math.ceil((v.length - 8) / 9);
  if (typeof v === 'function') return 3;
  if (!v || typeof v !== 'object') return 1;
  if (seen.has(v)) return 0;
  seen.add(v);
  if (ArrayBuffer.isView(v)) return 1 + Math.ceil(v.byteLength / 10);
  let n = 1;
  for (const k of Object.keys(v)) {
    const x = v[k];
    n += x === null || typeof x === 'number' || typeof x === 'boolean' || x === undefined ? 1 : 1 + sizeOf(x, seen);
  }
  return n;
}

/** Delete from the context what Espruino lacks (builtins.ts), keeping the engine's own use of them intact; add Math.clip/wrap; cap Function.prototype.apply at 256 arguments. */
export function stripBuiltins(run: (code: string) => unknown) {
  const methods: { [proto: string]: string[] } = { Array: [], TypedArray: [], String: [], Promise: [] };
  for (const [name, info] of Object.entries(MISSING_METHODS)) for (const p of info.protos) methods[p].push(name);
  const spec = JSON.stringify({ globals: MISSING_GLOBALS, statics: MISSING_STATICS, methods, math: ESPRUINO_MATH });
  run(`(function (g, s) {
    var i, k;
    for (i = 0; i < s.globals.length; i++) delete g[s.globals[i]];
    for (k in s.statics) if (k !== 'Math') for (i = 0; i < s.statics[k].length; i++) delete g[k][s.statics[k][i]];
    var TA = Object.getPrototypeOf(Uint8Array);
    delete TA.from; delete TA.of;
    Object.getOwnPropertyNames(Math).forEach(function (m) { if (s.math.indexOf(m) < 0) delete Math[m]; });
    var protos = { Array: Array.prototype, TypedArray: TA.prototype, String: String.prototype, Promise: Promise.prototype };
    for (k in s.methods) for (i = 0; i < s.methods[k].length; i++) delete protos[k][s.methods[k][i]];
    delete ArrayBuffer.prototype.slice;
    delete Error.captureStackTrace;
    var ap = Function.prototype.apply; // Espruino: at most 256 arguments through apply (espruino-facts.md)
    Object.defineProperty(Function.prototype, 'apply', { writable: true, configurable: true, value: function (t, a) {
      if (a && a.length > 256) throw new Error('Array passed to Function.apply is too big! Maximum 256 arguments');
      return ap.call(this, t, a);
    } });
    Math.clip = function (x, lo, hi) { return x < lo ? lo : x > hi ? hi : x; };
    Math.wrap = function (x, max) { return ((x % max) + max) % max; };
  })(this, ${spec})`);
}

/** Install Espruino's Object.prototype.on/emit/removeListener/removeAllListeners/clone (listeners live in hidden '#on<event>'). */
export function installEvents(run: (code: string) => unknown) {
  run(`(function () {
    function list(o, e) {
      var k = '#on' + e;
      if (!Object.prototype.hasOwnProperty.call(o, k)) Object.defineProperty(o, k, { value: [], writable: true, configurable: true });
      return o[k];
    }
    function def(n, f) { Object.defineProperty(Object.prototype, n, { value: f, writable: true, configurable: true }); }
    def('on', function (e, f) { list(this, e).push(f); return this; });
    def('addListener', function (e, f) { list(this, e).push(f); return this; });
    def('prependListener', function (e, f) { list(this, e).unshift(f); return this; });
    def('emit', function (e) {
      var l = list(this, e).slice(), a = [].slice.call(arguments, 1);
      for (var i = 0; i < l.length; i++) l[i].apply(this, a);
      return l.length > 0;
    });
    def('removeListener', function (e, f) {
      var l = list(this, e), i = l.indexOf(f);
      if (i >= 0) l.splice(i, 1);
      return this;
    });
    def('removeAllListeners', function (e) {
      var self = this;
      if (e !== undefined) list(self, e).length = 0;
      else Object.getOwnPropertyNames(self).forEach(function (k) { if (k.indexOf('#on') === 0) self[k].length = 0; });
      return this;
    });
    def('clone', function () { return JSON.parse(JSON.stringify(this)); });
  })()`);
}

/** Timers: setTimeout/setInterval/clearTimeout/clearInterval/changeInterval with integer ids, as Espruino. */
export function timers(core: Core) {
  const live = new Map<number, { h: unknown; fn: Function; args: unknown[]; ms: number; repeat: boolean }>();
  let next = 1;
  const arm = (id: number) => {
    const t = live.get(id)!;
    t.h = core.later(t.ms, () => {
      if (live.get(id) !== t) return;
      if (t.repeat) arm(id); else live.delete(id);
      core.call(t.fn, undefined, t.args);
    });
  };
  const set = (repeat: boolean) => (fn: unknown, ms?: unknown, ...args: unknown[]) => {
    if (typeof fn !== 'function') throw core.error('Function or String not supplied!');
    const id = next++;
    live.set(id, { h: null, fn, args, ms: Math.max(repeat ? 1 : 0, Number(ms) || 0), repeat });
    arm(id);
    return id;
  };
  const clear = (what: string) => function (this: unknown, ...a: unknown[]) {
    if (a.length === 0) { // Espruino: no argument stops every timer
      for (const t of live.values()) core.cancel(t.h);
      live.clear();
      return;
    }
    if (a[0] === undefined) throw core.error(`${what}(undefined) not allowed. Use ${what}() instead.`);
    const t = live.get(a[0] as number);
    if (t) { core.cancel(t.h); live.delete(a[0] as number); }
  };
  core.onClose(() => { for (const t of live.values()) core.cancel(t.h); live.clear(); });
  return {
    setTimeout: set(false),
    setInterval: set(true),
    clearTimeout: clear('clearTimeout'),
    clearInterval: clear('clearInterval'),
    changeInterval: (id: number, ms: number) => {
      const t = live.get(id);
      if (!t) throw core.error('Unknown Interval');
      core.cancel(t.h);
      t.ms = Math.max(1, Number(ms) || 0);
      arm(id);
    },
  };
}

/** The E object (the parts a bundle uses). */
export function makeE(core: Core, memory: () => { usage: number }) {
  const { R } = core;
  const u8 = (bytes: number[]) => { const a = new R.Uint8Array(bytes.length); a.set(bytes); return a; };
  const E: any = new R.Object();
  Object.assign(E, {
    toString: (...args: unknown[]) => flatString(args),
    toUint8Array: (...args: unknown[]) => u8(flatBytes(args)),
    toArrayBuffer: (s: string) => u8(Array.from(stringBytes(String(s)))).buffer,
    toJS: (v: unknown) => show(v, false),
    CRC32: (data: unknown) => crc32(flatBytes([data])),
    getSizeOf: (v: unknown, depth?: number) => {
      if (!depth || !v || typeof v !== 'object') return sizeOf(v);
      const out = new R.Array();
      for (const k of Object.keys(v as object)) {
        const e: any = new R.Object();
        e.name = k;
        e.size = sizeOf((v as any)[k]);
        out.push(e);
      }
      return out;
    },
    getErrorFlags: () => new R.Array(),
    setTimeZone: () => undefined,
    defrag: () => undefined,
    setConsole: () => undefined,
    enableWatchdog: () => undefined,
    kickWatchdog: () => undefined,
    dumpVariables: () => core.print(`(${memory().usage} variables in use)`),
  });
  return E;
}

/** A Pin object named `name` (B13, D5, LED1, ...): read/write/set/reset/mode, prints as its name. */
export function makePin(core: Core, name: string, pinState: Map<string, number>) {
  const p: any = new core.R.Object();
  Object.assign(p, {
    read: () => pinState.get(name) || 0,
    write: (v: unknown) => { pinState.set(name, v ? 1 : 0); },
    set: () => { pinState.set(name, 1); },
    reset: () => { pinState.set(name, 0); },
    mode: () => undefined,
    getInfo: () => core.R.JSON.parse(JSON.stringify({ port: name[0], num: Number(name.slice(1)) || 0 })),
    toString: () => name,
  });
  return p;
}

/**
 * An SPI device object (SPI1..SPI3): setup() records its options; send() answers like the
 * bus: with `w5500` (WIZnet flavors) a W5500 sits on it, and a register read frame
 * [addrHi, addrLo, control, ...] returns 0x01 0x02 0x03 then the register bytes: PHYCFGR
 * (0x002E) = 0xBF with the link up (cable in), 0xB8 without; VERSIONR (0x0039) = 0x04;
 * others 0. Without a chip, MISO reads 0xFF.
 */
export function makeSPI(core: Core, name: string, w5500: (() => boolean) | null) {
  const spi: any = new core.R.Object();
  const reg = (addr: number, link: boolean) => addr === 0x2e ? (link ? 0xbf : 0xb8) : addr === 0x39 ? 4 : 0;
  Object.assign(spi, {
    setup: (opts: unknown) => { spi._options = opts; },
    send: (data: unknown) => {
      const bytes = typeof data === 'number' ? [data & 255] : flatBytes([data]);
      let out: number[];
      if (w5500 && bytes.length >= 4 && (bytes[2] & 4) === 0 && (bytes[2] >> 3) === 0) {
        const a = (bytes[0] << 8) | bytes[1];
        out = [1, 2, 3].concat(bytes.slice(3).map((_, i) => reg(a + i, w5500())));
      } else out = bytes.map(() => 0xff);
      if (typeof data === 'number') return out[0];
      if (typeof data === 'string') return bytesString(Uint8Array.from(out));
      const u = new core.R.Uint8Array(out.length);
      u.set(out);
      return u;
    },
    write: () => undefined,
    toString: () => name,
  });
  Object.defineProperty(spi, '_options', { value: undefined, writable: true });
  return spi;
}

/** btoa/atob over binary strings. */
export const base64 = {
  btoa: (s: string) => Buffer.from(stringBytes(String(s))).toString('base64'),
  atob: (s: string) => bytesString(new Uint8Array(Buffer.from(String(s), 'base64'))),
};

/** Build `print`/`console` writing through core.print. */
export function consoleOf(core: Core) {
  const line = (...a: unknown[]) => core.print(a.map((x) => show(x)).join(' '));
  const c: any = new core.R.Object();
  Object.assign(c, { log: line, info: line, warn: line, error: line, debug: line, trace: line });
  return { console: c, print: line };
}

