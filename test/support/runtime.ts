// Devices on the simulated LAN (hal/mock, the virtual clock) running the runtime: a mock board,
// one device booted, a LAN of N devices connected; and what a call throws.
import { Lan, MockDevice, type LanOptions } from '../../hal/mock/lan';
import type { Interface, Nic, Nii } from '../../firmware/api';
import { createRuntime, Runtime } from '../../firmware/runtime';
import type { BoardSettings, NetDriver } from '../../hal/contract';

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
export function connect(lan: Lan, b: Booted, nii: Nii = 'eth0', extra: Omit<Nic, 'interface'> = {}) {
  const states: number[] = [];
  const f = b.rt.imp.net.open({ interface: nii, ...extra }, (s) => states.push(s));
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

/** One device of a connectedLan(): booted, its interface open and connected, its address, the states its onstate saw. */
export interface ConnectedDevice extends Booted { f: Interface; ip: string; states: number[] }

/** A simulated LAN whose devices are all connected. */
export interface ConnectedLan { lan: Lan; devices: ConnectedDevice[] }

/** What connectedLan() builds: every device alike. */
export interface ConnectedLanOptions {
  /** The interface each opens: eth0 unless told; wl0 with the credentials the LAN accepts. */
  nii?: Nii;
  /** Board settings over MOCK_BOARD, for every device. */
  board?: Partial<BoardSettings>;
  /** The simulated LAN's options (subnet, faults, seed). */
  lan?: LanOptions;
  /** The first device's host number (2 unless told: 192.168.1.2, .3, ...). */
  first?: number;
  /** Driver patches and link conditions, for every device (boot()'s). */
  boot?: BootOptions;
}

/**
 * `count` devices (hosts `first`, `first` + 1, ...) on a new simulated LAN, each booted alike
 * and with its interface opened (recording onstate) and run to CONNECTED; throws when one is not.
 */
export function connectedLan(count: number, o: ConnectedLanOptions = {}): ConnectedLan {
  const lan = new Lan(o.lan);
  const devices: ConnectedDevice[] = [];
  for (let i = 0; i < count; i++) {
    const b = boot(lan, (o.first ?? 2) + i, o.board, o.boot);
    const states: number[] = [];
    const f = b.rt.imp.net.open(o.nii === 'wl0' ? { interface: 'wl0', wificonfig: WIFI } : { interface: o.nii || 'eth0' }, (s) => states.push(s));
    devices.push({ ...b, f, ip: b.dev.ip, states });
  }
  lan.run(200);
  for (const d of devices) if (d.f.getstate() !== d.rt.imp.net.CONNECTED) throw new Error(`${d.ip}: not connected (state ${d.f.getstate()})`);
  return { lan, devices };
}

/** `v` as whatever type the call wants: a value of the wrong type, passed on purpose to see it refused. */
export function wrong(v: unknown): never {
  return v as never;
}
