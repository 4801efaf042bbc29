// Shared test fixtures: a mock board and a device booted on the simulated LAN.
import { Lan, MockDevice } from '../hal/mock/lan';
import { createRuntime, Runtime } from '../firmware/runtime';
import type { BoardSettings } from '../hal/contract';

export const MOCK_BOARD: BoardSettings = {
  niis: { wl0: 'mock', eth0: 'mock', cell0: 'mock' },
  ring: 4096,
  bucket: { capacity: 100000, refill: 25, cost: 1000 },
};

export interface Booted { dev: MockDevice; rt: Runtime }

/** A device at subnet.host on `lan`, with the runtime built over its mock driver. */
export function boot(lan: Lan, host: number, board: Partial<BoardSettings> = {}, opts: { cable?: boolean; radio?: boolean } = {}): Booted {
  const dev = lan.device(host, opts);
  const rt = createRuntime(dev.platform, { mock: dev.driver }, { ...MOCK_BOARD, ...board });
  return { dev, rt };
}

/** Open eth0 on a booted device and run the clock until it is connected. */
export function connect(lan: Lan, b: Booted, nii = 'eth0', extra: object = {}) {
  const states: number[] = [];
  const f = b.rt.imp.net.open({ interface: nii, ...extra }, (s: number) => states.push(s));
  lan.run(200);
  return { f, states };
}

/** What `fn` throws, or undefined when it returns normally. */
export function caught(fn: () => unknown): any {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** The `code` of what `fn` throws ('no throw' when it returns normally). */
export function codeOf(fn: () => unknown): string {
  const e = caught(fn);
  return e === undefined ? 'no throw' : e && e.code ? e.code : `threw without a code: ${e}`;
}
