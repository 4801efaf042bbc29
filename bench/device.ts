// A host device for the benchmarks: a runtime over the node driver on the loopback LAN,
// eth0 connected, the rate limit lifted through board data (bucket capacity and refill
// huge) so the benchmarks measure the send path and not the 25 packets/s policy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BoardSettings } from '../hal/contract';
import { createNodeDriver } from '../hal/node/driver';
import { createHostPlatform } from '../hal/node/platform';
import { HOST_BOARD } from '../hal/node/board';
import { createRuntime, type Runtime } from '../firmware/runtime';

/** boards/host.json with a bucket that never runs dry at benchmark rates. */
export const BENCH_BOARD: BoardSettings = { ...HOST_BOARD, bucket: { capacity: 1e15, refill: 1e12, cost: 1000 } };

export interface BenchDevice { rt: Runtime; iface: any; close(): void }

/** A device at 192.168.77.`host` (127.77.0.`host`) with eth0 connected. */
export async function benchDevice(host: number): Promise<BenchDevice> {
  const dir = mkdtempSync(join(tmpdir(), 'espimp-bench-'));
  const faults: string[] = [];
  const driver = createNodeDriver({ lan: 'loopback', ip: `192.168.77.${host}`, onfault: (c, d) => { faults.push(`${c} ${d}`); } });
  const p = createHostPlatform({ stateFile: join(dir, 'state.json'), write: () => {} });
  const rt = createRuntime(p, { node: driver }, BENCH_BOARD);
  let iface: any;
  await new Promise<void>((resolve, reject) => {
    iface = rt.imp.net.open({ interface: 'eth0' }, (s: number) => {
      if (s === 1) resolve();
      else if (s >= 202 && s <= 204) reject(new Error(`eth0 did not connect (state ${s}) ${faults.join('; ')}`));
    });
  });
  return { rt, iface, close: () => { driver.shutdown(); rmSync(dir, { recursive: true, force: true }); } };
}

/** Open a UDP socket on `iface` bound to a free port from 20000 up (skipping ports in use). */
export function openBound(iface: any, cb: Function | null): { sock: any; port: number } {
  for (let port = 20000 + Math.floor(Math.random() * 20000), tries = 0; tries < 100; port++, tries++) {
    try {
      return { sock: iface.openudp(cb, port), port };
    } catch (e: any) {
      if (e.code !== 'ERR_PORT_IN_USE') throw e;
    }
  }
  throw new Error('no free port for the benchmark');
}
