// Extended interface config: the `wificonfig` / `staticconfig` an app gives imp.net.open,
// checked, used for that start only, never persisted. The build replaces this module with
// one that finds none when the app never names either key (build/features.ts: extended-off.ts).
import type { LinkConfig } from '../hal/contract';
import { fail } from './errors';
import { quad } from '../hal/address';

/**
 * The extended config of `nic`, checked (ERR_BAD_ARG for a wificonfig without a string ssid,
 * or a staticconfig whose addresses are not dotted quads), with the Wi-Fi credentials of
 * `saved` when it gives only a staticconfig; null when it gives neither.
 */
export var extended = function (nic: any, saved: any): LinkConfig | null {
  var w = nic.wificonfig, s = nic.staticconfig;
  if (w != null && (typeof w != 'object' || typeof w.ssid != 'string' || (w.key != null && typeof w.key != 'string'))) fail('BAD_ARG', w);
  if (s != null && (typeof s != 'object' || !quad(s.ip) || (s.netmask != null && !quad(s.netmask)) || (s.gateway != null && !quad(s.gateway)))) fail('BAD_ARG', s);
  return w || s ? { wificonfig: w || saved.wificonfig, staticconfig: s } : null;
};
