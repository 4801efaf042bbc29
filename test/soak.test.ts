// Soak (issue 11), short: bench/soak.ts's run for 4 simulated days instead of 30: the sensor hub
// and three nodes on the simulated LAN with 10 % loss, every datagram accounted for by kind
// (the LAN, each device's counters, the apps' own totals) and memory flat from day 2 on (the
// clock's pending timers, the LAN's endpoints, the heap after a collection). Virtual time: a
// second or two.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runSoak, soakReport } from '../bench/soak';

const Soak = suite('soak: sensor hub and three nodes, 10 % loss, simulated days');

Soak('4 days: every datagram accounted for, the hub\'s polls balance, memory flat', () => {
  const r = runSoak({ days: 4, loss: 0.1, seed: 7 });
  const figures = '\n' + soakReport(r).join('\n');
  // the LAN and the devices
  assert.is(r.sum.sent, r.lan.wire, 'Σ sent = datagrams on the wire' + figures);
  assert.is(r.lan.delivered + r.lan.lost + r.lan.gone, r.lan.owed, 'each delivery owed was delivered, lost or gone' + figures);
  assert.is(r.lan.gone, 0, 'no socket closed under a datagram (no link fault here)' + figures);
  assert.is(r.sum.received, r.lan.delivered, 'Σ received = what the LAN delivered' + figures);
  assert.is(r.sum.delivered + r.sum.dropped, r.sum.received, 'received = delivered + dropped' + figures);
  assert.is(r.sum.dropped + r.sum.refused + r.sum.failed, 0, 'nothing dropped, rate-limited or failed' + figures);
  assert.ok(r.lossSeen > 0.08 && r.lossSeen < 0.12, `the loss seen is about the loss set: ${r.lossSeen}` + figures);
  // the apps, by kind of datagram
  assert.is(r.wire.REQ, r.hub.polls, 'every poll is one REQ on the wire' + figures);
  assert.is(r.wire.DATA, r.delivered.REQ, 'every REQ a node got is answered with one DATA' + figures);
  assert.is(r.wire.HELLO, r.delivered.DISCOVER, 'every DISCOVER a node got is answered with one HELLO' + figures);
  assert.is(r.delivered.DATA, r.hub.readings + r.hub.stale, 'every DATA the hub got is a reading or stale' + figures);
  assert.is(r.hub.stale, 0, 'none stale (nothing reorders here)' + figures);
  assert.is(r.hub.polls, r.hub.readings + r.hub.lost + r.hub.outstanding, 'polls = readings + lost + outstanding' + figures);
  assert.is(r.hub.polls, 4 * 1440 * 3, 'a poll a minute for each of 3 nodes' + figures);
  assert.is(r.hub.agent, r.hub.readings, 'every reading relayed to the agent' + figures);
  assert.is(r.hub.found, 3, 'the three nodes found' + figures);
  assert.is(r.badSequence + r.otherErrors, 0, 'no bad sequence, no other error' + figures);
  // memory from day 2 on (day 1 holds what first use allocates)
  const [d2, d4] = [r.perDay[1], r.perDay[3]];
  assert.ok(Math.abs(d4.pendingTimers - d2.pendingTimers) <= 2, `pending timers flat (${d2.pendingTimers}, ${d4.pendingTimers})` + figures);
  assert.ok(r.perDay.every((d) => d.endpoints === 4), 'four endpoints every day' + figures);
  // two days are ~14,000 datagrams: a leak of 150 bytes a datagram is over 2 MB
  assert.ok(d4.heapBytes - d2.heapBytes < 2e6, `heap flat (${d2.heapBytes}, ${d4.heapBytes} bytes after a collection)` + figures);
});

Soak.run();
