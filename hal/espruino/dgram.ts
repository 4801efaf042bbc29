// UDP endpoints over Espruino's `dgram` module, shared by every Espruino driver. What
// Espruino's dgram does (espruino-facts.md): payloads are strings (a Uint8Array would be sent
// as "1,2,3"), so bytes go out as a binary string (the runtime makes it with the board codec's
// wire(), E.toString, and sends through the route these endpoints give: the socket itself) and
// arrive as binary strings (chars 0-255), handed on as they are (the firmware's ring copies a binary string's chars natively); datagrams are cut to 528 bytes unless a socket
// is created with recvBufferSize (the largest value across sockets wins); bind(port) takes
// no address (every local address); rinfo is {address, port, size}, with no destination,
// so every driver reports `to` as null and the firmware uses the interface's unicast address.
// No multicast (join/leave) yet: Espruino's dgram joins a group only when a socket is created
// ({multicastGroup, multicastIp}), sets no TTL, and its rinfo cannot tell a group's datagram from
// a unicast one on the same port; without the optional primitives join throws ERR_NOT_SUPPORTED.
// One board has one table of sockets, so it and these functions sit at the top of the module: on
// Espruino a function defined inside another costs 3 more blocks for as long as it lives, and
// each socket shares one 'message' handler (the socket carries its port and receiver).
// BOARD CODE: Espruino-safe syntax only.
import type { Receiver, Route } from '../contract';

declare function require(name: string): any;

/** The endpoint half of a NetDriver, and its sockets by handle. */
export interface Endpoints {
  open(nii: string, port: number, rx: Receiver): number;
  /** The contract's route. */
  route(h: number, ip: string): Route;
  close(h: number): void;
}

/** Sockets by handle (null: free); each carries what it delivers to (_rx) and its port (_port). */
export var socks: any[] = [];
/** Every socket's recvBufferSize; the sender address the app sees for ip, or null to drop the datagram (absent: ip as it is). */
var recvBufferSize = 528, from: ((ip: string) => string | null) | undefined;

/** Every socket's 'message' handler (`this`: the socket, whose _rx is the driver's receiver). */
var message = function (this: any, msg: string, info: any) {
  var a = from ? from(info.address) : info.address;
  if (a) this._rx._recv(msg, a, info.port, null);
};

/** A new socket, not bound, delivering to `rx`. */
export var makeSocket = function (rx: Receiver) {
  var s = require('dgram').createSocket({ type: 'udp4', reuseAddr: true, recvBufferSize: recvBufferSize });
  s._rx = rx;
  s.on('message', message);
  return s;
};

/** A new socket for handle h on `port`, bound (throws when the port cannot be had). */
var bind = function (h: number, port: number, rx: Receiver) {
  var s = makeSocket(rx);
  s._port = port;
  s.bind(port);
  s.on('close', reopen);
  return socks[h] = s;
};

// Espruino's Linux port (and ESP32's) can read an empty datagram as "connection closed" and
// close the socket (emitting 'close', twice): a socket still in the table was not closed here,
// so its handle is bound again on its port. One handler for every socket (`this` is the socket).
var reopen = function (this: any) {
  var h = socks.indexOf(this);
  if (h >= 0) try { bind(h, this._port, this._rx); } catch (e) { socks[h] = null; }
};

/** The board's endpoints (createEndpoints sets how their sockets are made). */
export var endpoints: Endpoints = {
  open: function (nii, port, rx) {
    var h = socks.indexOf(null);
    if (h < 0) h = socks.length;
    try {
      bind(h, port, rx);
      return h;
    } catch (e) {
      return -1;
    }
  },
  // the socket itself, the address as it is (a stand-in's dgram maps it)
  route: function (h, ip) {
    return { _sock: socks[h], _to: ip };
  },
  close: function (h) {
    var s = socks[h];
    // nothing of a closed socket is kept (its receiver is the runtime's socket)
    socks[h] = null;
    if (s) setTimeout(function () { s.close(); }, 0);
  },
};

/** Make the board's `endpoints` sockets with recvBufferSize `size`, senders seen as `map(ip)` (default: as they are). */
export var createEndpoints = function (size: number, map?: (ip: string) => string | null) {
  recvBufferSize = size;
  from = map;
};
