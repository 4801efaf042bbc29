// The simulated LAN: devices with their own addresses on one /24, a shared virtual clock,
// Wi-Fi credentials to join, cables to pull, faults to inject (loss, duplication,
// reordering, delay), and a record of every datagram put on the wire.
// Behaves as the boards' stacks do (espruino-facts.md): sends to a port nobody holds vanish
// silently; a broadcast reaches every other connected device holding the port, with
// toAddress = the address it was sent to; the sender does not hear its own broadcast.
// The LAN has no router: a send to an address outside its /24 that is not 255.255.255.255 is
// refused (driver send -1, so udpsocket.send returns 1; nothing on the wire), and the first
// such send of an endpoint prints the hint of hal/loopback.ts on that device's console.
// Link-local multicast (224.0.0.x, driver join/leave): a datagram sent to a group reaches every
// connected endpoint joined to it and holding the port, on every device, the sender's own other
// endpoints included (as IP_MULTICAST_LOOP does), but not the sending endpoint itself (as a
// broadcast's sender does not hear it); toAddress = the group. An endpoint sends to a group only
// once joined (the runtime checks that first).
import type { SendingDriver, Platform, IpInfo, LinkConfig, Receiver } from '../contract';
import * as L from '../link';
import { VirtualClock } from './clock';
import { prng } from './prng';
import { quad, isGroup } from '../address';
import { outside } from '../loopback';

/** UTF-8 bytes of a string a runtime handed over (the LAN runs on the PC only: V8's encoder; a lone surrogate becomes U+FFFD, as firmware/codec.ts makes it). */
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** One datagram as it went on the wire. */
export interface WireRecord {
  t: number; from: string; fromPort: number; to: string; toPort: number; data: Uint8Array;
}

/** What the LAN did with a datagram, as onwire is told. */
export interface WireFate {
  /** Endpoints a delivery was scheduled to (0: nobody holds the port there). */ deliveries: number;
  /** Addresses whose delivery a loss fault dropped. */ lost: string[];
  /** A send the LAN refused (outside its /24): never on `wire`. */ refused: boolean;
}

export interface Faults {
  /** Probability a delivery is lost. */ loss?: number;
  /** Probability a delivery happens twice. */ dup?: number;
  /** Probability a delivery is held back by up to `jitter` ms. */ reorder?: number;
  /** Base one-way delay, ms (default 1). */ delay?: number;
  /** Extra delay of a reordered delivery, ms (default 50). */ jitter?: number;
}

export interface LanOptions {
  /** First three octets, e.g. "192.168.1" (default). */ subnet?: string;
  /** The Wi-Fi network's credentials; a device's wl0 joins only with these. */ ssid?: string; key?: string;
  faults?: Faults;
  /** PRNG seed for faults (default 1). */ seed?: number;
  clock?: VirtualClock;
  /** Called with every datagram as it goes on the wire (its content as sent, before loss, duplication, delay), once its deliveries are scheduled (so its fate is known), and with every refused send (fate.refused). */ onwire?: (w: WireRecord, fate: WireFate) => void;
  /** Keep every datagram in `wire` (default true); false for long runs (a soak), where onwire and `counts` say what went. */ record?: boolean;
}

/** What the LAN did with deliveries: one per receiving endpoint of a datagram (a broadcast has several). */
export interface LanCounts {
  /** Datagrams put on the wire. */ wire: number;
  /** Deliveries handed to an endpoint (a duplicate counts again). */ delivered: number;
  /** Deliveries the loss fault dropped. */ lost: number;
  /** Deliveries whose endpoint closed or whose device lost its link while they were on their way. */ gone: number;
}

interface Endpoint { dev: MockDevice; nii: string; port: number; rx: Receiver; open: boolean; told?: boolean; groups?: { [group: string]: boolean } }


export class Lan {
  readonly clock: VirtualClock;
  readonly subnet: string;
  readonly broadcast: string;
  readonly netmask = '255.255.255.0';
  ssid: string;
  key: string;
  faults: Faults;
  readonly wire: WireRecord[] = [];
  /** Kept in `wire` (LanOptions.record). */
  record: boolean;
  readonly counts: LanCounts = { wire: 0, delivered: 0, lost: 0, gone: 0 };
  readonly devices: MockDevice[] = [];
  endpoints: Endpoint[] = [];
  random: () => number;
  /** Observer of the wire (LanOptions.onwire), e.g. a packet capture; null: none. */
  onwire: ((w: WireRecord, fate: WireFate) => void) | null;
  constructor(opts: LanOptions = {}) {
    this.clock = opts.clock || new VirtualClock();
    this.subnet = opts.subnet || '192.168.1';
    this.broadcast = this.subnet + '.255';
    this.ssid = opts.ssid ?? 'espimp-lab';
    this.key = opts.key ?? 'secret';
    this.faults = opts.faults || {};
    this.random = prng(opts.seed ?? 1);
    this.onwire = opts.onwire || null;
    this.record = opts.record ?? true;
  }
  /** Add a device whose DHCP address is subnet.host. */
  device(host: number, opts: { name?: string; cable?: boolean; radio?: boolean } = {}): MockDevice {
    const d = new MockDevice(this, `${this.subnet}.${host}`, opts.name || `dev${host}`, opts.cable ?? true, opts.radio ?? true);
    this.devices.push(d);
    return d;
  }
  /** Advance the virtual clock by ms. */
  run(ms: number) {
    this.clock.advance(ms);
  }
  /** Datagrams on the wire, optionally only those from or to an address. */
  sent(filter: { from?: string; to?: string } = {}): WireRecord[] {
    return this.wire.filter((w) => (!filter.from || w.from === filter.from) && (!filter.to || w.to === filter.to));
  }
  /** Put a datagram from src's address `from` on the wire and schedule its deliveries. */
  transmit(src: MockDevice, from: string, fromPort: number, to: string, toPort: number, data: Uint8Array, srcEp?: Endpoint) {
    const bytes = new Uint8Array(data);
    const rec: WireRecord = { t: this.clock.now(), from, fromPort, to, toPort, data: bytes };
    if (this.record) this.wire.push(rec);
    this.counts.wire++;
    const bcast = to === this.broadcast || to === '255.255.255.255';
    const fate: WireFate = { deliveries: 0, lost: [], refused: false };
    if (isGroup(quad(to))) {
      for (const ep of this.endpoints) {
        if (ep.open && ep.port === toPort && ep !== srcEp && ep.groups && ep.groups[to] && ep.dev.connected(ep.nii)) this.deliver(ep, bytes, from, fromPort, to, fate);
      }
    } else {
      for (const ep of this.endpoints) {
        if (!ep.open || ep.port !== toPort || ep.dev === src) continue;
        if (bcast ? !ep.dev.connected(ep.nii) : ep.dev.ipOf(ep.nii) !== to) continue;
        this.deliver(ep, bytes, from, fromPort, to, fate);
      }
    }
    if (this.onwire) this.onwire(rec, fate);
  }
  /** Tell onwire of a send from `from` the LAN refused (its destination is outside the /24); nothing goes on the wire. */
  refuse(from: string, fromPort: number, to: string, toPort: number, data: Uint8Array) {
    if (this.onwire) this.onwire({ t: this.clock.now(), from, fromPort, to, toPort, data: new Uint8Array(data) }, { deliveries: 0, lost: [], refused: true });
  }
  private deliver(ep: Endpoint, bytes: Uint8Array, from: string, fromPort: number, to: string, fate: WireFate) {
    const f = this.faults;
    fate.deliveries++;
    if (f.loss && this.random() < f.loss) {
      this.counts.lost++;
      fate.lost.push(ep.dev.ipOf(ep.nii) || ep.dev.ip);
      return;
    }
    const copies = f.dup && this.random() < f.dup ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const late = f.reorder && this.random() < f.reorder ? 1 + Math.floor(this.random() * (f.jitter ?? 50)) : 0;
      this.clock.timer((f.delay ?? 1) + late, () => {
        if (!ep.open || !ep.dev.connected(ep.nii)) { this.counts.gone++; return; }
        this.counts.delivered++;
        ep.rx._recv(new Uint8Array(bytes), from, fromPort, to);
      });
    }
  }
}

/** Link progress of one NII on a mock device. */
interface LinkState { link: number; report: ((l: number) => void) | null; cfg: LinkConfig; ip: string; gen: number }

/** A device on the simulated LAN: its driver, its platform (clock, console, storage). */
export class MockDevice {
  readonly lan: Lan;
  ip: string;
  readonly name: string;
  cable: boolean;
  radio: boolean;
  readonly console: string[] = [];
  readonly storage: { [key: string]: string } = {};
  echo: ((line: string) => void) | null = null;
  /** Clock skew added to the LAN clock: a test can step this device's clock back. */
  skew = 0;
  links: { [nii: string]: LinkState } = {};
  readonly driver: SendingDriver;
  readonly platform: Platform;
  constructor(lan: Lan, ip: string, name: string, cable: boolean, radio: boolean) {
    this.lan = lan;
    this.ip = ip;
    this.name = name;
    this.cable = cable;
    this.radio = radio;
    this.driver = this.makeDriver();
    this.platform = {
      now: () => lan.clock.now() + this.skew,
      timer: (ms, cb) => lan.clock.timer(ms, cb),
      later: (cb) => { lan.clock.timer(0, cb); },
      cancel: (id) => lan.clock.cancel(id),
      write: (line) => { this.console.push(line); if (this.echo) this.echo(line); },
      load: (key) => (key in this.storage ? this.storage[key] : null),
      save: (key, value) => { this.storage[key] = value; },
    };
  }
  connected(nii: string): boolean {
    return this.links[nii]?.link === L.CONNECTED;
  }
  ipOf(nii: string): string | null {
    const l = this.links[nii];
    return l && l.link === L.CONNECTED ? l.ip : null;
  }
  /** Whether the medium of nii is there: the cable (eth0), the radio in range (wl0). */
  private medium(nii: string): boolean {
    return nii === 'eth0' ? this.cable : nii === 'wl0' ? this.radio : true;
  }
  /** Pull the cable (eth0) / leave radio range (wl0): links drop at once. */
  unplug(what: 'cable' | 'radio' = 'cable') {
    if (what === 'cable') this.cable = false; else this.radio = false;
    for (const nii in this.links) {
      const l = this.links[nii];
      if (!this.medium(nii) && l.report) {
        l.gen++;
        this.step(nii, nii === 'eth0' ? L.NO_LINK : L.STOPPED, 0);
      }
    }
  }
  /** Put the cable back / come back in range: links that were up come back by themselves. */
  plug(what: 'cable' | 'radio' = 'cable') {
    if (what === 'cable') this.cable = true; else this.radio = true;
    for (const nii in this.links) if (this.links[nii].report && this.medium(nii)) this.attempt(nii);
  }
  /** Report `link` for nii after ms. */
  private step(nii: string, link: number, ms: number) {
    const l = this.links[nii];
    const report = l.report;
    const gen = l.gen;
    this.lan.clock.timer(ms, () => {
      if (this.links[nii] !== l || l.gen !== gen || !report) return;
      l.link = link;
      report(link);
    });
  }
  /** Run a connection attempt as the real stacks do, in virtual time. */
  private attempt(nii: string) {
    const l = this.links[nii];
    const wifi = nii === 'wl0';
    l.gen++;
    if (!this.medium(nii)) return this.step(nii, wifi ? L.UNHAPPY : L.NO_LINK, 10);
    if (wifi) {
      const c = l.cfg.wificonfig;
      this.step(nii, L.JOINING, 10);
      if (!c || c.ssid !== this.lan.ssid || (c.key ?? '') !== this.lan.key) return this.step(nii, L.UNHAPPY, 60);
    } else if (nii === 'eth0') this.step(nii, L.LINK_UP, 10);
    else this.step(nii, L.SCANNING, 10);
    if (!l.cfg.staticconfig) this.step(nii, L.DHCP, 40);
    this.step(nii, L.CONNECTED, 60);
  }
  private makeDriver(): SendingDriver {
    const eps: Endpoint[] = [];
    const lan = this.lan;
    return {
      up: (nii, cfg, report) => {
        const ip = cfg.staticconfig?.ip || this.ip;
        this.links[nii] = { link: L.STARTING, report, cfg, ip, gen: 0 };
        this.attempt(nii);
        return 0;
      },
      down: (nii) => {
        delete this.links[nii];
      },
      addr: (nii): IpInfo | null => {
        const l = this.links[nii];
        if (!l || l.link !== L.CONNECTED) return null;
        const s = l.cfg.staticconfig;
        return { address: l.ip, netmask: s?.netmask || lan.netmask, gateway: s?.gateway || `${lan.subnet}.1` };
      },
      open: (nii, port, rx) => {
        if (eps.some((e) => e.open && e.port === port)) return -1;
        const ep: Endpoint = { dev: this, nii, port, rx, open: true };
        // a closed endpoint's handle is given out again (a device that opens and closes sockets
        // forever holds as many handles as it has open at once, as the boards' drivers do)
        let h = eps.findIndex((e) => !e.open);
        if (h < 0) h = eps.length;
        eps[h] = ep;
        lan.endpoints.push(ep);
        return h;
      },
      send: (h, ip, port, data) => {
        const ep = eps[h];
        if (!ep || !ep.open || !this.connected(ep.nii)) return -1;
        const group = isGroup(quad(ip));
        if (group && !(ep.groups && ep.groups[ip])) return -1;
        if (!group && ip !== '255.255.255.255' && !ip.startsWith(lan.subnet + '.')) {
          if (!ep.told) this.platform.write('ERROR: ' + outside(ip, lan.subnet));
          ep.told = true;
          lan.refuse(this.ipOf(ep.nii) as string, ep.port, ip, port, typeof data == 'string' ? utf8(data) : data);
          return -1;
        }
        lan.transmit(this, this.ipOf(ep.nii) as string, ep.port, ip, port, typeof data == 'string' ? utf8(data) : data, ep);
        return 0;
      },
      join: (h, group) => {
        const ep = eps[h];
        if (!ep || !ep.open || !isGroup(quad(group))) return -1;
        (ep.groups || (ep.groups = {}))[group] = true;
        return 0;
      },
      leave: (h, group) => {
        const ep = eps[h];
        if (!ep || !ep.groups || !ep.groups[group]) return -1;
        delete ep.groups[group];
        return 0;
      },
      close: (h) => {
        const ep = eps[h];
        if (!ep) return;
        ep.open = false;
        lan.endpoints = lan.endpoints.filter((e) => e !== ep);
      },
    };
  }
}
