// Churn: sockets and interfaces opened and closed over and over, and nothing left behind.
//  - device: a board's bundle on the real 32-bit interpreter (DEVICE_BOARDS: the linux board's
//    on 8190 blocks, the Original WIZnet's on 2630, an Original-class device, with the WIZnet
//    stand-in). Socket cycles, one a tick: openudp, one send to a Node peer on
//    the loopback LAN, close; even cycles bind a fixed localPort at open (the port must be
//    free again each time: else ERR_PORT_IN_USE), odd ones bind an ephemeral port at their
//    first accepted send (the rate limit refuses some: return 4, nothing bound). Then interface
//    cycles: imp.net.open(eth0) -> CONNECTED -> openudp + send -> interface.close() -> state
//    -1, each cycle's states checked against the spec's sequence (0, 200, 1, -1). Measured:
//    blocks in use (least of 3 readings) after a warm-up and at the end, the largest driver
//    handle a socket got (handles reused: it stays small), the interpreter's timers and dgram
//    sockets (its hidden root's `timers` and HttpCC/HttpSC lists) and the process's socket file
//    descriptors, before and after; every datagram a send accepted reached the peer.
//  - pc: the same cycles on this PC (the node driver on the loopback LAN, the host platform):
//    Node's active resources (process.getActiveResourcesInfo(): UDP sockets, timers, immediates)
//    and the driver's bound sockets before and after; handles reused.
//  - mock: the same on the simulated LAN (virtual clock): the LAN's endpoints, the clock's
//    pending timers, handles.
//
//   node --import tsx bench/churn.ts [--sockets 10000] [--opens 1000] [--board B] [--kind K] [--only device|pc|mock] [--out FILE]
//
// Writes bench/results/churn.json. test/churn.test.ts runs each with a few hundred cycles and
// checks the same figures.
import { parseArgs } from 'node:util';
import { readdirSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startDevice, espruinoDir, type InterpreterKind, type Device } from '../host/espruino/interpreter';
import { standinsFor } from '../host/espruino/standins/index';
import { memoryKind } from '../host/espruino/memory';
import { bundleOf, appFile, peer, freePort } from '../test/support/espruino-device';
import { createRuntime } from '../firmware/runtime';
import { createNodeDriver } from '../hal/node/driver';
import { createHostPlatform } from '../hal/node/platform';
import { HOST_BOARD } from '../hal/node/board';
import { Lan } from '../hal/mock/lan';
import { writeResults } from './harness';

export interface ChurnOptions {
  /** openudp / send / close cycles. */
  sockets: number;
  /** imp.net.open / close cycles. */
  opens: number;
  /** Device churn: the board whose bundle runs (default 'linux') and the interpreter (default: 8190 for linux, else memoryKind(board)). */
  board?: string;
  kind?: InterpreterKind;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** What a run left behind, read at a quiet moment (nothing in flight). */
export interface Leftovers {
  /** Blocks in use (device), or heap bytes (pc, informative only). */
  memory: number;
  /** Timers pending: the interpreter's, Node's (Timeout + Immediate), the virtual clock's. */
  timers: number;
  /** Sockets: the interpreter's dgram sockets and the process's socket fds (device), Node's UDP handles (pc), the LAN's endpoints (mock). */
  sockets: number;
  /** More detail, per kind. */
  detail: { [k: string]: number };
}

export interface ChurnResult {
  where: 'device' | 'pc' | 'mock';
  /** The interpreter (device). */
  interpreter?: string;
  /** Socket cycles run, and what their sends returned (0 sent, 4 rate-limited, 1 failed). */
  sockets: { cycles: number; opened: number; closed: number; sent: number; refused: number; failed: number; errors: number; firstError: string };
  /** Interface cycles run, and those whose states were not the spec's sequence (the first such sequence). */
  opens: { cycles: number; sent: number; badSequences: number; firstBad: string; socketsLeftOpen: number };
  /** Datagrams the peer got (unique payloads), of those the sends accepted. */
  /** got: distinct datagrams the peer received; copies: how many arrived in all (a duplicate counts again). */
  peer: { got: number; copies: number; expected: number };
  /** Largest driver handle any socket got. */
  maxHandle: number;
  before: Leftovers;
  after: Leftovers;
  faults: string[];
  ms: number;
}

// ------------------------------------------------------------------ the cycles, as app code

/**
 * The churn functions, as Espruino-safe app source that runs in the app's world (device, pc and
 * mock alike; timers through imp.wakeup, so the mock's run on its virtual clock):
 * `start(done)` opens eth0 as F and calls done once it is connected; `socketChurn(n, P, Q,
 * done)`; `ifaceRound(n, Q, done)` closes F, runs n interface cycles, opens F again. Figures in
 * `CH`. The peer is PEER (192.168.77.x):Q; P is the device's fixed localPort; SEQ the states
 * each interface cycle must see, as "s1,s2,...,".
 */
/** eth0's states in one interface cycle (spec §3: STARTING, ETHERNET_LINK_UP, ETHERNET_DHCPING, CONNECTED, then UNKNOWN on close). */
export const DHCP_SEQ = '0,200,201,1,-1,';
/** The same on Espruino's Linux port, whose link has its address at once: no DHCPING (hal/espruino/linux.ts). */
export const LINUX_SEQ = '0,200,1,-1,';

export const CHURN_APP = [
  'var CH = {cycles: 0, opened: 0, closed: 0, r0: 0, r1: 0, r4: 0, errors: 0, firstError: "", maxH: -1, ifCycles: 0, ifSent: 0, bad: 0, firstBad: "", leftOpen: 0};',
  'var F = null;',
  'var later = function (f) { imp.wakeup(0, f); };',
  'var tally = function (r) { if (r === 0) CH.r0++; else if (r === 4) CH.r4++; else CH.r1++; };',
  'var start = function (done) { F = imp.net.open({interface: "eth0"}, function (s) { if (s == 1 && done) { var d = done; done = null; d(); } }); };',
  'var socketChurn = function (n, P, Q, done) {',
  '  var i = 0;',
  '  var one = function () {',
  '    if (i >= n) return done();',
  '    var s = null;',
  '    try {',
  '      s = F.openudp(null, i % 2 ? undefined : P);',
  '      CH.opened++;',
  '      tally(s.send(PEER, Q, "s" + CH.cycles));',
  '      if (s._handle > CH.maxH) CH.maxH = s._handle;',
  '    } catch (e) {',
  '      if (!CH.errors++) CH.firstError = "" + (e.code || e);',
  '    }',
  '    if (s) { s.close(); if (!s.isopen()) CH.closed++; }',
  '    i++;',
  '    CH.cycles++;',
  '    later(one);',
  '  };',
  '  one();',
  '};',
  'var ifaceRound = function (n, Q, done) {',
  '  var i = 0, seq = "", G;',
  '  var next = function () {',
  '    if (i >= n) return start(done);',
  '    i++;',
  '    seq = "";',
  '    G = imp.net.open({interface: "eth0"}, function (st) {',
  '      seq += st + ",";',
  '      if (st == 1) {',
  '        var u = G.openudp(null), r = u.send(PEER, Q, "i" + CH.ifCycles);',
  '        tally(r);',
  '        if (r === 0) CH.ifSent++;',
  '        if (u._handle > CH.maxH) CH.maxH = u._handle;',
  '        G.close();',
  '        if (u.isopen()) CH.leftOpen++;',
  '      } else if (st == -1) {',
  '        if (seq != SEQ) { if (!CH.bad++) CH.firstBad = seq; }',
  '        CH.ifCycles++;',
  '        later(next);',
  '      }',
  '    });',
  '  };',
  // the -1 of F.close() goes to F's callback first (timers run in order), then the cycles start
  '  F.close();',
  '  later(next);',
  '};',
].join('\n');

// ------------------------------------------------------------------ device (real interpreter)

/** The interpreter's pending timers and its socket lists (hidden root), as an expression. */
const INSIDE = '(function () { var h = global["\\xff"], n = function (k) { return h[k] ? Object.keys(h[k]).length : 0; }; return {timers: n("timers"), HttpCC: n("HttpCC"), HttpSC: n("HttpSC"), HttpS: n("HttpS")}; })()';

/** The socket file descriptors process `pid` holds. */
export function socketFds(pid: number): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try { if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++; } catch { /* closed meanwhile */ }
  }
  return n;
}

async function deviceLeftovers(dev: Device): Promise<Leftovers> {
  const memory = await dev.blocksInUse();
  const i = await dev.call(INSIDE);
  const fds = socketFds(dev.proc.pid!);
  return { memory, timers: i.timers, sockets: i.HttpCC + i.HttpSC + fds, detail: { ...i, socketFds: fds } };
}

/**
 * The bundles the device churn runs by default: the linux board's on the 8190-block interpreter,
 * and the Original WIZnet's on the 2630-block one (an Original-class device). The linux bundle
 * does not fit the churn on 2630 blocks (measured: OUT OF MEMORY in dgram's bind at the second
 * cycle): its 8,400-byte ring is ~650 of those blocks and its board data has no memory reserve
 * (it is sized for the Linux port's growing 64-bit interpreter), so ERR_NO_MEMORY cannot warn.
 */
export const DEVICE_BOARDS = ['linux', 'original-wiznet'];

/** Run the churn on the real interpreter (needs it: see espruinoDir()). */
export async function deviceChurn(o: ChurnOptions): Promise<ChurnResult> {
  const board = o.board ?? 'linux', kind = o.kind ?? (board === 'linux' ? '8190' : memoryKind(board)), log = o.log ?? (() => {});
  const PEER = 184;
  const app = appFile([
    `var PEER = "192.168.77.${PEER}", SEQ = "${board === 'linux' ? LINUX_SEQ : DHCP_SEQ}";`,
    CHURN_APP,
    'start(function () { report({t: "up"}); });',
    'global.CH = CH; global.socketChurn = socketChurn; global.ifaceRound = ifaceRound;',
    '',
  ].join('\n'));
  if (!['linux', 'pico-w5500', 'original-wiznet'].includes(board)) throw new Error(`device churn runs eth0 boards: linux, pico-w5500, original-wiznet (not ${board})`);
  const dev = await startDevice({ kind, boot: standinsFor(board), app: await bundleOf(board, app, 201) });
  const p = await peer(PEER);
  const t0 = Date.now();
  try {
    const P = await freePort(25840);
    await dev.event((e) => e.t === 'up', 'eth0 connected');
    log(`device ${board} on espruino32-${kind}: ${await dev.blocksInUse()} blocks in use once connected`);
    const sockets = async (n: number) => {
      const since = dev.events.length;
      await dev.run(`socketChurn(${n}, ${P}, ${p.port}, function () { report({t: "sockets"}); })`);
      await dev.event((e) => e.t === 'sockets', `${n} socket cycles`, since, 120_000 + n * 200);
    };
    const opens = async (n: number) => {
      const since = dev.events.length;
      await dev.run(`ifaceRound(${n}, ${p.port}, function () { report({t: "opens"}); })`);
      await dev.event((e) => e.t === 'opens', `${n} interface cycles`, since, 120_000 + n * 500);
    };
    // warm-up: every path once (the first socket, the first interface cycle, the peer's address)
    await sockets(20);
    await opens(2);
    const before = await deviceLeftovers(dev);
    log(`before: ${JSON.stringify(before)}`);
    // in chunks, so progress shows (and a chunk's guard is per chunk)
    for (let done = 0; done < o.sockets;) {
      const n = Math.min(1000, o.sockets - done);
      await sockets(n);
      done += n;
      log(`  ${done} socket cycles, ${((Date.now() - t0) / 1000).toFixed(0)} s, blocks ${await dev.blocksInUse()}`);
    }
    for (let done = 0; done < o.opens;) {
      const n = Math.min(200, o.opens - done);
      await opens(n);
      done += n;
      log(`  ${done} interface cycles, ${((Date.now() - t0) / 1000).toFixed(0)} s, blocks ${await dev.blocksInUse()}`);
    }
    const ch = await dev.call('CH');
    const expected = ch.r0;
    // every accepted send is on its way: wait for the peer to have them all (a guard only)
    await p.count(expected, 20_000).catch(() => {});
    const after = await deviceLeftovers(dev);
    return result('device', ch, p.got.map((g) => g.msg.toString()), before, after, [...dev.faults], Date.now() - t0, o, `${board} bundle on espruino32-${kind}`);
  } finally {
    await dev.kill();
    await p.close();
  }
}

/** The figures of one run, from the app's CH and what the peer got (its warm-up cycles included in both). */
function result(where: ChurnResult['where'], ch: any, got: string[], before: Leftovers, after: Leftovers, faults: string[], ms: number, o: ChurnOptions, interpreter?: string): ChurnResult {
  return {
    where, ...(interpreter ? { interpreter } : {}),
    sockets: { cycles: ch.cycles, opened: ch.opened, closed: ch.closed, sent: ch.r0 - ch.ifSent, refused: ch.r4, failed: ch.r1, errors: ch.errors, firstError: ch.firstError },
    opens: { cycles: ch.ifCycles, sent: ch.ifSent, badSequences: ch.bad, firstBad: ch.firstBad, socketsLeftOpen: ch.leftOpen },
    peer: { got: new Set(got).size, copies: got.length, expected: ch.r0 },
    maxHandle: ch.maxH,
    before, after, faults, ms,
  };
}

// ------------------------------------------------------------------ pc and mock

/** A bucket that never runs dry (as bench/send.ts lifts it): on the PC and the mock every send of the churn is accepted, so every odd cycle binds an ephemeral port. */
const LIFTED = { capacity: 1e15, refill: 1e12, cost: 1000 };

/** The churn functions of CHURN_APP over a runtime's imp. */
function churnOver(imp: any, peerIp: string) {
  return new Function('imp', 'PEER', 'SEQ', CHURN_APP + '\nreturn {CH: CH, start: start, socketChurn: socketChurn, ifaceRound: ifaceRound};')(imp, peerIp, DHCP_SEQ) as {
    CH: any; start(done: () => void): void; socketChurn(n: number, P: number, Q: number, done: () => void): void; ifaceRound(n: number, Q: number, done: () => void): void;
  };
}

/** Node's active resources by type (process.getActiveResourcesInfo()). */
function activeResources(): { [type: string]: number } {
  const r: { [type: string]: number } = {};
  for (const t of process.getActiveResourcesInfo()) r[t] = (r[t] || 0) + 1;
  return r;
}

/** Run the churn on this PC: the node driver on the loopback LAN (192.168.77.185), a Node peer at .184. */
export async function pcChurn(o: ChurnOptions): Promise<ChurnResult> {
  const log = o.log ?? (() => {});
  const p = await peer(184);
  const driver = createNodeDriver({ lan: 'loopback', ip: '192.168.77.185' });
  const platform = createHostPlatform({ stateFile: appFile('{}', 'state.json'), write: () => {} });
  const rt = createRuntime(platform, { node: driver }, { ...HOST_BOARD, bucket: LIFTED });
  const c = churnOver(rt.imp, '192.168.77.184');
  const P = await freePort(25860);
  const t0 = Date.now();
  const step = (f: (done: () => void) => void) => new Promise<void>((r) => f(r));
  /** What is left: Node's timers and immediates, its UDP handles (the peer's one included, in both readings) and the driver's bound sockets. */
  const leftovers = async (): Promise<Leftovers> => {
    // closed sockets finish closing on the next turns of the loop
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 20));
    const a = activeResources();
    return {
      memory: process.memoryUsage().heapUsed, timers: (a.Timeout || 0) + (a.Immediate || 0), sockets: a.UDPWrap || 0,
      detail: { ...a, driverBound: driver.bound().length },
    };
  };
  try {
    await step((d) => c.start(d));
    await step((d) => c.socketChurn(20, P, p.port, d));
    await step((d) => c.ifaceRound(2, p.port, d));
    const before = await leftovers();
    log(`pc: before ${JSON.stringify(before)}`);
    await step((d) => c.socketChurn(o.sockets, P, p.port, d));
    await step((d) => c.ifaceRound(o.opens, p.port, d));
    await p.count(c.CH.r0, 20_000).catch(() => {});
    const after = await leftovers();
    return result('pc', c.CH, p.got.map((g) => g.msg.toString()), before, after, [], Date.now() - t0, o);
  } finally {
    driver.shutdown();
    await p.close();
  }
}

/** Run the churn on the simulated LAN (virtual clock): the device at 192.168.77.185, a raw endpoint at .184 as the peer. */
export function mockChurn(o: ChurnOptions): ChurnResult {
  const lan = new Lan({ subnet: '192.168.77' });
  const dev = lan.device(185);
  const rt = createRuntime(dev.platform, { mock: dev.driver }, { niis: { eth0: 'mock' }, ring: 4096, bucket: LIFTED });
  const c = churnOver(rt.imp, '192.168.77.184');
  const peerDev = lan.device(184), got: string[] = [], Q = 7000, P = 7001;
  peerDev.driver.up('eth0', {}, () => {});
  lan.run(200);
  peerDev.driver.open('eth0', Q, { _recv: (d) => { got.push(Buffer.from(d as Uint8Array).toString()); } });
  const t0 = Date.now();
  /** Run the clock until `f` calls back (a guard of 10 virtual days). */
  const step = (f: (done: () => void) => void) => {
    let done = false;
    f(() => { done = true; });
    for (let i = 0; i < 864_000 && !done; i++) lan.run(1000);
    if (!done) throw new Error('the mock churn did not end');
    lan.run(100);
  };
  const leftovers = (): Leftovers => ({
    memory: 0, timers: lan.clock.pending, sockets: lan.endpoints.length, detail: { wire: lan.wire.length },
  });
  step((d) => c.start(d));
  step((d) => c.socketChurn(20, P, Q, d));
  step((d) => c.ifaceRound(2, Q, d));
  const before = leftovers();
  step((d) => c.socketChurn(o.sockets, P, Q, d));
  step((d) => c.ifaceRound(o.opens, Q, d));
  return result('mock', c.CH, got, before, leftovers(), dev.console.filter((l) => l.startsWith('ERROR')), Date.now() - t0, o);
}

/** The figures, one line each. */
export function churnReport(r: ChurnResult): string[] {
  const s = r.sockets, f = r.opens;
  return [
    `churn on ${r.where}${r.interpreter ? ` (${r.interpreter})` : ''}, ${(r.ms / 1000).toFixed(1)} s (figures include a warm-up of 20 socket and 2 interface cycles)`,
    `socket cycles      ${s.cycles}: opened ${s.opened}, closed ${s.closed}, sends 0: ${s.sent}, 4: ${s.refused}, 1: ${s.failed}; errors ${s.errors}${s.errors ? ` (first ${s.firstError})` : ''}`,
    `interface cycles   ${f.cycles}: sends 0: ${f.sent}; state sequences not the spec's: ${f.badSequences}${f.badSequences ? ` (first ${f.firstBad})` : ''}; sockets left open ${f.socketsLeftOpen}`,
    `peer got           ${r.peer.got} of ${r.peer.expected} accepted sends`,
    `largest handle     ${r.maxHandle}`,
    `${r.where === 'device' ? 'blocks in use     ' : r.where === 'pc' ? 'heap bytes (info) ' : 'memory            '} ${r.before.memory} before, ${r.after.memory} after`,
    `timers             ${r.before.timers} before, ${r.after.timers} after`,
    `sockets            ${r.before.sockets} before, ${r.after.sockets} after (${JSON.stringify(r.after.detail)})`,
    `faults             ${r.faults.length ? r.faults.join(' | ') : 'none'}`,
  ];
}

async function main() {
  const { values } = parseArgs({ options: { sockets: { type: 'string' }, opens: { type: 'string' }, board: { type: 'string' }, kind: { type: 'string' }, only: { type: 'string' }, out: { type: 'string' } } });
  const o: ChurnOptions = { sockets: Number(values.sockets ?? 10_000), opens: Number(values.opens ?? 1000), board: values.board, kind: values.kind as InterpreterKind | undefined, log: (l) => console.log(l) };
  const runs: ChurnResult[] = [];
  for (const where of ['device', 'pc', 'mock'] as const) {
    if (values.only && values.only !== where) continue;
    if (where === 'device' && !espruinoDir()) { console.log('no Espruino interpreter: device churn skipped'); continue; }
    for (const board of where === 'device' && !o.board ? DEVICE_BOARDS : [o.board]) {
      const r = where === 'device' ? await deviceChurn({ ...o, board }) : where === 'pc' ? await pcChurn(o) : mockChurn(o);
      console.log(churnReport(r).join('\n'));
      runs.push(r);
    }
  }
  writeResults(values.out, 'churn.json', { espruino: '2v29', runs });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
