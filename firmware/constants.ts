// The impOS constants an app reads: imp.net's state names and the SEND_ERROR_* globals.
// The build replaces this module with literals holding only the names the app mentions
// (build/features.ts, the constants row), so a board never carries the rest.

/** Add `prefix + name` = base, base + 1, ... for the space-separated `names`. */
var run = function (o: { [name: string]: number }, prefix: string, names: string, base: number) {
  names.split(' ').forEach(function (n, i) { o[prefix + n] = base + i; });
  return o;
};

/** The imp.net state constants (impOS values): one consecutive run per kind. */
export var STATES: { [name: string]: number } = run(run(run(run({}, '', 'UNKNOWN STARTING CONNECTED', -1),
  'WIFI_', 'SCANNING JOINING WPSING LINK_UP DHCPING STOPPED STOPPED_UNHAPPY', 100),
  'ETHERNET_', 'LINK_UP DHCPING STOPPED STOPPED_UNHAPPY STOPPED_NO_LINK', 200),
  'CELLULAR_', 'PINGING WAITING_FOR_SIM PPP_CONNECTING REGISTERING REGISTRATION_DENIED STOPPED STOPPED_UNHAPPY', 300);

/** udpsocket.send's return codes beyond 0, as impOS globals. */
export var SEND_ERRORS: { [name: string]: number } = run({}, 'SEND_ERROR_', 'NOT_CONNECTED TIMEOUT DISCONNECTED WOULDBLOCK', 1);
