// @serial: real sockets on the loopback LAN, ports 2001 and 1234 (the interpreter binds 0.0.0.0).
// The impOS guide's examples as written (issue 12 item 5): examples/guide-echo (the echo server
// line for line: imp.net.info() at its top level, eth0; echo-wl0.js the same file on wl0,
// echo-any.js on the board's first NII) and examples/guide-relay (the send-only socket on 1234
// with its agent relay), each unchanged: in `espimp run` against a CPython peer, in `espimp sim`
// (devices named FILE@HOST), and on the real interpreter against a CPython peer: the echo on
// every board that has the NII it names and echo-any.js on esp8266 (which works because the
// board bundle boots like an imp: build/boot-transform.ts), the relay on the linux board. A board without the NII gets
// the build warning at the app's line.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSource } from '../host/check';
import { runSim } from '../host/sim';
import { boardWarnings } from '../build/board-warnings';
import { listBoards, loadBoard } from '../build/boards';
import { BIND_REPORTER, startDevice } from '../host/espruino/interpreter';
import { standinsFor, netFile } from '../host/espruino/standins/index';
import { frame } from '../firmware/agent';
import { kernelSockets, bundleOf, runWithInterpreter } from './support/espruino-device';
import { eventWaiter } from './support/conformance/fixtures';

const root = new URL('..', import.meta.url).pathname;
const ECHO = 'examples/guide-echo/echo.js', WL0 = 'examples/guide-echo/echo-wl0.js', ANY = 'examples/guide-echo/echo-any.js';
const RELAY = 'examples/guide-relay/relay.js', RELAY_AGENT = 'examples/guide-relay/agent.js';
const dir = mkdtempSync(join(tmpdir(), 'espimp-guide-'));
/** The guide's example naming each board's NII: eth0 boards run echo.js, Wi-Fi boards echo-wl0.js. */
const NAMED: { [board: string]: string } = Object.fromEntries(listBoards().map((b) => [b, loadBoard(b).niis.eth0 ? ECHO : WL0]));
// every board bundle starts building now, while the PC tests run (bundleOf builds each once)
for (const b of listBoards()) bundleOf(b, NAMED[b]).catch(() => {});
bundleOf('linux', RELAY).catch(() => {});
bundleOf('esp8266', ANY).catch(() => {});

/**
 * The CPython peer: from 127.77.0.9, one "hello guide" to port 2001 of each target address
 * (127.77.0.x), printing "ADDRESS PORT TEXT" for each reply; or with `sink`, binds 127.77.0.1:1234
 * and prints the first datagram it receives. Gives up after 20 s (a bound, not a pace).
 */
const PEER = `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.settimeout(20)
if sys.argv[1] == 'sink':
    s.bind(('127.77.0.1', 1234))
    print('ready', flush=True)
    data, a = s.recvfrom(2048)
    print(a[1], data.decode(), flush=True)
else:
    s.bind(('127.77.0.9', 0))
    for t in sys.argv[1:]:
        s.sendto(b'hello guide', (t, 2001))
        data, a = s.recvfrom(2048)
        print(a[0], a[1], data.decode(), flush=True)
`;

/** Run the CPython peer with `args`; resolves with its output once it ends (`onLine` sees each line). */
function python(args: string[], onLine?: (l: string) => void): Promise<{ code: number | null; out: string }> {
  const p = spawn('python3', ['-c', PEER, ...args]);
  let out = '';
  p.stdout.on('data', (d) => { out += d; if (onLine) String(d).split('\n').filter(Boolean).forEach(onLine); });
  p.stderr.on('data', (d) => { out += d; });
  return new Promise((resolve) => p.on('close', (code) => resolve({ code, out })));
}

/** `espimp run` of `app` at 192.168.77.`host` with extra arguments; kill() ends it. */
function espimpRun(app: string, host: number, extra: string[] = [], env: { [k: string]: string } = {}) {
  const p = spawn(process.execPath, ['bin/espimp.js', 'run', app, '--ip', `192.168.77.${host}`, '--state', join(dir, `${host}.json`), ...extra],
    { cwd: root, env: { ...process.env, ...env } });
  const run = { out: '', exit: undefined as number | null | undefined, kill: () => p.kill('SIGINT') };
  p.stdout.on('data', (d) => { run.out += d; });
  p.stderr.on('data', (d) => { run.out += d; });
  p.on('exit', (c) => { run.exit = c; });
  return run;
}

const Pc = suite("the guide's examples on the PC: espimp run, CPython peers");

Pc('each guide example is board-safe (the checker finds nothing)', () => {
  for (const f of [ECHO, WL0, ANY, RELAY]) assert.equal(checkSource(readFileSync(f, 'utf8'), f), [], f);
});

Pc('the echo server on eth0, on wl0 (--wifi) and on the first NII each answer a CPython peer', async () => {
  const runs = [espimpRun(ECHO, 61), espimpRun(WL0, 62, ['--wifi', 'espimp']), espimpRun(ANY, 63)];
  const w = eventWaiter(30_000);
  const poll = setInterval(() => w.pulse(), 50);
  try {
    // the apps say nothing when they listen: the kernel's socket table does
    await w.until(() => [61, 62, 63].every((h) => kernelSockets(2001, `127.77.0.${h}`).length > 0) || runs.some((r) => r.exit !== undefined), 'three echo sockets');
    assert.equal(runs.map((r) => r.exit), [undefined, undefined, undefined], runs.map((r) => r.out).join('\n'));
    const r = await python(['127.77.0.61', '127.77.0.62', '127.77.0.63']);
    assert.is(r.code, 0, r.out);
    assert.equal(r.out.trim().split('\n'), ['127.77.0.61 2001 hello guide', '127.77.0.62 2001 hello guide', '127.77.0.63 2001 hello guide']);
    await w.until(() => runs.every((x) => /Received 11bytes from 192\.168\.77\.9:\d+/.test(x.out)), 'the three log lines');
  } finally {
    clearInterval(poll);
    runs.forEach((x) => x.kill());
  }
});

Pc('the send-only relay on 1234 sends what its agent relays to a CPython peer at 192.168.77.1:1234', async () => {
  let run: ReturnType<typeof espimpRun> | undefined;
  const sink = python(['sink'], (l) => { if (l === 'ready') run = espimpRun(RELAY, 64, ['--agent', RELAY_AGENT], { RELAY_SECONDS: '0.2' }); });
  try {
    const r = await sink;
    assert.is(r.code, 0, r.out + (run ? run.out : ''));
    assert.match(r.out, /^ready\n1234 reading \d+\n$/);
  } finally {
    if (run) run.kill();
  }
});

const Sim = suite("the guide's examples in espimp sim");

Sim('the three echo servers answer a prober; the relay opens its socket; devices are named FILE@HOST', () => {
  const probe = join(dir, 'probe.js');
  writeFileSync(probe, [
    'var i = imp.net.open({interface: "eth0"}, function (s) {',
    '  if (s != imp.net.CONNECTED) return;',
    '  var u = i.openudp(function (from, fp, to, tp, d) { server.log("echo " + from + ":" + fp + " " + d.tostring()); }, 5000);',
    '  for (var h = 1; h <= 3; h++) u.send("192.168.77." + h, 2001, "hello guide");',
    '});',
  ].join('\n'));
  const r = runSim({ devices: [ECHO, WL0, ANY, RELAY, probe].map((file) => ({ file, globals: {} })), duration: 2 });
  assert.equal(r.devices.map((d) => d.name), ['echo@1', 'echo-wl0@2', 'echo-any@3', 'relay@4', 'probe@5']);
  assert.equal(r.devices[4].lines.slice().sort(), [1, 2, 3].map((h) => `echo 192.168.77.${h}:2001 hello guide`));
  for (const d of r.devices.slice(0, 3)) assert.equal(d.lines, ['Received 11bytes from 192.168.77.5:5000'], d.name);
  assert.is(r.devices[3].errors, 0, r.devices[3].lines.join('\n'));
  assert.is(r.devices[3].stats.sent, 0);
});

const Board = suite("the guide's examples on every board that has the NII (real interpreter, CPython peer)");


// each board with the example naming its NII, and the portable one on the smallest board
for (const [board, app] of [...listBoards().map((b) => [b, NAMED[b]]), ['esp8266', ANY]]) {
  Board(`${board}: ${app.split('/').pop()} as written boots like an imp and echoes a CPython peer`, async () => {
    const dev = await startDevice({ boot: [...(board === 'linux' ? [] : standinsFor(board, { ip: '192.168.77.201' })), BIND_REPORTER], files: netFile(), app: await bundleOf(board, app) });
    try {
      await dev.event((e) => e.t === 'bound' && e.port === 2001, 'the echo socket bound');
      const r = await python(['127.77.0.201']);
      assert.is(r.code, 0, r.out + '\n' + dev.lines.join('\n'));
      // the interpreter binds 0.0.0.0: the reply comes from 127.0.0.1
      assert.match(r.out, /^127\.0\.0\.1 2001 hello guide\n$/, r.out);
      await dev.until(() => dev.lines.some((l) => /^Received 11bytes from 192\.168\.77\.9:\d+$/.test(l)), 'the log line');
      // the app's top-level names are still globals after the boot transform
      assert.equal(await dev.call('[ucastIP, typeof interfaceHandler, typeof udpsocket.send]'), ['192.168.77.201', 'function', 'function']);
      assert.equal(dev.faults, []);
    } finally {
      await dev.kill();
    }
  });
}

// the relay on the linux board only: every board's driver already sends from a fixed port in the
// echo above, and one more bundle build per board would cost seconds each
for (const board of ['linux']) {
  Board(`${board}: the relay as written sends what the agent relays to a CPython peer at 192.168.77.1:1234`, async () => {
    const dev = await startDevice({ boot: board === 'linux' ? [] : standinsFor(board, { ip: '192.168.77.201' }), files: netFile(), app: await bundleOf(board, RELAY) });
    try {
      const sink = python(['sink'], (l) => { if (l === 'ready') dev.run(`agentrx(${JSON.stringify(frame('relay.data', 'reading 1'))})`).catch(() => {}); });
      const r = await sink;
      assert.is(r.code, 0, r.out + '\n' + dev.lines.join('\n'));
      assert.match(r.out, /^ready\n1234 reading 1\n$/);
      assert.equal(dev.faults, []);
    } finally {
      await dev.kill();
    }
  });
}

const Warn = suite("the guide's examples on boards without the NII they name");

Warn('a build for a board without the named NII warns with the line that names it; the portable variant gets none', () => {
  const at = (file: string, nii: string) => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(`"${nii}"`)) + 1;
  const warn = (file: string, board: string) => boardWarnings(readFileSync(file, 'utf8'), file, loadBoard(board));
  for (const b of ['esp32', 'esp8266', 'espruino-wifi']) {
    assert.match(warn(ECHO, b)[0], new RegExp(`^${ECHO}:${at(ECHO, 'eth0')}:\\d+: ${b} has no eth0 \\(it has wl0\\)`));
  }
  for (const b of ['linux', 'pico-w5500', 'original-wiznet']) {
    assert.match(warn(WL0, b)[0], new RegExp(`^${WL0}:${at(WL0, 'wl0')}:\\d+: ${b} has no wl0 \\(it has eth0\\)`));
    assert.match(warn(RELAY, 'esp8266')[0], new RegExp(`^${RELAY}:${at(RELAY, 'eth0')}:\\d+: esp8266 has no eth0`));
  }
  for (const b of listBoards()) {
    assert.equal(warn(ANY, b), [], b);
    assert.equal(warn(NAMED[b], b), [], b);
  }
});

Pc.run();
Sim.run();
Warn.run();
runWithInterpreter("the guide's examples on the real interpreter", Board);
