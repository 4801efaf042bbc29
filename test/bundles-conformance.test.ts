// The driver conformance suite (test/conformance/suite.ts) against the Espruino drivers, each
// inside a real bundle (the runtime of an empty app, built for the board) running in the
// Espruino-faithful environment: three devices on the simulated LAN, driven through the
// globals the bundle installs. Broadcasts arrive with toAddress = the unicast address (dgram's
// rinfo has no destination). Per board, what the suite is told:
//  - esp8266: the largest payload is 268 bytes (the native stack drops more);
//  - espruino-wifi: its Wifi.getIP gives no netmask, so getiptable() has no broadcast and
//    broadcasts are checked on 255.255.255.255 alone.
// The linux board runs on real sockets (test/bundles-linux-conformance.test.ts).
import { Lan } from '../hal/mock/lan';
import { conformance, type ConformanceFixture } from './conformance/suite';
import { virtualUntil } from './conformance/fixtures';
import { bundle, device, emptyAppFile, runtimeOf } from './fixtures/bundles';

/** Board, NII, and whether its driver knows the subnet broadcast. */
const BOARDS: [string, string, boolean][] = [
  ['esp32', 'wl0', true], ['esp8266', 'wl0', true], ['espruino-wifi', 'wl0', false],
  ['pico-w5500', 'eth0', true], ['original-wiznet', 'eth0', true],
];

for (const [board, nii, knowsBroadcast] of BOARDS) {
  const code = await bundle(board, emptyAppFile());
  conformance(`${board} (Espruino env)`, (): ConformanceFixture => {
    const lan = new Lan({ subnet: '192.168.77' });
    const envs = [2, 3, 4].map((h) => device(board, lan, h, code));
    return {
      devices: envs.map((e, i) => ({ rt: runtimeOf(e.context), ip: `192.168.77.${i + 2}` })),
      nic: { interface: nii },
      broadcast: knowsBroadcast ? '192.168.77.255' : undefined,
      base: 4000,
      maxPayload: envs[0].board.maxDatagram,
      broadcastTo: (_sentTo, rx) => rx.ip,
      until: virtualUntil(lan.clock, 60_000),
      faults: () => envs.flatMap((e) => e.errors),
      close: () => { for (const e of envs) e.close(); },
    };
  }).run();
}
