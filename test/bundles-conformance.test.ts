// The driver conformance suite (test/conformance/suite.ts) against the Espruino drivers, each
// inside a real bundle (the runtime of an empty app, built for the board) running in the
// Espruino-faithful environment: three devices on the simulated LAN, driven through the
// globals the bundle installs. Broadcasts arrive with toAddress = the unicast address (dgram's
// rinfo has no destination). Not run here, and why:
//  - esp8266: the suite sends 1460-byte payloads, which the native ESP8266 stack drops (>268);
//    its echo of the largest datagram it can take is checked in test/bundles.test.ts;
//  - espruino-wifi: its Wifi.getIP gives no netmask, so getiptable() has no broadcast, which
//    the suite's first check requires (the echo and hub bundles run in bundles.test.ts).
import { Lan } from '../hal/mock/lan';
import { conformance, type ConformanceFixture } from './conformance/suite';
import { virtualUntil } from './conformance/fixtures';
import { bundle, device, emptyAppFile } from './fixtures/bundles';

const BOARDS: [string, string][] = [['esp32', 'wl0'], ['pico-w5500', 'eth0'], ['original-wiznet', 'eth0']];

/** The bundle's globals as the suite drives them; getiptable() results are copied out of the vm's realm, so deep equality with the suite's literals holds. */
function runtimeOf(ctx: any): any {
  const iface = (f: any) => new Proxy(f, {
    get: (t, k) => (k === 'getiptable' ? () => JSON.parse(JSON.stringify(t.getiptable())) : typeof t[k] === 'function' ? t[k].bind(t) : t[k]),
  });
  return { imp: { net: { open: (nic: unknown, cb?: unknown) => iface(ctx.imp.net.open(nic, cb)) } }, blob: ctx.blob };
}

for (const [board, nii] of BOARDS) {
  const code = await bundle(board, emptyAppFile());
  conformance(`${board} (Espruino env)`, (): ConformanceFixture => {
    const lan = new Lan({ subnet: '192.168.77' });
    const envs = [2, 3, 4].map((h) => device(board, lan, h, code));
    return {
      devices: envs.map((e, i) => ({ rt: runtimeOf(e.context), ip: `192.168.77.${i + 2}` })),
      nic: { interface: nii },
      broadcast: '192.168.77.255',
      base: 4000,
      maxPayload: envs[0].board.maxDatagram,
      broadcastTo: (_sentTo, rx) => rx.ip,
      until: virtualUntil(lan.clock, 60_000),
      faults: () => envs.flatMap((e) => e.errors),
      close: () => { for (const e of envs) e.close(); },
    };
  }).run();
}
