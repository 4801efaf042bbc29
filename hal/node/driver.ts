// The host driver: the NetDriver contract over Node's dgram with real UDP sockets.
// Two modes:
//  - loopback: the virtual LAN 192.168.77.0/24 on 127.77.0.0/24 (hal/loopback.ts). Every
//    socket is bound to a 127.x address and every destination passes through toLoopback(),
//    so nothing can leave this machine; a destination outside the virtual LAN is refused.
//  - real: the PC's first non-internal IPv4 interface, TTL 1 so nothing leaves the subnet.
// Each endpoint is a unicast socket bound to the device's address (it sends, with
// SO_BROADCAST, and receives unicast) plus a listener bound to each broadcast address with
// SO_REUSEADDR (several devices, also in other processes, share a port), so toAddress is
// exact. A device does not hear its own broadcast, as on the simulated LAN.
// Link-local multicast (join/leave, loopback mode only; real mode returns -1: unsupported):
// real multicast pinned to loopback. A joined endpoint gets a listener bound to group:port
// (SO_REUSEADDR) with addMembership(group, '127.0.0.1'); its unicast socket gets
// setMulticastInterface('127.0.0.1') and setMulticastTTL(1) before any send to a group, and
// transmit() refuses a group unless both were set, so no multicast datagram can leave `lo`.
// Other processes joined on 127.0.0.1 (another `espimp run`, a Python peer) take part. The
// sending endpoint does not hear its own datagram; this device's other joined endpoints do.
// Binding is synchronous, as on a board: the sockets get a lookup that answers at once (the
// addresses are already dotted quads), so Node binds inside bind() and a port held elsewhere
// makes open() return -1 (and is reported through onfault). Later failures (a send the
// kernel rejects, a socket error) arrive through onfault too.
import dgram from 'node:dgram';
import os from 'node:os';
import type { SendingDriver, IpInfo, LinkConfig, Link, Receiver } from '../contract';
import * as L from '../link';
import { quad, broadcastOf, isGroup } from '../address';
import { toLoopback, fromLoopback, isVirtualHost, outside, LOOPBACK_BROADCAST, VIRTUAL_BROADCAST, VIRTUAL_LAN } from '../loopback';

export interface NodeDriverOptions {
  /** 'loopback': the virtual LAN on 127.77.0.0/24; 'real': the PC's network. */
  lan: 'loopback' | 'real';
  /** Loopback mode: this device's virtual address, 192.168.77.1-254 (default 192.168.77.2). */
  ip?: string;
  /**
   * Failures the caller should hear of: ERR_PORT_IN_USE / ERR_BIND (a bind failed: called from
   * inside open(), which then returns -1), ERR_SEND (the kernel rejected a send), ERR_SOCKET,
   * ERR_OUTSIDE_LAN (loopback mode: the first send of an endpoint to an address outside
   * 192.168.77.0/24, refused; detail: "192.168.0.1 is outside the virtual LAN 192.168.77.0/24: not sent").
   * `port`: the local port concerned.
   */
  onfault?: (code: string, detail: string, port: number) => void;
  /**
   * Loopback mode: the virtual address of a device on Espruino's Linux port, whose datagrams
   * leave from 127.0.0.1 (its bind(port) has no address): they are taken as from this address.
   * Its sockets take every local address of a port, so this device's binds share ports (SO_REUSEADDR).
   */
  linuxPeer?: string;
  /**
   * Observer of every datagram, e.g. a packet capture (host/pcap.ts): each send the driver
   * hands to the kernel (received false) and each datagram it passes to the firmware
   * (received true), with the addresses the app sees; broadcast: sent to a broadcast address,
   * or received on a broadcast listener; refused: a send of an open socket the driver did not
   * hand to the kernel (its destination is outside the virtual LAN, or the link is down).
   * Absent: nothing is done.
   */
  tap?: (received: boolean, from: string, fromPort: number, to: string, toPort: number, data: Uint8Array, broadcast: boolean, refused?: boolean) => void;
  /** Real mode: the interface list (default os.networkInterfaces); tests pass a loopback-only one. */
  interfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

/** What the driver did, for tests and diagnostics. */
export interface NodeDriverCounters {
  /** Datagrams handed to the kernel. */ sent: number;
  /** Sends refused before reaching a socket (destination outside the LAN, port 0, closed endpoint). */ refused: number;
  /** Sends the kernel reported as failed. */ failed: number;
  /** Datagrams passed to the firmware. */ received: number;
  /** Datagrams ignored: the device's own broadcasts, senders outside the virtual LAN. */ ignored: number;
  /** Faults reported through onfault. */ faults: number;
}

/** The node driver: a NetDriver plus shutdown (close everything), its counters and bound addresses. */
export type NodeDriver = SendingDriver & {
  shutdown(): void;
  readonly counters: NodeDriverCounters;
  /** "address:port" of every socket of every open endpoint, in open order (unicast first). */
  bound(): string[];
};

/** One NII's link: its progress and, once connected, its address facts. */
interface LinkState { link: Link; info: IpInfo | null }

/** One UDP endpoint: the unicast socket first, then the broadcast listeners. */
interface Endpoint {
  nii: string; port: number; local: string; socks: dgram.Socket[]; names: string[]; open: boolean; told?: boolean;
  rx: Receiver;
  /** Joined groups -> their listener. */ groups: { [group: string]: dgram.Socket };
  /** Every send's callback (one for the endpoint, not one per send): a failure is counted and reported. */ sent: (err: Error | null) => void;
  /** Sends of bytes may lend them to Node (transmit()). */ lends: boolean;
  /** The unicast socket's multicast interface is 127.0.0.1 and its multicast TTL 1. */ mif?: boolean;
}

/** The interface every multicast membership and send is pinned to. */
export const MULTICAST_IF = '127.0.0.1';

/** A dgram lookup that answers at once: every address given to bind is a dotted quad already. */
function literal(address: string, _opts: unknown, cb: (err: Error | null, address: string, family: number) => void) {
  cb(null, address, 4);
}

/** The first non-internal IPv4 interface of `list`, as address facts. */
function firstInterface(list: NodeJS.Dict<os.NetworkInterfaceInfo[]>): IpInfo | null {
  for (const name of Object.keys(list)) {
    for (const i of list[name] || []) {
      if (i.internal || (i.family !== 'IPv4' && (i.family as unknown) !== 4)) continue;
      return { address: i.address, netmask: i.netmask, broadcast: broadcastOf(i.address, i.netmask) };
    }
  }
  return null;
}

/** True once `s` is bound (bind() with the `literal` lookup binds before it returns). */
function isBound(s: dgram.Socket): boolean {
  try { return s.address().port > 0; } catch (e) { return false; }
}

/** `map` remembering its last answer: the send and receive paths see the same addresses again and again. */
function lastOf(map: (ip: string) => string | null): (ip: string) => string | null {
  let key: string | null = null, value: string | null = null;
  return (ip) => (ip === key ? value : (value = map((key = ip))));
}

function isPort(p: number): boolean {
  return Number.isInteger(p) && p >= 1 && p <= 65535;
}

/** A driver for one device (one address); it serves every NII it is given (eth0 and wl0). */
export function createNodeDriver(opts: NodeDriverOptions): NodeDriver {
  const loopback = opts.lan === 'loopback';
  const ip = opts.ip ?? VIRTUAL_LAN + '.2';
  if (loopback && !isVirtualHost(ip)) {
    throw Object.assign(new Error(`not a host of the virtual LAN ${VIRTUAL_LAN}.1-254: ${ip}`), { code: 'ERR_BAD_IP' });
  }
  const links: { [nii: string]: LinkState } = {};
  const toLo = lastOf(toLoopback), fromLo = lastOf(fromLoopback);
  const eps: Endpoint[] = [];
  const counters: NodeDriverCounters = { sent: 0, refused: 0, failed: 0, received: 0, ignored: 0, faults: 0 };
  const tap = opts.tap;

  function fault(code: string, detail: string, port: number) {
    counters.faults++;
    if (opts.onfault) opts.onfault(code, detail, port);
  }

  /** The address facts `up` gives an NII with cfg, or null when it cannot have them. */
  function facts(cfg: LinkConfig): IpInfo | null {
    const want = cfg.staticconfig && cfg.staticconfig.ip;
    if (loopback) {
      const a = want || ip;
      return isVirtualHost(a)
        ? { address: a, netmask: '255.255.255.0', broadcast: VIRTUAL_BROADCAST, gateway: VIRTUAL_LAN + '.1' } : null;
    }
    const i = firstInterface((opts.interfaces || os.networkInterfaces)());
    return i && (!want || want === i.address) ? i : null;
  }

  function connected(nii: string): IpInfo | null {
    const l = links[nii];
    return l && l.link === L.CONNECTED ? l.info : null;
  }

  /**
   * The only place a datagram leaves: in loopback mode the destination must be 127.x. The bytes
   * are the caller's only for the call (a blob's storage, which the app may write to next), so
   * Node gets a copy unless the kernel takes them before send() returns. On loopback it does:
   * lo frees a send's buffer at once, so a send is queued only when Node cannot try it at once
   * (sends already queued, or no try_send). So the bytes are lent when nothing is queued and the
   * endpoint's last copied send was not queued either (`lends`). Such a send to a unicast
   * 127.x address goes without a completion callback, which costs a process.nextTick per send
   * (2.5 % of the send bench): it needs no SO_BROADCAST and no route, so it fails only where a
   * firewall rule on lo rejects it or the kernel is out of memory, and that failure is then not
   * counted (docs/decisions.md). Every other send — a broadcast, a group, a copy, real-LAN
   * mode — has the callback, which counts and reports a failure (`ep.sent`).
   */
  function transmit(ep: Endpoint, dst: string, port: number, data: Uint8Array | string): number {
    if (loopback && !dst.startsWith('127.') && !(isGroup(quad(dst)) && ep.mif && ep.groups[dst])) return -1;
    const s = ep.socks[0];
    // a string as its UTF-8 bytes (a lone surrogate as U+FFFD, as firmware/codec.ts encodes it)
    if (typeof data == 'string') s.send(Buffer.from(data, 'utf8'), port, dst, ep.sent);
    else if (ep.lends && !s.getSendQueueCount()) s.send(data, port, dst, dst === LOOPBACK_BROADCAST || !dst.startsWith('127.') ? ep.sent : undefined);
    else {
      s.send(Buffer.from(data), port, dst, ep.sent);
      ep.lends = loopback && !s.getSendQueueCount();
    }
    return 0;
  }

  /** Bind a socket of `ep` to addr:port, delivering datagrams as sent to `to`; false when the bind failed. */
  function listen(ep: Endpoint, rx: Receiver, addr: string, to: string, shared: boolean, group = false): boolean {
    // beside a Linux-port device (bound to 0.0.0.0:port with SO_REUSEADDR) a unicast bind needs SO_REUSEADDR too
    const s = dgram.createSocket({ type: 'udp4', reuseAddr: shared || !!opts.linuxPeer, lookup: literal as any });
    let binding = true, failed = false;
    ep.socks.push(s);
    s.on('message', (msg, r) => {
      if (!ep.open || !connected(ep.nii)) return;
      const from = loopback ? (r.address === '127.0.0.1' && opts.linuxPeer) || fromLo(r.address) : r.address;
      // a broadcast from any endpoint of this device; a group's datagram from this endpoint only
      const own = group ? r.address === ep.local && r.port === ep.port
        : shared && r.address === ep.local && eps.some((e) => e.open && e.port === r.port && e.local === r.address);
      if (!from || own) { counters.ignored++; return; }
      counters.received++;
      // Node's Buffer is a Uint8Array, of this datagram alone: handed on as it is
      if (tap) tap(true, from, r.port, to, ep.port, msg, shared);
      rx._recv(msg, from, r.port, to);
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (binding) {
        failed = true;
        if (err.code === 'EADDRINUSE') fault('ERR_PORT_IN_USE', `port ${ep.port} is already in use on ${addr}`, ep.port);
        else fault('ERR_BIND', `cannot bind ${addr}:${ep.port}: ${err.code || err.message}`, ep.port);
      } else if (ep.open) fault('ERR_SOCKET', `socket ${addr}:${ep.port}: ${err.code || err.message}`, ep.port);
    });
    s.bind(ep.port, addr);
    binding = false;
    const ok = !failed && isBound(s);
    if (!failed && !ok) fault('ERR_BIND', `cannot bind ${addr}:${ep.port}: not bound`, ep.port);
    if (ok && !shared) {
      s.setBroadcast(true);
      s.setTTL(1);
    }
    if (ok) ep.names.push(`${addr}:${ep.port}`);
    return ok;
  }

  function closeSockets(ep: Endpoint) {
    for (const s of ep.socks) {
      try { s.close(); } catch (e) { /* not bound or already closed */ }
    }
  }

  function close(h: number) {
    const ep = eps[h];
    if (!ep || !ep.open) return;
    ep.open = false;
    closeSockets(ep);
  }

  return {
    counters,
    up(nii, cfg, report) {
      const l: LinkState = { link: L.STARTING, info: facts(cfg) };
      links[nii] = l;
      const steps = !l.info ? [L.UNHAPPY] : [nii === 'wl0' ? L.JOINING : L.LINK_UP].concat(cfg.staticconfig ? [] : [L.DHCP], [L.CONNECTED]);
      const next = () => {
        const s = steps.shift();
        if (links[nii] !== l || s === undefined) return;
        l.link = s;
        report(s);
        if (steps.length) setImmediate(next);
      };
      setImmediate(next);
      return 0;
    },
    down(nii) {
      delete links[nii];
    },
    addr(nii) {
      const info = connected(nii);
      return info ? { ...info } : null;
    },
    open(nii, port, rx) {
      const info = links[nii] && links[nii].info;
      if (!info || !isPort(port)) return -1;
      const address = info.address as string, local = loopback ? toLoopback(address) as string : address;
      const ep: Endpoint = {
        nii, port, local, socks: [], names: [], open: true, rx, groups: {}, lends: false,
        // Node's error carries the destination (address, port)
        sent: (err) => {
          if (!err) return;
          const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
          counters.failed++;
          fault('ERR_SEND', `send to ${e.address}:${e.port} failed: ${e.code || e.message}`, port);
        },
      };
      const bcast: string[][] = loopback ? [[LOOPBACK_BROADCAST, VIRTUAL_BROADCAST]]
        : [info.broadcast as string, '255.255.255.255'].filter((b, i, all) => b !== local && all.indexOf(b) === i).map((b) => [b, b]);
      let ok = listen(ep, rx, local, address, false);
      for (const b of bcast) ok = ok && listen(ep, rx, b[0], b[1], true);
      if (!ok) {
        ep.open = false;
        closeSockets(ep);
        return -1;
      }
      // a closed endpoint's handle is given out again: a device that opens and closes sockets
      // forever holds as many endpoints as it has open at once (bench/churn.ts)
      let h = eps.findIndex((e) => !e.open);
      if (h < 0) h = eps.length;
      eps[h] = ep;
      return h;
    },
    send(h, to, port, data) {
      const ep = eps[h];
      const dst = loopback ? (ep && ep.groups[to] ? to : toLo(to)) : quad(to) ? to : null;
      if (!ep || !ep.open || !connected(ep.nii) || !dst || !isPort(port) || transmit(ep, dst, port, data) < 0) {
        counters.refused++;
        if (tap && ep && ep.open) {
          const at = connected(ep.nii);
          tap(false, at ? at.address as string : fromLo(ep.local) || ep.local, ep.port, String(to), port,
            typeof data == 'string' ? Buffer.from(data, 'utf8') : data, false, true);
        }
        // a destination outside the virtual LAN (not merely 192.168.77.0): said once per endpoint (one a socket)
        if (loopback && !dst && ep && ep.open && !ep.told && !String(to).startsWith(VIRTUAL_LAN + '.')) {
          ep.told = true;
          fault('ERR_OUTSIDE_LAN', outside(to, VIRTUAL_LAN), ep.port);
        }
        return -1;
      }
      counters.sent++;
      if (tap) {
        const info = connected(ep.nii) as IpInfo;
        tap(false, info.address as string, ep.port, to, port, typeof data == 'string' ? Buffer.from(data, 'utf8') : data,
          loopback ? dst === LOOPBACK_BROADCAST : to === '255.255.255.255' || to === info.broadcast);
      }
      return 0;
    },
    close,
    join(h, group) {
      const ep = eps[h];
      if (!loopback || !ep || !ep.open || !isGroup(quad(group))) return -1;
      if (ep.groups[group]) return 0;
      try {
        const u = ep.socks[0];
        if (!ep.mif) {
          u.setMulticastInterface(MULTICAST_IF);
          u.setMulticastTTL(1);
          ep.mif = true;
        }
        const ok = listen(ep, ep.rx, group, group, true, true), s = ep.socks[ep.socks.length - 1];
        if (!ok) {
          ep.socks.pop();
          try { s.close(); } catch (e) { /* not bound */ }
          return -1;
        }
        s.addMembership(group, MULTICAST_IF);
        ep.groups[group] = s;
        return 0;
      } catch (e) {
        fault('ERR_SOCKET', `cannot join ${group} on ${MULTICAST_IF}: ${(e as NodeJS.ErrnoException).code || (e as Error).message}`, ep.port);
        return -1;
      }
    },
    leave(h, group) {
      const ep = eps[h], s = ep && ep.groups[group];
      if (!s) return -1;
      delete ep.groups[group];
      const i = ep.socks.indexOf(s);
      ep.socks.splice(i, 1);
      ep.names.splice(i, 1);
      try { s.dropMembership(group, MULTICAST_IF); } catch (e) { /* closing drops it anyway */ }
      try { s.close(); } catch (e) { /* already closed */ }
      return 0;
    },
    bound() {
      return ([] as string[]).concat(...eps.filter((e) => e.open).map((e) => e.names));
    },
    shutdown() {
      for (let h = 0; h < eps.length; h++) close(h);
      for (const nii of Object.keys(links)) delete links[nii];
    },
  };
}
