// Wi-Fi (wl0) through Espruino's built-in `Wifi` module, with the per-board differences:
//  - ESP32: connect's callback comes only on success (got IP); a failed join shows only as a
//    'disconnected' event. getIP(cb) calls cb(null, {ip, netmask, gw, mac}). No setIP.
//  - ESP8266: connect calls back with an error on a wrong key, not at all while the AP is
//    missing (the SDK retries; 'disconnected' tells). getIP(cb) calls cb({ip, netmask, gw, mac})
//    with ONE argument. setIP({ip, gw, netmask}, cb) exists and calls cb({success: true}).
//  - Espruino WiFi (an ESP8266 on AT commands, module built in as "Wifi"): connect calls back
//    with null or an error; getIP(cb) calls cb(err, {ip, mac}): no netmask, so the netmask and
//    broadcast stay unknown (left out of getiptable()); setIP exists.
// All three emit 'disconnected' on a loss and 'connected' when the stack rejoins by itself.
// Link reports: 3 joining, then 5 DHCP (skipped with a static address), then 1 once getIP has
// an address; 7 when the join, setIP or getIP fails ('disconnected' while joining counts as a
// failed join); 6 when the link is lost. After 6 or 7, the stack's own 'connected' brings 5
// and 1 again while the interface is up. `to` is always null (dgram.ts).
// BOARD CODE: Espruino-safe syntax only.
import type { NetDriver, IpInfo, LinkConfig, Link } from '../contract';
import { createEndpoints, endpoints } from './dgram';
import * as L from '../link';

declare function require(name: string): any;

/**
 * Driver options (object-literal keys in the bundle: `_` so the build's property mangling keeps them one letter):
 * _recvBufferSize from the board file; _statics: false when no staticconfig can come (the build leaves setIP out).
 */
export interface WifiOptions { _recvBufferSize: number; _statics: boolean }

// One Wi-Fi module per board, so its state and functions sit at the top of the module: on
// Espruino a function defined inside another costs 3 more blocks for as long as it lives.
/** The Wifi module; after down() link is IDLE, so neither event handler reports, and addr() gives null. */
var W: any, report: (l: Link) => void, link = L.IDLE, gen = 0, ip: IpInfo;

var setLink = (l: Link) => {
  link = l;
  report(l);
};

/** Ask for the address until the stack has one (try n, up to 20, 0.5 s apart), then report connected. */
var address = (g: number, n?: number) => {
  W.getIP(function (a: any, b: any) {
    var i = b || a;
    if (g != gen) return;
    if (i && i.ip && i.ip != '0.0.0.0') {
      ip = { address: i.ip, netmask: i.netmask, gateway: i.gw };
      return setLink(L.CONNECTED);
    }
    if (n! > 20) return setLink(L.UNHAPPY);
    setTimeout(function () { if (g == gen) address(g, (n! | 0) + 1); }, 500);
  });
};

/**
 * Set static address `s`, then ask for it as after DHCP. Made by createWifiDriver only when a
 * staticconfig can come (options._statics), so the build leaves it out of other bundles.
 */
var staticIP: ((g: number, s: NonNullable<LinkConfig['staticconfig']>) => void) | undefined;

/** Join (the runtime only brings wl0 up with an ssid), then the static address or DHCP. */
var join = (g: number, cfg: LinkConfig) => {
  var c = cfg.wificonfig!, s = staticIP && cfg.staticconfig;
  setLink(L.JOINING);
  W.connect(c.ssid, { password: c.key }, function (err: any) {
    if (g != gen) return;
    if (err) return setLink(L.UNHAPPY);
    if (!s) {
      setLink(L.DHCP);
      return address(g);
    }
    staticIP!(g, s);
  });
};

/** A loss (or a failed join). */
var disconnected = () => {
  if (link == L.CONNECTED || link == L.JOINING) setLink(link == L.CONNECTED ? L.STOPPED : L.UNHAPPY);
};

/** The stack's own rejoin. */
var connected = () => {
  if (link != L.STOPPED && link != L.UNHAPPY) return;
  setLink(L.DHCP);
  address(gen);
};

var driver: NetDriver = {
  up: (nii, cfg, r) => {
    var g = ++gen;
    report = r;
    setTimeout(function () { if (g == gen) join(g, cfg); }, 0);
    return 0;
  },
  down: () => {
    gen++;
    link = L.IDLE;
    W.disconnect();
  },
  addr: () => link == L.CONNECTED ? ip : null,
  open: endpoints.open,
  route: endpoints.route,
  close: endpoints.close,
};

/** The Wi-Fi driver (one NII, wl0). */
export function createWifiDriver(o: WifiOptions): NetDriver {
  createEndpoints(o._recvBufferSize);
  W = require('Wifi');
  if (o._statics) staticIP = function (g, s) {
    if (!W.setIP) return setLink(L.UNHAPPY);
    W.setIP({ ip: s.ip, gw: s.gateway, netmask: s.netmask }, function (e: any) {
      // an error, or ESP8266's {success: false}; ESP8266 reports success as {success: true}
      if (g == gen) e && !e.success ? setLink(L.UNHAPPY) : address(g);
    });
  };
  W.on('disconnected', disconnected);
  W.on('connected', connected);
  return driver;
}
