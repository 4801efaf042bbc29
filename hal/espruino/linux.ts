// Espruino's Linux port: dgram on the host's own sockets (there is no Wifi or Ethernet
// module), serving eth0 on the loopback LAN chosen at build time (--lan loopback --ip
// 192.168.77.N). Addresses map exactly as the host driver maps them (hal/loopback.ts): a
// destination outside the virtual LAN has no route (the runtime's send() returns 1, nothing is
// sent; the first such send of a socket prints the hint of hal/loopback.ts), and a datagram from outside it
// is dropped. Espruino's bind() has no address, so the device listens on every local
// address: two Linux-port devices on one machine cannot hold the same port. A broadcast
// goes out from an unbound socket (bound Espruino sockets have no SO_BROADCAST), so it
// leaves from an ephemeral port; replies to it still reach the socket.
// The link is always up with the build-time address: reports LINK_UP then CONNECTED (the runtime derives the
// broadcast, 192.168.77.255, from address/netmask). `to` is always null
// (dgram.ts), so a broadcast arrives with toAddress = the unicast address.
// BOARD CODE: Espruino-safe syntax only.
import type { NetDriver } from '../contract';
import { createEndpoints, endpoints, makeSocket, socks } from './dgram';
import * as L from '../link';
import { toLoopback, fromLoopback, outside, LOOPBACK_BROADCAST, VIRTUAL_LAN } from '../loopback';

/** Driver options: the device's virtual address (192.168.77.N) and _recvBufferSize (`_`: mangled to one letter by the build). */
export interface LinuxOptions { ip: string; _recvBufferSize: number }

// One Linux-port driver per interpreter, so its state and functions sit at the top of the
// module: on Espruino a function defined inside another costs 3 more blocks for as long as it lives.
/** The options; each way, the last address mapped and its mapping (a peer's address is parsed once, not per datagram). */
var o: LinuxOptions, gen = 0, up = false, toKey: string, toValue: string | null, fromKey: string, fromValue: string | null;
/** Per handle: the unbound socket its broadcasts leave from, and whether the outside-the-LAN hint was printed. */
var broadcasters: any[] = [], told: any[] = [];

var from = (ip: string) => ip === fromKey ? fromValue : fromValue = fromLoopback(fromKey = ip);
var to = (ip: string) => ip === toKey ? toValue : toValue = toLoopback(toKey = ip);

var driver: NetDriver & { _out(h: number, ip: string): null; _broadcaster(h: number): any } = {
  up: (nii, cfg, report) => {
    var g = ++gen;
    setTimeout(function () {
      if (g != gen) return;
      up = true;
      report(L.LINK_UP);
      report(L.CONNECTED);
    }, 0);
    return 0;
  },
  down: () => {
    gen++;
    up = false;
  },
  addr: () => up ? { address: o.ip, netmask: '255.255.255.0', gateway: VIRTUAL_LAN + '.1' } : null,
  // called, not handed on: terser then splits `endpoints` into its functions and leaves out its
  // route, which this driver writes out itself
  open: (nii, port, rx) => endpoints.open(nii, port, rx),
  // the address mapped (the last one given and its mapping kept: parsed once, not per datagram);
  // a broadcast leaves from the unbound socket (a bound socket has no SO_BROADCAST; the unbound
  // one still receives the replies)
  route: (h, ip) => {
    var a = to(ip);
    return a ? { _sock: a == LOOPBACK_BROADCAST ? driver._broadcaster(h) : socks[h], _to: a } : driver._out(h, ip);
  },
  close: (h) => {
    endpoints.close(h);
    if (broadcasters[h]) broadcasters[h].close();
    broadcasters[h] = told[h] = null;
  },
  /**
   * The unbound socket of handle h that its broadcasts leave from (made at its first broadcast;
   * it delivers as the bound one does, to the receiver its socket carries). A method, as _out.
   */
  _broadcaster: (h) => {
    var s = broadcasters[h];
    if (!s) {
      s = broadcasters[h] = makeSocket(socks[h]._rx);
      // closed by an empty datagram (dgram.ts): made again at the next broadcast
      s.on('close', function () { if (broadcasters[h] == s) broadcasters[h] = null; });
    }
    return s;
  },
  /** No route to `ip`, outside the virtual LAN: null, and for the first one of handle h outside 192.168.77.0/24 the hint. */
  _out: (h, ip) => {
    if (!told[h] && ip.indexOf(VIRTUAL_LAN + '.')) {
      told[h] = 1;
      console.log('ERROR: ' + outside(ip, VIRTUAL_LAN));
    }
    return null;
  },
};

/** The Linux-port driver (eth0). */
export function createLinuxDriver(options: LinuxOptions): NetDriver {
  o = options;
  createEndpoints(o._recvBufferSize, from);
  return driver;
}
