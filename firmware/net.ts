// imp.net: interfaces and UDP sockets over the driver contract. All policy lives here:
// argument checks in the spec's order, the rate limit, the receive rings, state mapping,
// asynchronous state callbacks, configuration persistence and the counters.
import type { NetDriver, Platform, BoardSettings, LinkConfig, IpInfo } from '../hal/contract';
import { fail } from './errors';
import { quad, isPrivate, broadcastOf } from './address';
import { Bucket } from './bucket';
import { Ring } from './ring';
import { Blob, utf8 } from './blob';
import { STATES, stateOf, isDown } from './states';

var KINDS: { [nii: string]: string } = { wl0: 'wifi', wifi: 'wifi', eth0: 'eth', ethernet: 'eth', cell0: 'cell', cell: 'cell' };
var NII: { [kind: string]: string } = { wifi: 'wl0', eth: 'eth0', cell: 'cell0' };
var TYPES: { [kind: string]: string } = { wifi: 'wifi', eth: 'ethernet', cell: 'cell' };
var CONFIG_KEY = 'espimp.net';

/** Counters kept per socket and device-wide (udpsocket.stats(), imp.net.stats()). */
export interface Counters {
  sent: number; refused: number; received: number; delivered: number; dropped: number; oversize: number; failed: number;
}

function counters(): Counters {
  return { sent: 0, refused: 0, received: 0, delivered: 0, dropped: 0, oversize: 0, failed: 0 };
}

function isInt(v: any, lo: number, hi: number): boolean {
  return typeof v == 'number' && v % 1 === 0 && v >= lo && v <= hi;
}

function checkCallback(cb: any) {
  if (cb != null && typeof cb != 'function') fail('ERR_BAD_CALLBACK', cb);
}

/** Throw ERR_BAD_ARG for a wificonfig without a string ssid, or a staticconfig whose addresses are not dotted quads. */
function checkConfig(w: any, s: any) {
  if (w != null && (typeof w != 'object' || typeof w.ssid != 'string' || (w.key != null && typeof w.key != 'string'))) fail('ERR_BAD_ARG', w);
  if (s != null && (typeof s != 'object' || !quad(s.ip) || (s.netmask != null && !quad(s.netmask)) || (s.gateway != null && !quad(s.gateway)))) fail('ERR_BAD_ARG', s);
}

/** One device's network: what imp.net exposes, plus the shared state of its sockets. */
export class Net {
  p: Platform;
  drivers: { [name: string]: NetDriver };
  board: BoardSettings;
  log: (line: string) => void;
  bucket: Bucket;
  ifaces: { [nii: string]: Iface } = {};
  ports: { [port: number]: boolean } = {};
  totals = counters();
  active: string | null = null;
  constructor(p: Platform, drivers: { [name: string]: NetDriver }, board: BoardSettings, log: (line: string) => void) {
    this.p = p;
    this.drivers = drivers;
    this.board = board;
    this.log = log;
    var b = board.bucket;
    this.bucket = new Bucket(b.capacity, b.refill, b.cost, p.now());
  }
  /** The persisted network config: {nii?, wificonfig?, staticconfig?}. */
  saved(): any {
    try { return JSON.parse(this.p.load(CONFIG_KEY) || '{}') || {}; } catch (e) { return {}; }
  }
  /** imp.net.open(nic, onstate?) */
  open(nic: any, onstate?: any): Iface {
    var kind = nic && typeof nic == 'object' && typeof nic.interface == 'string' ? KINDS[nic.interface] : undefined;
    var nii = kind ? NII[kind] : '';
    if (!kind || !this.board.niis[nii]) fail('ERR_NO_INTERFACE', nic && typeof nic == 'object' ? nic.interface : nic);
    checkCallback(onstate);
    checkConfig(nic.wificonfig, nic.staticconfig);
    var extended = !!(nic.wificonfig || nic.staticconfig), saved = this.saved();
    if (!extended && saved.nii != nii) {
      saved.nii = nii;
      this.p.save(CONFIG_KEY, JSON.stringify(saved));
    }
    this.active = nii;
    var f = this.ifaces[nii] || (this.ifaces[nii] = new Iface(this, nii, kind as string));
    f.cb = onstate || null;
    if (isDown(f.state)) f.start(extended ? { wificonfig: nic.wificonfig || saved.wificonfig, staticconfig: nic.staticconfig } : saved, extended);
    else f.tell(f.state);
    return f;
  }
  /** imp.net.info(): the active interface's ipv4 facts and every interface of the board. */
  info() {
    var list: any[] = [], active = -1;
    for (var nii in this.board.niis) {
      var f = this.ifaces[nii], k = KINDS[nii];
      if (nii == this.active) active = list.length;
      list.push({ type: TYPES[k], nii: nii, state: f ? f.state : -1, ipv4: f ? f.getiptable().ipv4 : {} });
    }
    return { active: active, interface: list, ipv4: active < 0 ? {} : list[active].ipv4 };
  }
  /** Count one event on a socket and device-wide. */
  count(c: Counters, key: string) {
    (c as any)[key]++;
    (this.totals as any)[key]++;
  }
}

/** An interface object, as imp.net.open returns it. */
export class Iface {
  net: Net;
  nii: string;
  kind: string;
  drv: NetDriver;
  state = -1;
  cb: ((state: number) => void) | null = null;
  extended = false;
  gen = 0;
  socks: Sock[] = [];
  constructor(net: Net, nii: string, kind: string) {
    this.net = net;
    this.nii = nii;
    this.kind = kind;
    this.drv = net.drivers[net.board.niis[nii]];
  }
  /** Bring the link up with cfg; extended config lives only for this attempt. */
  start(cfg: LinkConfig, extended: boolean) {
    this.extended = extended;
    this.set(0);
    var self = this, gen = ++this.gen;
    if (this.kind == 'wifi' && !(cfg.wificonfig && cfg.wificonfig.ssid)) return this.set(7);
    if (this.drv.up(this.nii, { wificonfig: cfg.wificonfig, staticconfig: cfg.staticconfig }, function (link) {
      if (gen == self.gen) self.set(link);
    }) < 0) this.set(7);
  }
  /** Take a driver link report. */
  set(link: number) {
    var s = stateOf(this.kind, link);
    if (s == this.state) return;
    this.state = s;
    if (isDown(s) && this.extended) {
      this.extended = false;
      this.gen++;
      this.drv.down(this.nii);
    }
    this.tell(s);
  }
  /** Call onstate(s) from the event loop, never from inside the caller. */
  tell(s: number) {
    var self = this;
    this.net.p.timer(0, function () { if (self.cb) self.cb(s); });
  }
  getstate(): number {
    return this.state;
  }
  getiptable() {
    var a = (this.state < 0 ? null : this.drv.addr(this.nii)) || {}, out: IpInfo = {};
    var b = a.broadcast || broadcastOf(a.address, a.netmask);
    if (a.address) out.address = a.address;
    if (a.netmask) out.netmask = a.netmask;
    if (b) out.broadcast = b;
    if (a.gateway) out.gateway = a.gateway;
    return { ipv4: out };
  }
  /** interface.openudp(onreceive?, localPort?) */
  openudp(cb?: any, port?: any): Sock {
    if (this.kind == 'cell') fail('ERR_NOT_SUPPORTED', this.nii);
    if (isDown(this.state)) fail('ERR_NOT_AVAILABLE', this.state);
    checkCallback(cb);
    var bind = port != null;
    if (bind && !isInt(port, 1024, 65535)) fail('ERR_BAD_PORT', port);
    if (bind && this.net.ports[port]) fail('ERR_PORT_IN_USE', port);
    var s = new Sock(this, cb || null);
    if (bind && !s.bind(port)) {
      s.close();
      fail('ERR_PORT_IN_USE', port);
    }
    this.socks.push(s);
    return s;
  }
  /** interface.close(): closes its sockets, releases the driver, state becomes idle. */
  close() {
    while (this.socks.length) this.socks[0].close();
    if (this.state >= 0) {
      this.gen++;
      this.extended = false;
      this.drv.down(this.nii);
      this.set(-1);
    }
  }
}

/** A UDP socket, as interface.openudp returns it. */
export class Sock {
  f: Iface;
  cb: Function | null;
  h = -1;
  port = 0;
  open = true;
  ring: Ring;
  c = counters();
  draining = false;
  /** The last address that passed send()'s checks ('' none): sending to it again skips them. */
  good = '';
  constructor(f: Iface, cb: Function | null) {
    this.f = f;
    this.cb = cb;
    this.ring = new Ring(f.net.board.ring);
  }
  /** Bind to `port` through the driver: true when bound. */
  bind(port: number): boolean {
    var self = this, net = this.f.net;
    var h = this.f.drv.open(this.f.nii, port, function (data, from, fromPort, to) { self.recv(data, from, fromPort, to); });
    if (h < 0) return false;
    this.h = h;
    this.port = port;
    net.ports[port] = true;
    return true;
  }
  /** Bind to a free port in 49152-65535, starting at a random one: true when bound. */
  bindEphemeral(): boolean {
    var ports = this.f.net.ports, tries = 0, p = 49152 + Math.floor(Math.random() * 16384);
    for (var i = 0; i < 16384 && tries < 8; i++, p = p == 65535 ? 49152 : p + 1) {
      if (ports[p]) continue;
      tries++;
      if (this.bind(p)) return true;
    }
    return false;
  }
  live() {
    if (!this.open) fail('ERR_SOCKET_CLOSED');
  }
  /** udpsocket.send(address, port, data) -> 0, 1 (not connected / driver failure) or 4 (rate limited). */
  send(address: any, port: any, data: any): number {
    this.live();
    if (!address || address !== this.good) {
      var q = quad(address);
      if (!q || !isPrivate(q)) {
        this.close();
        fail(q ? 'ERR_NOT_PRIVATE' : 'ERR_BAD_ADDRESS', address);
      }
      this.good = address;
    }
    if (!isInt(port, 0, 65535) || port == 67 || port == 68) fail('ERR_BAD_PORT', port);
    var bytes = typeof data == 'string' ? utf8(data) : data instanceof Blob ? data.bytes() : fail('ERR_BAD_DATA', data);
    if (bytes.length > 65507) fail('ERR_DATA_TOO_LONG', bytes.length);
    var f = this.f, net = f.net;
    if (f.state != 1) return 1;
    if (!net.bucket.take(net.p.now())) {
      net.count(this.c, 'refused');
      return 4;
    }
    if ((this.h < 0 && !this.bindEphemeral()) || f.drv.send(this.h, address, port, bytes) < 0) {
      net.count(this.c, 'failed');
      return 1;
    }
    net.count(this.c, 'sent');
    if (bytes.length > 1460) net.count(this.c, 'oversize');
    return 0;
  }
  /** udpsocket.onreceive(cb): register, replace or (null) remove the handler. */
  onreceive(cb: any) {
    this.live();
    checkCallback(cb);
    this.cb = cb || null;
  }
  isopen(): boolean {
    return this.open;
  }
  /** udpsocket.close(): frees the port, discards the queue; a second call does nothing. */
  close() {
    if (!this.open) return;
    this.open = false;
    if (this.h >= 0) {
      this.f.drv.close(this.h);
      delete this.f.net.ports[this.port];
    }
    this.ring.clear();
    var list = this.f.socks, i = list.indexOf(this);
    if (i >= 0) list.splice(i, 1);
  }
  /** Extension: this socket's counters (also readable after close). */
  stats(): Counters {
    return Object.assign({}, this.c);
  }
  /** The driver's receive path: copy into the ring, schedule delivery. */
  recv(data: Uint8Array | string, from: string, fromPort: number, to: string | null) {
    if (!this.open) return;
    var net = this.f.net;
    this.c.received++;
    net.totals.received++;
    if (!this.cb || !this.ring.push(data, from, fromPort, to || this.f.getiptable().ipv4.address || '0.0.0.0')) {
      net.count(this.c, 'dropped');
      return;
    }
    if (!this.draining) {
      this.draining = true;
      var self = this;
      net.p.timer(0, function () { self.drain(); });
    }
  }
  /** Deliver everything queued, oldest first; a throwing handler does not stop the next. */
  drain() {
    this.draining = false;
    var net = this.f.net, r = this.ring, data;
    while (this.open && (data = r.pop())) {
      var cb = this.cb;
      if (!cb) {
        net.count(this.c, 'dropped');
        continue;
      }
      var b = new Blob(0);
      b.d = data;
      b.n = data.length;
      this.c.delivered++;
      net.totals.delivered++;
      try {
        cb(r.from, r.port, r.to, this.port, b);
      } catch (e: any) {
        net.log('onreceive threw: ' + (e && e.message || e));
      }
    }
  }
}

export { STATES };
