// A conformance device on the real Espruino interpreter: the app globals of a board bundle (an
// empty app: nothing left out) driven from the test through Device.call. Every method returns
// a promise (the suite awaits every device call); what the suite reads inside until() is kept
// here from the device's reports: an interface's state (from its onstate) and each socket's
// received datagrams (its onreceive reports them, and the suite's handler is called here with a
// blob-like {len, get}). A blob the suite makes lives here until it is sent, then goes over as
// base64 and is rebuilt there with writestring(atob(...)) (a binary string: its chars are the bytes).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { BIND_REPORTER, type Device, type DeviceEvent } from '../../../host/espruino/interpreter';
import { appNames } from '../../../build/config';

/** A string as a JavaScript literal of ASCII only (\uXXXX escapes; Espruino makes a UTF-8 string of them). */
function literal(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** A blob the suite filled, not yet on the device. */
class LocalBlob {
  bytes: number[];
  constructor(n: number) { this.bytes = new Array(n).fill(0); }
  set(i: number, v: number) { this.bytes[i] = v & 255; }
  len() { return this.bytes.length; }
}

/** What the suite's onreceive handler gets for a datagram's payload. */
function receivedBlob(bytes: number[]) {
  return { len: () => bytes.length, get: (i: number) => bytes[i] };
}

/**
 * The device's `rt` for the suite. `pulse` re-checks the fixture's waiters after every report.
 * The device boots with `REMOTE_SETUP` after its stand-ins.
 */
export function remoteRuntime(dev: Device, pulse: () => void) {
  let next = 1;
  const states = new Map<number, number>();
  const onstate = new Map<number, (s: number) => void>();
  const onrx = new Map<number, Function>();
  // reports are handed on from a later macrotask: an answer and the reports after it can come in
  // one chunk of output, and a state the device reported after open() returned must reach the
  // suite after its `await open()` does
  dev.onevent = (e: DeviceEvent) => setImmediate(() => dispatch(e));
  const dispatch = (e: DeviceEvent) => {
    if (e.t === 'st') {
      states.set(e.h, e.s);
      const cb = onstate.get(e.h);
      if (cb) cb(e.s);
    } else if (e.t === 'rx') {
      const cb = onrx.get(e.h);
      if (cb) cb(e.from, e.fromPort, e.to, e.toPort, receivedBlob(e.bytes));
    }
    pulse();
  };
  const call = async (expr: string) => {
    try {
      return await dev.call(expr);
    } catch (e: any) {
      if (e.code) throw Object.assign(new Error(e.message), { code: e.code });
      throw e;
    }
  };
  /** A handler on the device that reports each datagram to socket handle h. */
  const handler = (h: number) => `function(f,fp,t,tp,b){var a=[],i;for(i=0;i<b.len();i++)a.push(b.get(i));report({t:"rx",h:${h},from:f,fromPort:fp,to:t,toPort:tp,bytes:a});}`;

  const socket = (h: number) => ({
    async send(ip: string, port: number, data: string | LocalBlob) {
      const payload = typeof data === 'string' ? literal(data)
        : `(function(){var b=blob();b.writestring(atob(${JSON.stringify(Buffer.from(data.bytes).toString('base64'))}));return b;})()`;
      return call(`H[${h}].send(${literal(ip)},${port},${payload})`);
    },
    async close() { return call(`H[${h}].close()`); },
    async isopen() { return call(`H[${h}].isopen()`); },
    async join(g: string) { return call(`(H[${h}].join(${literal(g)}),0)`); },
    async leave(g: string) { return call(`(H[${h}].leave(${literal(g)}),0)`); },
  });

  const iface = (h: number) => ({
    /** The state the device last reported (kept from its onstate reports; close() asks). */
    getstate: () => (states.has(h) ? states.get(h)! : -1),
    async getiptable() { return call(`H[${h}].getiptable()`); },
    async openudp(cb: Function | null, port?: number) {
      const s = next++, since = dev.events.length;
      if (cb) onrx.set(s, cb);
      await call(`(H[${s}]=H[${h}].openudp(${cb ? handler(s) : 'null'}${port === undefined ? '' : ',' + port}),0)`);
      // Espruino binds in its idle loop, after openudp() has returned: a peer's datagram before that is lost
      if (port !== undefined) await dev.event((e) => e.t === 'bound' && e.port === port, `port ${port} bound`, since);
      return socket(s);
    },
    async close() {
      states.set(h, await call(`(H[${h}].close(),H[${h}].getstate())`));
    },
  });

  return {
    imp: {
      net: {
        async open(nic: object, cb?: (s: number) => void) {
          const h = next++;
          if (cb) onstate.set(h, cb);
          const s = await call(`(H[${h}]=imp.net.open(JSON.parse(${literal(JSON.stringify(nic))}),function(s){report({t:"st",h:${h},s:s});}),H[${h}].getstate())`);
          // a report that came in the same chunk as the answer is newer than it
          if (!states.has(h)) states.set(h, s);
          return iface(h);
        },
      },
    },
    blob: (n: number) => new LocalBlob(n),
  };
}

/** Boot scripts a remote device needs after the board's stand-ins: the bind reports, the table of handles. */
export const REMOTE_SETUP = [BIND_REPORTER, 'global.H = {};'];

/**
 * The names the conformance suite uses on a device: the build's scan (build/config.ts appNames)
 * of the suite, its fixtures (the nic it opens) and this file (the expressions it sends), as JavaScript. A bundle built with
 * them (build option `names`) leaves out what the suite never reaches.
 */
export function suiteNames(): string[] {
  const values = ['suite.ts', 'fixtures.ts', 'remote.ts'].flatMap((f) => {
    const js = ts.transpileModule(readFileSync(join(import.meta.dirname, f), 'utf8'), { compilerOptions: { target: ts.ScriptTarget.ES2019 } }).outputText;
    return appNames(js)?.values || [];
  });
  return [...new Set(values)];
}
