// @serial: real sockets on the shared loopback LAN (see test/run.js).
// The driver conformance suite against the node driver on the loopback LAN: real UDP
// sockets on 127.77.0.21-23 (this file's hosts and ports, so parallel test files do not meet).
import { conformance } from './support/conformance/suite';
import { nodeFixture } from './support/conformance/fixtures';

conformance('node eth0', () => nodeFixture({ hosts: [21, 22, 23], base: 21000, nii: 'eth0' })).run();
conformance('node wl0', () => nodeFixture({ hosts: [21, 22, 23], base: 21000, nii: 'wl0' })).run();
