// @serial: real sockets on the shared loopback LAN (the interpreter binds 0.0.0.0).
// The driver conformance suite (test/support/conformance/suite.ts) on every board's bundle, twice: an empty
// app (the whole runtime) and one pruned to the suite's own names (suiteNames, build option names), running on the real Espruino interpreter, through the board's
// stand-ins (host/espruino/standins; linux: its own driver on the real dgram). Two
// interpreters cannot share one machine's ports (Espruino's bind has no address), so the
// interpreter is the suite's first device, the one every scenario sends from, at
// 192.168.77.201, and its peers are PC runtimes over the node driver (192.168.77.202-203),
// which take datagrams from 127.0.0.1 as from it (node driver option linuxPeer). Wi-Fi boards
// open wl0 with the same wificonfig as the PC peers (the stand-in's access point). Told to the
// suite, per board: the largest payload (the board's maxDatagram: 268 on esp8266); no
// netmask on espruino-wifi (its getIP gives none), so broadcasts are checked on
// 255.255.255.255 alone; a bound socket's broadcasts leave from an unbound one (the Linux
// port gives SO_BROADCAST only to unbound sockets), so from an ephemeral port.
import { suite } from 'uvu';
import { conformance, type ConformanceFixture } from './support/conformance/suite';
import { nodeFixture, nicFor } from './support/conformance/fixtures';
import { WIFI } from './support/runtime';
import { remoteRuntime, REMOTE_SETUP, suiteNames } from './support/conformance/remote';
import { startDevice, haveInterpreter } from '../host/espruino/interpreter';
import { standinsFor, netFile } from '../host/espruino/standins/index';
import { loadBoard } from '../build/boards';
import { bundleOf, appFile } from './support/espruino-device';

/** Board, NII, and whether its driver knows the subnet broadcast. */
const BOARDS: [string, string, boolean][] = [
  ['linux', 'eth0', true], ['esp32', 'wl0', true], ['esp8266', 'wl0', true], ['espruino-wifi', 'wl0', false],
  ['pico-w5500', 'eth0', true], ['original-wiznet', 'eth0', true],
];
const ONLY = process.env.CONFORMANCE_BOARDS ? process.env.CONFORMANCE_BOARDS.split(',') : null;
/** CONFORMANCE_PRUNED=0: the whole runtime only. */
const PRUNED = process.env.CONFORMANCE_PRUNED !== '0';
/** The boards that also run a pruned bundle: one per driver (the other boards run the same driver code), to keep npm test within its time. */
const PRUNED_BOARDS = ['linux', 'espruino-wifi', 'pico-w5500'];

if (haveInterpreter('device-conformance (the conformance suite on the real interpreter)')) {
  const empty = appFile('');
  let tests = 0;
  const boards = BOARDS.filter(([board]) => !ONLY || ONLY.includes(board));
  // every bundle first: a top-level await between two suites' run() lets uvu start running the
  // queue while the next suite is added, and two suites (two interpreters) would then run at once
  // each board's whole runtime (an empty app), and its bundle pruned to the suite's own names
  // (build option names): what an app using what the suite uses gets
  const names = suiteNames();
  const runs = boards.flatMap((row) => [{ row, pruned: false }, { row, pruned: true }]).filter((r) => !r.pruned || (PRUNED && PRUNED_BOARDS.includes(r.row[0])));
  const codes = await Promise.all(runs.map(({ row: [board], pruned }) => bundleOf(board, empty, 201, pruned ? names : undefined)));
  for (const [i, { row: [board, nii, knowsBroadcast], pruned }] of runs.entries()) {
    const code = codes[i];
    const b = loadBoard(board);
    conformance(`${board} (real interpreter${pruned ? ', pruned to the suite\'s names' : ''})`, async (): Promise<ConformanceFixture> => {
      // a new port range per test: nothing of an earlier test can hold these ports
      const base = 23100 + 10 * (tests++ % 60);
      const peers = nodeFixture({ hosts: [202, 203], base, nii, linuxPeer: '192.168.77.201' });
      const dev = await startDevice({ boot: [...standinsFor(board, { ip: '192.168.77.201', ...WIFI }), ...REMOTE_SETUP], files: netFile(WIFI), app: code });
      return {
        ...peers,
        devices: [{ rt: remoteRuntime(dev, peers.pulse), ip: '192.168.77.201', noNetmask: !knowsBroadcast }, ...peers.devices.map((d) => ({ ...d, noNetmask: false }))],
        nic: nicFor(nii),
        broadcast: knowsBroadcast ? '192.168.77.255' : undefined,
        maxPayload: b.maxDatagram,
        broadcastFromEphemeral: true,
        // the board drivers have no join/leave yet (docs/decisions.md "Link-local multicast")
        multicast: false,
        faults: () => [...peers.faults(), ...dev.faults],
        async close() {
          await dev.kill();
          return peers.close();
        },
      };
    }).run();
  }
} else {
  const skipped = suite('device-conformance');
  skipped('skipped: no interpreter (see the line above)', () => {});
  skipped.run();
}
