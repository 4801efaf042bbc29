// Link-local multicast (extension, docs/decisions.md): udpsocket.join/leave. The build replaces
// this module with its off twin (multicast-off.ts: `MCAST = false`) when the app never names `join` or `leave` (build/features.ts),
// so terser drops send()'s group check and the bundle is as it was without the extension.

/** Sockets may join groups: send() lets a joined group's address through. */
export var MCAST = true;

/** The group test (hal/address.ts), here so that the stub can answer false for every address. */
export { isGroup } from '../hal/address';
