// Soak: the impOS guide's sensor hub (examples/sensor-hub/hub.js) and three sensor nodes
// (node.js, SENSOR_ID n1-n3) for days of virtual time on the simulated LAN (hal/mock/lan.ts,
// the board of `espimp sim`) with 10 % of deliveries lost, polled every 60 s as in the guide.
// Every datagram is accounted for, by kind (DISCOVER, HELLO, REQ, DATA):
//  - the LAN: each datagram on the wire is one delivery per receiving endpoint (a broadcast: one
//    per node), each delivered, lost, or gone (its endpoint closed meanwhile), exactly;
//  - the devices: Σ sent = datagrams on the wire; received = what the LAN delivered to each;
//    received = delivered + dropped (none dropped);
//  - the apps: REQ on the wire = the hub's polls; every REQ a node got is answered with one
//    DATA (no bad sequence: nothing reorders or duplicates here); every DATA the hub got is a
//    reading (none stale); polls = readings + lost + polls still outstanding (at most one a
//    node); readings = messages to the agent; the loss seen is about the loss set.
// Memory: after each simulated day, the virtual clock's pending timers, the LAN's endpoints
// and the heap after a collection (Node's, informative: the apps' and runtime's state lives in
// it) must not grow.
// `espimp sim` keeps the timeline and every datagram; this keeps counts only (Lan record:
// false), so 30 days fit in memory.
//
//   node --import tsx bench/soak.ts [--days 30] [--loss 0.1] [--seed 1] [--out FILE]
//
// Writes bench/results/soak.json; test/soak.test.ts runs two days and checks the same.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Lan } from '../hal/mock/lan';
import { createRuntime } from '../firmware/runtime';
import { unframe } from '../firmware/agent';
import { CONFIG_KEY } from '../firmware/net';
import { VIRTUAL_LAN } from '../hal/loopback';
import { appSource, guarded, startApp } from '../host/app';
import { bootNet, BOOT_LIMIT_MS } from '../host/boot';
import { SIM_BOARD } from '../host/sim';
import type { Counters } from '../firmware/counters';
import { writeResults } from './harness';

export interface SoakOptions { days: number; loss?: number; seed?: number; log?: (line: string) => void }

/** Per kind of datagram: on the wire, and delivered to an app's socket. */
type ByKind = { [kind: string]: number };

export interface SoakDay {
  day: number; pendingTimers: number; endpoints: number; heapBytes: number;
  polls: number; readings: number; lost: number;
}

export interface SoakResult {
  days: number; loss: number; seed: number; pollSeconds: number; nodes: number;
  /** The LAN's counts (hal/mock/lan.ts LanCounts), and deliveries it owed: Σ per datagram of its receiving endpoints. */
  lan: { wire: number; delivered: number; lost: number; gone: number; owed: number };
  wire: ByKind; delivered: ByKind;
  /** Each device's imp.net.stats(), and Σ. */
  devices: { [name: string]: Counters }; sum: Counters;
  /** The hub's totals (its `totals`), its nodes still waiting for a reading, its messages to the agent. */
  hub: { polls: number; readings: number; lost: number; stale: number; outstanding: number; agent: number; found: number };
  /** Lines: "Bad Sequence Number" (nodes), other ERROR lines not about a lost reading, uncaught exceptions. */
  badSequence: number; otherErrors: number; firstOtherError: string;
  /** Observed loss: lost / owed deliveries. */
  lossSeen: number;
  /** After each day. */
  perDay: SoakDay[];
  ms: number;
}

/** The heap after a full collection. */
function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  return process.memoryUsage().heapUsed;
}

const HUB = 'examples/sensor-hub/hub.js', NODE = 'examples/sensor-hub/node.js';

/** Run the hub and three nodes for `days` virtual days (the hub at .1, nodes at .2-.4). */
export function runSoak(o: SoakOptions): SoakResult {
  const loss = o.loss ?? 0.1, seed = o.seed ?? 1, log = o.log ?? (() => {});
  const lan = new Lan({ subnet: VIRTUAL_LAN, faults: { loss }, seed, record: false });
  const kind = (d: Uint8Array) => Buffer.from(d.subarray(0, 8)).toString('latin1').split(' ')[0];
  const wire: ByKind = {}, delivered: ByKind = {};
  let owed = 0;
  lan.onwire = (w) => {
    const k = kind(w.data);
    wire[k] = (wire[k] || 0) + 1;
    // a broadcast reaches every other device holding the port; a unicast the one device
    owed += w.to === lan.broadcast ? lan.endpoints.filter((e) => e.open && e.port === w.toPort && e.dev.ip !== w.from && e.dev.connected(e.nii)).length
      : lan.endpoints.filter((e) => e.open && e.port === w.toPort && e.dev.ipOf(e.nii) === w.to).length;
  };
  let badSequence = 0, otherErrors = 0, firstOtherError = '', agentReadings = 0;
  const devices = [{ file: HUB, host: 1, name: 'hub', globals: {} as { [k: string]: unknown } }]
    .concat([1, 2, 3].map((n) => ({ file: NODE, host: 1 + n, name: `n${n}`, globals: { SENSOR_ID: `n${n}` } })));
  let waiting = devices.length;
  const booted = devices.map((d) => {
    const dev = lan.device(d.host, { name: d.name });
    dev.storage[CONFIG_KEY] = JSON.stringify({ wificonfig: { ssid: lan.ssid, key: lan.key } });
    // console lines are counted, not kept
    dev.echo = (line) => {
      dev.console.length = 0;
      if (!line.startsWith('ERROR: ')) return;
      if (line.startsWith('ERROR: Bad Sequence Number')) badSequence++;
      else if (!line.startsWith('ERROR: Lost reading')) { if (!otherErrors++) firstOtherError = `${d.name}: ${line}`; }
    };
    // every datagram the LAN hands an app's socket, by kind
    const open = dev.driver.open;
    dev.driver.open = (nii, port, rx) => open(nii, port, {
      _recv: (data, from, fromPort, to) => {
        const k = kind(data as Uint8Array);
        delivered[k] = (delivered[k] || 0) + 1;
        rx._recv(data, from, fromPort, to);
      },
    });
    const p = guarded(dev.platform, (l) => dev.platform.write('ERROR: ' + l));
    const rt = createRuntime(p, { mock: dev.driver }, SIM_BOARD);
    rt.agent.tx = (frameLine: string) => {
      const msg = unframe(frameLine.slice(1));
      if (typeof msg == 'number') { if (!otherErrors++) firstOtherError = `${d.name}: damaged agent frame`; return; }
      if (msg[0] === 'reading') agentReadings++;
    };
    return { ...d, dev, rt, p, ctx: null as vm.Context | null, giveUp: bootNet(rt, p, () => { waiting--; }) };
  });
  const t0 = Date.now();
  while (waiting > 0 && lan.clock.now() < BOOT_LIMIT_MS) lan.run(10);
  for (const b of booted) b.giveUp();
  for (const b of booted) b.ctx = startApp(appSource(b.file), b.file, b.rt, b.p, b.globals);
  const hubCtx = booted[0].ctx as any;
  const perDay: SoakDay[] = [];
  for (let day = 1; day <= o.days; day++) {
    lan.run(86_400_000);
    const t = hubCtx.totals;
    perDay.push({ day, pendingTimers: lan.clock.pending, endpoints: lan.endpoints.length, heapBytes: heapAfterGc(), polls: t.polls, readings: t.readings, lost: t.lost });
    log(`day ${day}: ${t.polls} polls, ${t.readings} readings, ${t.lost} lost; ${lan.clock.pending} timers pending, ${lan.endpoints.length} endpoints, heap ${(perDay[day - 1].heapBytes / 1e6).toFixed(1)} MB`);
  }
  // the days end on a poll round (60 s divides a day): half a period more, so nothing is in flight
  lan.run(30_000);
  const stats: { [name: string]: Counters } = {};
  const sum: any = {};
  for (const b of booted) {
    stats[b.name] = b.rt.imp.net.stats();
    for (const [k, v] of Object.entries(stats[b.name])) sum[k] = (sum[k] || 0) + v;
  }
  const t = hubCtx.totals, nodes = hubCtx.nodes;
  return {
    days: o.days, loss, seed, pollSeconds: 60, nodes: 3,
    lan: { ...lan.counts, owed }, wire, delivered, devices: stats, sum,
    hub: {
      polls: t.polls, readings: t.readings, lost: t.lost, stale: t.stale, agent: agentReadings,
      outstanding: Object.keys(nodes).filter((a) => nodes[a].waiting).length, found: Object.keys(nodes).length,
    },
    badSequence, otherErrors, firstOtherError,
    lossSeen: Math.round((lan.counts.lost / owed) * 10000) / 10000,
    perDay, ms: Date.now() - t0,
  };
}

/** The figures, one line each. */
export function soakReport(r: SoakResult): string[] {
  const kinds = Object.keys(r.wire).sort();
  const first = r.perDay[0], last = r.perDay[r.perDay.length - 1];
  return [
    `soak: hub + ${r.nodes} nodes, ${r.days} simulated days, ${r.loss * 100} % loss (seed ${r.seed}), in ${(r.ms / 1000).toFixed(1)} s`,
    `on the wire        ${r.lan.wire} (${kinds.map((k) => `${k} ${r.wire[k]}`).join(', ')}); devices sent ${r.sum.sent}`,
    `deliveries owed    ${r.lan.owed} = delivered ${r.lan.delivered} + lost ${r.lan.lost} + gone ${r.lan.gone} (loss seen ${(r.lossSeen * 100).toFixed(2)} %)`,
    `delivered by kind  ${kinds.map((k) => `${k} ${r.delivered[k] || 0}`).join(', ')}; devices received ${r.sum.received} = delivered ${r.sum.delivered} + dropped ${r.sum.dropped}`,
    `hub                ${r.hub.polls} polls = ${r.hub.readings} readings + ${r.hub.lost} lost + ${r.hub.outstanding} outstanding; ${r.hub.stale} stale; ${r.hub.agent} to the agent; ${r.hub.found} nodes found`,
    `lines              ${r.badSequence} bad sequence, ${r.otherErrors} other errors${r.otherErrors ? ` (first: ${r.firstOtherError})` : ''}`,
    `memory             day 1: ${first.pendingTimers} timers pending, ${first.endpoints} endpoints, heap ${(first.heapBytes / 1e6).toFixed(1)} MB; day ${last.day}: ${last.pendingTimers}, ${last.endpoints}, ${(last.heapBytes / 1e6).toFixed(1)} MB`,
  ];
}

async function main() {
  const { values } = parseArgs({ options: { days: { type: 'string' }, loss: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } } });
  const r = runSoak({ days: Number(values.days ?? 30), loss: values.loss ? Number(values.loss) : undefined, seed: values.seed ? Number(values.seed) : undefined, log: (l) => console.log(l) });
  console.log(soakReport(r).join('\n'));
  writeResults(values.out, 'soak.json', r);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
