// The impOS API as an app sees it (../shared/spec/impos-udp.md): the types of the globals
// imp, server, agent, blob and SEND_ERROR_*, and of everything they hand out. Types only (no
// code): the runtime's objects implement them (firmware/net.ts, runtime.ts), tests hold the
// runtime through them, and the app authors' declarations types/espimp.d.ts are generated
// from this file (build/app-types.ts, `npm run types`; test/types.test.ts fails when the
// committed file differs). Every exported name becomes `espimp.Name` there, except `blob`
// (a global interface) and `Globals` (one `declare var` / `declare const` per member).

/** A network interface identifier (NII). */
export type Nii = 'wl0' | 'eth0' | 'cell0';
/** An interface type, which `imp.net.open` also accepts in place of the NII. */
export type NiiType = 'wifi' | 'ethernet' | 'cell';

/** A timer from `imp.wakeup` (or `setTimeout`, `setInterval`): opaque, give it to `imp.cancelwakeup`. */
export type TimerId = unknown;

/** Called with the interface's new state (an `imp.net` state constant), always asynchronously. */
export type StateCallback = (state: number) => void;

/**
 * Called for every datagram received, in arrival order, from the event loop.
 * @param fromAddress the sender's address, dotted quad
 * @param fromPort the sender's port
 * @param toAddress where the datagram was sent: this interface's address or the broadcast address
 *   (where the driver cannot tell, the interface's unicast address)
 * @param toPort the socket's own port
 * @param data the payload
 */
export type ReceiveCallback = (fromAddress: string, fromPort: number, toAddress: string, toPort: number, data: blob) => void;

/** Extended Wi-Fi configuration: used for this attempt only, never persisted. */
export interface WifiConfig {
  ssid: string;
  key?: string;
}

/** Extended static-address configuration: used for this attempt only, never persisted. */
export interface StaticConfig {
  /** This device's address, dotted quad. */
  ip: string;
  netmask?: string;
  gateway?: string;
  dns?: string | string[];
}

/**
 * What `imp.net.open` brings up: the `interface` key names the NII (or its type). A NIC that
 * only names an interface makes it the persisted default; extended keys apply to this attempt
 * only and are discarded when it fails or the link is later lost.
 */
export interface Nic {
  interface: Nii | NiiType;
  wificonfig?: WifiConfig;
  staticconfig?: StaticConfig;
}

/** An interface's IPv4 facts; fields that are not known are left out. */
export interface IPv4 {
  address?: string;
  netmask?: string;
  broadcast?: string;
  gateway?: string;
}

/** One interface of the board, as `imp.net.info()` lists it. */
export interface InterfaceInfo {
  type: NiiType;
  nii: Nii;
  /** Its state (an `imp.net` state constant; -1 for one never opened). */
  state: number;
  ipv4: IPv4;
}

/** `imp.net.info()`: every interface of the board and the active one (the NII most recently opened). */
export interface NetInfo {
  /** Index of the active interface in `interface`, -1 when none has been opened. */
  active: number;
  interface: InterfaceInfo[];
  /** The active interface's IPv4 facts (empty when none). */
  ipv4: IPv4;
}

/** Counters of a socket (`udpsocket.stats()`) or the whole device (`imp.net.stats()`). An espimp extension. */
export interface Counters {
  /** Datagrams handed to the driver. */
  sent: number;
  /** Sends refused by the rate limit (`send` returned 4). */
  refused: number;
  /** Datagrams the driver delivered to the socket. */
  received: number;
  /** Datagrams passed to an `onreceive` handler. */
  delivered: number;
  /** Datagrams that arrived to a full receive ring or with no handler. */
  dropped: number;
  /** Sends over the 1460-byte MTU (the IP stack fragments them). */
  oversize: number;
  /** Driver failures (`send` returned 1). */
  failed: number;
}

/** The impOS interface states (impOS values), as constants of `imp.net`. */
export interface States {
  /** Idle: never opened, or closed. */
  readonly UNKNOWN: -1;
  readonly STARTING: 0;
  readonly CONNECTED: 1;
  readonly WIFI_SCANNING: 100;
  readonly WIFI_JOINING: 101;
  readonly WIFI_WPSING: 102;
  readonly WIFI_LINK_UP: 103;
  readonly WIFI_DHCPING: 104;
  /** The Wi-Fi link was lost. */
  readonly WIFI_STOPPED: 105;
  /** Wi-Fi could not connect (no or wrong credentials, no network). */
  readonly WIFI_STOPPED_UNHAPPY: 106;
  readonly ETHERNET_LINK_UP: 200;
  readonly ETHERNET_DHCPING: 201;
  readonly ETHERNET_STOPPED: 202;
  readonly ETHERNET_STOPPED_UNHAPPY: 203;
  /** The Ethernet cable is out. */
  readonly ETHERNET_STOPPED_NO_LINK: 204;
  readonly CELLULAR_PINGING: 300;
  readonly CELLULAR_WAITING_FOR_SIM: 301;
  readonly CELLULAR_PPP_CONNECTING: 302;
  readonly CELLULAR_REGISTERING: 303;
  readonly CELLULAR_REGISTRATION_DENIED: 304;
  readonly CELLULAR_STOPPED: 305;
  readonly CELLULAR_STOPPED_UNHAPPY: 306;
}

/** `imp.net`: open an interface, read what the board has, and the state constants. */
export interface Net extends States {
  /**
   * Bring up the interface `nic` names; returns at once, never waiting for the link.
   * `onstate(state)` is called on every state change, always asynchronously; an interface
   * already connected reports its current state once. Opening an NII again returns the same
   * interface object and replaces its `onstate`.
   * @throws ERR_NO_INTERFACE when `nic` names no NII of this board; ERR_BAD_CALLBACK when
   *   `onstate` is neither a function nor null; ERR_BAD_ARG for a malformed wificonfig/staticconfig.
   */
  open(nic: Nic, onstate?: StateCallback | null): Interface;
  /** Every interface of the board and the active one's IPv4 facts. */
  info(): NetInfo;
  /** The device-wide counters (a copy). An espimp extension. */
  stats(): Counters;
}

/** The interface object `imp.net.open` returns. */
export interface Interface {
  /** The current state (an `imp.net` state constant). */
  getstate(): number;
  /** `{ipv4: {address, netmask, broadcast, gateway}}`, unknown fields left out. */
  getiptable(): { ipv4: IPv4 };
  /**
   * Open a UDP socket. Without `localPort` it is unbound: the first successful send binds it
   * to a free port in 49152-65535, and an unbound socket receives nothing.
   * @param onreceive the receive handler (also settable later with `udpsocket.onreceive`)
   * @param localPort the port to bind, an integer 1024-65535
   * @throws ERR_NOT_SUPPORTED on a cellular interface; ERR_NOT_AVAILABLE on an idle or stopped
   *   one; ERR_BAD_PORT, ERR_PORT_IN_USE for `localPort`; ERR_BAD_CALLBACK; ERR_NO_MEMORY on a
   *   board without room for the socket's receive ring.
   */
  openudp(onreceive?: ReceiveCallback | null, localPort?: number): UdpSocket;
  /** Close the interface's sockets and take the link down; the state becomes UNKNOWN (-1). An espimp decision. */
  close(): void;
}

/** A UDP socket, as `interface.openudp` returns it. After `close()` every method but `close`, `isopen` and `stats` throws ERR_SOCKET_CLOSED. */
export interface UdpSocket {
  /**
   * Send `data` (a string goes as its UTF-8 bytes, at most 65507) to `address`:`port`.
   * `address` must be a private address (10/8, 172.16/12, 192.168/16) or 255.255.255.255.
   * Sends are rate limited device-wide (100 packets, refilled at 25 per second).
   * @returns 0 sent; SEND_ERROR_NOT_CONNECTED (1) when the interface is not connected or the
   *   driver fails; SEND_ERROR_WOULDBLOCK (4) when rate limited. Nothing is sent unless 0.
   * @throws ERR_SOCKET_CLOSED; ERR_BAD_ADDRESS, ERR_NOT_PRIVATE (both close the socket);
   *   ERR_BAD_PORT (not 0-65535, or 67/68); ERR_BAD_DATA, ERR_DATA_TOO_LONG.
   */
  send(address: string, port: number, data: string | blob): number;
  /** Register or replace the receive handler; null removes it (datagrams are then dropped). */
  onreceive(callback: ReceiveCallback | null): void;
  /** Close the socket, free its port, discard what is queued for it; a second call does nothing. */
  close(): void;
  /**
   * An espimp extension: join the link-local multicast group `group` (224.0.0.1-255; anything
   * else throws ERR_BAD_GROUP): the socket receives what is sent to it (toAddress = the group)
   * and may send to it. Binds an unbound socket. Throws ERR_NOT_SUPPORTED where the board's
   * stack has no multicast (the Espruino boards today).
   */
  join(group: string): void;
  /** An espimp extension: leave `group` (one not joined: nothing happens); send() refuses it again. */
  leave(group: string): void;
  /** True from `openudp` until the socket is closed (by `close()`, a bad address in `send`, or the interface's `close()`). */
  isopen(): boolean;
  /** This socket's counters (a copy), readable after close too. An espimp extension. */
  stats(): Counters;
}

/** `imp`: the network and the timers. */
export interface Imp {
  net: Net;
  /**
   * Call `callback` after `seconds` (a number >= 0; fractions allowed).
   * @returns a timer for `cancelwakeup`
   * @throws ERR_BAD_ARG
   */
  wakeup(seconds: number, callback: () => void): TimerId;
  /** Cancel a timer from `wakeup`. */
  cancelwakeup(timer: TimerId): void;
  /** Whole milliseconds since the runtime started. */
  millis(): number;
}

/** `server`: the console. */
export interface Server {
  /** Print one line on the console: a string as it is, a blob as its text, other objects as JSON. Returns 0. */
  log(message: unknown): number;
  /** Print one line on the console prefixed with `ERROR: `. Returns 0. */
  error(message: unknown): number;
}

/** Counters of the agent link. An espimp extension. */
export interface AgentStats {
  sent: number;
  /** Intact frames received. */
  received: number;
  /** Of those, ones with no handler. */
  unhandled: number;
  /** Damaged frames, dropped. */
  bad: number;
}

/** `agent`: messages to and from the imp's agent, carried over the serial console (on the PC, `--agent`). */
export interface Agent {
  /**
   * Register (null: remove) the handler of messages called `name`; it gets the message's data
   * (a JSON value, or a blob).
   * @throws ERR_BAD_ARG when `name` is not a string; ERR_BAD_CALLBACK
   */
  on(name: string, callback: ((data: any) => void) | null): void;
  /**
   * Send message `name` with `data` (anything JSON can carry, or a blob) to the agent. Returns 0.
   * @throws ERR_BAD_ARG when `name` is not a string; ERR_BAD_DATA when `data` has no JSON form
   */
  send(name: string, data?: unknown): number;
  /** The link's counters (a copy). An espimp extension. */
  stats(): AgentStats;
}

/** A `readn`/`writen` type: 'c' int8, 'b' uint8, 's' int16, 'w' uint16, 'i' int32, 'f' float32, 'd' float64 (little-endian). */
export type NumberType = 'c' | 'b' | 's' | 'w' | 'i' | 'f' | 'd';
/** A `seek` origin: 'b' the beginning, 'c' the pointer, 'e' the end. */
export type Whence = 'b' | 'c' | 'e';

/** The `blob` global: `blob(size)` and `new blob(size)` both make one. */
export interface BlobConstructor {
  /**
   * A blob of `size` zero bytes (none if omitted), pointer at 0.
   * @throws ERR_BAD_ARG when `size` is not an integer >= 0
   */
  (size?: number): blob;
  new (size?: number): blob;
  readonly prototype: blob;
}

/**
 * The impOS (Squirrel) blob: a growable byte buffer with a read/write pointer. Received data
 * arrives as a blob; `udpsocket.send` accepts one.
 */
export interface blob {
  /** Length in bytes. */
  len(): number;
  /** The whole contents decoded as UTF-8, whatever the pointer. */
  tostring(): string;
  /** The pointer. */
  tell(): number;
  /**
   * Move the pointer `offset` bytes from `whence` ('b' the beginning, the default; 'c' the
   * pointer; 'e' the end). Returns 0, or -1 (pointer unmoved) when the target is outside 0..len().
   */
  seek(offset: number, whence?: Whence): number;
  /** True at or past the end. */
  eos(): boolean;
  /**
   * Read a number of `type` at the pointer and advance.
   * @throws ERR_BLOB_EOS when fewer bytes than it needs remain
   */
  readn(type: NumberType): number;
  /** Write `value` as `type` at the pointer, growing the blob as needed, and advance. */
  writen(value: number, type: NumberType): void;
  /** Up to `n` bytes from the pointer, decoded as UTF-8; advances. */
  readstring(n: number): string;
  /** Write the UTF-8 bytes of `s` at the pointer; advances. */
  writestring(s: string): void;
  /** Up to `n` bytes from the pointer, as a new blob; advances. */
  readblob(n: number): blob;
  /** Write all of `b`'s bytes at the pointer; advances. */
  writeblob(b: blob): void;
  /** Truncate or zero-extend to `n` bytes; the pointer is clamped. */
  resize(n: number): void;
  /** Reverse the byte order of every 2-byte unit. */
  swap2(): void;
  /** Reverse the byte order of every 4-byte unit. */
  swap4(): void;
  /** The byte at `i` (0..len()-1). */
  get(i: number): number;
  /** Store `v & 255` at `i` (0..len()-1). */
  set(i: number, v: number): void;
}

/** The globals of an app. */
export interface Globals {
  /** The network (`imp.net`) and the timers. */
  imp: Imp;
  /** The console: `server.log`, `server.error`. */
  server: Server;
  /** Messages to and from the imp's agent. */
  agent: Agent;
  /** The impOS byte buffer: `blob(size)` or `new blob(size)`. */
  blob: BlobConstructor;
  /** `udpsocket.send` returned this: the interface is not connected, or the driver failed. */
  readonly SEND_ERROR_NOT_CONNECTED: 1;
  /** An impOS send error (never returned by UDP sends). */
  readonly SEND_ERROR_TIMEOUT: 2;
  /** An impOS send error (never returned by UDP sends). */
  readonly SEND_ERROR_DISCONNECTED: 3;
  /** `udpsocket.send` returned this: rate limited, nothing sent. */
  readonly SEND_ERROR_WOULDBLOCK: 4;
}

