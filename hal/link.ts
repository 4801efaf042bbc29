// The link reports a driver makes (hal/contract.ts `Link`), named once. The runtime maps them
// to impOS states by the kind of interface (firmware/states.ts): a report below SCANNING is an
// impOS state as it is (IDLE -1 is UNKNOWN, STARTING 0, CONNECTED 1). Plain constants: the
// bundle holds their literals (terser puts them in place), so a name costs no byte there.
// BOARD CODE: Espruino-safe syntax only.

/** Never started, or taken down. */
export const IDLE = -1;
/** Bringing the link up. */
export const STARTING = 0;
/** Up, with an address: UDP can flow. */
export const CONNECTED = 1;
/** Scanning (a radio looking for its network). */
export const SCANNING = 2;
/** Joining a Wi-Fi network. */
export const JOINING = 3;
/** The link is up (Ethernet: cable and PHY), no address yet. */
export const LINK_UP = 4;
/** Getting an address by DHCP. */
export const DHCP = 5;
/** Stopped: the link was lost (Wi-Fi out of range, ...). */
export const STOPPED = 6;
/** Failed: wrong key, no network, no chip, no address. */
export const UNHAPPY = 7;
/** No link: the Ethernet cable is out. */
export const NO_LINK = 8;
