// @serial: the `run --stats` test uses real sockets on the shared loopback LAN (see test/run.js).
// The live view (docs/console.md "Live status"):
// - the reporter (firmware/reporter.ts) on the simulated LAN: what a report holds (counts,
//   tokens refilled on the virtual clock, ring fill, unbound sockets), one a second, off again;
// - formatStats and the terminal's bottom bar (host/console/status.ts);
// - the build: only a --stats build carries the reporter and imp.net's `_live`;
// - `espimp run --stats` through the real CLI: plain `stats: ` lines on stdout (not a TTY)
//   counting a Node peer's datagrams (device 192.168.77.51:25744, peer 127.77.0.52).
// The console's status line on the real interpreter: test/device-stats.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unframe } from '../firmware/agent';
import { createReporter, report, STATS_MESSAGE } from '../firmware/reporter';
import { formatStats, StatusBar, statsRequest } from '../host/console/status';
import { buildBundle } from '../host/bundle';
import { connectedLan } from './support/runtime';
import type { ReceiveCallback } from '../firmware/api';
import { espimp, exited } from './support/console-device';

// ---------------------------------------------------------------- the reporter

const Reporter = suite('reporter: what a report holds, once a second');

/** Device .2 with a socket on 3000 (handler `cb`), device .3 with an unbound socket; reports of .2 collected. */
function lanPair(cb: ReceiveCallback = () => {}) {
  const { lan, devices: [a, b] } = connectedLan(2);
  const rx = a.f.openudp(cb, 3000);
  const tx = b.f.openudp();
  const reports: any[] = [];
  const on = createReporter(a.rt.imp.net, { ...a.dev.platform, write: (line: string) => {
    assert.is(line[0], '\x10', 'a report is a DLE line');
    const m = unframe(line.slice(1));
    assert.ok(Array.isArray(m) && m[0] === STATS_MESSAGE, line);
    reports.push(m[1]);
  } });
  return { lan, a, rx, tx, reports, on };
}

Reporter('counts, tokens refilled up to now, ring size; one report now and one a second; (0) stops', () => {
  const { lan, a, rx, tx, reports, on } = lanPair();
  for (let i = 0; i < 3; i++) tx.send('192.168.1.2', 3000, 'abcdefghij');
  lan.run(10);
  assert.is(rx.send('192.168.1.3', 4000, 'x'), 0);
  assert.is(rx.send('192.168.1.3', 4000, 'y'), 0);
  on(1);
  assert.is(reports.length, 1, 'one report at once');
  assert.equal(reports[0].d, [2, 0, 3, 3, 0], 'device-wide sent/refused/received/delivered/dropped');
  assert.equal(reports[0].s, [[3000, 2, 0, 3, 3, 0, 0, 4096]], 'the socket: port, counts, ring fill and size');
  assert.equal(reports[0].t, [98000, 100000, 1000], 'two packets taken from 100');
  assert.is(reports[0].m, -1, 'no process.memory() off a board');
  lan.run(40);
  assert.equal(report(a.rt.imp.net, a.dev.platform.now()).t[0], 99000, '40 ms refill 25 milli-packets a ms');
  lan.run(3000 - 40);
  assert.is(reports.length, 4, 'one a second');
  assert.equal(reports[3].t[0], 100000, 'refilled to capacity, never beyond');
  on(0);
  lan.run(5000);
  assert.is(reports.length, 4, 'stopped');
  on(1);
  on(1);
  assert.is(reports.length, 6, 'each ask reports at once');
  lan.run(2000);
  assert.is(reports.length, 8, 'asking twice keeps one timer');
});

Reporter('ring fill while datagrams wait, a socket bound on its first send, an unbound one as port 0, refusals', () => {
  let fill = -1;
  const { lan, a, tx, reports, on } = lanPair(() => { if (fill < 0) fill = report(a.rt.imp.net, a.dev.platform.now()).s[0][6]; });
  const idle = a.f.openudp();
  a.f.openudp();
  for (let i = 0; i < 3; i++) tx.send('192.168.1.2', 3000, 'abcdefghij');
  lan.run(10);
  assert.is(fill, 2 * (12 + 10), 'inside the first delivery the other two are in the ring (12-byte header each)');
  let refused = 0;
  for (let i = 0; i < 120; i++) if (idle.send('192.168.1.3', 4000, 'z') === 4) refused++;
  assert.is(refused, 20, 'the bucket holds 100 packets');
  on(1);
  const [port, ...rest] = reports[0].s[1];
  assert.ok(port >= 49152, 'bound on its first send');
  assert.equal(rest, [100, 20, 0, 0, 0, 0, 4096]);
  assert.equal(reports[0].s[2], [0, 0, 0, 0, 0, 0, 0, 4096], 'never sent: unbound');
  assert.equal(reports[0].d, [100, 20, 3, 3, 0]);
  assert.is(formatStats(reports[0]), `device 100/20/3/3/0 tokens 0/100 | :3000 0/0/3/3/0 ring 0/4096 | :${port} 100/20/0/0/0 ring 0/4096 | :0 0/0/0/0/0 ring 0/4096`);
});

Reporter.run();

// ---------------------------------------------------------------- the status line

const Line = suite('status line: text and terminal bar');

Line('formatStats: counts, tokens as packets, free blocks on boards, one part per socket; null for anything else', () => {
  assert.is(formatStats({ d: [5, 1, 4, 3, 1], t: [97550, 100000, 1000], m: 2648, s: [[2001, 5, 1, 4, 3, 1, 44, 8400], [0, 0, 0, 0, 0, 0, 0, 8400]] }),
    'device 5/1/4/3/1 tokens 97.5/100 free 2648 | :2001 5/1/4/3/1 ring 44/8400 | :0 0/0/0/0/0 ring 0/8400');
  for (const bad of [null, 1, {}, { d: [1, 2], t: [1, 1, 1], s: [] }, { d: [0, 0, 0, 0, 0], t: [1, 1, 0], s: [] }, { d: [0, 0, 0, 0, 0], t: [1, 1, 1], s: [[1]] }]) {
    assert.is(formatStats(bad), null, JSON.stringify(bad));
  }
  assert.is(statsRequest(true), '\x10if(global.espimpstats)espimpstats(1)\n');
});

Line('StatusBar: the rows above become the scrolling region, the bar is drawn on the last row with the cursor kept, clear() gives it back', () => {
  let out = '';
  const term = { rows: 30, columns: 20, write: (s: string) => { out += s; } };
  const bar = new StatusBar(term);
  bar.show('device 1/0/1/1/0 tokens 100/100');
  assert.is(out, '\n\x1b[1A\x1b7\x1b[1;29r\x1b8\x1b7\x1b[30;1H\x1b[2Kdevice 1/0/1/1/0 to\x1b8', 'cut to the width');
  out = '';
  bar.show('b');
  assert.is(out, '\x1b7\x1b[30;1H\x1b[2Kb\x1b8', 'the region is set once');
  out = '';
  term.rows = 10;
  bar.show('c');
  assert.is(out, '\x1b7\x1b[1;9r\x1b8\x1b7\x1b[10;1H\x1b[2Kc\x1b8', 'a new height, a new region');
  out = '';
  bar.clear();
  assert.is(out, '\x1b7\x1b[10;1H\x1b[2K\x1b[r\x1b8');
  out = '';
  bar.clear();
  assert.is(out, '', 'nothing to clear twice');
});

Line.run();

// ---------------------------------------------------------------- the build

const Build = suite('build: the reporter only with --stats');

Build('without --stats neither the reporter nor imp.net._live is in the bundle, even for an app the scan cannot narrow', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'espimp-stats-build-'));
  try {
    const plain = await buildBundle({ board: 'espruino-wifi', app: 'examples/echo/echo.js', minify: false });
    const stats = await buildBundle({ board: 'espruino-wifi', app: 'examples/echo/echo.js', minify: false, stats: true });
    assert.not.match(plain.code, /_live|espimpstats|espimp\.stats|REPORTED/);
    assert.match(stats.code, /_live: function/);
    assert.match(stats.code, /global\.espimpstats = createReporter\(/);
    assert.match(stats.code, /['"]espimp\.stats['"]/);
    assert.match(stats.code, /s\._counters\[i\]\+\+/, 'the counters are real (echo.js never names `stats`)');
    assert.not.match(plain.code, /s\._counters\[i\]\+\+/, 'without --stats echo.js counts nothing');
    // an empty app keeps every optional member of imp.net (the scan cannot narrow it), but not _live
    const empty = join(dir, 'empty.js');
    writeFileSync(empty, '\n');
    const all = await buildBundle({ board: 'espruino-wifi', app: empty, minify: false });
    assert.match(all.code, /getstate\(\)/);
    assert.not.match(all.code, /_live|espimpstats/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Build.run();

// ---------------------------------------------------------------- espimp run --stats

const Run = suite('run --stats: plain status lines on stdout');

/** An echo server on 25744 (not examples/echo's 2001: a port no other test's devices hold on the loopback broadcast address). */
const ECHO_APP = `var sock = null;
var iface = imp.net.open({ interface: 'eth0' }, function (state) {
  if (state != imp.net.CONNECTED || sock) return;
  sock = iface.openudp(function (from, port, to, toPort, data) {
    server.log('got ' + data.tostring() + ' from ' + from + ':' + port);
    sock.send(from, port, data);
  }, 25744);
  server.log('echo on ' + iface.getiptable().ipv4.address + ':25744');
});
`;

/** The PC board's receive ring. */
const HOST_RING = JSON.parse(readFileSync(new URL('../boards/host.json', import.meta.url), 'utf8')).ring;

Run('the stats lines count a peer\'s datagrams and the echoes; the app\'s lines are untouched', async () => {
  const state = mkdtempSync(join(tmpdir(), 'espimp-stats-run-'));
  writeFileSync(join(state, 'echo.js'), ECHO_APP);
  const run = espimp(['run', join(state, 'echo.js'), '--ip', '192.168.77.51', '--stats', '--state', join(state, 'echo.json')]);
  const peer = dgram.createSocket('udp4');
  try {
    await run.out.until(/echo on 192\.168\.77\.51:25744\n/).catch((e) => { throw new Error(`${e.message}\nstderr: ${run.err.text}`); });
    await run.out.until(/\] stats: device 0\/0\/0\/0\/0 tokens 100\/100 \| :25744 0\/0\/0\/0\/0 ring 0\/\d+\n/);
    await new Promise<void>((resolve) => peer.bind(0, '127.77.0.52', () => resolve()));
    const echoes: string[] = [];
    const two = new Promise<void>((resolve) => peer.on('message', (m) => { echoes.push(String(m)); if (echoes.length === 2) resolve(); }));
    peer.send('one', 25744, '127.77.0.51');
    peer.send('two', 25744, '127.77.0.51');
    await two;
    await run.out.until(new RegExp(`\\] stats: device 2/0/2/2/0 tokens [\\d.]+/100 \\| :25744 2/0/2/2/0 ring 0/${HOST_RING}\\n`));
    assert.equal(echoes.sort(), ['one', 'two']);
    assert.match(run.out.text, /\] got one from 192\.168\.77\.52:\d+\n/);
    assert.match(run.out.text, /\] got two from 192\.168\.77\.52:\d+\n/);
    assert.not.match(run.out.text + run.err.text, /\x10|espimp\.stats/);
  } finally {
    peer.close();
    run.child.kill('SIGTERM');
    await exited(run.child);
    rmSync(state, { recursive: true, force: true });
  }
  assert.is(run.child.exitCode, 0, run.err.text);
});

Run.run();
