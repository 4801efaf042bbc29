// impOS interface states, and the map from a driver's link report to them.

/** The imp.net state constants (impOS values). */
export var STATES: { [name: string]: number } = {
  UNKNOWN: -1, STARTING: 0, CONNECTED: 1,
  WIFI_SCANNING: 100, WIFI_JOINING: 101, WIFI_WPSING: 102, WIFI_LINK_UP: 103, WIFI_DHCPING: 104,
  WIFI_STOPPED: 105, WIFI_STOPPED_UNHAPPY: 106,
  ETHERNET_LINK_UP: 200, ETHERNET_DHCPING: 201, ETHERNET_STOPPED: 202, ETHERNET_STOPPED_UNHAPPY: 203,
  ETHERNET_STOPPED_NO_LINK: 204,
  CELLULAR_PINGING: 300, CELLULAR_WAITING_FOR_SIM: 301, CELLULAR_PPP_CONNECTING: 302,
  CELLULAR_REGISTERING: 303, CELLULAR_REGISTRATION_DENIED: 304, CELLULAR_STOPPED: 305, CELLULAR_STOPPED_UNHAPPY: 306,
};

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
