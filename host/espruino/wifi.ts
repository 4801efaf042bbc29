// require('Wifi') for the esp32, esp8266 and espruino-wifi flavors, over the simulated LAN's
// radio (the device's wl0 link: lan.ssid/lan.key decide, MockDevice.unplug('radio') drops it).
// Per-board shapes, from Espruino's sources:
//  esp32  (libs/network/esp32/jswrap_esp32_network.c): connect cb(null) on GOT_IP, never
//         called on failure; events associated {ssid,mac,channel}, connected {ip,netmask,gw},
//         disconnected {ssid,mac,reason:"202",msg:"AUTH_FAIL"}; getIP(cb) returns
//         {ip,netmask,gw,mac} and calls cb(null, info); getStatus() {station,mode,powersave}.
//  esp8266 (libs/network/esp8266/jswrap_esp8266_network.c): connect cb("bad password") on a
//         wrong key, no callback (and retries every 5 s) when the AP is absent; connected
//         details {ip,mask,gw}; disconnected {ssid,mac,reason:"no_ap_found"|...};
//         getIP(cb) returns {ip,netmask,gw,mac} and calls cb(info) (one argument);
//         getStatus() {mode,station,ap,phy,powersave,savedMode}; setIP({ip,gw,netmask}, cb)
//         calls cb({success: true}).
//  espruino-wifi (the EspruinoWiFi JS module driving an ESP8266 over AT commands): the module
//         boots first (~1.5 s), connect cb(null) or cb("WiFi connect failed: +CWJAP:2");
//         events 'associated'/'connected'/'disconnected' without details; getIP(cb) is
//         callback-only, cb(err, {ip, mac}) with no netmask; no getStatus; setIP(settings, cb)
//         calls cb(null) (static address, or DHCP without settings.ip). esp32 has no setIP.
import { type Core, macOf } from './core';

/** Virtual ms the Espruino WiFi's ESP8266 module takes to reset and configure before joining. */
const ESPRUINO_WIFI_BOOT_MS = 1500;
/** Virtual ms between the ESP8266 SDK's reconnection attempts when the AP is not found. */
const ESP8266_RETRY_MS = 5000;
const AP_MAC = '02:00:00:00:00:01';
const CHANNEL = 6;

/** The Wifi module of one environment (LAN flavors with a radio). */
export function makeWifi(core: Core, host: number) {
  const { R, flavor } = core;
  const dev = core.device!;
  const lan = core.lan!;
  const mac = macOf(flavor, host);
  const W: any = new R.Object();
  const obj = (o: object) => R.JSON.parse(JSON.stringify(o));
  let ssid = '';
  let key = '';
  let link = -1; // the LAN link state of wl0 (hal/contract.ts numbers), -1: radio off
  let status = 'off';
  let pending: unknown = null; // the connect callback not yet called
  let retry: unknown = null;
  let gen = 0;
  const emit = (ev: string, details?: object) => {
    const args: unknown[] = [ev];
    if (flavor !== 'espruino-wifi' && details) args.push(obj(details));
    core.call(W.emit, W, args);
  };
  const done = (err: string | null) => {
    const cb = pending;
    pending = null;
    if (typeof cb !== 'function') return;
    if (flavor === 'espruino-wifi') core.later(0, () => core.call(cb, undefined, [err]));
    else core.call(cb, undefined, [err]);
  };
  const info = () => dev.driver.addr('wl0');
  const reason = (esp8266: string, esp32: [string, string]) =>
    flavor === 'esp32' ? { ssid, mac: AP_MAC, reason: esp32[0], msg: esp32[1] } : { ssid, mac: AP_MAC, reason: esp8266 };

  /** The LAN reports a wl0 link change. */
  const onLink = (g: number) => (l: number) => {
    if (g !== gen) return;
    link = l;
    if (l === 5) {
      status = 'connecting';
      emit('associated', { ssid, mac: AP_MAC, channel: CHANNEL });
    } else if (l === 1) {
      status = 'connected';
      core.net = 'wl0';
      const a = info()!;
      if (flavor === 'espruino-wifi') { emit('connected'); done(null); return; }
      done(null);
      emit('connected', flavor === 'esp32' ? { ip: a.address, netmask: a.netmask, gw: a.gateway } : { ip: a.address, mask: a.netmask, gw: a.gateway });
    } else if (l === 7) {
      const noAp = ssid !== lan.ssid || !dev.radio;
      status = noAp ? 'no_ap_found' : 'bad_password';
      dev.driver.down('wl0');
      if (flavor === 'espruino-wifi') { emit('disconnected'); done(`WiFi connect failed: +CWJAP:${noAp ? 3 : 2}`); return; }
      emit('disconnected', noAp ? reason('no_ap_found', ['201', 'NO_AP_FOUND']) : reason('auth_expire', ['202', 'AUTH_FAIL']));
      if (flavor === 'esp8266' && !noAp) done('bad password');
      if (flavor === 'esp8266' && noAp) retry = core.later(ESP8266_RETRY_MS, () => { retry = null; if (g === gen) join(); });
    } else if (l === 6) {
      status = 'connecting';
      if (core.net === 'wl0') core.net = null;
      emit('disconnected', reason('beacon_timeout', ['200', 'BEACON_TIMEOUT']));
    }
  };
  const join = () => {
    dev.driver.down('wl0');
    status = 'connecting';
    dev.driver.up('wl0', { wificonfig: { ssid, key } }, onLink(gen));
  };

  W.connect = (s: unknown, options?: any, cb?: unknown) => {
    if (typeof s !== 'string') throw core.error('No SSID provided');
    if (options !== undefined && options !== null && typeof options !== 'object') throw core.error(`Expecting options object but got ${typeof options}`);
    if (cb !== undefined && typeof cb !== 'function') throw core.error(`Expecting callback function but got ${String(cb)}`);
    const pw = options && options.password !== undefined ? String(options.password) : '';
    if (flavor === 'esp8266' && link === 1 && s === ssid && pw === key) { // already there: callback only
      pending = cb;
      core.later(0, () => done(null));
      return;
    }
    gen++;
    if (retry) { core.cancel(retry); retry = null; }
    if (link === 1 && flavor !== 'espruino-wifi') emit('disconnected', reason('assoc_leave', ['8', 'ASSOC_LEAVE']));
    if (core.net === 'wl0') core.net = null;
    ssid = s;
    key = pw;
    pending = cb;
    link = 0;
    status = 'connecting';
    const g = gen;
    if (flavor === 'espruino-wifi') core.later(ESPRUINO_WIFI_BOOT_MS, () => { if (g === gen) join(); });
    else join();
  };

  W.disconnect = (cb?: unknown) => {
    const wasUp = link === 1;
    gen++;
    if (retry) { core.cancel(retry); retry = null; }
    dev.driver.down('wl0');
    link = -1;
    status = 'off';
    pending = null;
    if (core.net === 'wl0') core.net = null;
    if (flavor === 'espruino-wifi') { if (typeof cb === 'function') core.later(1, () => core.call(cb, undefined, [])); return; }
    core.later(0, () => {
      if (typeof cb === 'function') core.call(cb, undefined, []);
      if (wasUp) emit('disconnected', reason('assoc_leave', ['8', 'ASSOC_LEAVE']));
    });
  };

  W.getIP = (cb?: unknown) => {
    const a = link === 1 ? info() : null;
    if (flavor === 'espruino-wifi') {
      if (link < 0) throw core.error("Cannot read property 'cmd' of undefined"); // the module's `at` is not set until connect
      if (typeof cb === 'function') core.later(20, () => core.call(cb, undefined, [null, obj({ ip: a ? a.address : '0.0.0.0', mac })]));
      return undefined;
    }
    const r = obj({ ip: a ? a.address : '0.0.0.0', netmask: a ? a.netmask : '0.0.0.0', gw: a ? a.gateway : '0.0.0.0', mac });
    if (typeof cb === 'function') core.later(0, () => core.call(cb, undefined, flavor === 'esp32' ? [null, r] : [r]));
    return r;
  };

  /** Give the station the static address `ip` (kept for later joins too). */
  const staticIp = (ip: string) => {
    const l = dev.links.wl0;
    if (l) { l.ip = ip; l.cfg = { ...l.cfg, staticconfig: { ip } }; }
  };
  if (flavor === 'esp8266') {
    // jswrap_ESP8266_wifi_setIP: ip, gw and netmask are required; the callback gets {success}
    W.setIP = (settings: any, cb?: unknown) => {
      if (!settings || typeof settings !== 'object') throw core.error(`Expecting options object but got ${typeof settings}`);
      const valid = (v: unknown) => typeof v === 'string' && /^\d{1,3}(\.\d{1,3}){3}$/.test(v) && v !== '0.0.0.0';
      if (!valid(settings.ip)) throw core.error('Not a valid IP address.');
      if (!valid(settings.gw)) throw core.error('Not a valid Gateway address.');
      if (!valid(settings.netmask)) throw core.error('Not a valid Netmask.');
      staticIp(settings.ip);
      if (typeof cb !== 'function') throw core.error('Callback is not a function.');
      core.later(0, () => core.call(cb, undefined, [obj({ success: true })]));
    };
  } else if (flavor === 'espruino-wifi') {
    // the module's setIP: AT+CIPSTA_CUR (static) or AT+CWDHCP_CUR (DHCP); cb(null) or cb("setIP failed: …")
    W.setIP = (settings: any, cb: unknown) => {
      if (link < 0) throw core.error("Cannot read property 'cmd' of undefined");
      const dhcp = !settings || typeof settings !== 'object' || !settings.ip;
      const ok = link === 1;
      if (ok && !dhcp) staticIp(String(settings.ip));
      core.later(dhcp ? 1000 : 20, () => core.call(cb, undefined, [ok ? null : 'setIP failed: ERROR']));
    };
  }

  W.setHostname = (name: unknown, cb?: unknown) => {
    W._hostname = String(name);
    if (typeof cb === 'function') core.later(0, () => core.call(cb, undefined, flavor === 'espruino-wifi' ? ['OK'] : []));
  };
  W.getHostname = () => W._hostname || (flavor === 'esp8266' ? 'espruino' : '');
  Object.defineProperty(W, '_hostname', { value: '', writable: true });

  if (flavor !== 'espruino-wifi') {
    W.getStatus = (cb?: unknown) => {
      const r = obj(flavor === 'esp32'
        ? { station: status === 'connected' ? 'connected' : status === 'bad_password' ? 'AUTH_FAIL' : status === 'no_ap_found' ? 'NO_AP_FOUND' : 'UNSPECIFIED', mode: link < 0 ? 'NULL' : 'STA', powersave: 'none' }
        : { mode: link < 0 ? 'off' : 'sta', station: link < 0 ? 'off' : status, ap: 'disabled', phy: '11n', powersave: 'ps-poll', savedMode: 'off' });
      if (typeof cb === 'function') core.later(0, () => core.call(cb, undefined, [r]));
      return r;
    };
    W.getDetails = (cb?: unknown) => {
      const r = obj({ status: link === 1 ? 'connected' : status, ssid, password: key });
      if (typeof cb === 'function') core.later(0, () => core.call(cb, undefined, [r]));
      return r;
    };
    W.save = () => undefined;
    W.restore = () => undefined;
  }
  W.scan = (cb: unknown) => {
    if (typeof cb !== 'function') throw core.error(`Expecting callback function but got ${String(cb)}`);
    const aps = dev.radio ? [{ ssid: lan.ssid, mac: AP_MAC, authMode: flavor === 'esp8266' ? 3 : 'wpa2', channel: CHANNEL, rssi: -50 }] : [];
    core.later(2000, () => core.call(cb, undefined, flavor === 'espruino-wifi' ? [null, obj(aps)] : [obj(aps)]));
  };
  core.onClose(() => { gen++; if (retry) core.cancel(retry); dev.driver.down('wl0'); });
  return W;
}
