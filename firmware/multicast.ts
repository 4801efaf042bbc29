// Link-local multicast (extension, docs/decisions.md): udpsocket.join/leave. The build replaces
// this module with its off twin (multicast-off.ts: `MCAST = false`) when the app never names `join` or `leave` (build/features.ts),
// so terser drops send()'s group check and the bundle is as it was without the extension.

/** Sockets may join groups: send() lets a joined group's address through. */
export var MCAST = true;

/** True for a group of the local-network control block 224.0.0.1-255 (never forwarded by routers), given as quad() octets. */
export var isGroup = function (q: number[] | null): boolean {
  return !!q && q[0] == 224 && !q[1] && !q[2] && q[3] > 0;
};
