// imp.net: interfaces and UDP sockets over the driver contract. All policy lives here:
// argument checks in the spec's order, the rate limit, the receive rings, state mapping,
// asynchronous state callbacks, configuration persistence and the counters.
import type { NetDriver, Platform, BoardSettings, LinkConfig, IpInfo } from '../hal/contract';
import { fail } from './errors';
import { quad, isPrivate, broadcastOf } from './address';
import { Bucket } from './bucket';
import { Ring } from './ring';
import { Blob, utf8 } from './blob';
import { stateOf, isDown } from './states';
import { counters, count, type Counters } from './counters';

var KINDS: { [nii: string]: string } = { wl0: 'wifi', wifi: 'wifi', eth0: 'eth', ethernet: 'eth', cell0: 'cell', cell: 'cell' };
var NII: { [kind: string]: string } = { wifi: 'wl0', eth: 'eth0', cell: 'cell0' };
var TYPES: { [kind: string]: string } = { wifi: 'wifi', eth: 'ethernet', cell: 'cell' };
var CONFIG_KEY = 'espimp.net';

function isInt(v: any, lo: number, hi: number): boolean {
  return typeof v == 'number' && v % 1 === 0 && v >= lo && v <= hi;
}

function checkCallback(cb: any) {
  if (cb != null && typeof cb != 'function') fail('BAD_CALLBACK', cb);
}

/** Throw ERR_BAD_ARG for a wificonfig without a string ssid, or a staticconfig whose addresses are not dotted quads. */
function checkConfig(w: any, s: any) {
  if (w != null && (typeof w != 'object' || typeof w.ssid != 'string' || (w.key != null && typeof w.key != 'string'))) fail('BAD_ARG', w);
  if (s != null && (typeof s != 'object' || !quad(s.ip) || (s.netmask != null && !quad(s.netmask)) || (s.gateway != null && !quad(s.gateway)))) fail('BAD_ARG', s);
}

/** One device's network: what imp.net exposes, plus the shared state of its sockets. */
export class Net {
  p: Platform;
  _drivers: { [name: string]: NetDriver };
  _board: BoardSettings;
  _log: (line: string) => void;
  _bucket: Bucket;
  _ifaces: { [nii: string]: Iface } = {};
  _ports: { [port: number]: boolean } = {};
  _totals = counters();
  _active: string | null = null;
  constructor(p: Platform, drivers: { [name: string]: NetDriver }, board: BoardSettings, log: (line: string) => void) {
    this.p = p;
    this._drivers = drivers;
    this._board = board;
    this._log = log;
    var b = board.bucket;
    this._bucket = new Bucket(b.capacity, b.refill, b.cost, p.now());
  }
  /** The persisted network config: {nii?, wificonfig?, staticconfig?}. */
  _saved(): any {
    try { return JSON.parse(this.p.load(CONFIG_KEY) || '{}') || {}; } catch (e) { return {}; }
  }
  /** imp.net.open(nic, onstate?) */
  open(nic: any, onstate?: any): Iface {
    var kind = nic && typeof nic == 'object' && typeof nic.interface == 'string' ? KINDS[nic.interface] : undefined;
    var nii = kind ? NII[kind] : '';
    if (!kind || !this._board.niis[nii]) fail('NO_INTERFACE', nic && typeof nic == 'object' ? nic.interface : nic);
    checkCallback(onstate);
    checkConfig(nic.wificonfig, nic.staticconfig);
    var extended = !!(nic.wificonfig || nic.staticconfig), saved = this._saved();
    if (!extended && saved.nii != nii) {
      saved.nii = nii;
      this.p.save(CONFIG_KEY, JSON.stringify(saved));
    }
    this._active = nii;
    var f = this._ifaces[nii] || (this._ifaces[nii] = new Iface(this, nii, kind as string));
    f.cb = onstate || null;
    if (isDown(f._state)) f._start(extended ? { wificonfig: nic.wificonfig || saved.wificonfig, staticconfig: nic.staticconfig } : saved, extended);
    else f._tell(f._state);
    return f;
  }
  /** imp.net.info(): the active interface's ipv4 facts and every interface of the board. */
  info() {
    var list: any[] = [], active = -1;
    for (var nii in this._board.niis) {
      var f = this._ifaces[nii], k = KINDS[nii];
      if (nii == this._active) active = list.length;
      list.push({ type: TYPES[k], nii: nii, state: f ? f._state : -1, ipv4: f ? f.getiptable().ipv4 : {} });
    }
    return { active: active, interface: list, ipv4: active < 0 ? {} : list[active].ipv4 };
  }
}

/** An interface object, as imp.net.open returns it. */
export class Iface {
  _net: Net;
  nii: string;
  _kind: string;
  _drv: NetDriver;
  _state = -1;
  cb: ((state: number) => void) | null = null;
  _ext = false;
  _gen = 0;
  _socks: Sock[] = [];
  constructor(net: Net, nii: string, kind: string) {
    this._net = net;
    this.nii = nii;
    this._kind = kind;
    this._drv = net._drivers[net._board.niis[nii]];
  }
  /** Bring the link up with cfg; extended config lives only for this attempt. */
  _start(cfg: LinkConfig, extended: boolean) {
    this._ext = extended;
    this._set(0);
    var self = this, gen = ++this._gen;
    if (this._kind == 'wifi' && !(cfg.wificonfig && cfg.wificonfig.ssid)) return this._set(7);
    if (this._drv.up(this.nii, { wificonfig: cfg.wificonfig, staticconfig: cfg.staticconfig }, function (link) {
      if (gen == self._gen) self._set(link);
    }) < 0) this._set(7);
  }
  /** Take a driver link report. */
  _set(link: number) {
    var s = stateOf(this._kind, link);
    if (s == this._state) return;
    this._state = s;
    if (isDown(s) && this._ext) this._release();
    this._tell(s);
  }
  /** Take the driver down and ignore its late reports; any extended config is gone with it. */
  _release() {
    this._gen++;
    this._ext = false;
    this._drv.down(this.nii);
  }
  /** Call onstate(s) from the event loop, never from inside the caller. */
  _tell(s: number) {
    var self = this;
    this._net.p.timer(0, function () { if (self.cb) self.cb(s); });
  }
  getstate(): number {
    return this._state;
  }
  getiptable() {
    var a = (this._state < 0 ? null : this._drv.addr(this.nii)) || {}, out: IpInfo = {};
    var b = a.broadcast || broadcastOf(a.address, a.netmask);
    if (a.address) out.address = a.address;
    if (a.netmask) out.netmask = a.netmask;
    if (b) out.broadcast = b;
    if (a.gateway) out.gateway = a.gateway;
    return { ipv4: out };
  }
  /** interface.openudp(onreceive?, localPort?) */
  openudp(cb?: any, port?: any): Sock {
    if (this._kind == 'cell') fail('NOT_SUPPORTED', this.nii);
    if (isDown(this._state)) fail('NOT_AVAILABLE', this._state);
    checkCallback(cb);
    var bind = port != null;
    if (bind && !isInt(port, 1024, 65535)) fail('BAD_PORT', port);
    if (bind && this._net._ports[port]) fail('PORT_IN_USE', port);
    var s = new Sock(this, cb || null);
    if (bind && !s._bind(port)) {
      s.close();
      fail('PORT_IN_USE', port);
    }
    this._socks.push(s);
    return s;
  }
  /** interface.close(): closes its sockets, releases the driver, state becomes idle. */
  close() {
    while (this._socks.length) this._socks[0].close();
    if (this._state >= 0) {
      this._release();
      this._set(-1);
    }
  }
}

/** A UDP socket, as interface.openudp returns it. */
export class Sock {
  f: Iface;
  cb: Function | null;
  h = -1;
  _port = 0;
  _open = true;
  _ring: Ring;
  c = counters();
  _draining = false;
  /** The last address that passed send()'s checks ('' none): sending to it again skips them. */
  _good = '';
  constructor(f: Iface, cb: Function | null) {
    this.f = f;
    this.cb = cb;
    this._ring = new Ring(f._net._board.ring);
  }
  /** Bind to `port` through the driver: true when bound. */
  _bind(port: number): boolean {
    var self = this, net = this.f._net;
    var h = this.f._drv.open(this.f.nii, port, function (data, from, fromPort, to) { self._recv(data, from, fromPort, to); });
    if (h < 0) return false;
    this.h = h;
    this._port = port;
    net._ports[port] = true;
    return true;
  }
  /** Bind to a free port in 49152-65535, starting at a random one: true when bound. */
  _bindEph(): boolean {
    var ports = this.f._net._ports, tries = 0, p = 49152 + Math.floor(Math.random() * 16384);
    for (var i = 0; i < 16384 && tries < 8; i++, p = p == 65535 ? 49152 : p + 1) {
      if (ports[p]) continue;
      tries++;
      if (this._bind(p)) return true;
    }
    return false;
  }
  _live() {
    if (!this._open) fail('SOCKET_CLOSED');
  }
  /** udpsocket.send(address, port, data) -> 0, 1 (not connected / driver failure) or 4 (rate limited). */
  send(address: any, port: any, data: any): number {
    this._live();
    if (!address || address !== this._good) {
      var q = quad(address);
      if (!q || !isPrivate(q)) {
        this.close();
        fail(q ? 'NOT_PRIVATE' : 'BAD_ADDRESS', address);
      }
      this._good = address;
    }
    if (!isInt(port, 0, 65535) || port == 67 || port == 68) fail('BAD_PORT', port);
    var bytes = typeof data == 'string' ? utf8(data) : data instanceof Blob ? data.bytes() : fail('BAD_DATA', data);
    if (bytes.length > 65507) fail('DATA_TOO_LONG', bytes.length);
    var f = this.f, net = f._net;
    if (f._state != 1) return 1;
    if (!net._bucket.take(net.p.now())) {
      count(this.c, net._totals, 'refused');
      return 4;
    }
    if ((this.h < 0 && !this._bindEph()) || f._drv.send(this.h, address, port, bytes) < 0) {
      count(this.c, net._totals, 'failed');
      return 1;
    }
    count(this.c, net._totals, 'sent');
    if (bytes.length > 1460) count(this.c, net._totals, 'oversize');
    return 0;
  }
  /** udpsocket.onreceive(cb): register, replace or (null) remove the handler. */
  onreceive(cb: any) {
    this._live();
    checkCallback(cb);
    this.cb = cb || null;
  }
  isopen(): boolean {
    return this._open;
  }
  /** udpsocket.close(): frees the port, discards the queue; a second call does nothing. */
  close() {
    if (!this._open) return;
    this._open = false;
    if (this.h >= 0) {
      this.f._drv.close(this.h);
      delete this.f._net._ports[this._port];
    }
    this._ring.clear();
    var list = this.f._socks, i = list.indexOf(this);
    if (i >= 0) list.splice(i, 1);
  }
  /** Extension: this socket's counters (also readable after close). */
  stats(): Counters {
    return Object.assign({}, this.c);
  }
  /** The driver's receive path: copy into the ring, schedule delivery. */
  _recv(data: Uint8Array | string, from: string, fromPort: number, to: string | null) {
    if (!this._open) return;
    var net = this.f._net;
    count(this.c, net._totals, 'received');
    if (!this.cb || !this._ring.push(data, from, fromPort, to || this.f.getiptable().ipv4.address || '0.0.0.0')) {
      count(this.c, net._totals, 'dropped');
      return;
    }
    if (!this._draining) {
      this._draining = true;
      var self = this;
      net.p.timer(0, function () { self._drain(); });
    }
  }
  /** Deliver everything queued, oldest first; a throwing handler does not stop the next. */
  _drain() {
    this._draining = false;
    var net = this.f._net, r = this._ring, data;
    while (this._open && (data = r.pop())) {
      var cb = this.cb;
      if (!cb) {
        count(this.c, net._totals, 'dropped');
        continue;
      }
      var b = new Blob(0);
      b.d = data;
      b.n = data.length;
      count(this.c, net._totals, 'delivered');
      try {
        cb(r.from, r.port, r.to, this._port, b);
      } catch (e: any) {
        net._log('onreceive threw: ' + (e && e.message || e));
      }
    }
  }
}
