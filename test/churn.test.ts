// @serial: real sockets on the loopback LAN (the interpreter binds 0.0.0.0).
// Churn (issue 11), short: bench/churn.ts's cycles (openudp / send / close, one a tick, even
// cycles on a fixed localPort, odd ones on an ephemeral port; then imp.net.open / openudp + send /
// interface.close) a hundred or a few hundred times, on
//  - the real interpreter: the linux board's bundle on espruino32-8190 and the Original WIZnet's
//    on espruino32-2630 (the linux bundle does not fit the churn in 2630 blocks: bench/churn.ts
//    DEVICE_BOARDS), with the WIZnet stand-in;
//  - this PC (node driver, real sockets on the loopback LAN);
//  - the simulated LAN (virtual clock).
// Each: every cycle opened and closed its socket, no error, every send accepted reached the
// peer, every interface cycle saw the spec's states (§3) and closed its socket, driver handles
// reused (the largest stays 0), and what was held before is held after: blocks in use (± 5: a
// leak of a block a cycle shows as 100 or more), the interpreter's timers and sockets and the
// process's socket descriptors, Node's UDP handles and timers, the LAN's endpoints and pending
// timers. The full runs (10,000 and 1,000 cycles) are `node --import tsx bench/churn.ts`.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { deviceChurn, pcChurn, mockChurn, churnReport, type ChurnResult } from '../bench/churn';
import { runWithInterpreter } from './support/espruino-device';

/** The checks every run passes; `blocks`: how far blocks in use may move (device), else null. */
function check(r: ChurnResult, socketCycles: number, ifaceCycles: number, blocks: number | null) {
  const figures = '\n' + churnReport(r).join('\n');
  // the warm-up's 20 socket and 2 interface cycles are in the counts
  assert.is(r.sockets.cycles, socketCycles + 20, 'socket cycles run' + figures);
  assert.is(r.sockets.errors, 0, 'no openudp or send threw (a fixed port still held would be ERR_PORT_IN_USE)' + figures);
  assert.is(r.sockets.opened, r.sockets.cycles, 'every cycle opened its socket' + figures);
  assert.is(r.sockets.closed, r.sockets.cycles, 'every cycle closed it' + figures);
  assert.is(r.sockets.failed, 0, 'no send returned 1' + figures);
  assert.ok(r.sockets.sent > r.sockets.cycles / 2, 'most sends accepted (the rest rate-limited: 4)' + figures);
  assert.is(r.opens.cycles, ifaceCycles + 2, 'interface cycles run' + figures);
  assert.is(r.opens.badSequences, 0, 'every interface cycle saw the spec\'s states' + figures);
  assert.is(r.opens.socketsLeftOpen, 0, 'interface.close() closed the socket of each cycle' + figures);
  assert.is(r.peer.got, r.peer.expected, 'every accepted send reached the peer' + figures);
  assert.is(r.peer.copies, r.peer.expected, 'once each' + figures);
  assert.is(r.maxHandle, 0, 'driver handles reused: one socket open at a time, handle 0' + figures);
  assert.is(r.after.timers, r.before.timers, 'no timer left behind' + figures);
  assert.is(r.after.sockets, r.before.sockets, 'no socket left behind' + figures);
  if (blocks !== null) assert.ok(Math.abs(r.after.memory - r.before.memory) <= blocks, `blocks in use flat (${r.before.memory} before, ${r.after.memory} after)` + figures);
  assert.equal(r.faults, [], 'no interpreter fault, no error line' + figures);
}

const Device = suite('churn on the real interpreter');

Device('linux bundle on espruino32-8190: 100 socket and 10 interface cycles, nothing left behind', async () => {
  check(await deviceChurn({ board: 'linux', kind: '8190', sockets: 100, opens: 10 }), 100, 10, 5);
});

Device('original-wiznet bundle on espruino32-2630: 100 socket and 10 interface cycles, nothing left behind (the W5500 poll timer too)', async () => {
  check(await deviceChurn({ board: 'original-wiznet', kind: '2630', sockets: 100, opens: 10 }), 100, 10, 5);
});

const Host = suite('churn on the PC and the simulated LAN');

Host('pc (node driver, loopback LAN): 1,000 socket and 100 interface cycles, no UDP handle or timer left, handles reused', async () => {
  check(await pcChurn({ sockets: 1000, opens: 100 }), 1000, 100, null);
});

Host('mock LAN: 3,000 socket and 300 interface cycles, no endpoint or pending timer left, handles reused', () => {
  const r = mockChurn({ sockets: 3000, opens: 300 });
  check(r, 3000, 300, null);
  assert.is(r.after.sockets, 1, 'the LAN holds only the peer\'s endpoint');
  assert.is(r.after.timers, 0, 'the clock has nothing pending');
});

Host.run();
runWithInterpreter('churn (on the real interpreter)', Device);
