// impOS interface states, and the map from a driver's link report to them.

/** Add `prefix + name` = base, base + 1, ... for the space-separated `names` (an empty name is a
 * gap: the build blanks the names an app never mentions, build/config.ts statesPrune). */
function run(o: { [name: string]: number }, prefix: string, names: string, base: number) {
  names.split(' ').forEach(function (n, i) { if (n) o[prefix + n] = base + i; });
  return o;
}

/** The imp.net state constants (impOS values): one consecutive run per kind. */
export var STATES: { [name: string]: number } = run(run(run(run({}, '', 'UNKNOWN STARTING CONNECTED', -1),
  'WIFI_', 'SCANNING JOINING WPSING LINK_UP DHCPING STOPPED STOPPED_UNHAPPY', 100),
  'ETHERNET_', 'LINK_UP DHCPING STOPPED STOPPED_UNHAPPY STOPPED_NO_LINK', 200),
  'CELLULAR_', 'PINGING WAITING_FOR_SIM PPP_CONNECTING REGISTERING REGISTRATION_DENIED STOPPED STOPPED_UNHAPPY', 300);

var BY_KIND: { [kind: string]: number[] } = {
  wifi: [100, 101, 103, 104, 105, 106, 105],
  eth: [0, 0, 200, 201, 202, 203, 204],
  cell: [300, 303, 302, 302, 305, 306, 305],
};

/** The impOS state for driver link report `link` (see hal/contract.ts) on an interface of `kind`. */
export function stateOf(kind: string, link: number): number {
  return link < 2 ? link : BY_KIND[kind][link - 2];
}

/** True for UNKNOWN and every stopped state: the interface cannot carry UDP. */
export function isDown(s: number): boolean {
  return s < 0 || s == 105 || s == 106 || (s >= 202 && s <= 204) || s >= 305;
}
