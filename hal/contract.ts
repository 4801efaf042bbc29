// The driver contract: the few raw primitives a network stack and a board offer.
// Drivers report facts and return integers; every policy (validation, rate limit,
// queueing, state mapping) lives in firmware/. Types only: nothing here reaches a bundle.

/**
 * A link state a driver reports, one of hal/link.ts's names (IDLE -1, STARTING 0, CONNECTED 1,
 * SCANNING 2, JOINING 3, LINK_UP 4, DHCP 5, STOPPED 6, UNHAPPY 7, NO_LINK 8). The runtime maps
 * them to impOS constants by the kind of interface (Wi-Fi 10x, Ethernet 20x, cellular 30x);
 * see firmware/states.ts.
 */
export type Link = number;

/** Address facts of a link, dotted quads; an unknown field is left out. */
export interface IpInfo {
  address?: string;
  netmask?: string;
  broadcast?: string;
  gateway?: string;
}

/** What `up` is given: the NII's extended config if the app gave one, else the persisted one. */
export interface LinkConfig {
  wificonfig?: { ssid: string; key?: string };
  staticconfig?: { ip: string; netmask?: string; gateway?: string; dns?: string[] | string };
}

/**
 * Called for every datagram an endpoint receives.
 * data: the payload's bytes, or on Espruino the binary string dgram delivered (one char per
 * byte: the ring copies it natively, where E.toUint8Array would first allocate a copy);
 * from/fromPort: the sender; to: the address it was sent to, or null when the driver cannot tell.
 */
export type OnDatagram = (data: Uint8Array | string, from: string, fromPort: number, to: string | null) => void;

/**
 * What an endpoint delivers to: the driver calls `rx._recv(…)` (an OnDatagram) for every
 * datagram. An object, not a callback, so the runtime hands over its socket itself: a bound
 * function per socket would cost blocks on Espruino for as long as the socket is open.
 */
export interface Receiver { _recv: OnDatagram }

/**
 * A route (NetDriver.route): `_sock.send(wire, port, _to)` sends one datagram, where `wire` is the
 * payload in the board's wire form (firmware/codec.ts `wire()`: Espruino's dgram takes a binary
 * string) and `_to` is the address as the stack sees it (a virtual LAN's, mapped); it throws
 * when it cannot send (the runtime then calls send(), which knows why).
 */
export interface Route { _sock: { send(wire: any, port: number, ip: string): void }; _to: string }

/** One network stack. A driver may serve several NIIs (the host driver serves eth0 and wl0). */
export interface NetDriver {
  /** Start bringing `nii` up with `cfg`; report every link change through `report`, never synchronously. Returns 0, or <0 when it cannot start. */
  up(nii: string, cfg: LinkConfig, report: (link: Link) => void): number;
  /** Take `nii` down; no more reports for it. */
  down(nii: string): void;
  /** Address facts of `nii` while it has them, else null. */
  addr(nii: string): IpInfo | null;
  /** Open a UDP endpoint on `nii` bound to `port`, delivering to `rx._recv`. Returns a handle >= 0, or <0 when the port cannot be bound. */
  open(nii: string, port: number, rx: Receiver): number;
  /**
   * Hand `data` to the stack for ip:port: bytes, or a string to send as its UTF-8 bytes (the driver
   * encodes it, natively where it can; the runtime has checked it is at most 65,507 bytes). Returns 0 when handed over, <0 on failure
   * (nothing sent; the runtime's send() returns 1). A driver of an emulated LAN (host loopback, mock, Linux port) refuses a
   * destination outside that LAN's /24 (other than 255.255.255.255) so, and the first time for an endpoint prints (mock,
   * Linux port) or reports (host: onfault ERR_OUTSIDE_LAN) the hint of hal/loopback.ts `outside()`:
   * "ERROR: 192.168.0.1 is outside the virtual LAN 192.168.77.0/24: not sent". A board's real stack sends anywhere.
   * A driver gives send() or route(); the runtime uses route() where there is one.
   */
  send?(h: number, ip: string, port: number, data: Uint8Array | string): number;
  /**
   * The stack's own path from endpoint `h` to `ip`, for the runtime to send through without a
   * driver call (on Espruino a call costs as much as the conversion and the send together), kept
   * while ip is the socket's last good address and asked again when sending through it fails.
   * null: ip cannot be reached, refused as send() refuses it (an emulated LAN's hint included).
   */
  route?(h: number, ip: string): Route | null;
  /** Close the endpoint and free its port. */
  close(h: number): void;
  /** Optional: endpoint `h` joins link-local group `group` (224.0.0.x): receives what is sent to it (`to` = group) and may send to it, TTL 1 where the stack can set it. 0, or <0 when unsupported or refused. */
  join?(h: number, group: string): number;
  /** Optional: endpoint `h` leaves `group`: no more deliveries, no more sends to it. 0, or <0. */
  leave?(h: number, group: string): number;
}

/** A driver that gives send() (the PC's and the mock's). */
export type SendingDriver = NetDriver & { send: NonNullable<NetDriver['send']> };

/** The board around the stack: clock, timers, console and persistent storage. */
export interface Platform {
  /** Milliseconds on the board's clock, an integer; may step back or wrap. */
  now(): number;
  /** Call `cb` after `ms` milliseconds (0: from the event loop, as soon as possible). Returns a timer id. */
  timer(ms: number, cb: () => void): unknown;
  /**
   * Call `cb` from the event loop once the running code has returned, as soon as the platform
   * can: timer(0), or sooner (Espruino: a resolved Promise's then(), under half of
   * setTimeout(0)'s turn there). Not cancellable; `cb` must not throw (on Espruino an
   * exception there is an "Unhandled promise rejection").
   */
  later(cb: () => void): void;
  /**
   * Optional: whether `bytes` more can be allocated and still leave the interpreter a safe
   * margin (Espruino: an allocation that fails stops the whole program, uncatchable). The
   * runtime asks before it allocates what the app sizes (a socket's ring) and refuses with
   * ERR_NO_MEMORY instead, and before it hands the driver a payload over 64 bytes (which the
   * stack queues until the event loop sends it) and returns SEND_ERROR_WOULDBLOCK instead.
   * Called on the send path: cheap when the answer is yes. Absent where memory is plentiful
   * (the PC, the Linux port).
   */
  room?(bytes: number): boolean;
  /** Cancel a timer from `timer`. */
  cancel(id: unknown): void;
  /** Print one line on the console. */
  write(line: string): void;
  /** The value stored under `key`, or null / undefined when there is none. */
  load(key: string): string | null | undefined;
  /** Store `value` under `key`, persistently. */
  save(key: string, value: string): void;
}

/** Board data the runtime needs (boards/*.json carries more for the build). */
export interface BoardSettings {
  /** NII -> driver name, e.g. {"wl0": "wifi"}; the runtime gets one driver per name. */
  niis: { [nii: string]: string };
  /** Receive ring per socket, bytes. */
  ring: number;
  /** Token bucket: capacity and cost in milli-packets, refill in milli-packets per ms. */
  bucket: { capacity: number; refill: number; cost: number };
}
