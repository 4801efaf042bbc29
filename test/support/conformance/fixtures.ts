// Conformance fixtures for the host-side drivers: the simulated LAN (hal/mock, time is the
// virtual clock) and the node driver on the loopback LAN (real sockets, time is the event
// loop), plus the two ways of awaiting a condition, for other drivers' fixtures to reuse.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lan } from '../../../hal/mock/lan';
import type { VirtualClock } from '../../../hal/mock/clock';
import { createNodeDriver, NodeDriver } from '../../../hal/node/driver';
import { createHostPlatform } from '../../../hal/node/platform';
import { createRuntime } from '../../../firmware/runtime';
import type { Platform } from '../../../hal/contract';
import { HOST_BOARD } from '../../../hal/node/board';
import { VIRTUAL_LAN, VIRTUAL_BROADCAST } from '../../../hal/loopback';
import { boot, WIFI } from '../runtime';
import type { ConformanceFixture } from './suite';


/** The NIC for `nii`: wl0 with the credentials the simulated LAN accepts. */
export function nicFor(nii: string) {
  return nii === 'wl0' ? { interface: nii, wificonfig: WIFI } : { interface: nii };
}

/** until() on a virtual clock: advance 1 ms at a time, for at most limitMs of virtual time. */
export function virtualUntil(clock: VirtualClock, limitMs = 60_000) {
  return async (cond: () => boolean, what: string) => {
    for (let t = 0; !cond(); t++) {
      if (t > limitMs) throw new Error(`still waiting after ${limitMs} virtual ms for ${what}`);
      clock.advance(1);
    }
  };
}

/**
 * until() driven by real events: pulse() re-checks every waiter. Wrap a platform with
 * observe() so each timer and later() callback (every onstate and onreceive runs from one) pulses.
 * guardMs only fails a test that would otherwise hang; nothing waits for it to pass.
 */
export function eventWaiter(guardMs = 10_000) {
  const waiters = new Set<() => void>();
  const pulse = () => { for (const w of [...waiters]) w(); };
  return {
    pulse,
    observe(p: Platform): Platform {
      const pulsing = (cb: () => void) => () => { try { cb(); } finally { pulse(); } };
      return { ...p, timer: (ms, cb) => p.timer(ms, pulsing(cb)), later: (cb) => p.later(pulsing(cb)) };
    },
    until(cond: () => boolean, what: string): Promise<void> {
      return new Promise((resolve, reject) => {
        if (cond()) return resolve();
        const done = () => { waiters.delete(check); clearTimeout(guard); };
        const check = () => { if (cond()) { done(); resolve(); } };
        const guard = setTimeout(() => { done(); reject(new Error(`no event after ${guardMs} ms: waiting for ${what}`)); }, guardMs);
        waiters.add(check);
      });
    },
  };
}

/** Three devices (192.168.77.2-4) on the simulated LAN. */
export function mockFixture(nii = 'eth0'): ConformanceFixture {
  const lan = new Lan({ subnet: VIRTUAL_LAN });
  const devices = [2, 3, 4].map((h) => {
    const b = boot(lan, h, { ring: HOST_BOARD.ring });
    return { rt: b.rt, ip: b.dev.ip };
  });
  return { devices, nic: nicFor(nii), broadcast: lan.broadcast, base: 3000, multicast: true, until: virtualUntil(lan.clock), close() {} };
}

/** Devices 192.168.77.<hosts> on the loopback LAN, each with its own node driver, platform and state file. */
export function nodeFixture(opts: { hosts: number[]; base: number; nii?: string; linuxPeer?: string }): ConformanceFixture & { drivers: NodeDriver[]; faults(): string[]; pulse(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'espimp-conf-'));
  const waiter = eventWaiter();
  const faults: string[] = [];
  const drivers: NodeDriver[] = [];
  const devices = opts.hosts.map((h) => {
    const ip = `${VIRTUAL_LAN}.${h}`;
    const driver = createNodeDriver({ lan: 'loopback', ip, linuxPeer: opts.linuxPeer, onfault: (code, detail) => faults.push(`${ip}: ${code} ${detail}`) });
    drivers.push(driver);
    const p = waiter.observe(createHostPlatform({ stateFile: join(dir, `${h}.json`), write: () => {} }));
    return { rt: createRuntime(p, { node: driver }, HOST_BOARD), ip };
  });
  return {
    devices,
    drivers,
    nic: nicFor(opts.nii || 'eth0'),
    broadcast: VIRTUAL_BROADCAST,
    base: opts.base,
    broadcastTo: () => VIRTUAL_BROADCAST,
    multicast: true,
    until: waiter.until,
    pulse: waiter.pulse,
    faults: () => faults,
    close() {
      for (const d of drivers) d.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
