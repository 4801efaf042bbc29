// Shared test fixtures: a mock board and a device booted on the simulated LAN.
import { Lan, MockDevice } from '../hal/mock/lan';
import { createRuntime, Runtime } from '../firmware/runtime';
import type { BoardSettings, NetDriver } from '../hal/contract';

export const MOCK_BOARD: BoardSettings = {
  niis: { wl0: 'mock', eth0: 'mock', cell0: 'mock' },
  ring: 4096,
  bucket: { capacity: 100000, refill: 25, cost: 1000 },
};

/** The Wi-Fi credentials the simulated LAN accepts (its defaults in hal/mock/lan.ts). */
export const WIFI = { ssid: 'espimp-lab', key: 'secret' };

export interface Booted { dev: MockDevice; rt: Runtime }

export interface BootOptions {
  cable?: boolean;
  radio?: boolean;
  /** Driver methods to replace (or a function of the device's own driver giving them). */
  patch?: Partial<NetDriver> | ((driver: NetDriver) => Partial<NetDriver>);
}

/** A device at subnet.host on `lan`, with the runtime built over its mock driver (patched by opts.patch). */
export function boot(lan: Lan, host: number, board: Partial<BoardSettings> = {}, opts: BootOptions = {}): Booted {
  const dev = lan.device(host, { cable: opts.cable, radio: opts.radio });
  const patch = typeof opts.patch === 'function' ? opts.patch(dev.driver) : opts.patch;
  const rt = createRuntime(dev.platform, { mock: patch ? { ...dev.driver, ...patch } : dev.driver }, { ...MOCK_BOARD, ...board });
  return { dev, rt };
}

/** The local ports of the driver endpoints the device at `ip` holds on the LAN. */
export function held(lan: Lan, ip = '192.168.1.2'): number[] {
  return lan.endpoints.filter((e) => e.dev.ip === ip).map((e) => e.port);
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
