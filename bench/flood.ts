// Flood with exact accounting: a Node peer on the loopback LAN sends 100-byte datagrams, each
// carrying its sequence number and a pattern made from it, at about 10x what the app consumes
// (its onreceive handler busy-waits on purpose) to the linux board's bundle on the real 32-bit
// 2630-block interpreter (an Original-class device). Every datagram the peer sent is accounted
// for: received by the runtime (udpsocket.stats(): delivered + dropped), or dropped by the
// kernel before the driver read it (the `drops` column of /proc/net/udp for the interpreter's
// socket, bound to 0.0.0.0:PORT). Then a burst while the app has no handler (each one dropped
// and counted by the runtime), and blocks in use (least of 3 readings) before and after.
//
//   node --import tsx bench/flood.ts [--seconds 60] [--rate 600] [--busy 10] [--kind 2630] [--out FILE]
//
// Writes bench/results/flood.json. test/device-reliability.test.ts runs the same with a few
// seconds of flood and checks the figures; this full-length run only reports them.
// What the Linux port does under a flood (measured): Espruino sets SO_RCVBUF to the board's
// recvBufferSize (8192: the kernel doubles it, ~14 such datagrams), reads one datagram per
// socket per idle-loop turn, and the runtime's drain (a Promise job) runs before the next turn:
// the ring never fills, so what the app cannot take is dropped by the kernel, not the runtime.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startDevice, espruinoDir, BIND_REPORTER, type InterpreterKind } from '../host/espruino/interpreter';
import { standinsFor } from '../host/espruino/standins/index';
import { bundleOf, appFile, peer, freePort, kernelSockets } from '../test/support/espruino-device';
import { writeResults } from './harness';

export interface FloodOptions {
  /** Seconds of flood. */
  seconds: number;
  /** Datagrams a second the peer sends (default 600: ~10x what the app takes on espruino32-2630 under qemu here, ~60/s). */
  rate?: number;
  /** ms the handler busy-waits per datagram (default 10). */
  busyMs?: number;
  /** Interpreter (default '2630'). */
  kind?: InterpreterKind;
  /** The peer's host: 127.77.0.`host` = 192.168.77.`host` (default 181). */
  host?: number;
  /** Progress lines (the bench prints them). */
  log?: (line: string) => void;
}

/** A socket's or the device's counters (udpsocket.stats(), imp.net.stats()). */
export interface Counters { sent: number; refused: number; received: number; delivered: number; dropped: number; oversize: number; failed: number }

export interface FloodResult {
  interpreter: string; seconds: number; rate: number; busyMs: number; payload: number; port: number;
  /** Datagrams the peer sent: flood, pings (the warm-up's, the fences') and the no-handler burst; all of them together. */
  peer: { flood: number; pings: number; burst: number; total: number };
  /** The app socket's counters and the device's, at the end. */
  socket: Counters; device: Counters;
  /** What the handler saw of the flood: datagrams, bad ones (wrong length or bytes), out of order. */
  handler: { seen: number; bad: number; disorder: number };
  /** The no-handler burst: datagrams the runtime received meanwhile, and dropped (all of them, counted). */
  burst: { received: number; dropped: number };
  /** Dropped by the kernel before the driver read them (/proc/net/udp drops), and sockets on the port (1: nobody shared it). */
  kernelDrops: number; socketsOnPort: number;
  /** peer.total - socket.received - kernelDrops: 0 when every datagram is accounted for. */
  unaccounted: number;
  /** Flood datagrams the app took per second, and the peer's rate over it. */
  consumedPerSec: number; overload: number;
  /** Blocks in use (least of 3 readings) once warmed up, after the flood, after the burst; the interpreter's total. */
  blocks: { before: number; afterFlood: number; after: number; total: number };
  /** The app answered a ping after everything. */
  answered: boolean;
  faults: string[];
}

const PAYLOAD = 100;

/** The flood's datagram `q`: 8 hex digits of q, then 92 chars of a pattern made from q (ASCII, so tostring() is one char per byte). */
export function floodDatagram(q: number): Buffer {
  const k = q.toString(36) + '-';
  return Buffer.from((q.toString(16).padStart(8, '0') + k.repeat(Math.ceil(92 / k.length))).slice(0, PAYLOAD), 'latin1');
}

/**
 * The app: a socket on `port` whose handler answers "ping" with "pong", checks every other
 * datagram against floodDatagram (natively: a few string calls, not a loop of blob.get()) and
 * busy-waits `busyMs`; `mute(true)` removes the handler, `counts()` gives the figures.
 */
function floodApp(port: number, busyMs: number): string {
  return [
    'var seen = 0, bad = 0, disorder = 0, last = -1, S;',
    'var handler = function (from, port, to, toPort, b) {',
    '  var t = getTime(), s = b.tostring(), q, k;',
    '  if (s == "ping") return S.send(from, port, "pong");',
    '  q = parseInt(s.substr(0, 8), 16);',
    '  k = q.toString(36) + "-";',
    '  if (s.length != 100 || s.substr(8) != k.repeat(Math.ceil(92 / k.length)).substr(0, 92)) bad++;',
    '  if (!(q > last)) disorder++;',
    '  last = q;',
    '  seen++;',
    `  while (getTime() - t < ${busyMs / 1000});`,
    '};',
    'var F = imp.net.open({interface: "eth0"}, function (st) {',
    '  if (st != 1 || S) return;',
    `  S = F.openudp(handler, ${port});`,
    '  report({t: "ready"});',
    '});',
    'global.mute = function (on) { S.onreceive(on ? null : handler); };',
    'global.counts = function () { return {socket: S.stats(), device: imp.net.stats(), seen: seen, bad: bad, disorder: disorder}; };',
    '',
  ].join('\n');
}

/** Run the flood (needs the interpreter: see espruinoDir()). */
export async function runFlood(o: FloodOptions): Promise<FloodResult> {
  const rate = o.rate ?? 600, busyMs = o.busyMs ?? 10, kind = o.kind ?? '2630', log = o.log ?? (() => {});
  const port = await freePort(25800);
  const app = await bundleOf('linux', appFile(floodApp(port, busyMs)), 201);
  const dev = await startDevice({ kind, boot: [...standinsFor('linux'), BIND_REPORTER], app });
  const p = await peer(o.host ?? 181);
  const sent = { flood: 0, pings: 0, burst: 0 };
  const kdrops = () => kernelSockets(port).reduce((n, s) => n + s.drops, 0);
  const counts = () => dev.call('counts()');
  /** Ping until a pong comes (a ping can be dropped while the buffers are full): each waits up to 1 s for any new pong, 60 in all. */
  const pong = async () => {
    const n = p.got.length;
    for (let i = 0; i < 60 && p.got.length === n; i++) {
      sent.pings++;
      await p.send('ping', port);
      await p.count(n + 1, 1000).catch(() => {});
    }
    return p.got.length > n;
  };
  /** Wait until every datagram sent is received or dropped by the kernel (a late one may still be on its way), 10 s at most. */
  const settled = async () => {
    for (let i = 0; i < 100; i++) {
      const c = await counts();
      if (c.socket.received + kdrops() >= sent.flood + sent.pings + sent.burst) return c;
      await new Promise((r) => setTimeout(r, 100));
    }
    return counts();
  };
  try {
    await dev.event((e) => e.t === 'ready', 'the app\'s socket open');
    await dev.event((e) => e.t === 'bound' && e.port === port, `port ${port} bound`);
    // warm-up: the first datagrams and a ping go through every path once before the first reading
    for (; sent.flood < 5; sent.flood++) await p.send(floodDatagram(sent.flood), port);
    if (!(await pong())) throw new Error('no pong before the flood');
    const before = await dev.blocksInUse();
    log(`port ${port}, blocks before ${before}; flooding ${o.seconds} s at ${rate}/s, the handler busy ${busyMs} ms a datagram`);
    const t0 = Date.now(), first = sent.flood;
    const seenAtStart = (await counts()).seen;
    // paced: every few ms, as many as are due (a pacing timer, not a wait for a result)
    while (Date.now() - t0 < o.seconds * 1000) {
      const due = first + Math.floor(((Date.now() - t0) * rate) / 1000);
      while (sent.flood < due) await p.send(floodDatagram(sent.flood++), port);
      await new Promise((r) => setTimeout(r, 4));
    }
    const floodMs = Date.now() - t0;
    log(`sent ${sent.flood - first} in ${floodMs} ms; waiting for the app to catch up`);
    // the first pong says the app has caught up; a second one that everything before it was read
    const answeredFlood = await pong() && await pong();
    const c1 = await settled();
    const afterFlood = await dev.blocksInUse();
    // the no-handler burst: each datagram the runtime receives is dropped and counted
    await dev.call('mute(true)');
    const r0 = c1.socket.received, d0 = c1.socket.dropped;
    for (let i = 0; i < 30; i++, sent.burst++) await p.send(floodDatagram(sent.flood + i), port);
    const c2 = await settled();
    await dev.call('mute(false)');
    const answered = answeredFlood && await pong();
    const c = await settled();
    const after = await dev.blocksInUse();
    const total = (await dev.call('process.memory()')).total;
    const kernelDrops = kdrops();
    const peerTotal = sent.flood + sent.pings + sent.burst;
    const seen = c.seen - seenAtStart;
    return {
      interpreter: kind === '64' ? 'espruino' : `espruino32-${kind}`, seconds: o.seconds, rate, busyMs, payload: PAYLOAD, port,
      peer: { ...sent, total: peerTotal },
      socket: c.socket, device: c.device,
      handler: { seen: c.seen, bad: c.bad, disorder: c.disorder },
      burst: { received: c2.socket.received - r0, dropped: c2.socket.dropped - d0 },
      kernelDrops, socketsOnPort: kernelSockets(port).length,
      unaccounted: peerTotal - c.socket.received - kernelDrops,
      consumedPerSec: Math.round((seen / (floodMs / 1000)) * 10) / 10,
      overload: Math.round((rate / (seen / (floodMs / 1000))) * 10) / 10,
      blocks: { before, afterFlood, after, total },
      answered,
      faults: [...dev.faults],
    };
  } finally {
    await dev.kill();
    await p.close();
  }
}

/** The figures, one line each. */
export function floodReport(r: FloodResult): string[] {
  return [
    `flood on ${r.interpreter}: ${r.seconds} s at ${r.rate}/s of ${r.payload}-byte datagrams, the handler busy ${r.busyMs} ms each (app took ${r.consumedPerSec}/s: ${r.overload}x overload)`,
    `peer sent          ${r.peer.total} (flood ${r.peer.flood}, pings ${r.peer.pings}, no-handler burst ${r.peer.burst})`,
    `runtime received   ${r.socket.received} = delivered ${r.socket.delivered} + dropped ${r.socket.dropped}${r.socket.delivered + r.socket.dropped === r.socket.received ? '' : '  MISMATCH'}`,
    `kernel dropped     ${r.kernelDrops} (before the driver read them; ${r.socketsOnPort} socket(s) on port ${r.port})`,
    `unaccounted        ${r.unaccounted}`,
    `handler            ${r.handler.seen} seen, ${r.handler.bad} bad, ${r.handler.disorder} out of order`,
    `no-handler burst   ${r.burst.received} received, ${r.burst.dropped} dropped by the runtime`,
    `blocks in use      ${r.blocks.before} before, ${r.blocks.afterFlood} after the flood, ${r.blocks.after} at the end (of ${r.blocks.total})`,
    `answered after     ${r.answered ? 'yes' : 'NO'}; interpreter faults: ${r.faults.length ? r.faults.join(' | ') : 'none'}`,
  ];
}

async function main() {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, rate: { type: 'string' }, busy: { type: 'string' }, kind: { type: 'string' }, out: { type: 'string' } } });
  if (!espruinoDir()) { console.log('no Espruino interpreter: skipped'); return; }
  const r = await runFlood({
    seconds: Number(values.seconds ?? 60), rate: values.rate ? Number(values.rate) : undefined, busyMs: values.busy ? Number(values.busy) : undefined,
    kind: (values.kind as InterpreterKind) ?? '2630', log: (l) => console.log(l),
  });
  console.log(floodReport(r).join('\n'));
  writeResults(values.out, 'flood.json', { espruino: '2v29', ...r });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
