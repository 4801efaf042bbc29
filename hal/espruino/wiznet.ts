// Ethernet (eth0) through Espruino's built-in WIZnet support: require("WIZnet").connect(spi, cs)
// returns the Ethernet object (setIP() with no options runs DHCP and returns true/false;
// setIP({ip, subnet, gateway}) sets a static address (staticconfig's dns is not used); getIP(); getStatus().phylink).
// On a W5500, connect() busy-waits in C until the PHY reports a link: with the cable out at
// boot the whole board would freeze, state reporting included. So before connecting, this
// driver reads the W5500's PHYCFGR register itself (common register 0x002E, bit 0 LNK) over
// SPI and keeps reporting 8 (no link -> ETHERNET_STOPPED_NO_LINK), polling every `poll` ms,
// until the cable is in. What it cannot avoid: a chip that does not answer on SPI reads as
// "unknown" and connect() is then called anyway (it blocks if there is no link), and DHCP
// (setIP()) blocks the board while it runs. After connecting, the link is watched through
// getStatus().phylink every `poll` ms: loss reports 8; a link coming back redoes DHCP (4, 5, 1).
// A failed DHCP reports 7 and is not tried again (the app opens eth0 again). One poll timer at a
// time; none once the interface is down (bench/churn.ts, bench/linkfaults.ts count them).
// `to` is always null (dgram.ts).
// BOARD CODE: Espruino-safe syntax only.
import type { NetDriver, IpInfo, LinkConfig, Link } from '../contract';
import { createEndpoints, endpoints } from './dgram';
import * as L from '../link';

declare function require(name: string): any;

/** Driver options from the board file: SPI device and pins (Espruino objects), W5500 or not, poll ms, _recvBufferSize; _statics: false when no staticconfig can come (the build leaves the static setIP out); the `_` keys are mangled to one letter by the build. */
export interface WiznetOptions { spi: any; sck: any; miso: any; mosi: any; cs: any; w5500: boolean; poll: number; _recvBufferSize: number; _statics: boolean }

// One WIZnet chip per board, so the driver's state and functions sit at the top of the module:
// on Espruino a function defined inside another costs 3 more blocks for as long as it lives.
/** The options' SPI device, chip select, chip and poll ms; whether a staticconfig can come (copied, not the options object kept, so the build folds the literal options and leaves the static setIP out when false); the WIZnet connection; the config of the current up(); tm: the pending poll of watch() (0: none). */
var spi: any, cs: any, w5500: boolean, poll: number, statics = false, eth: any = null, cfg: LinkConfig = {}, gen = 0, link = L.IDLE, ip: IpInfo | null = null, tm: any = 0;
var report: ((l: Link) => void) | null = null;

/**
 * Cancel the pending poll: at every new generation (up, down), so one poll runs at a time and a
 * closed interface leaves no timer behind. tm is a pending poll's id or 0, never a fired
 * one's (watch() sets it to 0 first): clearTimeout() of an id that a newer timer got again
 * would cancel that one, of an unknown one it throws, and without an id it clears every timer.
 */
var stop = () => {
  if (tm) clearTimeout(tm);
  tm = 0;
};

/** Record and report link `l`: only ever called inside a live generation, so after up() set `report`. */
var setLink = (l: Link) => {
  link = l;
  report!(l);
};

/** The PHY link: 1 up, 0 down, -1 unknown (no W5500, or no sensible answer). */
var phy = (): number => {
  if (eth) {
    var st = eth.getStatus ? eth.getStatus() : null;
    return st && st.phylink ? +(st.phylink != 'down') : -1;
  }
  if (!w5500) return -1;
  var r = spi.send([0, 46, 0, 0], cs);
  return r && r.length == 4 ? r[3] & 1 : -1;
};

/** Every `poll` ms while generation g lasts: follow the cable; bring the link up when it is in and the link is new (STARTING) or was lost (NO_LINK). */
var watch = (g: number) => {
  // this poll has fired: a down() from inside a report below has nothing to cancel
  tm = 0;
  if (g != gen) return;
  var l = phy();
  if (l == 0 && link != L.NO_LINK) setLink(L.NO_LINK);
  // STARTING and NO_LINK are the reports that are multiples of NO_LINK
  else if (l != 0 && link % L.NO_LINK == L.STARTING) start(g);
  if (g == gen) tm = setTimeout(function () { watch(g); }, poll);
};

/** Connect (the link is up or cannot be known; a chip that fails to initialise is 7), then configure the address. */
var start = (g: number) => {
  if (!eth && !(eth = require('WIZnet').connect(spi, cs))) return setLink(L.UNHAPPY);
  setLink(L.LINK_UP);
  var s = statics && cfg.staticconfig;
  if (!s) setLink(L.DHCP);
  setTimeout(function () {
    if (g != gen) return;
    var ok = s ? eth.setIP({ ip: s.ip, subnet: s.netmask, gateway: s.gateway }) : eth.setIP();
    var i = ok && eth.getIP();
    if (!i || !i.ip || i.ip == '0.0.0.0') return setLink(L.UNHAPPY);
    ip = { address: i.ip, netmask: i.subnet, gateway: i.gateway };
    setLink(L.CONNECTED);
  }, 0);
};

var driver: NetDriver = {
  up: (nii, c, r) => {
    var g = ++gen;
    stop();
    cfg = c;
    report = r;
    link = L.STARTING;
    setTimeout(function () { watch(g); }, 0);
    return 0;
  },
  down: () => {
    gen++;
    link = L.IDLE;
    stop();
  },
  // ip is set just before every report of 1, so a stale ip is never given out
  addr: () => link == L.CONNECTED ? ip : null,
  open: endpoints.open,
  route: endpoints.route,
  close: endpoints.close,
};

/** The WIZnet driver (one NII, eth0). */
export function createWiznetDriver(o: WiznetOptions): NetDriver {
  spi = o.spi;
  cs = o.cs;
  w5500 = o.w5500;
  poll = o.poll;
  if (o._statics) statics = true;
  createEndpoints(o._recvBufferSize);
  spi.setup({ sck: o.sck, miso: o.miso, mosi: o.mosi });
  return driver;
}
