// require('dgram') as Espruino has it (espruino-facts.md, "Networking: dgram"), over the
// simulated LAN (LAN flavors) or real Node sockets on loopback (linux flavor):
//  - createSocket(type | {type, reuseAddr, recvBufferSize}, cb): cb(sock) once the socket is bound;
//  - bind(port, cb) only (no address): binds 0.0.0.0:port (the linux flavor: <address>:port,
//    0.0.0.0 unless the environment was given a loopback address);
//  - 'message' (msg, rinfo): msg is a binary String (chars 0-255), rinfo {address, port, size};
//  - send(str, port, addr) and send(str, offset, length, port, addr); a Uint8Array is sent as
//    its toString() text ("1,2,3"), and with offset/length as 0 bytes; a trailing callback is
//    ignored; no setBroadcast/address/ref/unref;
//  - received datagrams are cut to 528 bytes unless a socket was created with a larger
//    recvBufferSize (global: the largest wins); the esp8266 flavor drops payloads > 268 bytes;
//  - close() fires 'close' twice with false; an unbound socket sends from an ephemeral port
//    and receives the replies there; it has SO_BROADCAST, a bound socket has not (linux:
//    its broadcasts fail silently, EACCES).
// The linux flavor refuses (throws) any destination outside 127.0.0.0/8: tests never send
// a packet off this machine.
import dgram from 'node:dgram';
import { type Core, stringBytes, bytesString } from './core';

/** Receive cut of Espruino's socket layer: a 536-byte chunk minus the 8-byte header. */
const RECV_DEFAULT = 528;
/** Native ESP8266 drops UDP payloads larger than this. */
const ESP8266_MAX_UDP = 268;
const EPHEMERAL = 49152;

/** Counters of the fake dgram, for tests. */
export interface DgramStats { sent: number; received: number; truncated: number; dropped: number; refused: number }

interface DgramOptions {
  /** linux flavor: bind and send from this loopback address with real sockets. */
  loopback?: { address: string };
}

/** A 127.0.0.0/8 address? */
export function isLoopback(a: string): boolean {
  return /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(a) && a.split('.').every((x) => Number(x) <= 255);
}

/** The dgram module for one environment, and its counters. */
export function makeDgram(core: Core, opts: DgramOptions) {
  const { R } = core;
  const stats: DgramStats = { sent: 0, received: 0, truncated: 0, dropped: 0, refused: 0 };
  let recvMax = RECV_DEFAULT;
  let nextEphemeral = EPHEMERAL;
  const lanPorts = new Set<number>();

  /** What a receive delivers: the bytes cut to the receive size, as a binary string, or null if dropped. */
  const received = (bytes: Uint8Array): string | null => {
    if (core.flavor === 'esp8266' && bytes.length > ESP8266_MAX_UDP) { stats.dropped++; return null; }
    if (bytes.length > recvMax) stats.truncated++;
    stats.received++;
    return bytesString(bytes.subarray(0, recvMax));
  };

  const createSocket = (type: unknown, cb?: unknown) => {
    const o: any = type && typeof type === 'object' ? type : { type };
    if (o.recvBufferSize > recvMax) recvMax = Number(o.recvBufferSize) | 0;
    const sock: any = new R.Object();
    let port = 0;
    let closed = false;
    let node: dgram.Socket | null = null;
    let nodeReady: Promise<void> | null = null;
    let ep: any = null;
    const onBound: unknown[] = typeof cb === 'function' ? [cb] : [];

    const deliver = (bytes: Uint8Array, from: string, fromPort: number) => {
      if (closed) return;
      const msg = received(bytes);
      if (msg === null) return;
      const rinfo: any = new R.Object();
      rinfo.address = from;
      rinfo.port = fromPort;
      rinfo.size = msg.length;
      core.call(sock.emit, sock, ['message', msg, rinfo]);
    };
    const bound = () => {
      for (const f of onBound.splice(0)) core.call(f, sock, [sock]);
    };

    /** Bind the LAN endpoint, or the real socket, to `p` (0: ephemeral). */
    const open = (p: number): void => {
      if (opts.loopback) {
        const n = dgram.createSocket({ type: 'udp4', reuseAddr: !!o.reuseAddr });
        node = n;
        n.on('message', (buf, ri) => deliver(new Uint8Array(buf), ri.address, ri.port));
        let binding = true;
        nodeReady = new Promise((resolve) => {
          n.on('error', (e) => {
            if (!binding) { stats.dropped++; return; }
            binding = false; // a bind failure: Espruino reports it as an uncaught InternalError
            resolve();
            const err = core.error(`Unable to bind socket to port ${p} (${(e as any).code})`);
            err.name = 'InternalError';
            core.call(() => { throw err; }, undefined, []);
          });
          n.bind({ port: p, address: opts.loopback!.address }, () => {
            binding = false;
            port = n.address().port;
            if (!p) n.setBroadcast(true); // Espruino's client sockets get SO_BROADCAST, bound ones do not
            resolve();
            core.later(0, bound);
          });
        });
        return;
      }
      if (!p) {
        for (let i = 0; i < 16384 && lanPorts.has(nextEphemeral); i++) nextEphemeral = nextEphemeral >= 65535 ? EPHEMERAL : nextEphemeral + 1;
        p = nextEphemeral;
        nextEphemeral = nextEphemeral >= 65535 ? EPHEMERAL : nextEphemeral + 1;
      }
      if (lanPorts.has(p)) throw core.error(`Unable to bind socket: port ${p} in use`);
      lanPorts.add(p);
      port = p;
      ep = {
        dev: core.device, port: p, open: true,
        get nii() { return core.net || ''; },
        onmsg: (data: Uint8Array | string, from: string, fromPort: number) =>
          deliver(typeof data === 'string' ? stringBytes(data) : data, from, fromPort),
      };
      core.lan!.endpoints.push(ep);
      core.later(0, bound);
    };

    Object.assign(sock, {
      bind: (p: unknown, f?: unknown) => {
        if (typeof f === 'function') onBound.push(f);
        if (closed || port || nodeReady) return sock;
        open(Number(p) | 0);
        return sock;
      },
      send: (...a: any[]) => {
        if (typeof a[a.length - 1] === 'function') a.pop(); // Espruino ignores a send callback
        const long = a.length >= 5;
        const [msg, p, addr] = long ? [a[0], a[3], a[4]] : a;
        let text: string;
        if (ArrayBuffer.isView(msg)) text = long ? '' : String(msg);
        else text = long ? String(msg).substr(Number(a[1]) || 0, Number(a[2]) || 0) : String(msg);
        const to = String(addr);
        const toPort = Number(p) | 0;
        if (closed) { stats.dropped++; return; }
        const bytes = stringBytes(text);
        if (opts.loopback) {
          if (!isLoopback(to)) {
            stats.refused++;
            throw core.error(`espimp env: refusing to send to ${to}: the linux flavor sends only to 127.0.0.0/8`);
          }
          if (!nodeReady) open(0);
          const n = node!;
          nodeReady!.then(() => {
            if (closed) return;
            stats.sent++;
            try { n.send(bytes, toPort, to, (e) => { if (e) { stats.sent--; stats.dropped++; } }); } catch { stats.dropped++; }
          });
          return;
        }
        if (!port) open(0);
        const dev = core.device!;
        if (!core.net || !dev.connected(core.net)) { stats.dropped++; return; }
        stats.sent++;
        core.lan!.transmit(dev, dev.ipOf(core.net) as string, port, to, toPort, bytes);
      },
      close: () => {
        if (closed) return;
        closed = true;
        if (ep) { ep.open = false; core.lan!.endpoints = core.lan!.endpoints.filter((e: any) => e !== ep); lanPorts.delete(port); }
        if (node) { try { node.close(); } catch { /* already closed */ } }
        core.later(0, () => {
          core.call(sock.emit, sock, ['close', false]);
          core.call(sock.emit, sock, ['close', false]);
        });
      },
      addMembership: () => undefined,
    });
    core.onClose(() => { if (!closed) { closed = true; if (node) try { node.close(); } catch { /* closed */ } } });
    return sock;
  };

  const mod: any = new R.Object();
  mod.createSocket = createSocket;
  return { module: mod, stats };
}
