// Soak on real loopback: the sensor hub (examples/sensor-hub/hub.js, the linux board's bundle)
// on the real 32-bit interpreter and three sensor nodes (node.js) as devices on this PC (the
// node driver, real UDP sockets on the loopback LAN), for minutes of wall-clock time, the hub
// polling every second (HUB_POLL_SECONDS = 1; the guide's 60 s would give ten polls in ten
// minutes). Counted: what each node received and sent, by kind (the node driver's tap), the
// hub's console (readings, lost and stale ones, discoveries) and imp.net.stats(); blocks in use
// on the hub (least of 3) after the first minute and at the end.
// Real loopback can drop what the simulated LAN cannot (a full socket buffer), so the balances
// are reported with what is unaccounted, not assumed to be zero.
//
//   node --import tsx bench/soak-loopback.ts [--minutes 10] [--kind 8190] [--out FILE]
//
// On 8190 blocks: on 2630 the hub runs out of memory at its first broadcast (measured): its
// ring (8,400 bytes) and the linux driver's second socket, for broadcasts, do not fit beside it.
//
// Writes bench/results/soak-loopback.json. Not in npm test (minutes of wall-clock time); the
// simulated-LAN soak is test/soak.test.ts.
import { parseArgs } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevice, espruinoDir, type InterpreterKind } from '../host/espruino/interpreter';
import { standinsFor } from '../host/espruino/standins/index';
import { bundleOf } from '../test/support/espruino-device';
import { createNodeDriver } from '../hal/node/driver';
import { createHostPlatform } from '../hal/node/platform';
import { HOST_BOARD } from '../hal/node/board';
import { createRuntime } from '../firmware/runtime';
import { appSource, guarded, startApp } from '../host/app';
import { writeResults } from './harness';

const HUB_HOST = 221, NODE_HOSTS = [222, 223, 224], PORT = 25905;

async function main() {
  const { values } = parseArgs({ options: { minutes: { type: 'string' }, kind: { type: 'string' }, out: { type: 'string' } } });
  if (!espruinoDir()) { console.log('no Espruino interpreter: skipped'); return; }
  const minutes = Number(values.minutes ?? 10), kind = (values.kind as InterpreterKind) ?? '8190';
  const stateDir = mkdtempSync(join(tmpdir(), 'espimp-soak-'));
  // SENSOR_PORT keeps this hub and its nodes apart from any demo on the LAN's 5005/5006
  const globals = `global.HUB_POLL_SECONDS = 1; global.SENSOR_PORT = ${PORT};`;
  const hub = await startDevice({ kind, boot: [...standinsFor('linux'), globals], app: await bundleOf('linux', 'examples/sensor-hub/hub.js', HUB_HOST) });
  const byKind = (d: Uint8Array) => Buffer.from(d.subarray(0, 8)).toString('latin1').split(' ')[0];
  const nodes = NODE_HOSTS.map((h) => {
    const n = { name: `n${h}`, rx: {} as { [k: string]: number }, tx: {} as { [k: string]: number }, errors: [] as string[], rt: null as any, driver: null as any };
    n.driver = createNodeDriver({
      lan: 'loopback', ip: `192.168.77.${h}`, linuxPeer: `192.168.77.${HUB_HOST}`,
      onfault: (c, d) => n.errors.push(`FAULT ${c} ${d}`),
      tap: (received, _f, _fp, _t, _tp, data) => { const k = byKind(data), m = received ? n.rx : n.tx; m[k] = (m[k] || 0) + 1; },
    });
    const write = (l: string) => { if (l.startsWith('ERROR')) n.errors.push(l); };
    const p = guarded(createHostPlatform({ stateFile: join(stateDir, `${h}.json`), write }), (l) => write('ERROR: ' + l));
    n.rt = createRuntime(p, { node: n.driver }, HOST_BOARD);
    startApp(appSource('examples/sensor-hub/node.js'), 'node.js', n.rt, p, { SENSOR_ID: n.name, SENSOR_PORT: PORT });
    return n;
  });
  const count = (re: RegExp) => hub.lines.filter((l) => re.test(l)).length;
  const t0 = Date.now();
  try {
    await hub.until(() => NODE_HOSTS.every((h) => hub.lines.some((l) => l.startsWith(`Discovered node n${h} `))), 'the three nodes discovered');
    await new Promise((r) => setTimeout(r, 60_000));
    const blocksAfterMinute = await hub.blocksInUse();
    console.log(`after 1 minute: ${count(/^Reading from /)} readings, ${blocksAfterMinute} blocks in use`);
    for (let m = 2; m <= minutes; m++) {
      await new Promise((r) => setTimeout(r, 60_000));
      console.log(`after ${m} minutes: ${count(/^Reading from /)} readings, ${count(/^ERROR: Lost reading/)} lost, ${await hub.blocksInUse()} blocks in use`);
    }
    const blocksEnd = await hub.blocksInUse();
    const hubStats = await hub.call('imp.net.stats()');
    const sum = (k: string, side: 'rx' | 'tx') => nodes.reduce((s, n) => s + (n[side][k] || 0), 0);
    const r = {
      minutes, interpreter: `espruino32-${kind}`, pollSeconds: 1,
      hub: {
        readings: count(/^Reading from /), lost: count(/^ERROR: Lost reading/), stale: count(/^ERROR: Stale reading/),
        discovered: count(/^Discovered node /), otherErrors: hub.lines.filter((l) => /^ERROR: /.test(l) && !/^ERROR: (Lost|Stale) reading/.test(l)).length,
        stats: hubStats,
      },
      nodes: nodes.map((n) => ({ name: n.name, received: n.rx, sent: n.tx, stats: n.rt.imp.net.stats(), errors: n.errors.slice(0, 5), errorCount: n.errors.length })),
      balances: {
        /** REQs the nodes got, each answered with a DATA. */
        reqReceived: sum('REQ', 'rx'), dataSent: sum('DATA', 'tx'),
        /** DATA sent by the nodes that the hub did not take as a reading or stale (lost on the way or in flight). */
        dataUnaccounted: sum('DATA', 'tx') - count(/^Reading from /) - count(/^ERROR: Stale reading/),
        /** What the nodes sent, against what the hub's runtime received (the rest lost or in flight). */
        nodesSent: sum('DATA', 'tx') + sum('HELLO', 'tx'), hubReceived: hubStats.received,
        hubDeliveredPlusDropped: hubStats.delivered + hubStats.dropped,
      },
      blocks: { afterFirstMinute: blocksAfterMinute, end: blocksEnd },
      faults: [...hub.faults], ms: Date.now() - t0,
    };
    console.log(JSON.stringify(r, null, 2));
    writeResults(values.out, 'soak-loopback.json', { espruino: '2v29', ...r });
  } finally {
    await hub.kill();
    for (const n of nodes) n.driver.shutdown();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
