// The off twin of firmware/multicast.ts (build/features.ts): no socket joins a group, so
// terser folds send()'s group check away.

/** Sockets never join groups. */
export var MCAST = false;
/** No address is a group. */
export var isGroup = function (): boolean { return false; };
