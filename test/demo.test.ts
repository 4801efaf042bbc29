// @serial: real sockets on the shared loopback LAN (see test/run.js).
// espimp demo (npm start): the sensor hub and three nodes on the loopback LAN with real
// UDP sockets. Runs the real command, waits for it to end by itself, and checks that
// discovery, readings and the summary happened and agree with each other.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { node } from './support/cli';

/** Run `espimp demo ...args`; resolves when the process exits (guard: 90 s). */
const demo = (...args: string[]) => node(['bin/espimp.js', 'demo', ...args], 90_000);

const run = suite('demo');

// Hosts .111-.114 and ports 25005/25006: clear of a demo someone runs with the defaults
// (hosts .1-.4, ports 5005/5006), whose hub would otherwise discover and poll our nodes.
run('hub and nodes discover each other, readings reach the agent, the summary adds up, it ends by itself', async () => {
  const r = await demo('--seconds', '5', '--poll', '2', '--host', '111', '--port', '25005');
  assert.is(r.code, 0, r.out + r.err);
  assert.is(r.err, '');
  const lines = r.out.trim().split('\n');
  assert.match(lines[0], /^espimp demo: hub at 192\.168\.77\.111 and 3 sensor nodes on loopback/);
  for (const n of [112, 113, 114]) {
    assert.match(r.out, new RegExp(`^\\[ *\\d+\\.\\d{3}s\\] n${n} +Sensor n${n} listening at 192\\.168\\.77\\.${n}:25005$`, 'm'));
    assert.match(r.out, new RegExp(`^\\[ *\\d+\\.\\d{3}s\\] hub +Discovered node n${n} at 192\\.168\\.77\\.${n}$`, 'm'));
    assert.match(r.out, new RegExp(`^\\[ *\\d+\\.\\d{3}s\\] hub +Reading from n${n}: \\d+\\.\\d \\(seq 1\\)$`, 'm'));
  }
  const stamps = lines.filter((l) => l.startsWith('[')).map((l) => Number(l.slice(1, l.indexOf('s]'))));
  assert.equal(stamps, stamps.slice().sort((a, b) => a - b), 'timestamps in order');
  // Other processes on this machine may run sensor nodes on the loopback LAN too (they hear
  // the broadcast): the hub may discover more than our three; it must discover ours.
  const s = /^summary: hub discovered (\d+) node\(s\) \((.*)\); (\d+) polls, (\d+) readings, (\d+) lost, (\d+) stale$/m.exec(r.out);
  assert.ok(s, r.out);
  const [found, polls, readings, lost] = [s[1], s[3], s[4], s[5]].map(Number);
  for (const n of ['n112', 'n113', 'n114']) assert.ok(s[2].split(', ').includes(n), `${n} in the summary`);
  const logged = lines.filter((l) => / hub +Reading from /.test(l)).length;
  assert.ok(readings >= 3, `at least one round of readings (${readings})`);
  assert.is(readings, logged, 'every reading the hub logged is in its totals');
  assert.ok(polls >= readings + lost && polls - readings - lost <= found, `${polls} polls: ${readings} readings, ${lost} lost, the rest outstanding`);
  const agent = /^agent got (\d+) readings: (.*)$/m.exec(r.out);
  assert.ok(agent, r.out);
  assert.is(Number(agent[1]), readings, 'the agent got every reading');
  for (const n of ['n112', 'n113', 'n114']) assert.match(agent[2], new RegExp(`(^|, )${n} [1-9]\\d*(,|$)`), `readings of ${n}`);
  for (const name of ['hub', 'n112', 'n113', 'n114']) {
    const c = new RegExp(`^  ${name} +sent (\\d+), received (\\d+), delivered (\\d+), refused 0, dropped \\d+, failed 0$`, 'm').exec(r.out);
    assert.ok(c, `${name} counters in ${r.out}`);
    assert.ok(Number(c[1]) > 0 && Number(c[3]) > 0, `${name} sent and received`);
  }
});

run('a port already taken on the loopback LAN: the demo says so in one line and exits 1', async () => {
  const blocker = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => blocker.bind(25006, '127.77.0.121', () => resolve()));
  try {
    const r = await demo('--seconds', '1', '--host', '121', '--port', '25005');
    assert.is(r.code, 1, r.out + r.err);
    assert.match(r.err, /^espimp: the demo could not use the loopback LAN: hub: port 25006 is already in use on 127\.77\.0\.121\n$/);
  } finally {
    blocker.close();
  }
});

run('bad options are usage errors (exit 2)', async () => {
  for (const args of [['--seconds', 'x'], ['--poll', '0'], ['--host', '252'], ['--port', '80'], ['--nope']]) {
    const r = await demo(...args);
    assert.is(r.code, 2, args.join(' '));
    assert.is(r.out, '');
    assert.not.match(r.err, /\n\s+at /);
  }
});

run.run();
