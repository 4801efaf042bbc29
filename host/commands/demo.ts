// espimp demo (`npm start`): the main job. The sensor hub and three sensor nodes from
// examples/sensor-hub, each its own runtime and app context, on the loopback LAN with real
// UDP sockets (virtual 192.168.77.N = 127.77.0.N). Runs about 20 s, prints discovery,
// readings and a summary (asked of the hub over the agent link), then ends by itself.
// --pcap FILE writes the four devices' datagrams to one pcap file (host/pcap.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { createNodeDriver } from '../../hal/node/driver';
import { createHostPlatform } from '../../hal/node/platform';
import { HOST_BOARD } from '../../hal/node/board';
import { VIRTUAL_LAN } from '../../hal/loopback';
import { createRuntime, Runtime } from '../../firmware/runtime';
import type { Counters } from '../../firmware/counters';
import { frame, unframe } from '../../firmware/agent';
import { appSource, guarded, startApp, tracked } from '../app';
import { UserError } from '../../build/user-error';
import { LiveCapture } from '../pcap';

const HUB_APP = fileOf('../../examples/sensor-hub/hub.js');
const NODE_APP = fileOf('../../examples/sensor-hub/node.js');

function fileOf(rel: string): string {
  return fileURLToPath(new URL(rel, import.meta.url));
}

export interface DemoOptions {
  /** Wall-clock seconds to run. */ seconds: number;
  /** The hub's poll interval, seconds (HUB_POLL_SECONDS). */ poll: number;
  /** The hub's host number on 192.168.77.0/24; the nodes take the next three. */ host: number;
  /** The nodes' port (SENSOR_PORT); the hub uses port + 1. */ port: number;
  /** Where the lines go. */ print: (line: string) => void;
  /** Where every datagram of the four devices goes, once each (host/pcap.ts); closed at the end. */ capture?: LiveCapture;
}

/** What the demo saw, for the summary and the tests. */
export interface DemoResult {
  /** The hub's totals as its agent reported them: {polls, readings, lost, stale}. */ totals: { [k: string]: number };
  /** Readings the agent received per node id. */ readings: { [node: string]: number };
  /** Nodes the hub discovered. */ discovered: string[];
  /** Every device's imp.net.stats(). */ stats: { [name: string]: Counters };
  /** Driver faults (e.g. a port in use). */ faults: string[];
  /** Datagrams written to opts.pcap. */ captured: number;
  /** Why writing opts.pcap stopped (e.g. the disk is full), or null. */ captureFailed: string | null;
}

/** Run the hub and three nodes for opts.seconds; resolves when everything is shut down. */
function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const t0 = performance.now();
  const stamp = () => `[${((performance.now() - t0) / 1000).toFixed(3).padStart(7)}s]`;
  const capture = opts.capture;
  const stateDir = mkdtempSync(join(tmpdir(), 'espimp-demo-'));
  const result: DemoResult = { totals: {}, readings: {}, discovered: [], stats: {}, faults: [], captured: 0, captureFailed: null };
  const devices = [{ name: 'hub', file: HUB_APP, globals: { HUB_POLL_SECONDS: opts.poll, SENSOR_PORT: opts.port } as { [k: string]: unknown } }];
  for (let i = 1; i <= 3; i++) devices.push({ name: `n${opts.host + i}`, file: NODE_APP, globals: { SENSOR_ID: `n${opts.host + i}`, SENSOR_PORT: opts.port } });
  const running: { name: string; rt: Runtime; shutdown: () => void }[] = [];
  // Nodes first, so the hub's first discovery broadcast finds them listening.
  for (const d of devices.slice(1).concat(devices.slice(0, 1))) {
    const host = opts.host + devices.indexOf(d);
    const write = (line: string) => {
      if (line.startsWith('Discovered node ')) result.discovered.push(line.split(' ')[2]);
      opts.print(`${stamp()} ${d.name.padEnd(4)} ${line}`);
    };
    const driver = createNodeDriver({
      lan: 'loopback', ip: `${VIRTUAL_LAN}.${host}`, tap: capture ? capture.tap(`${VIRTUAL_LAN}.${host}`) : undefined,
      onfault: (code, detail) => { result.faults.push(`${d.name}: ${detail}`); write(`ERROR: ${code}: ${detail}`); },
    });
    const t = tracked(createHostPlatform({ stateFile: join(stateDir, `${d.name}.json`), write }));
    const p = guarded(t.platform, (l) => write('ERROR: ' + l));
    const rt = createRuntime(p, { node: driver }, HOST_BOARD);
    rt.agent.tx = (frameLine: string) => {
      const m = unframe(frameLine.slice(1));
      if (typeof m == 'number') write(`ERROR: damaged agent frame (${m})`); else agentMessage(m);
    };
    running.push({ name: d.name, rt, shutdown: () => { t.stopAll(); driver.shutdown(); } });
    try {
      startApp(appSource(d.file), d.file, rt, p, d.globals);
    } catch (e) {
      for (const r of running) r.shutdown();
      if (capture) capture.close();
      rmSync(stateDir, { recursive: true, force: true });
      throw e;
    }
  }
  function agentMessage(m: [string, any]) {
    if (m[0] === 'reading') result.readings[m[1].node] = (result.readings[m[1].node] || 0) + 1;
    if (m[0] === 'summary') result.totals = m[1];
  }
  return new Promise((resolve) => {
    setTimeout(() => {
      const hub = running.find((r) => r.name === 'hub') as { rt: Runtime };
      hub.rt.agent.rx(frame('summary', null));
      for (const r of running) {
        result.stats[r.name] = r.rt.imp.net.stats();
        r.shutdown();
      }
      if (capture) {
        capture.close();
        result.captured = capture.writer.count;
        result.captureFailed = capture.writer.failed;
      }
      rmSync(stateDir, { recursive: true, force: true });
      resolve(result);
    }, opts.seconds * 1000);
  });
}

/** The summary lines for a finished demo. */
export function summary(r: DemoResult): string[] {
  const t = r.totals;
  const lines = [
    `summary: hub discovered ${r.discovered.length} node(s) (${r.discovered.join(', ') || 'none'}); ` +
      `${t.polls ?? 0} polls, ${t.readings ?? 0} readings, ${t.lost ?? 0} lost, ${t.stale ?? 0} stale`,
    `agent got ${Object.values(r.readings).reduce((a, b) => a + b, 0)} readings: ` +
      (Object.keys(r.readings).sort().map((n) => `${n} ${r.readings[n]}`).join(', ') || 'none'),
  ];
  for (const name of Object.keys(r.stats).sort()) {
    const s = r.stats[name];
    lines.push(`  ${name.padEnd(4)} sent ${s.sent}, received ${s.received}, delivered ${s.delivered}, ` +
      `refused ${s.refused}, dropped ${s.dropped}, failed ${s.failed}`);
  }
  return lines;
}

function number(lo: number, hi: number, integer: boolean) {
  return (t: string) => {
    const v = Number(t);
    if (!/\S/.test(t) || !(v >= lo && v <= hi) || (integer && v % 1 !== 0)) {
      throw new InvalidArgumentError(`must be ${integer ? 'an integer' : 'a number'} from ${lo} to ${hi}`);
    }
    return v;
  };
}

export function register(program: Command) {
  program.command('demo')
    .description('run the sensor hub and three nodes on the loopback LAN (real UDP sockets) and print a summary')
    .option('--seconds <n>', 'how long to run, wall-clock seconds', number(1, 3600, false), 20)
    .option('--poll <n>', "the hub's poll interval, seconds (HUB_POLL_SECONDS)", number(0.5, 600, false), 4)
    .option('--host <n>', `the hub's host number: ${VIRTUAL_LAN}.N = 127.77.0.N; the nodes take the next three`, number(1, 251, true), 1)
    .option('--port <n>', "the nodes' port (SENSOR_PORT); the hub uses the next one", number(1024, 65534, true), 5005)
    .option('--pcap <file>', 'write every datagram of the demo\'s LAN to a pcap file (tcpdump -r FILE -n, Wireshark)')
    .action(async (opts) => {
      const print = (line: string) => process.stdout.write(line + '\n');
      const capture = opts.pcap ? new LiveCapture(opts.pcap) : undefined;
      print(`espimp demo: hub at ${VIRTUAL_LAN}.${opts.host} and 3 sensor nodes on loopback (127.77.0.x), ` +
        `ports ${opts.port}/${opts.port + 1}, polling every ${opts.poll} s, for ${opts.seconds} s`);
      const r = await runDemo({ seconds: opts.seconds, poll: opts.poll, host: opts.host, port: opts.port, print, capture });
      for (const line of summary(r)) print(line);
      if (r.faults.length) throw new UserError(`the demo could not use the loopback LAN: ${r.faults[0]}`);
      if (r.captureFailed) throw new UserError(r.captureFailed, 'ERR_PCAP');
      if (opts.pcap) print(`capture: ${r.captured} datagrams in ${opts.pcap}`);
    });
}
