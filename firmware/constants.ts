// The impOS constants an app reads: imp.net's state names and the SEND_ERROR_* globals.
// The build replaces this module with literals holding only the names the app mentions
// (build/features.ts, the constants row), so a board never carries the rest.
import type { States, Globals } from './api';

/** Add `prefix + name` = base, base + 1, ... for the space-separated `names`. */
var run = function (o: { [name: string]: number }, prefix: string, names: string, base: number) {
  names.split(' ').forEach(function (n, i) { o[prefix + n] = base + i; });
  return o;
};

/** The imp.net state constants (impOS values): one consecutive run per kind. */
export var STATES = run(run(run(run({}, '', 'UNKNOWN STARTING CONNECTED', -1),
  'WIFI_', 'SCANNING JOINING WPSING LINK_UP DHCPING STOPPED STOPPED_UNHAPPY', 100),
  'ETHERNET_', 'LINK_UP DHCPING STOPPED STOPPED_UNHAPPY STOPPED_NO_LINK', 200),
  'CELLULAR_', 'PINGING WAITING_FOR_SIM PPP_CONNECTING REGISTERING REGISTRATION_DENIED STOPPED STOPPED_UNHAPPY', 300) as unknown as States & { [name: string]: number };

/** udpsocket.send's return codes beyond 0, as impOS globals. */
export var SEND_ERRORS = run({}, 'SEND_ERROR_', 'NOT_CONNECTED TIMEOUT DISCONNECTED WOULDBLOCK', 1) as unknown as SendErrors & { [name: string]: number };

/**
 * `o` with the state constants added, and with the SEND_ERROR_* ones: imp.net and the globals are
 * made so. A board's build generates them with the literal inside (build/features.ts), so the
 * constants are held once, in the object they are added to, not also as this module's objects.
 */
export var withStates = function <T extends object>(o: T) { return Object.assign(o, STATES); };
export var withSendErrors = function <T extends object>(o: T) { return Object.assign(o, SEND_ERRORS); };

/** The SEND_ERROR_* globals' types. */
export type SendErrors = Pick<Globals, 'SEND_ERROR_NOT_CONNECTED' | 'SEND_ERROR_TIMEOUT' | 'SEND_ERROR_DISCONNECTED' | 'SEND_ERROR_WOULDBLOCK'>;
