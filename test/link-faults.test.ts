// @serial: real sockets on the loopback LAN (the interpreter binds 0.0.0.0).
// Link faults on the boards (issue 11), short: bench/linkfaults.ts's cycles, 12 on each board
// after a warm-up of one per fault, each board's bundle on the real interpreter with its Wi-Fi
// or WIZnet stand-in: the AP out of range, a join with a wrong key and a DHCP server that does
// not answer (esp32, esp8266, espruino-wifi); the cable out and DHCP failing (pico-w5500,
// original-wiznet). Each cycle: the app sees exactly the spec's states (§2-3; bench/linkfaults.ts
// SEQUENCES), send() returns 1 while the link is down, its socket lives through it (same
// handle: a lost link does not close a socket, spec §7b) and carries a datagram each way once
// the link is back; at the end blocks in use and the interpreter's timers are what they were
// after the warm-up. The 1,000-cycle runs are `node --import tsx bench/linkfaults.ts`.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runLinkFaults, linkFaultReport, LINK_BOARDS } from '../bench/linkfaults';
import { runWithInterpreter } from './support/espruino-device';

const CYCLES = 12;
const Faults = suite('link faults on every board\'s bundle');

for (const board of Object.keys(LINK_BOARDS)) {
  const faults = LINK_BOARDS[board].faults;
  Faults(`${board}: ${CYCLES} cycles of ${faults.join(', ')}: the spec's states, the socket lives on, 1 while down, both ways once back, nothing leaks`, async () => {
    const r = await runLinkFaults({ board, cycles: CYCLES });
    const figures = '\n' + linkFaultReport(r).join('\n');
    assert.is(r.cycles, CYCLES + faults.length, 'cycles run' + figures);
    for (const f of faults) assert.ok(r.faults[f] >= CYCLES / faults.length, `${f} cycles` + figures);
    assert.is(r.badSequences, 0, 'every cycle\'s states as the spec\'s' + figures);
    assert.is(r.badSends, 0, 'send() 1 while down, 0 once back' + figures);
    assert.is(r.out.got, r.out.sent, 'every datagram sent once back reached the peer' + figures);
    assert.is(r.back.got, r.back.expected, 'a datagram from the peer delivered after every recovery' + figures);
    assert.ok(r.socketOpen && r.sameHandle, 'the socket is open, with its first handle' + figures);
    assert.is(r.socket.failed, 0, 'no driver failure' + figures);
    assert.is(r.faultsSeen, r.faults.dhcp, 'each DHCP cycle injected its failure' + figures);
    assert.ok(Math.abs(r.blocks.after - r.blocks.before) <= 5, `blocks in use flat (${r.blocks.before}, ${r.blocks.after})` + figures);
    assert.is(r.timers.after, r.timers.before, 'no timer left behind' + figures);
    assert.equal(r.interpreterFaults, [], 'no interpreter fault' + figures);
  });
}

runWithInterpreter('link-faults (the boards\' bundles with their stand-ins on the real interpreter)', Faults);
