// @serial: real sockets on the shared loopback LAN (see test/run.js).
// `espimp run` as a user meets it: --help, bad input (unknown flag, missing file, an app that
// throws while loading, a port another process holds, an --ip outside the LAN) as one line
// and a non-zero exit; timestamped stdout/stderr; --duration and signals end it with exit 0;
// several espimp processes all hear one broadcast; a send outside the LAN. Hosts 127.77.0.41-49: this file's own.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventWaiter } from './support/conformance/fixtures';
import { tempFolder } from './support/files';

const root = new URL('..', import.meta.url).pathname;
const STAMP = /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] /;
const { dir, file } = tempFolder('run');
const w = eventWaiter(30_000);
/** A module loaded into an espimp process that answers "alive" to any datagram, on a socket that does not hold the event loop. */
const PROBE_PORT = 22145;
const PROBE = 'data:text/javascript,' + encodeURIComponent('import dgram from "node:dgram"; const s = dgram.createSocket("udp4"); ' +
  `s.on("message", (m, r) => s.send("alive", r.port, r.address)); s.bind(${PROBE_PORT}, "127.77.0.45", () => s.unref());`);


/** The real CLI, `espimp run ...args`, with its output collected as it comes. */
function espimp(...args: string[]) {
  return espimpWith([], ...args);
}

/** espimp() with Node flags before the script (e.g. --import of a probe). */
function espimpWith(flags: string[], ...args: string[]) {
  const child = spawn(process.execPath, [...flags, 'bin/espimp.js', 'run', ...args], { cwd: root });
  const r = { child, out: '', err: '', code: undefined as number | null | undefined, signal: null as string | null };
  child.stdout.on('data', (d) => { r.out += d; w.pulse(); });
  child.stderr.on('data', (d) => { r.err += d; w.pulse(); });
  child.on('exit', (code, signal) => { r.code = code; r.signal = signal; w.pulse(); });
  return r;
}

/** Run to the end; the result. */
async function finished(...args: string[]) {
  const r = espimp(...args);
  await w.until(() => r.code !== undefined, `espimp run ${args.join(' ')} to exit`);
  return r;
}

/** Run with a state file in the temp dir. */
function state(name: string) {
  return ['--state', join(dir, name + '.json')];
}

/** stderr is one line, no stack trace. */
function oneLine(err: string) {
  const lines = err.trim().split('\n').filter((l) => !l.startsWith('(run with --help'));
  assert.is(lines.length, 1, err);
  assert.not.match(err, /\n\s+at /, 'no stack trace');
  return lines[0];
}

const usage = suite('espimp run: usage and bad input');

usage('--help prints usage and exits 0', async () => {
  const r = await finished('--help');
  assert.is(r.code, 0);
  assert.match(r.out, /Usage: espimp run \[options\] <app>/);
  for (const o of ['--lan', '--ip', '--duration', '--agent', '--state']) assert.ok(r.out.includes(o), o);
});

usage('an unknown flag is a usage error (exit 2)', async () => {
  const r = await finished('examples/echo/echo.js', '--bogus');
  assert.is(r.code, 2);
  assert.match(oneLine(r.err), /unknown option '--bogus'/);
});

usage('a missing app file: one line, exit 1', async () => {
  const r = await finished(join(dir, 'nope.js'), ...state('missing'));
  assert.is(r.code, 1);
  assert.is(oneLine(r.err), `espimp: app file not found: ${join(dir, 'nope.js')}`);
});

usage('an app that throws while loading: one line, exit 1', async () => {
  const app = file('throws.js', "server.log('starting');\nthrow new Error('boom at load');\n");
  const r = await finished(app, '--ip', '192.168.77.41', ...state('throws'));
  assert.is(r.code, 1);
  assert.is(oneLine(r.err), `espimp: ${app}:2:7: threw while loading: boom at load`);
  assert.match(r.out, /\] starting\n$/);
});

usage('an --ip outside 192.168.77.1-254, or --ip with --lan real: one line, exit 2', async () => {
  for (const ip of ['10.0.0.2', '192.168.77.255']) {
    const r = await finished('examples/echo/echo.js', '--ip', ip);
    assert.is(r.code, 2, ip);
    assert.match(oneLine(r.err), /--ip.*must be a host address 192\.168\.77\.1-254/, ip);
  }
  const r = await finished('examples/echo/echo.js', '--lan', 'real', '--ip', '192.168.77.3');
  assert.is(r.code, 2);
  assert.match(oneLine(r.err), /--ip applies to --lan loopback only/);
  const bad = await finished('examples/echo/echo.js', '--duration', '-1');
  assert.is(bad.code, 2);
  assert.match(oneLine(bad.err), /--duration.*must be a number of seconds > 0/);
});

usage('a port another process holds: "port 2001 is already in use on 127.77.0.42", exit 1', async () => {
  const blocker = dgram.createSocket('udp4');
  await new Promise<void>((r) => blocker.bind(2001, '127.77.0.42', r));
  try {
    const r = await finished('examples/echo/echo.js', '--lan', 'loopback', '--ip', '192.168.77.42', ...state('inuse'));
    assert.is(r.code, 1);
    assert.is(oneLine(r.err), 'espimp: port 2001 is already in use on 127.77.0.42');
  } finally {
    blocker.close();
  }
});

const running = suite('espimp run: output and ending');

running('server.log to stdout, server.error and uncaught callback errors to stderr, timestamped; a .ts app; --duration ends with 0', async () => {
  const app = file('talk.ts', [
    'const n: number = 2;',
    "server.log('log line ' + n);",
    "server.error('error line');",
    "imp.wakeup(0, function () { throw new Error('later'); });",
    "imp.wakeup(0.05, function () { server.log('still alive'); });",
  ].join('\n'));
  const r = await finished(app, '--ip', '192.168.77.43', '--duration', '0.5', ...state('talk'));
  assert.is(r.code, 0, r.err);
  const out = r.out.trim().split('\n'), err = r.err.trim().split('\n');
  for (const l of [...out, ...err]) assert.match(l, STAMP);
  assert.equal(out.map((l) => l.replace(STAMP, '')), ['log line 2', 'still alive']);
  // the handler it came from, at the .ts app's own line
  assert.equal(err.map((l) => l.replace(STAMP, '')), ['ERROR: error line', `ERROR: Uncaught Error: later in imp.wakeup at ${app}:4:35`]);
});

// The port being free afterwards does not prove espimp closed its socket (the OS frees it at
// exit anyway): it only shows a second run can have it.
running('SIGINT ends the run: exit 0, nothing on stderr, the port free for the next run', async () => {
  const r = espimp('examples/echo/echo.js', '--ip', '192.168.77.44', ...state('sigint'));
  try {
    await w.until(() => r.out.includes('Echo server on') || r.code !== undefined, 'the echo server');
    assert.match(r.out, /Echo server on 192\.168\.77\.44:2001/, r.err);
    r.child.kill('SIGINT');
    await w.until(() => r.code !== undefined, 'exit');
    assert.is(r.code, 0, r.err);
    assert.is(r.err, '');
  } finally {
    if (r.code === undefined) r.child.kill('SIGKILL');
  }
  const again = dgram.createSocket('udp4');
  await new Promise<void>((res) => again.bind(2001, '127.77.0.44', res));
  again.close();
});

running('an app with nothing pending keeps running until a signal, then exits 0', async () => {
  const r = espimpWith(['--import', PROBE], file('idle.js', "server.log('idle');"), '--ip', '192.168.77.45', ...state('idle'));
  const probe = { answered: false };
  const peer = dgram.createSocket('udp4');
  peer.on('message', (m) => { probe.answered = String(m) === 'alive'; w.pulse(); });
  await new Promise<void>((res) => peer.bind(0, '127.0.0.1', res));
  try {
    await w.until(() => r.out.includes('idle') || r.code !== undefined, 'the first line');
    // The probe's socket is unref'd: it answers only while something else keeps the event
    // loop alive, so an answer to a ping sent after 'idle' shows the process did not drain and exit.
    peer.send('ping', PROBE_PORT, '127.77.0.45');
    await w.until(() => r.code !== undefined || probe.answered, 'the probe to answer or espimp to exit');
    assert.is(r.code, undefined, 'still running: ' + r.err);
    r.child.kill('SIGTERM');
    await w.until(() => r.code !== undefined, 'exit');
    assert.is(r.code, 0, r.err);
  } finally {
    peer.close();
    if (r.code === undefined) r.child.kill('SIGKILL');
  }
});

running('two espimp processes both hear one broadcast on the same port', async () => {
  const app = file('listen.js', [
    "var f = imp.net.open({ interface: 'eth0' }, function (s) {",
    '  if (s != imp.net.CONNECTED) return;',
    "  f.openudp(function (from, fp, to, tp, data) { server.log('got ' + data.tostring() + ' from ' + from + ' to ' + to + ':' + tp); }, 22150);",
    "  server.log('listening');",
    '});',
  ].join('\n'));
  const devs = [45, 46].map((h) => espimp(app, '--ip', `192.168.77.${h}`, ...state(`listen${h}`)));
  const peer = dgram.createSocket('udp4');
  try {
    await w.until(() => devs.every((d) => d.out.includes('listening') || d.code !== undefined), 'both devices listening');
    await new Promise<void>((r) => peer.bind(0, '127.77.0.9', r));
    peer.setBroadcast(true);
    peer.send('hi all', 22150, '127.255.255.255');
    const line = 'got hi all from 192.168.77.9 to 192.168.77.255:22150';
    await w.until(() => devs.every((d) => d.out.includes(line) || d.code !== undefined), 'the broadcast at both devices');
    for (const d of devs) assert.ok(d.out.includes(line), d.out + d.err);
  } finally {
    peer.close();
    for (const d of devs) d.child.kill('SIGTERM');
    await w.until(() => devs.every((d) => d.code !== undefined), 'both to exit');
  }
  for (const d of devs) assert.is(d.code, 0, d.err);
});

running('a send outside the loopback LAN (the guide\'s 192.168.0.1): 1, nothing sent, the hint once per socket on stderr', async () => {
  const app = file('outside.js', [
    "var f = imp.net.open({ interface: 'eth0' }, function (s) {",
    '  if (s != imp.net.CONNECTED) return;',
    '  var a = f.openudp(), b = f.openudp(null, 22156), r = [];',
    "  r.push(a.send('192.168.0.1', 22155, 'x'), a.send('192.168.0.1', 22155, 'x'), a.send('10.0.0.1', 22155, 'x'));",
    "  r.push(b.send('172.16.0.1', 22155, 'y'), b.send('192.168.0.1', 22155, 'y'));",
    "  server.log('codes ' + r.join() + ', then ' + a.send('192.168.77.49', 22155, 'fence'));",
    '});',
  ].join('\n'));
  // bound to every local address: whatever loopback address a send outside the LAN could have
  // been mapped to (127.77.0.1, 127.0.0.1, ...), on that port, it would arrive here
  const all = dgram.createSocket('udp4');
  const got: string[] = [];
  all.on('message', (m) => { got.push(String(m)); w.pulse(); });
  await new Promise<void>((res) => all.bind(22155, '0.0.0.0', res));
  const r = espimp(app, '--ip', '192.168.77.47', ...state('outside'));
  try {
    await w.until(() => (got.includes('fence') && r.out.includes('codes')) || r.code !== undefined, 'the fence datagram (to 192.168.77.49) and the codes');
    assert.match(r.out, /\] codes 1,1,1,1,1, then 0\n/, r.out + r.err);
    r.child.kill('SIGTERM');
    await w.until(() => r.code !== undefined, 'exit');
    assert.is(r.code, 0, r.err);
    assert.equal(got, ['fence'], 'nothing but the fence reached a socket');
    const hint = (ip: string) => `ERROR: ${ip} is outside the virtual LAN 192.168.77.0/24: not sent`;
    assert.equal(r.err.trim().split('\n').map((l) => l.replace(STAMP, '')), [hint('192.168.0.1'), hint('172.16.0.1')]);
  } finally {
    all.close();
    if (r.code === undefined) r.child.kill('SIGKILL');
  }
});

running('--agent: the agent module plays the imp agent of the app', async () => {
  const r = espimp('examples/hub-agent/hub.js', '--agent', 'examples/hub-agent/agent.js', '--ip', '192.168.77.48', ...state('agent'));
  try {
    await w.until(() => r.out.includes('Agent config: poll every') || r.code !== undefined, 'the agent config at the hub');
    assert.match(r.out, /agent: hub up at 192\.168\.77\.48/, r.out + r.err);
    assert.match(r.out, /Agent config: poll every 60 s/);
    r.child.kill('SIGTERM');
    await w.until(() => r.code !== undefined, 'exit');
    assert.is(r.code, 0, r.err);
  } finally {
    if (r.code === undefined) r.child.kill('SIGKILL');
  }
  const bad = await finished('examples/echo/echo.js', '--agent', join(dir, 'no-agent.js'), '--ip', '192.168.77.48', ...state('agent'));
  assert.is(bad.code, 1);
  assert.match(oneLine(bad.err), /^espimp: agent module not found: /);
});

running('wl0: with no Wi-Fi network a one-line notice says how to give one; --wifi SSID joins the loopback LAN and is persisted', async () => {
  const app = join(dir, 'wl.js');
  writeFileSync(app, 'var f = imp.net.open({interface: "wl0"}, function (s) { server.log("state " + s); });\n');
  const none = espimp(app, '--ip', '192.168.77.72', ...state('wl-none'));
  try {
    await w.until(() => /state 106/.test(none.out) || none.code !== undefined, 'state 106');
    assert.match(none.err, /^notice: wl0 has no Wi-Fi network to join \(state 106\): give one with espimp run --wifi SSID\[:KEY\]/m);
    assert.is(none.err.split('\n').filter((l) => l.startsWith('notice:')).length, 1, 'once');
  } finally {
    none.child.kill('SIGINT');
  }
  const joined = espimp(app, '--ip', '192.168.77.72', '--wifi', 'lab:secret', ...state('wl-join'));
  try {
    await w.until(() => /state 1\n/.test(joined.out) || joined.code !== undefined, 'state 1');
    assert.not.match(joined.err, /notice:/);
    const saved = JSON.parse(JSON.parse(readFileSync(join(dir, 'wl-join.json'), 'utf8'))['espimp.net']);
    assert.equal(saved.wificonfig, { ssid: 'lab', key: 'secret' });
  } finally {
    joined.child.kill('SIGINT');
  }
});

running('without --state, the device persists into .espimp/APP.json in the folder it runs in', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'espimp-proj-'));
  const app = join(cwd, 'thing.js');
  writeFileSync(app, 'imp.net.open({interface: "eth0"}, function (s) { if (s == 1) server.log("up"); });\n');
  const child = spawn(process.execPath, [join(root, 'bin/espimp.js'), 'run', app, '--ip', '192.168.77.73', '--duration', '1'], { cwd });
  let out = '', code: number | null | undefined;
  child.stdout.on('data', (d) => { out += d; w.pulse(); });
  child.on('exit', (c) => { code = c; w.pulse(); });
  await w.until(() => code !== undefined, 'the run to end');
  assert.match(out, /up/);
  assert.equal(JSON.parse(JSON.parse(readFileSync(join(cwd, '.espimp', 'thing.json'), 'utf8'))['espimp.net']), { nii: 'eth0' });
});

usage.run();
running.run();
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
