// The impOS guide's sensor hub on the simulated LAN: discovery by broadcast, polls every
// 60 s, sequence numbers, and lost or duplicated packets.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Lan } from '../hal/mock/lan';
import { boot, Booted } from './support/runtime';
import { appSource, guarded, startApp } from '../host/app';

const HUB = appSource('examples/sensor-hub/hub.js');
const NODE = appSource('examples/sensor-hub/node.js');
const BOARD = { niis: { eth0: 'mock' } };

function start(lan: Lan, host: number, src: string, extra: { [name: string]: unknown } = {}) {
  const b: Booted = boot(lan, host, BOARD);
  const agentOut: any[] = [];
  const p = guarded(b.dev.platform, (l) => b.dev.platform.write('ERROR: ' + l));
  b.rt.agent.send = (name: string, data: any) => { agentOut.push([name, data]); return 0; };
  startApp(src, `dev${host}.js`, b.rt, p, extra);
  return { ...b, agentOut };
}

const hub = suite('sensor hub');

hub('discovers every node by broadcast and polls each once a minute', () => {
  const lan = new Lan({ subnet: '192.168.77' });
  const h = start(lan, 1, HUB);
  const nodes = [2, 3, 4].map((n) => start(lan, n, NODE, { SENSOR_ID: 'n' + n }));
  lan.run(10_000);
  assert.equal(h.dev.console.filter((l) => l.startsWith('Discovered')).sort(),
    ['Discovered node n2 at 192.168.77.2', 'Discovered node n3 at 192.168.77.3', 'Discovered node n4 at 192.168.77.4']);
  const first = lan.sent({ from: '192.168.77.1' })[0];
  assert.is(first.to, '192.168.77.255');
  assert.is(new TextDecoder().decode(first.data), 'DISCOVER');
  lan.run(10 * 60_000);
  const reqs = lan.sent({ from: '192.168.77.1' }).filter((w) => new TextDecoder().decode(w.data).startsWith('REQ'));
  assert.is(reqs.length, 30, '3 nodes x 10 polls');
  const times = [...new Set(reqs.map((w) => w.t))];
  for (let i = 1; i < times.length; i++) assert.is(times[i] - times[i - 1], 60_000);
  assert.is(h.agentOut.filter((m) => m[0] === 'reading').length, 30);
  const seqs = h.agentOut.filter((m) => m[1].node === 'n3').map((m) => m[1].seq);
  assert.equal(seqs, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  for (const n of nodes) assert.not.ok(n.dev.console.some((l) => l.startsWith('ERROR')));
});

hub('lost packets are counted by the hub; duplicated requests trip the node sequence check', () => {
  const lan = new Lan({ subnet: '192.168.77', faults: { loss: 0.2, dup: 0.3 }, seed: 7 });
  const h = start(lan, 1, HUB);
  const nodes = [2, 3, 4].map((n) => start(lan, n, NODE, { SENSOR_ID: 'n' + n }));
  lan.run(30 * 60_000);
  const readings = h.agentOut.filter((m) => m[0] === 'reading').length;
  const lost = h.dev.console.filter((l) => l.startsWith('ERROR: Lost reading')).length;
  const polls = lan.sent({ from: '192.168.77.1' }).filter((w) => new TextDecoder().decode(w.data).startsWith('REQ')).length;
  assert.ok(readings > 0 && lost > 0, `readings ${readings}, lost ${lost}`);
  const outstanding = polls - readings - lost;
  assert.ok(outstanding >= 0 && outstanding <= 3, `every poll is a reading, a loss, or still outstanding (${outstanding})`);
  const badSeq = nodes.flatMap((n) => n.dev.console).filter((l) => l.includes('Bad Sequence Number'));
  assert.ok(badSeq.length > 0, 'duplicated REQs are refused by sequence number');
  for (const m of h.agentOut.filter((m) => m[0] === 'reading')) assert.ok(m[1].seq >= 1);
});

hub.run();
