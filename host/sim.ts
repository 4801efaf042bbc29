// espimp sim, the engine: several apps as devices of the simulated LAN (hal/mock/lan.ts)
// on its virtual clock, so a simulated day takes seconds. Prints a timeline (virtual time,
// device, line) and returns every device's counters. Device arguments: FILE[@HOST][,NAME=VALUE]...
import { bootNet, BOOT_LIMIT_MS } from './boot';
import { basename, extname } from 'node:path';
import { Lan, MockDevice, type WireRecord, type WireFate } from '../hal/mock/lan';
import type { BoardSettings } from '../hal/contract';
import { createRuntime } from '../firmware/runtime';
import { unframe } from '../firmware/agent';
import type { Counters } from '../firmware/counters';
import { appCode, guarded, startApp } from './app';
import { UserError } from '../build/user-error';
import { VIRTUAL_LAN } from '../hal/loopback';
import { CONFIG_KEY } from '../firmware/net';
import { PcapWriter } from './pcap';
import { traceLine } from './trace';

/** The board every simulated device is: eth0 and wl0 (joined with the LAN's credentials), a 4 KiB ring, impOS's rate limit. */
export const SIM_BOARD: BoardSettings = {
  niis: { eth0: 'mock', wl0: 'mock' },
  ring: 4096,
  bucket: { capacity: 100000, refill: 25, cost: 1000 },
};

/** One device as given on the command line. */
export interface DeviceSpec {
  /** The app file. */ file: string;
  /** Host number on the /24 (1-254); omitted: the next free one from 1. */ host?: number;
  /** Globals the app gets, e.g. {SENSOR_ID: 'n2'}. */ globals: { [name: string]: string | number | boolean };
}

export interface SimOptions {
  devices: DeviceSpec[];
  /** Virtual seconds to run. */ duration: number;
  loss?: number; dup?: number; reorder?: number;
  /** PRNG seed for the faults (default 1). */ seed?: number;
  /** Where timeline lines go (default: nowhere). */ print?: (line: string) => void;
  /** Write every datagram on the wire to this pcap file (host/pcap.ts), times from the virtual clock. */ pcap?: string;
  /** Called with every datagram on the wire, as it goes on (before loss). */ onwire?: (w: WireRecord) => void;
  /** Where --trace lines go, one per datagram on the wire or refused (host/trace.ts); default: no trace. */ trace?: (line: string) => void;
  /** Trace lines in colour (ANSI). */ color?: boolean;
}

/** What one device did. */
export interface DeviceResult {
  name: string; ip: string; file: string;
  /** rt.imp.net.stats() at the end. */ stats: Counters;
  /** Console lines, with `agent.send("name", data)` for each message to the agent. */ lines: string[];
  /** Lines that began with "ERROR: ". */ errors: number;
  /** [name, data] of every agent.send. */ agent: [string, unknown][];
}

export interface SimResult {
  devices: DeviceResult[];
  /** Datagrams put on the wire. */ wire: number;
  /** Virtual ms run. */ ms: number;
  /** Records written to opts.pcap (every datagram on the wire). */ captured?: number;
}

function usage(msg: string): never {
  throw new UserError(msg, 'ERR_USAGE', 2);
}

/** A NAME=VALUE value: a decimal number becomes a number, true/false a boolean, the rest a string. */
function value(v: string): string | number | boolean {
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return v === 'true' ? true : v === 'false' ? false : v;
}

/** Parse FILE[@HOST][,NAME=VALUE]... (HOST 1-254; NAME a JavaScript identifier). */
export function parseDevice(arg: string): DeviceSpec {
  const parts = arg.split(',');
  const m = /^(.+?)(?:@(\d+))?$/.exec(parts[0]);
  if (!m) usage(`device "${arg}": expected FILE[@HOST][,NAME=VALUE]...`);
  const spec: DeviceSpec = { file: m[1], globals: {} };
  if (m[2] !== undefined) {
    const host = Number(m[2]);
    if (!(host >= 1 && host <= 254)) usage(`device "${arg}": host must be 1-254 (given ${m[2]})`);
    spec.host = host;
  }
  for (const kv of parts.slice(1)) {
    const eq = /^([A-Za-z_$][\w$]*)=(.*)$/.exec(kv);
    if (!eq) usage(`device "${arg}": "${kv}" is not NAME=VALUE`);
    spec.globals[eq[1]] = value(eq[2]);
  }
  return spec;
}

/** A probability 0..1 from text, else a usage error. */
export function parseProbability(text: string): number {
  const p = /^\s*$/.test(text) ? NaN : Number(text);
  if (!(p >= 0 && p <= 1)) usage("must be a probability from 0 to 1");
  return p;
}

/** Virtual time as HH:MM:SS.mmm (days add to the hours). */
export function clockText(ms: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const s = Math.floor(ms / 1000);
  return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.${String(ms % 1000).padStart(3, '0')}`;
}

/** The trace marks of a wire record: refused, copies lost to --loss (both red), nobody holding the port. */
function wireMarks(fate: WireFate): { marks: string[]; bad: boolean } {
  if (fate.refused) return { marks: ['refused: outside the virtual LAN'], bad: true };
  const marks = fate.lost.map((ip) => `lost -> ${ip}`);
  if (!fate.deliveries) marks.push('no one listening');
  return { marks, bad: fate.lost.length > 0 };
}

/** Give every spec without @HOST the lowest free host number; refuse two devices on one host. */
function assignHosts(specs: DeviceSpec[]): number[] {
  const taken = new Set<number>();
  for (const s of specs) {
    if (s.host === undefined) continue;
    if (taken.has(s.host)) throw new UserError(`two devices at host ${s.host}`, 'ERR_USAGE', 2);
    taken.add(s.host);
  }
  let next = 1;
  return specs.map((s) => {
    if (s.host !== undefined) return s.host;
    while (taken.has(next)) next++;
    if (next > 254) usage('more than 254 devices');
    taken.add(next);
    return next;
  });
}

/** Run the devices for opts.duration virtual seconds; throws UserError for a missing or throwing app. */
export function runSim(opts: SimOptions): SimResult {
  if (!opts.devices.length) usage('give at least one app');
  const lan = new Lan({ subnet: VIRTUAL_LAN, faults: { loss: opts.loss, dup: opts.dup, reorder: opts.reorder }, seed: opts.seed ?? 1 });
  const hosts = assignHosts(opts.devices);
  const names = opts.devices.map((s, i) => `${basename(s.file, extname(s.file))}@${hosts[i]}`);
  const width = Math.max(...names.map((n) => n.length));
  const print = opts.print || (() => {});
  const sources = opts.devices.map((s) => appCode(s.file));
  const pcap = opts.pcap ? new PcapWriter(opts.pcap) : null;
  if (pcap || opts.onwire || opts.trace) {
    const { onwire, trace } = opts;
    lan.onwire = (w, fate) => {
      if (trace) trace(traceLine(clockText(w.t), { ...w, ...wireMarks(fate) }, !!opts.color));
      if (fate.refused) return;
      if (pcap) pcap.write(w.t * 1000, { ...w, broadcast: w.to === lan.broadcast || w.to === '255.255.255.255' });
      if (onwire) onwire(w);
    };
  }
  try {
    const booted: { dev: MockDevice; result: DeviceResult; stats: () => Counters; start: () => void; giveUp: () => void }[] = [];
    let waiting = opts.devices.length;
    opts.devices.forEach((spec, i) => {
      const dev = lan.device(hosts[i], { name: names[i] });
      // Persisted Wi-Fi credentials of the simulated network, so an app that names wl0 joins it.
      dev.storage[CONFIG_KEY] = JSON.stringify({ wificonfig: { ssid: lan.ssid, key: lan.key } });
      const result: DeviceResult = { name: names[i], ip: dev.ip, file: spec.file, stats: null as any, lines: [], errors: 0, agent: [] };
      dev.echo = (line) => {
        if (line.startsWith('ERROR: ')) result.errors++;
        result.lines.push(line);
        print(`${clockText(lan.clock.now())}  ${names[i].padEnd(width)}  ${line}`);
      };
      const p = guarded(dev.platform, (l) => dev.platform.write('ERROR: ' + l));
      const rt = createRuntime(p, { mock: dev.driver }, SIM_BOARD);
      // The agent link: frames the app sends are decoded and shown, not printed raw.
      rt.agent.tx = (frameLine: string) => {
        const msg = unframe(frameLine.slice(1));
        if (typeof msg == 'number') return dev.platform.write(`ERROR: damaged agent frame (${msg})`);
        result.agent.push(msg);
        dev.platform.write(`agent.send(${JSON.stringify(msg[0])}, ${JSON.stringify(msg[1])})`);
      };
      booted.push({ dev, result, stats: () => rt.imp.net.stats(), start: () => startApp(sources[i], spec.file, rt, p, spec.globals), giveUp: bootNet(rt, p, () => { waiting--; }, sources[i].code) });
    });
    // boot like an imp: every device's default interface connected (or given up on), in virtual time, before the apps start
    while (waiting > 0 && lan.clock.now() < BOOT_LIMIT_MS) lan.run(10);
    for (const b of booted) b.giveUp();
    for (const b of booted) b.start();
    const ms = Math.round(opts.duration * 1000);
    lan.run(ms);
    for (const b of booted) b.result.stats = b.stats();
    if (pcap && pcap.failed) throw new UserError(pcap.failed, 'ERR_PCAP');
    const r: SimResult = { devices: booted.map((b) => b.result), wire: lan.wire.length, ms };
    if (pcap) r.captured = pcap.count;
    return r;
  } finally {
    if (pcap) pcap.close();
  }
}

/** The end-of-run table: one row per device with its counters. */
export function countersTable(r: SimResult): string[] {
  const cols = ['sent', 'refused', 'received', 'delivered', 'dropped', 'oversize', 'failed'] as const;
  const rows = [['device', 'address', ...cols, 'errors', 'agent']];
  for (const d of r.devices) rows.push([d.name, d.ip, ...cols.map((c) => String(d.stats[c])), String(d.errors), String(d.agent.length)]);
  const w = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) => row.map((cell, c) => (c < 2 ? cell.padEnd(w[c]) : cell.padStart(w[c]))).join('  ').trimEnd());
}
