// Type-level drift check between the runtime (firmware/) and the declarations an app is
// checked against (types/espimp.d.ts). Compiled, never run: `tsc -p test/types` (and
// test/types.test.ts) must report nothing.
// - runtime -> declarations: each runtime object is assignable to its declared type, so
//   every declared member exists in the runtime with a compatible signature (no more
//   required parameters, a return type the declaration allows);
// - declarations -> runtime: every member of the runtime's type is declared, or internal
//   (`_x`, or listed in ./internal.ts).
// The state constants' names and values, and the global names, are checked at run time by
// test/types.test.ts (the runtime types them as a string index, not by name).
/// <reference path="../../types/espimp.d.ts" />
import type { createNet } from '../../firmware/net';
import type { impTimers } from '../../firmware/timers';
import type { createAgent } from '../../firmware/agent';
import type { createRuntime } from '../../firmware/runtime';
import type { Counters } from '../../firmware/counters';
import { Blob } from '../../firmware/blob';
import type { INTERNAL } from './internal';

type Net = ReturnType<typeof createNet>;
type Iface = ReturnType<Net['open']>;
type Sock = ReturnType<Iface['openudp']>;
type Timers = ReturnType<typeof impTimers>;
type Agent = ReturnType<typeof createAgent>;
type Server = ReturnType<typeof createRuntime>['server'];

/** The runtime's (R) members that are neither declared (in D) nor internal (`_x`, or in I). */
type Undeclared<R, D, I extends readonly string[]> = Exclude<keyof R, keyof D | `_${string}` | I[number]>;
/** Compiles only when T is never: the error names the undeclared member. */
type None<T extends never> = T;

export type UndeclaredChecks = [
  None<Undeclared<Iface, espimp.Interface, typeof INTERNAL.iface>>,
  None<Undeclared<Sock, espimp.UdpSocket, typeof INTERNAL.sock>>,
  None<Undeclared<Blob, blob, typeof INTERNAL.blob>>,
  None<Undeclared<Agent, espimp.Agent, typeof INTERNAL.agent>>,
  None<Undeclared<Server, espimp.Server, []>>,
  None<Undeclared<Timers, Omit<espimp.Imp, 'net'>, []>>,
  None<Undeclared<Counters, espimp.Counters, []>>,
  None<Undeclared<espimp.Counters, Counters, []>>,
];

export function runtimeIsDeclared(net: Net, iface: Iface, sock: Sock, timers: Timers, agent: Agent, server: Server, b: Blob, c: Counters) {
  // imp.net's functions (its constants: test/types.test.ts)
  const n: Omit<espimp.Net, keyof espimp.States> = net;
  const f: espimp.Interface = iface;
  const s: espimp.UdpSocket = sock;
  const t: Omit<espimp.Imp, 'net'> = timers;
  const a: espimp.Agent = agent;
  const sv: espimp.Server = server;
  const bl: blob = b;
  // `new blob(n)` (firmware/runtime.ts makes `blob` a function over the class: blob(n) works too)
  const make: new (size?: number) => blob = Blob;
  const counters: espimp.Counters = c;
  return [n, f, s, t, a, sv, bl, make, counters];
}
