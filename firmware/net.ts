// imp.net: interfaces and UDP sockets over the driver contract. All policy lives here:
// argument checks in the spec's order, the rate limit, the receive rings, state mapping,
// asynchronous state callbacks, configuration persistence and the counters.
// Written for a board's memory (it is most of a bundle): the Iface and Sock classes sit at the
// top of the module, because on Espruino a function made inside another holds its scope chain,
// 3 more blocks for as long as it lives; what every interface and socket of one device shares
// (platform, drivers, board, bucket, ports, counters) is one Device object they hold (_dev).
import type { NetDriver, Platform, BoardSettings, LinkConfig, Route } from '../hal/contract';
import { fail } from './errors';
import { quad, isPrivate, broadcastOf } from '../hal/address';
import { Bucket } from './bucket';
import { Ring } from './ring';
import { Blob, utf8 } from './blob';
import { wire, wide } from './codec';
import { stateOf, isDown, CONNECTED } from './states';
import * as Link from '../hal/link';
import { withStates } from './constants';
import { TYPES, HAS_CELL } from './niis';
import { extended } from './extended';
import { counters, count, countOversize, named, SENT, REFUSED, RECEIVED, DELIVERED, DROPPED, FAILED, type Counters } from './counters';
import { MCAST, isGroup } from './multicast';
import type { Interface, UdpSocket } from './api';

/** The Storage file (host: state file key) holding the persisted network config. */
export var CONFIG_KEY = 'espimp.net';

/** The persisted network config on platform `p`: {nii?, wificonfig?, staticconfig?}, or {} when missing or damaged. */
export var savedConfig = function (p: Platform): any {
  try { return JSON.parse(p.load(CONFIG_KEY) || '{}') || {}; } catch (e) { return {}; }
};

/** The largest UDP payload, bytes. */
var MAX_DATA = 65507;
/** The most chars a string can have and be surely within MAX_DATA as UTF-8 (3 bytes a UTF-16 unit at most). */
var SURE_CHARS = 21835;

/** The NII `name` stands for (an NII or its type), or undefined. */
var niiOf = function (name: any): string | undefined {
  for (var n in TYPES) if (name === n || name === TYPES[n]) return n;
  return undefined;
};

var isInt = function (v: any, lo: number, hi: number): boolean {
  return typeof v == 'number' && v % 1 === 0 && v >= lo && v <= hi;
};

/** Throw ERR_SOCKET_CLOSED for a closed socket. */
var live = function (s: { _open: boolean }) {
  if (!s._open) fail('SOCKET_CLOSED');
};

var checkCallback = function (cb: any) {
  if (cb != null && typeof cb != 'function') fail('BAD_CALLBACK', cb);
};

/**
 * Send `d` (bytes or a string) to `port` through route `r`, in the wire form (a UTF-8 string as
 * its bytes): false when it cannot (no wire form: E.toString gives undefined when it cannot
 * allocate; or the route threw, e.g. for a socket the stack replaced).
 */
var post = function (r: Route, port: number, d: Uint8Array | string): boolean {
  var w = typeof d != 'string' ? wire(d) : wide && wide(d) ? wire(utf8(d)) : d;
  if (w != null) try {
    r._sock.send(w, port, r._to);
    return true;
  } catch (e) { }
  return false;
};

/** What every interface and socket of one device shares (held as their _dev). */
interface Device {
  _p: Platform;
  _drivers: { [name: string]: NetDriver };
  _board: BoardSettings;
  /** The device-wide rate limit. */
  _bucket: Bucket;
  /** The longest payload (chars of a string, bytes of a blob) send() takes on its fast path: one surely within the limit, or on a board with fixed memory one of at most 64 bytes (a longer one asks Platform.room first). */
  _fast: number;
  /** The bound ports. */
  _ports: { [port: number]: boolean };
  /** The device-wide counters. */
  _totals: number[];
  /** Where an exception of an onreceive handler is reported (server.error). */
  _log: (line: string) => void;
}

/** An interface object, as imp.net.open returns it. */
class Iface implements Interface {
  nii: string;
  _drv: NetDriver;
  _state = -1;
  _handler!: ((state: number) => void) | null;
  /** The link was started with extended (not persisted) config. */
  _ext!: boolean;
  /** Bumped on every start and release: a report of an older generation is ignored. */
  _gen = 0;
  _socks: Sock[] = [];
  _dev: Device;
  constructor(nii: string, dev: Device) {
    this.nii = nii;
    this._dev = dev;
    this._drv = dev._drivers[dev._board.niis[nii]];
  }
  /** Bring the link up with cfg; extended config lives only for this attempt. */
  _start(cfg: LinkConfig, ext: boolean) {
    var t = this, g = ++t._gen;
    t._ext = ext;
    t._set(Link.STARTING);
    if ((t.nii == 'wl0' && !(cfg.wificonfig || {} as any).ssid) ||
      t._drv.up(t.nii, cfg, function (link) { if (g == t._gen) t._set(link); }) < 0) t._set(Link.UNHAPPY);
  }
  /** The interface's address as the receive path last read it from the driver (unset: read it again). */
  _ip!: string | null;
  /** Take a driver link report. */
  _set(link: number) {
    var t = this, s = stateOf(t.nii, link);
    if (s == t._state) return;
    t._state = s;
    t._ip = null;
    t._socks.forEach(function (k) { k._good = 0; });
    if (isDown(t.nii, s) && t._ext) t._release();
    t._notify(s);
  }
  /** Call onstate(s) from the event loop, never from inside the caller. */
  _notify(s: number) {
    var t = this;
    // a timer, not later(): an app's exception there is reported as any timer's (later() may be a Promise)
    t._dev._p.timer(0, function () { if (t._handler) t._handler(s); });
  }
  /** Take the driver down and ignore its late reports; any extended config is gone with it. */
  _release() {
    this._gen++;
    this._ext = false;
    this._drv.down(this.nii);
  }
  getstate(): number {
    return this._state;
  }
  /**
   * {ipv4: the driver's fields that are set, and the broadcast it gives or that follows from
   * address/netmask}. The set fields are copied, not the unset ones deleted: Espruino's for-in
   * stops when the key it is on is deleted (jsparse.c), so deleting would keep the later empty keys.
   */
  getiptable() {
    var d: any = (this._state < 0 ? null : this._drv.addr(this.nii)) || {}, a: any = {}, k;
    for (k in d) if (d[k]) a[k] = d[k];
    if (k = a.broadcast || broadcastOf(a.address, a.netmask)) a.broadcast = k;
    return { ipv4: a };
  }
  /** interface.openudp(onreceive?, localPort?) */
  openudp(cb?: any, port?: any): Sock {
    var t = this, v = t._dev, bind = port != null, s;
    if (HAS_CELL && t.nii == 'cell0') fail('NOT_SUPPORTED', t.nii);
    if (isDown(t.nii, t._state)) fail('NOT_AVAILABLE', t._state);
    checkCallback(cb);
    if (bind && !isInt(port, 1024, 65535)) fail('BAD_PORT', port);
    if (bind && v._ports[port]) fail('PORT_IN_USE', port);
    // the socket's ring is allocated now: an allocation that fails would stop the interpreter
    if (v._p.room && !v._p.room(v._board.ring)) fail('NO_MEMORY', v._board.ring);
    s = new Sock(t, cb);
    if (bind && !s._bind(port)) {
      s.close();
      fail('PORT_IN_USE', port);
    }
    t._socks.push(s);
    return s;
  }
  /** interface.close(): closes its sockets, releases the driver, state becomes idle. */
  close() {
    var t = this;
    while (t._socks.length) t._socks[0].close();
    if (t._state >= 0) {
      t._release();
      t._set(Link.IDLE);
    }
  }
}

/** A UDP socket, as interface.openudp returns it. */
class Sock implements UdpSocket {
  _iface: Iface;
  _handler: Function | null;
  /** The driver's endpoint handle, -1 while unbound. */
  _handle = -1;
  /** The bound port (set with _handle). */
  _port!: number;
  _open = true;
  /** Its interface's device, held here too: send() reads it at every call, one lookup less. */
  _dev: Device;
  _ring: Ring;
  _counters = counters();
  _draining!: boolean;
  /**
   * The last address and port that passed send()'s checks (unset or 0: none; 0 is never equal
   * to a string): a send to them again skips the checks. Set only while the socket is open and
   * its interface connected, and cleared when either changes (close, any state change of the
   * interface) and by leave() of that group.
   */
  _good!: string | 0;
  _gp!: number;
  /** The driver's route to _good (hal/contract.ts), asked after a send there succeeded; null or unset: none. */
  _route!: Route | null;
  /** The multicast groups joined (unset: none): group -> 1. */
  _g!: { [group: string]: number };
  constructor(f: Iface, cb: any) {
    this._iface = f;
    this._handler = cb;
    this._dev = f._dev;
    this._ring = new Ring(f._dev._board.ring);
  }
  /**
   * Bind through the driver to `port`, or (0) to a free port in 49152-65535, scanning from a
   * random one and trying at most 8 free ones: true when bound. The start mixes in the clock:
   * every Espruino Linux-port process draws the same Math.random() sequence (a fixed seed), so
   * two of them on one host would take the same port, which SO_REUSEPORT lets both bind.
   */
  _bind(port: number): boolean {
    var t = this, f = t._iface, i = 16384, n = port ? 1 : 8, q = (Math.random() * 16384 + t._dev._p.now()) % 16384 | 0, p = port, h;
    while (i-- && n) {
      if (!port) p = 49152 + ++q % 16384;
      if (!t._dev._ports[p] && (n--, (h = f._drv.open(f.nii, p, t)) >= 0)) {
        t._handle = h;
        t._port = p;
        return t._dev._ports[p] = true;
      }
    }
    return false;
  }
  /**
   * udpsocket.send(address, port, data) -> 0, 1 (not connected / driver failure) or 4 (rate limited, or no memory for it).
   * Board code runs from source, where every token of a function costs (executed or skipped) and
   * a call costs as much as a conversion: a send to the last good address and port of a short
   * string or a blob (the fast path) is the type tests, the two comparisons, the bucket and the
   * stack's own send through the driver's route; everything else runs out of line.
   */
  send(address: any, port: any, data: any): number {
    var t = this, v = t._dev, d = data;
    // typeof first: Espruino's === and !== call an object's valueOf, so an object whose valueOf
    // gives the last good address or port would pass the comparisons
    if (typeof address != 'string' || typeof port != 'number' || address !== t._good || port !== t._gp || (typeof d == 'string' ? d.length : d instanceof Blob ? d._length : 1 / 0) > v._fast) return t._slow(address, port, d);
    if (!v._bucket.take(v._p.now())) return count(t, REFUSED), 4;
    if (typeof d != 'string') d = d._bytes;
    return t._route && post(t._route, port, d) ? (count(t, SENT), countOversize(t, d), 0) : t._out(address, port, d);
  }
  /**
   * send() off its fast path: the checks in the spec's order (throwing), then what answers
   * before the rate limit (1, or 4 for no memory), the rate limit, and the send (_out); the
   * address and port are good from then on (until a state change or close).
   */
  _slow(address: any, port: any, d: any): number {
    var t = this, v = t._dev, q = quad(address);
    live(t);
    // a joined group's address is the one addition to the private-only rule (docs/decisions.md)
    if (!q || !isPrivate(q) && !(MCAST && t._g && t._g[address])) {
      t.close();
      fail(q ? 'NOT_PRIVATE' : 'BAD_ADDRESS', address);
    }
    if (!isInt(port, 0, 65535) || port == 67 || port == 68) fail('BAD_PORT', port);
    // a string goes to the driver as it is (it encodes it natively): one over the limit in chars
    // is refused at once, and only one that may be over it in bytes is encoded here to be measured
    if (typeof d != 'string') d = d instanceof Blob ? d.bytes() : fail('BAD_DATA', d);
    var n = d.length > MAX_DATA ? d.length : typeof d == 'string' && d.length > SURE_CHARS ? utf8(d).length : 0;
    if (n > MAX_DATA) fail('DATA_TOO_LONG', n);
    if (t._iface._state != CONNECTED) return 1;
    // refused (4, counted), not queued: a payload over 64 bytes a board's free memory cannot
    // hold beside the reserve, or over the rate limit
    if (v._p.room && d.length > 64 && !v._p.room(d.length) || !v._bucket.take(v._p.now())) return count(t, REFUSED), 4;
    t._good = address;
    t._gp = port;
    return t._out(address, port, d);
  }
  /**
   * Bind if unbound and send `d` (bytes or a string) through the driver: through a new route to
   * `address` (the last good one) where it gives routes, else its send().
   */
  _out(address: string, port: number, d: Uint8Array | string): number {
    var t = this, f = t._iface._drv;
    if (t._handle < 0 && !t._bind(0) || (f.route ? !((t._route = f.route(t._handle, address)) && post(t._route, port, d)) : f.send!(t._handle, address, port, d) < 0)) return count(t, FAILED), 1;
    return count(t, SENT), countOversize(t, d), 0;
  }
  /** udpsocket.onreceive(cb): register, replace or (null) remove the handler. */
  onreceive(cb: any) {
    live(this);
    checkCallback(cb);
    this._handler = cb || null;
  }
  /**
   * Extension: join the link-local multicast group `g` (224.0.0.1-255): the socket receives what
   * is sent to g (toAddress g) and send() may address g. Binds an unbound socket as send() does.
   */
  join(g: any) {
    var t = this, d = t._iface._drv;
    live(t);
    if (!isGroup(quad(g))) fail('BAD_GROUP', g);
    if (!d.join) fail('NOT_SUPPORTED', g);
    if (t._handle < 0 && !t._bind(0)) fail('PORT_IN_USE', g);
    if (d.join(t._handle, g) < 0) fail('NOT_SUPPORTED', g);
    (t._g || (t._g = {}))[g] = 1;
  }
  /** Extension: leave group `g` (one not joined: nothing happens); send() refuses g again. */
  leave(g: any) {
    var t = this, d = t._iface._drv;
    live(t);
    if (!isGroup(quad(g))) fail('BAD_GROUP', g);
    if (t._g && t._g[g]) {
      delete t._g[g];
      if (t._good == g) t._good = 0;
      if (d.leave) d.leave(t._handle, g);
    }
  }
  isopen(): boolean {
    return this._open;
  }
  /** udpsocket.close(): frees the port, discards the queue; a second call does nothing. */
  close() {
    var t = this, list = t._iface._socks, i = list.indexOf(t);
    if (!t._open) return;
    t._open = false;
    t._good = 0;
    if (t._handle >= 0) {
      t._iface._drv.close(t._handle);
      delete t._dev._ports[t._port];
    }
    // the queue goes with its buffer (nothing reads _ring once _open is false), the route with the stack's socket
    t._ring = t._route = null as any;
    if (i >= 0) list.splice(i, 1);
  }
  /** Extension: this socket's counters (also readable after close). */
  stats(): Counters {
    return named(this._counters);
  }
  /** The driver's receive path: copy into the ring, schedule delivery. With no `to` the datagram was sent to the
   * interface's address (read from the driver: an open socket's interface has started, so getiptable() would too). */
  _recv(data: Uint8Array | string, from: string, fromPort: number, to: string | null) {
    var t = this;
    if (!t._open) return;
    count(t, RECEIVED);
    if (!t._handler || !t._ring.push(data, from, fromPort, to || t._iface._ip || (t._iface._ip = (t._iface._drv.addr(t._iface.nii) || {} as any).address || '0.0.0.0'))) count(t, DROPPED);
    else if (!t._draining) {
      t._draining = true;
      t._dev._p.later(function () { t._drain(); });
    }
  }
  /** Deliver everything queued, oldest first; a throwing handler does not stop the next. */
  _drain() {
    var t = this, v = t._dev, r = t._ring, data, cb, b;
    t._draining = false;
    while (t._open && (data = r.pop())) {
      cb = t._handler;
      if (!cb) {
        count(t, DROPPED);
        continue;
      }
      // made natively (the constructor's code is not run): storage and length are set here
      b = Object.create(Blob.prototype);
      b._bytes = data;
      b._length = data.length;
      count(t, DELIVERED);
      try {
        cb(r.from, r.port, r.to, t._port, b);
      } catch (e: any) {
        v._log('onreceive threw: ' + e);
      }
    }
  }
}

/** The imp.net object of one device: open, info, stats and the state constants. */
export function createNet(p: Platform, drivers: { [name: string]: NetDriver }, board: BoardSettings, log: (line: string) => void) {
  var dev: Device = { _p: p, _drivers: drivers, _board: board, _bucket: new Bucket(board.bucket, p.now()), _fast: p.room ? 64 : SURE_CHARS, _ports: {}, _totals: counters(), _log: log };
  var ifaces: { [nii: string]: Iface } = {}, active = '';

  return withStates({
    /** imp.net.open(nic, onstate?) */
    open: function (nic: any, onstate?: any): Iface {
      var named = nic && typeof nic == 'object', nii = named && niiOf(nic.interface), s, cfg, f;
      if (!nii || !board.niis[nii]) fail('NO_INTERFACE', named ? nic.interface : nic);
      checkCallback(onstate);
      s = savedConfig(p);
      cfg = extended(nic, s);
      if (!cfg && s.nii != nii) {
        s.nii = nii;
        p.save(CONFIG_KEY, JSON.stringify(s));
      }
      active = nii as string;
      f = ifaces[active] || (ifaces[active] = new Iface(active, dev));
      f._handler = onstate;
      // extended config restarts a link that is up (boot brought it up with the persisted one)
      if (cfg || isDown(f.nii, f._state)) f._start(cfg || s, !!cfg);
      else f._notify(f._state);
      return f;
    },
    /** imp.net.info(): the active interface's ipv4 facts and every interface of the board. */
    info: function () {
      var list: any[] = [], at = -1, nii, f;
      for (nii in board.niis) {
        // an interface never opened answers as a new one: state -1, no addresses
        f = ifaces[nii] || new Iface(nii, dev);
        if (nii == active) at = list.length;
        list.push({ type: TYPES[nii], nii: nii, state: f._state, ipv4: f.getiptable().ipv4 });
      }
      return { active: at, interface: list, ipv4: at < 0 ? {} : list[at].ipv4 };
    },
    /** Extension: the device-wide counters. */
    stats: function () { return named(dev._totals); },
    /** What the live view reads (firmware/reporter.ts): [bucket, device-wide counters, interfaces by NII]. The build leaves it out of bundles built without --stats. */
    _live: function () { return [dev._bucket, dev._totals, ifaces]; },
  });
}
