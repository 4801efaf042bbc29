// The shared core of one Espruino-faithful environment: what the fake modules (dgram, Wifi,
// WIZnet, Storage) need from it. The environment (env.ts) builds it; nothing here knows
// about a particular module.
import type { Lan, MockDevice } from '../../hal/mock/lan';

/** The Espruino builds the environment imitates. */
export type Flavor = 'esp32' | 'esp8266' | 'espruino-wifi' | 'pico' | 'original' | 'linux';

/** Constructors and helpers of the vm context's own realm (objects handed to scripts are made with these). */
export interface Realm {
  Object: ObjectConstructor;
  Array: ArrayConstructor;
  Uint8Array: Uint8ArrayConstructor;
  Error: ErrorConstructor;
  JSON: JSON;
}

/** A timer the core set on the environment's clock (virtual for LAN flavors, real for linux). */
export type Handle = unknown;

export interface Core {
  readonly flavor: Flavor;
  readonly R: Realm;
  /** The simulated LAN and this environment's device on it (null for the linux flavor). */
  readonly lan: Lan | null;
  readonly device: MockDevice | null;
  /** The NII Espruino's current network serves ('wl0' after Wifi connects, 'eth0' after WIZnet), or null. */
  net: string | null;
  /** Call a script function as Espruino's event loop does: exceptions are reported as "Uncaught …", microtasks run after. */
  call(fn: unknown, thisArg: unknown, args: unknown[]): void;
  /** Run host code `fn` after `ms` on the environment's clock (0: from the event loop). */
  later(ms: number, fn: () => void): Handle;
  cancel(h: Handle): void;
  /** The clock in ms (virtual LAN time, or wall time for linux). */
  now(): number;
  /** Print a console line. */
  print(line: string): void;
  /** A vm-realm Error with `message` (what Espruino's jsExceptionHere throws). */
  error(message: string): Error;
  /** Register clean-up for close(). */
  onClose(fn: () => void): void;
}

/** Bytes of a binary string (chars 0-255); a char above 255 (not possible on Espruino) is UTF-8 encoded. */
export function stringBytes(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, /[^\x00-\xff]/.test(s) ? 'utf8' : 'latin1'));
}

/** A binary string (chars 0-255) of bytes. */
export function bytesString(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

/** A deterministic MAC address for device `host` on a board of `flavor`. */
export function macOf(flavor: Flavor, host: number): string {
  const oui = flavor === 'esp32' ? '24:0a:c4' : flavor === 'esp8266' || flavor === 'espruino-wifi' ? '5c:cf:7f' : '00:08:dc';
  return `${oui}:00:00:${(host & 255).toString(16).padStart(2, '0')}`;
}
