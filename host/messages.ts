// The error-code registry: every ERR_* code the runtime throws, with the sentence the host
// puts in its message. Board bundles carry only the codes (see firmware/errors.ts).

export const MESSAGES: { [code: string]: string } = {
  ERR_NO_INTERFACE: 'nic must be an object whose interface is an NII this board has (wl0/wifi, eth0/ethernet, cell0/cell)',
  ERR_BAD_CALLBACK: 'callback must be a function or null',
  ERR_NOT_SUPPORTED: 'not supported here: UDP on a cellular interface, or multicast on a driver without it',
  ERR_BAD_GROUP: 'group must be a link-local multicast address 224.0.0.1-224.0.0.255',
  ERR_NOT_AVAILABLE: 'the interface is closed, stopped or not powered',
  ERR_BAD_PORT: 'port must be an integer 0-65535 other than 67 and 68 (localPort: 1024-65535)',
  ERR_PORT_IN_USE: 'that local port is already bound by another open socket on this device',
  ERR_NO_MEMORY: 'not enough free memory for a new socket and its receive ring (given: the ring size in bytes); close a socket first',
  ERR_SOCKET_CLOSED: 'the socket is closed',
  ERR_BAD_ADDRESS: 'address must be a dotted quad of four decimal octets 0-255, no leading zeros; the socket is now closed',
  ERR_NOT_PRIVATE: 'address must be private (10/8, 172.16/12, 192.168/16) or 255.255.255.255; the socket is now closed',
  ERR_BAD_DATA: 'data must be a string or a blob',
  ERR_DATA_TOO_LONG: 'data must be at most 65507 bytes',
  ERR_BAD_ARG: 'argument of the wrong type or out of range',
  ERR_BLOB_EOS: 'read past the end of the blob',
};
