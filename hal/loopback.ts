// The loopback LAN: the virtual private subnet 192.168.77.0/24 mapped onto 127.77.0.0/24
// (host N <-> 127.77.0.N), so apps see impOS-legal addresses while every packet stays on
// this machine. Both broadcasts (192.168.77.255 and 255.255.255.255) map to the loopback
// broadcast 127.255.255.255, the one broadcast address Linux routes on `lo`.
// BOARD CODE: also used by the Espruino Linux-port driver (Espruino-safe syntax only).
import { quad } from './address';

/** First three octets of the virtual LAN the apps see. */
export const VIRTUAL_LAN = '192.168.77';
/** First three octets of the loopback range its hosts live on. */
export const LOOPBACK_LAN = '127.77.0';
/** The virtual LAN's broadcast address. */
export const VIRTUAL_BROADCAST = '192.168.77.255';
/** Where both broadcasts go on loopback. */
export const LOOPBACK_BROADCAST = '127.255.255.255';

/** Host number 1-254 of `ip` when it is `prefix`.N, else 0. */
function hostOf(ip: string, prefix: string): number {
  var q = quad(ip);
  return q && q.slice(0, 3).join('.') == prefix && q[3] > 0 && q[3] < 255 ? q[3] : 0;
}

/** True when `ip` is a host of the virtual LAN: 192.168.77.1 .. 192.168.77.254. */
export function isVirtualHost(ip: string): boolean {
  return hostOf(ip, VIRTUAL_LAN) > 0;
}

/**
 * Loopback form of a virtual-LAN destination: 192.168.77.N (N 1-254) -> 127.77.0.N;
 * 192.168.77.255 and 255.255.255.255 -> 127.255.255.255; anything else -> null (refuse).
 */
export function toLoopback(ip: string): string | null {
  if (ip == VIRTUAL_BROADCAST || ip == '255.255.255.255') return LOOPBACK_BROADCAST;
  var n = hostOf(ip, VIRTUAL_LAN);
  return n ? LOOPBACK_LAN + '.' + n : null;
}

/**
 * The hint a driver of an emulated LAN (this one, the simulated one, the Linux port's) prints
 * after "ERROR: ", once per socket, when it refuses a send to `ip`, outside the LAN `lan`
 * (its first three octets): "192.168.0.1 is outside the virtual LAN 192.168.77.0/24: not sent".
 */
export var outside = function (ip: string, lan: string): string {
  return ip + ' is outside the virtual LAN ' + lan + '.0/24: not sent';
};

/** Virtual-LAN form of a loopback address: 127.77.0.N (N 1-254) -> 192.168.77.N; 127.255.255.255 -> 192.168.77.255; else null. */
export function fromLoopback(ip: string): string | null {
  if (ip == LOOPBACK_BROADCAST) return VIRTUAL_BROADCAST;
  var n = hostOf(ip, LOOPBACK_LAN);
  return n ? VIRTUAL_LAN + '.' + n : null;
}
