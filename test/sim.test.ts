// espimp sim: device arguments, the engine on the virtual clock (timeline, counters,
// seeded faults, a simulated day) and the command line (exit codes, one-line errors).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDevice, parseProbability, runSim, clockText, countersTable, DeviceSpec } from '../host/sim';
import type { WireRecord } from '../hal/mock/lan';
import { node } from './support/cli';

const HUB = 'examples/sensor-hub/hub.js';
const NODE = 'examples/sensor-hub/node.js';
const dir = mkdtempSync(join(tmpdir(), 'espimp-sim-test-'));

/** Write an app file into the test's temp folder; returns its path. */
function app(name: string, src: string): string {
  const f = join(dir, name);
  writeFileSync(f, src);
  return f;
}

/** The hub and nodes n2..n(1+count). */
function hubAndNodes(count: number, poll?: number): DeviceSpec[] {
  const hub: DeviceSpec = { file: HUB, globals: poll ? { HUB_POLL_SECONDS: poll } : {} };
  return [hub].concat(Array.from({ length: count }, (_, i) => ({ file: NODE, globals: { SENSOR_ID: 'n' + (i + 2) } })));
}

/** Run `espimp sim ...args`; resolves when it exits. */
const cli = (...args: string[]) => node(['bin/espimp.js', 'sim', ...args], 60_000);

const args = suite('sim: device arguments');

args('FILE, FILE@HOST and NAME=VALUE globals (numbers and booleans typed)', () => {
  assert.equal(parseDevice('a.js'), { file: 'a.js', globals: {} });
  assert.equal(parseDevice('dir/a.js@7'), { file: 'dir/a.js', host: 7, globals: {} });
  assert.equal(parseDevice('a.js@3,SENSOR_ID=n2,HUB_POLL_SECONDS=4,DEBUG=true,X=-1.5,E='),
    { file: 'a.js', host: 3, globals: { SENSOR_ID: 'n2', HUB_POLL_SECONDS: 4, DEBUG: true, X: -1.5, E: '' } });
  assert.equal(parseDevice('a.js,NAME=1.2.3').globals, { NAME: '1.2.3' });
});

args('bad hosts, bad NAME=VALUE and bad probabilities are usage errors (exit code 2)', () => {
  for (const bad of ['a.js@0', 'a.js@255', 'a.js,3x=1', 'a.js,NOEQUALS', 'a.js,=v']) {
    try {
      parseDevice(bad);
      assert.unreachable(bad);
    } catch (e: any) {
      assert.is(e.exitCode, 2, bad);
      assert.match(e.message, bad);
    }
  }
  assert.is(parseProbability('0'), 0);
  assert.is(parseProbability('0.25'), 0.25);
  assert.is(parseProbability('1'), 1);
  for (const bad of ['1.5', '-0.1', 'x', '', ' ', 'NaN']) {
    try {
      parseProbability(bad);
      assert.unreachable(bad);
    } catch (e: any) {
      assert.is(e.exitCode, 2, bad);
    }
  }
});

args('virtual time prints as HH:MM:SS.mmm; a day is 24:00:00.000', () => {
  assert.is(clockText(0), '00:00:00.000');
  assert.is(clockText(60_062), '00:01:00.062');
  assert.is(clockText(86_400_000), '24:00:00.000');
});

const engine = suite('sim: the engine');

engine('sensor hub and three nodes: timeline in time order, discovery, readings, counters that add up', () => {
  const lines: string[] = [];
  const r = runSim({ devices: hubAndNodes(3), duration: 300, print: (l) => lines.push(l) });
  assert.equal(r.devices.map((d) => [d.name, d.ip]),
    [['hub@1', '192.168.77.1'], ['node@2', '192.168.77.2'], ['node@3', '192.168.77.3'], ['node@4', '192.168.77.4']]);
  const times = lines.map((l) => l.slice(0, 12));
  assert.equal(times, times.slice().sort(), 'timeline in virtual-time order');
  for (const n of [2, 3, 4]) assert.ok(lines.some((l) => / hub@1 +Discovered node n\d at 192\.168\.77\./.test(l) && l.endsWith(`.${n}`)), `discovered .${n}`);
  const hub = r.devices[0];
  // Polls at 60.06 s, 120.06 s, ... up to 300 s: 4 rounds of 3 nodes.
  assert.is(hub.agent.filter((m) => m[0] === 'reading').length, 12);
  assert.ok(lines.some((l) => l.includes('agent.send("reading", {"node":"n3","seq":4,')), 'agent frames decoded in the timeline');
  const sent = r.devices.reduce((a, d) => a + d.stats.sent, 0);
  assert.is(sent, r.wire, 'every accepted send is one datagram on the wire');
  for (const d of r.devices) {
    assert.is(d.stats.delivered, d.stats.received - d.stats.dropped);
    assert.is(d.errors, 0, d.lines.join('\n'));
  }
  // Each node answers every DISCOVER it hears with HELLO and every REQ with DATA.
  for (const d of r.devices.slice(1)) assert.is(d.stats.sent, d.stats.delivered);
  const table = countersTable(r);
  assert.match(table[0], /^device +address +sent +refused +received +delivered +dropped +oversize +failed +errors +agent$/);
  assert.match(table[1], new RegExp(`^hub@1 +192\\.168\\.77\\.1 +${hub.stats.sent} +0 +${hub.stats.received} `));
});

engine('a simulated day runs on the virtual clock: 1439 polls per node at 60 s', () => {
  const r = runSim({ devices: hubAndNodes(3), duration: 86_400 });
  assert.is(r.ms, 86_400_000);
  const readings = r.devices[0].agent.filter((m) => m[0] === 'reading');
  // Connected at 60 ms; polls at 60.06 s + k*60 s <= 86400 s: k = 0..1438.
  assert.is(readings.length, 3 * 1439);
  assert.equal(readings.filter((m: any) => m[1].node === 'n4').map((m: any) => m[1].seq).slice(-2), [1438, 1439]);
});

engine('faults repeat exactly with the same seed and differ with another', () => {
  const run = (seed: number) => {
    const lines: string[] = [];
    const r = runSim({ devices: hubAndNodes(3), duration: 1800, loss: 0.2, dup: 0.1, reorder: 0.2, seed, print: (l) => lines.push(l) });
    return { lines, r };
  };
  const a = run(5), b = run(5), c = run(6);
  assert.equal(a.lines, b.lines);
  assert.equal(a.r.devices.map((d) => d.stats), b.r.devices.map((d) => d.stats));
  assert.not.equal(a.lines, c.lines);
  const hub = a.r.devices[0];
  assert.ok(hub.lines.some((l) => l.startsWith('ERROR: Lost reading')), 'loss shows as lost readings');
});

engine('--dup adds deliveries and --reorder changes the timeline (each alone, same seed)', () => {
  const rx = (o: { dup?: number; reorder?: number }) => {
    const lines: string[] = [];
    const r = runSim({ devices: hubAndNodes(3), duration: 600, seed: 5, print: (l) => lines.push(l), ...o });
    return { n: r.devices.reduce((a, d) => a + d.stats.received, 0), t: lines.join('\n') };
  };
  const none = rx({});
  assert.ok(rx({ dup: 0.5 }).n > none.n, 'dup adds deliveries');
  assert.not.equal(rx({ reorder: 1 }).t, none.t, 'reorder changes the timeline');
});

engine('loss 1: every datagram is sent, none arrives, nothing is discovered', () => {
  const r = runSim({ devices: hubAndNodes(2), duration: 120, loss: 1 });
  for (const d of r.devices) assert.is(d.stats.received, 0);
  assert.ok(r.devices[0].stats.sent > 0);
  assert.not.ok(r.devices[0].lines.some((l) => l.startsWith('Discovered')));
});

engine('devices get @HOST addresses first, the rest the lowest free ones; wl0 joins the simulated Wi-Fi', () => {
  const wifi = app('wifi.js', `var f = imp.net.open({interface: 'wl0'}, function (s) {
    if (s == imp.net.CONNECTED) server.log('wifi ' + f.getiptable().ipv4.address + ' ' + NAME);
  });`);
  const r = runSim({
    devices: [{ file: wifi, globals: { NAME: 'a' } }, { file: wifi, host: 1, globals: { NAME: 'b' } }, { file: wifi, globals: { NAME: 'c' } }],
    duration: 1,
  });
  assert.equal(r.devices.map((d) => d.lines), [['wifi 192.168.77.2 a'], ['wifi 192.168.77.1 b'], ['wifi 192.168.77.3 c']]);
  assert.equal(r.devices.map((d) => d.name), ['wifi@2', 'wifi@1', 'wifi@3']);
});

engine('one file given twice: every device has its own name, FILE@HOST, in the results, the timeline and the table', () => {
  // the README's example: hub.js node.js node.js (both nodes keep SENSOR_ID's default, "node")
  const lines: string[] = [];
  const r = runSim({ devices: [HUB, NODE, NODE].map((file) => ({ file, globals: {} })), duration: 5, print: (l) => lines.push(l) });
  const names = r.devices.map((d) => d.name);
  assert.equal(names, ['hub@1', 'node@2', 'node@3']);
  assert.is(new Set(names).size, names.length);
  assert.ok(lines.some((l) => /^00:00:00\.060  node@2  Sensor node listening at 192\.168\.77\.2:5005$/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^00:00:00\.060  node@3  Sensor node listening at 192\.168\.77\.3:5005$/.test(l)), lines.join('\n'));
  assert.equal(countersTable(r).slice(1).map((row) => row.split(/ +/)[0]), names);
});

engine('a send outside the LAN (the guide\'s 192.168.0.1): 1, nothing on the wire, the hint once per socket', () => {
  const out = app('outside.js', `var f = imp.net.open({interface: 'eth0'}, function (s) {
    if (s != imp.net.CONNECTED) return;
    var a = f.openudp(), b = f.openudp(null, 4001), r = [];
    r.push(a.send('192.168.0.1', 1234, 'x'), a.send('192.168.0.1', 1234, 'x'), a.send('10.0.0.1', 1234, 'x'));
    r.push(b.send('172.16.0.1', 1234, 'y'), b.send('192.168.0.1', 1234, 'y'));
    server.log('codes ' + r.join() + ', then ' + a.send('192.168.77.2', 1234, 'fence'));
  });`);
  const wire: WireRecord[] = [];
  const lines: string[] = [];
  const r = runSim({ devices: [{ file: out, globals: {} }], duration: 1, onwire: (w) => wire.push(w), print: (l) => lines.push(l) });
  const hint = (ip: string) => `ERROR: ${ip} is outside the virtual LAN 192.168.77.0/24: not sent`;
  const d = r.devices[0];
  assert.equal(d.lines, [hint('192.168.0.1'), hint('172.16.0.1'), 'codes 1,1,1,1,1, then 0']);
  assert.equal(wire.map((w) => w.to), ['192.168.77.2'], 'only the fence on the wire');
  assert.is(r.wire, 1);
  assert.equal([d.stats.failed, d.stats.sent, d.errors], [5, 1, 2]);
  assert.equal(lines.filter((l) => l.includes('is outside')), [
    `00:00:00.060  outside@1  ${hint('192.168.0.1')}`, `00:00:00.060  outside@1  ${hint('172.16.0.1')}`]);
});

engine('an app that throws in a callback is reported and keeps running; the rate limit shows as refused', () => {
  const flood = app('flood.js', `var f = imp.net.open({interface: 'eth0'}, function (s) {
    if (s != imp.net.CONNECTED) return;
    var u = f.openudp(null, 4000), codes = {};
    for (var i = 0; i < 150; i++) { var c = u.send('192.168.77.1', 4000, 'x'); codes[c] = (codes[c] || 0) + 1; }
    server.log(JSON.stringify(codes));
    imp.wakeup(1, function () { throw new Error('late failure'); });
  });`);
  const sink = app('sink.js', `var f = imp.net.open({interface: 'eth0'}, function (s) {
    if (s == imp.net.CONNECTED) f.openudp(function () {}, 4000);
  });`);
  const r2 = runSim({ devices: [{ file: sink, globals: {} }, { file: flood, globals: {} }], duration: 5 });
  const f = r2.devices[1];
  assert.is(f.lines[0], '{"0":100,"4":50}');
  assert.equal([f.stats.sent, f.stats.refused], [100, 50]);
  assert.is(r2.devices[0].stats.delivered, 100);
  assert.match(f.lines[1], /^ERROR: Uncaught Error: late failure/);
  assert.is(f.errors, 1);
});

engine('a missing app or one that throws while loading is a user error (exit code 1)', () => {
  for (const [file, msg] of [[join(dir, 'missing.js'), /app file not found/], [app('bad.js', 'throw new Error("boom")'), /threw while loading: boom/]] as const) {
    try {
      runSim({ devices: [{ file, globals: {} }], duration: 1 });
      assert.unreachable(file);
    } catch (e: any) {
      assert.is(e.exitCode, 1);
      assert.match(e.message, msg);
    }
  }
});

const cmd = suite('sim: the command line');

cmd('prints a timeline and a counters table; exits 0', async () => {
  const r = await cli(HUB, `${NODE},SENSOR_ID=n2`, `${NODE}@9,SENSOR_ID=n9`, '--duration', '125', '--loss', '0', '--seed', '3');
  assert.is(r.code, 0, r.err);
  assert.is(r.err, '');
  assert.match(r.out, /^00:00:02\.062  hub@1   Discovered node n9 at 192\.168\.77\.9$/m);
  assert.match(r.out, /^00:02:00\.062  hub@1   Reading from n2: [\d.]+ \(seq 2\)$/m);
  assert.match(r.out, /^-- after 00:02:05\.000 virtual: \d+ datagrams on the wire \(loss 0, dup 0, reorder 0, seed 3\)$/m);
  assert.match(r.out, /^node@9 +192\.168\.77\.9 +\d+ +0 +\d+ +\d+ +0 +0 +0 +0 +0$/m);
});

cmd('--quiet prints only the counters', async () => {
  const r = await cli(HUB, `${NODE},SENSOR_ID=n2`, '--duration', '3600', '--quiet');
  assert.is(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.is(lines.length, 4, r.out);
  assert.match(lines[0], /^-- after 01:00:00\.000 virtual:/);
  assert.match(lines[2], /^hub@1 .* 59$/, 'the hub relayed 59 readings to its agent');
});

cmd('bad input: one clear line on stderr, no stack, exit 1 (user error) or 2 (usage)', async () => {
  const cases: [string[], number, RegExp][] = [
    [[join(dir, 'missing.js')], 1, /^espimp: app file not found: .*missing\.js$/],
    [[dir], 1, /^espimp: cannot read app file .*: EISDIR$/],
    [[app('throws.js', 'null.x;')], 1, /^espimp: .*throws\.js:1:6: threw while loading: /],
    [[HUB, '--loss', '1.5'], 2, /--loss.*'1\.5' is invalid\. must be a probability from 0 to 1/],
    [[HUB, '--dup', 'x'], 2, /--dup.*'x' is invalid/],
    [[HUB, '--reorder', '-1'], 2, /--reorder/],
    [[HUB, '--duration', '0'], 2, /--duration.*'0' is invalid/],
    [[HUB, '--seed', 'abc'], 2, /--seed.*'abc' is invalid/],
    [[HUB, '--frobnicate'], 2, /unknown option '--frobnicate'/],
    [[`${HUB}@300`], 2, /^espimp: device ".*hub\.js@300": host must be 1-254/],
    [[`${HUB}@2`, `${NODE}@2`], 2, /^espimp: two devices at host 2$/],
    [[], 2, /missing required argument 'app'/],
  ];
  const results = await Promise.all(cases.map((c) => cli(...c[0])));
  for (const [i, [a, code, re]] of cases.entries()) {
    const r = results[i];
    assert.is(r.code, code, `${a.join(' ')}: ${r.err}`);
    const first = r.err.split('\n')[0];
    assert.match(first, re, a.join(' '));
    assert.not.match(r.err, /\n\s+at /, 'no stack trace');
    assert.is(r.out, '', 'nothing runs');
  }
});

args.run();
engine.run();
cmd.run();
