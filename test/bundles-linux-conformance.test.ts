// @serial: real sockets on the shared loopback LAN (see test/run.js).
// The driver conformance suite (test/conformance/suite.ts) against the linux board's bundle
// (the runtime of an empty app, built with --ip 192.168.77.201) in the Espruino-faithful
// environment's linux flavor, whose dgram is real UDP sockets on loopback. Two Linux-port
// devices cannot share one machine's ports (Espruino binds 0.0.0.0), so the Linux device is
// the suite's first device, the one every scenario sends from, and its peers are host
// runtimes over the node driver (192.168.77.202-203). The environment binds the Linux device
// to 127.77.0.201 instead of 0.0.0.0 so its datagrams carry its own address (docs/boards.md).
// Told to the suite: its broadcasts leave from a second, unbound socket (Espruino's bound
// sockets have no SO_BROADCAST), so their source port is ephemeral.
import { conformance, type ConformanceFixture } from './conformance/suite';
import { nodeFixture } from './conformance/fixtures';
import { bundle, emptyAppFile, runtimeOf } from './fixtures/bundles';
import { loadBoard } from '../build/boards';
import { createEspruinoEnv } from '../host/espruino/env';

const board = loadBoard('linux');
const code = await bundle('linux', emptyAppFile(), 201);

conformance('linux (Espruino env, real sockets)', (): ConformanceFixture => {
  const peers = nodeFixture({ hosts: [202, 203], base: 23000 });
  const env = createEspruinoEnv({ board: board as any, address: '127.77.0.201', onevent: peers.pulse });
  env.run(code, 'linux-201.js');
  return {
    ...peers,
    devices: [{ rt: runtimeOf(env.context), ip: '192.168.77.201' }, ...peers.devices],
    maxPayload: board.maxDatagram,
    broadcastFromEphemeral: true,
    faults: () => [...peers.faults(), ...env.errors],
    close() {
      env.close();
      return peers.close();
    },
  };
}).run();
