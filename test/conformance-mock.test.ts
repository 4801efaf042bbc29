// The driver conformance suite against the simulated LAN (hal/mock), on eth0 and on wl0.
import { conformance } from './conformance/suite';
import { mockFixture } from './conformance/fixtures';

conformance('mock eth0', () => mockFixture('eth0')).run();
conformance('mock wl0', () => mockFixture('wl0')).run();
