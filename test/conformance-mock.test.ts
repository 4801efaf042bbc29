// The driver conformance suite against the simulated LAN (hal/mock), on eth0 and on wl0.
import { conformance } from './support/conformance/suite';
import { mockFixture } from './support/conformance/fixtures';

conformance('mock eth0', () => mockFixture('eth0')).run();
conformance('mock wl0', () => mockFixture('wl0')).run();
