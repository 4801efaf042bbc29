// require('WIZnet') (libs/network/wiznet/jswrap_wiznet.c) over the simulated LAN's cable
// (the device's eth0 link; MockDevice.unplug('cable') pulls it):
//  - connect(spi, cs) → an Ethernet object, and makes WIZnet Espruino's current network.
//    On the W5500 it busy-waits for the PHY link. A script cannot block the vm, so with the
//    cable out connect() throws "WIZnet: W5500 connect() blocks until the Ethernet link is up
//    (cable out)" instead of hanging (on a board it hangs until the cable is plugged in);
//  - setIP() (DHCP, synchronous on the board, instant here) / setIP({ip, subnet, gateway, dns,
//    mac}) return true/false and call cb(null | "DHCP failed"); DHCP fails with the cable out;
//  - getIP(cb) returns {ip, subnet, gateway, dns, mac} (0.0.0.0 until set) and calls cb(null, info);
//  - there are no link events: a driver polls getStatus().phylink ('up' | 'down').
import { type Core, macOf } from './core';

/** The WIZnet module of one environment (pico, original, espruino-wifi flavors). */
export function makeWiznet(core: Core, host: number, spis: object[]) {
  const { R } = core;
  const dev = core.device!;
  const lan = core.lan!;
  const W: any = new R.Object();
  const obj = (o: object) => R.JSON.parse(JSON.stringify(o));

  W.connect = (spi: unknown, cs: unknown) => {
    if (spi !== undefined && !spis.includes(spi as object)) throw core.error(`Expecting SPI device, got ${String(spi)}`);
    void cs;
    if (!dev.cable) throw core.error('WIZnet: W5500 connect() blocks until the Ethernet link is up (cable out)');
    core.net = 'eth0';
    let mac = '00:08:dc:01:02:03'; // the W5500 default until setIP({mac})
    let cfg: { ip: string; subnet: string; gateway: string; dns: string } = { ip: '0.0.0.0', subnet: '0.0.0.0', gateway: '0.0.0.0', dns: '0.0.0.0' };
    const eth: any = new R.Object();
    /** Put the eth0 link on the LAN with the current address (the LAN pulls it when the cable goes). */
    const attach = () => {
      dev.links.eth0 = { link: dev.cable ? 1 : 8, report: () => undefined, cfg: {}, ip: cfg.ip, gen: 0 };
    };
    eth.getIP = (cb?: unknown) => {
      const r = obj({ ...cfg, dns: cfg.gateway === '0.0.0.0' ? '0.0.0.0' : cfg.dns, mac });
      if (typeof cb === 'function') core.later(0, () => core.call(cb, undefined, [null, r]));
      return r;
    };
    eth.setIP = (o?: any, cb?: unknown) => {
      let err: string | null = null;
      if (o && typeof o === 'object') {
        cfg = { ip: String(o.ip || cfg.ip), subnet: String(o.subnet || cfg.subnet), gateway: String(o.gateway || cfg.gateway), dns: String(o.dns || cfg.dns) };
        if (o.mac) mac = String(o.mac);
        attach();
      } else if (!dev.cable) {
        err = 'DHCP failed';
        core.print('WARNING: DHCP failed');
      } else {
        cfg = { ip: dev.ip, subnet: lan.netmask, gateway: `${lan.subnet}.1`, dns: `${lan.subnet}.1` };
        if (mac === '00:08:dc:01:02:03') mac = macOf('pico', host);
        attach();
      }
      if (typeof cb === 'function') core.later(0, () => core.call(cb, undefined, [err]));
      return err === null;
    };
    eth.getStatus = (cb?: unknown) => {
      const r = obj({ state: 'online', id: 'W5500', phylink: dev.cable ? 'up' : 'down', phypowmode: 'normal', by: 1, mode: 7, speed: 100, duplex: 1 });
      if (typeof cb === 'function') core.later(0, () => core.call(cb, undefined, [null, r]));
      return r;
    };
    let hostname = 'WIZnet010203';
    eth.setHostname = (h: unknown, cb?: unknown) => {
      const s = String(h).slice(0, 12);
      const err = s.length < 8 ? 'hostname too short (min 8 and max 12 char )' : null;
      if (!err) hostname = s;
      if (typeof cb === 'function') core.later(0, () => core.call(cb, undefined, [err]));
      return !err;
    };
    eth.getHostname = (cb?: unknown) => {
      if (typeof cb === 'function') core.later(0, () => core.call(cb, undefined, [null, hostname]));
      return hostname;
    };
    return eth;
  };
  core.onClose(() => { delete dev.links.eth0; });
  return W;
}
