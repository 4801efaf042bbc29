// @serial: real sockets on the loopback LAN (the interpreter binds 0.0.0.0).
// Every board's bundle on the real Espruino interpreter (64-bit Linux port, host/espruino/
// interpreter.ts), with the stand-ins for the network modules the Linux port lacks
// (host/espruino/standins: a dgram wrapper mapping 192.168.77.N <-> 127.77.0.N, and the
// Wi-Fi / WIZnet modules per board). For each board: the echo example reaches connected,
// a Node peer gets its datagrams back byte for byte (sizes up to the board's maxDatagram),
// no interpreter fault, and every address handed to the real dgram is in 127.0.0.0/8; a
// destination outside the virtual LAN is refused and never reaches the real dgram; link
// faults (radio lost / cable out, wrong key, no AP at boot) give the impOS states and the
// link comes back. Peers live at 127.77.0.151-170 and send to 127.77.0.2 (linux: .201). The
// echo's port is the first free one of 25740-25759 (not 2001: a second interpreter bound to
// 0.0.0.0:2001 with SO_REUSEPORT, e.g. another test file's, would share it silently). Nothing waits for time to pass: only for
// events, lines and datagrams (their time limits are guards).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle } from '../host/bundle';
import { loadBoard } from '../build/boards';
import { startDevice, haveInterpreter, BIND_REPORTER, type Device } from '../host/espruino/interpreter';
import { standinsFor, netFile, ESP8266_MAX_UDP, type StandinOptions } from '../host/espruino/standins';
import { freePort } from './support/espruino-device';

const ROOT = new URL('..', import.meta.url).pathname;
const HAVE = haveInterpreter('device-boards (every board\'s bundle on the real interpreter, with stand-ins)');

const WIFI = ['esp32', 'esp8266', 'espruino-wifi'];
const WIZNET = ['pico-w5500', 'original-wiznet'];
const BOARDS = [...WIFI, ...WIZNET, 'linux'];
/** impOS states (firmware/constants.ts). */
const CONNECTED = 1, WIFI_STOPPED = 105, WIFI_STOPPED_UNHAPPY = 106, ETHERNET_STOPPED_NO_LINK = 204;

/**
 * The echo example on `port`, its onstate also reporting every state to the test
 * (report() is the harness's; the app is built as any app is, so the checker sees it).
 */
function echoApp(dir: string, port: number): string {
  const src = readFileSync(join(ROOT, 'examples/echo/echo.js'), 'utf8');
  const out = src.replace(/2001/g, String(port))
    .replace('function interfaceHandler(state) {', 'function interfaceHandler(state) {\n  report({ t: \'state\', s: state });');
  assert.ok(out.includes('report({'), 'the echo example still has its interfaceHandler');
  const file = join(dir, 'echo.js');
  writeFileSync(file, out);
  return file;
}

const bundles = new Map<string, string>();
/** `board`'s bundle of the echo app (linux at 192.168.77.201), built once per process. */
async function bundleFor(board: string, app: string): Promise<string> {
  if (!bundles.has(board)) {
    const r = await buildBundle({ board, app, budget: false, ...(board === 'linux' ? { ip: '192.168.77.201' } : {}) });
    bundles.set(board, r.code);
  }
  return bundles.get(board)!;
}

/** The device's address: the linux build's, else what the stand-ins' DHCP gives (default). */
const ipOf = (board: string, o: StandinOptions) => (board === 'linux' ? '192.168.77.201' : o.ip ?? '192.168.77.2');

/** Where peers send to: the device's loopback address (192.168.77.2, or .201 for linux: set by start()). */
let DEVICE = '127.77.0.2';

/** A Node peer at 127.77.0.`host` on a free port, recording what it receives. */
async function peer(host: number) {
  const s = dgram.createSocket('udp4');
  const got: { msg: Buffer; address: string; port: number }[] = [];
  const waiters = new Set<() => void>();
  s.on('message', (msg, r) => { got.push({ msg, address: r.address, port: r.port }); for (const w of [...waiters]) w(); });
  await new Promise<void>((resolve, reject) => { s.once('error', reject); s.bind(0, `127.77.0.${host}`, () => { s.off('error', reject); resolve(); }); });
  const until = (cond: () => boolean, what: string, ms = 15_000) => new Promise<void>((resolve, reject) => {
    if (cond()) return resolve();
    const check = () => { if (cond()) { waiters.delete(check); clearTimeout(guard); resolve(); } };
    const guard = setTimeout(() => { waiters.delete(check); reject(new Error(`peer 127.77.0.${host}: still waiting for ${what} (${got.length} datagrams)`)); }, ms);
    waiters.add(check);
  });
  return {
    s, got, host, port: s.address().port, until,
    /** Send to the device at its loopback address (it is bound to 0.0.0.0; a socket another process holds on 127.0.0.1:port would not take these). */
    send: (data: Buffer | string, port: number, to = DEVICE) => new Promise<void>((resolve, reject) => s.send(data, port, to, (e) => (e ? reject(e) : resolve()))),
    close: () => new Promise<void>((r) => s.close(() => r())),
  };
}
type Peer = Awaited<ReturnType<typeof peer>>;

/**
 * Wait until the interpreter has really bound the echo's port for the `n`th time (BIND_REPORTER):
 * the app's socket is bound in the idle loop, a moment after 'Echo server on' is printed, and a
 * datagram sent before that is lost.
 */
function bound(dev: Device, port: number, n = 1) {
  return dev.until(() => dev.events.filter((e) => e.t === 'bound' && e.port === port).length >= n, `port ${port} bound (${n})`);
}

/** Each size up to the board's maxDatagram echoed byte for byte, from the echo port. */
async function echoSizes(board: string, p: Peer, port: number) {
  const max = loadBoard(board).maxDatagram;
  const sizes = [1, 64, 268, 1400].filter((n) => n <= max);
  for (const n of sizes) {
    const data = Buffer.from(Array.from({ length: n }, (_, k) => (k * 31 + n + p.host) & 255));
    const from = p.got.length;
    await p.send(data, port);
    await p.until(() => p.got.length > from, `the ${n}-byte echo on ${board}`);
    const g = p.got[from];
    assert.is(g.msg.length, n, `${board}: length of the ${n}-byte echo`);
    assert.ok(g.msg.equals(data), `${board}: bytes of the ${n}-byte echo`);
    assert.equal([g.address, g.port], ['127.0.0.1', port], `${board}: the echo comes from the device's port (bind(port) is 0.0.0.0)`);
  }
  return sizes;
}

/** Every address the stand-in handed to the real dgram is in 127.0.0.0/8 (and there was one). */
function onlyLoopback(dev: Device, board: string) {
  const real = realOf(dev);
  assert.ok(real.length > 0, `${board}: the stand-in reported the real sends`);
  for (const a of real) assert.match(a, /^127\.\d+\.\d+\.\d+$/, `${board}: the real dgram was given ${a}`);
}

/**
 * A boot script after the stand-ins: every real send, refusal and drop becomes a device event,
 * so the tests follow them without asking through the REPL. Few REPL calls, because the Linux
 * port's stdin thread races the main loop on the IO event ring (targets/linux/jshardware.c
 * jshInputThread pushes a char at a time, unlocked, while the main loop pops): now and then a
 * line typed while the device is busy is lost, or the interpreter stops at "ASSERT(len <= 64)
 * FAILED AT src/jsdevices.c".
 */
const TRACE = 'STANDIN.onreal=function(a){report({t:"real",a:a});};STANDIN.onrefuse=function(a){report({t:"refused",a:a});};'
  + 'STANDIN.ondrop=function(w){report({t:"drop",why:w});};';

/**
 * A boot script: PROBE(port) sends through require('dgram') to three outside addresses, then
 * from a socket of the app's interface to an outside address and to the peer 192.168.77.170
 * on `port`: [refusals after the first three, both send results, STANDIN.refused]. In a boot
 * script so that the REPL line stays short (see TRACE).
 */
const PROBE = 'global.PROBE=function(port){var s=require("dgram").createSocket("udp4");'
  + 's.send("x",port,"10.0.0.1");s.send("xyz",0,1,port,"8.8.8.8");s.send("x",port,"192.168.1.5");'
  + 'var n=STANDIN_REFUSED;setTimeout(function(){s.close();},50);'
  + 'var U=imp.net.open({interface:imp.net.info().interface[0].nii}).openudp(null);'
  + 'return [n,U.send("192.168.1.5",4000,"y"),U.send("192.168.77.170",port,"to the peer"),STANDIN.refused];};';

/** Start `board`'s echo bundle with its stand-ins (and TRACE, PROBE). */
async function start(board: string, app: string, o: StandinOptions = {}, files = netFile()): Promise<Device> {
  DEVICE = `127.77.0.${ipOf(board, o).split('.')[3]}`;
  return startDevice({ kind: '64', boot: [...standinsFor(board, o), BIND_REPORTER, TRACE, PROBE], app: await bundleFor(board, app), files });
}

/** The addresses the stand-in handed to the real dgram, and those it refused (from the TRACE events). */
const realOf = (dev: Device) => dev.events.filter((e) => e.t === 'real').map((e) => e.a as string);
const refusedOf = (dev: Device) => dev.events.filter((e) => e.t === 'refused').map((e) => e.a as string);

/** The first state report `s` from event index `since` on. */
const stateEvent = (dev: Device, s: number, what: string, since = 0, ms = 20_000) =>
  dev.event((e) => e.t === 'state' && e.s === s, what, since, ms);

if (HAVE) {
  const dir = mkdtempSync(join(tmpdir(), 'espimp-device-boards-'));
  let port = 0;
  let app = '';

  /**
   * A connected echo device loses its link through the stand-in (`down`, a call) and the app sees
   * `lost`; `up` (a call: its value is returned) brings it back; then CONNECTED again, the echo
   * server reopens and answers byte for byte, only loopback reached the real dgram, no fault.
   */
  const lossAndBack = async (dev: Device, board: string, p: Peer, down: string, lost: number, up: string) => {
    await bound(dev, port);
    let since = dev.events.length;
    await dev.run(down);
    await stateEvent(dev, lost, `${board}: state ${lost}`, since);
    since = dev.events.length;
    const value = await dev.call(up);
    await stateEvent(dev, CONNECTED, `${board}: CONNECTED again`, since);
    await dev.until(() => dev.lines.filter((l) => l.startsWith('Echo server on')).length === 2, 'the echo server reopened');
    await bound(dev, port, 2);
    await echoSizes(board, p, port);
    onlyLoopback(dev, board);
    assert.equal(dev.faults, []);
    return value;
  };

  const Echo = suite('every board\'s echo bundle on the real interpreter, with stand-ins');
  /** The echo app and its port, made once for every suite of this file. */
  const echoReady = async () => {
    // a range no other test file uses
    port = port || await freePort(25740);
    app = app || echoApp(dir, port);
  };
  Echo.before(echoReady);

  BOARDS.forEach((board, i) => {
    Echo(`${board}: connects, echoes byte for byte up to maxDatagram, no fault, the real dgram saw only 127.0.0.0/8`, async () => {
      const dev = await start(board, app);
      const p = await peer(151 + i);
      try {
        const ip = ipOf(board, {});
        await dev.until(() => dev.lines.includes(`Echo server on ${ip}:${port}`), `${board}: "Echo server on ${ip}:${port}"`);
        await stateEvent(dev, CONNECTED, `${board}: CONNECTED`);
        await bound(dev, port);
        await echoSizes(board, p, port);
        assert.ok(dev.lines.includes(`Received 1 bytes from 192.168.77.${p.host}:${p.port} to ${ip}:${port}`),
          `${board}: the app saw the peer at its virtual address`);
        const real = realOf(dev);
        for (const a of real) assert.match(a, /^127\.\d+\.\d+\.\d+$/, `${board}: the real dgram was given ${a}`);
        assert.ok(real.includes(`127.77.0.${p.host}`), `${board}: replies went to the peer's loopback address`);
        assert.equal(refusedOf(dev), [], `${board}: nothing refused`);
        if (board === 'esp8266') {
          // the ESP8266's native stack drops payloads over 268 bytes
          const since = dev.events.length;
          await p.send(Buffer.alloc(ESP8266_MAX_UDP + 1, 7), port);
          const e = await dev.event((x) => x.t === 'drop', 'the 269-byte datagram dropped', since);
          assert.is(e.why, `over ${ESP8266_MAX_UDP} bytes`);
          await p.send('after', port);
          await p.until(() => p.got.some((g) => g.msg.toString() === 'after'), 'the echo after the dropped datagram');
          assert.not.ok(p.got.some((g) => g.msg.length === ESP8266_MAX_UDP + 1), 'esp8266: no 269-byte echo');
        }
        assert.equal(dev.faults, [], `${board}: interpreter faults`);
      } finally {
        await dev.kill();
        await p.close();
      }
    });
  });

  Echo.run();

  const Refuse = suite('the dgram stand-in refuses every destination outside the virtual LAN');
  Refuse.before(echoReady);

  for (const board of ['esp8266', 'pico-w5500', 'linux']) {
    Refuse(`${board}: require('dgram') sends to 10.0.0.1 / 8.8.8.8 / 192.168.1.5 are refused, never handed to the real dgram; the board's own sends to them fail`, async () => {
      const dev = await start(board, app);
      try {
        await stateEvent(dev, CONNECTED, `${board}: CONNECTED`);
        const p = await peer(170);
        try {
          // one short REPL call (PROBE): three refused sends through require('dgram'), then the firmware's own
          // socket sending outside (Wi-Fi / WIZnet: the driver hands it on and the stand-in
          // refuses it, so the app gets 0, as a board's dgram cannot tell either; linux: its own
          // driver refuses it and the app gets 1, SEND_ERROR_NOT_CONNECTED), then to the peer
          const r = await dev.call(`PROBE(${p.port})`);
          assert.equal(r, [3, board === 'linux' ? 1 : 0, 0, board === 'linux'
            ? { '10.0.0.1': 1, '8.8.8.8': 1, '192.168.1.5': 1 } : { '10.0.0.1': 1, '8.8.8.8': 1, '192.168.1.5': 2 }]);
          await p.until(() => p.got.length > 0, 'the send to the peer');
          assert.is(p.got[0].msg.toString(), 'to the peer');
          await dev.until(() => realOf(dev).includes('127.77.0.170'), 'the real send to the peer reported');
          assert.equal(refusedOf(dev).sort(), (board === 'linux' ? ['10.0.0.1', '192.168.1.5', '8.8.8.8'] : ['10.0.0.1', '192.168.1.5', '192.168.1.5', '8.8.8.8']));
          for (const a of realOf(dev)) assert.match(a, /^127\./, `the real dgram was given ${a}`);
          assert.equal(dev.faults, []);
        } finally {
          await p.close();
        }
      } finally {
        await dev.kill();
      }
    });
  }

  Refuse.run();

  const Links = suite('link faults through the stand-ins: the app sees the impOS states and the link comes back');
  Links.before(echoReady);

  WIFI.forEach((board, i) => {
    Links(`${board}: radio lost -> WIFI_STOPPED; back -> CONNECTED, the echo answers again`, async () => {
      const dev = await start(board, app);
      const p = await peer(160 + i);
      try {
        await stateEvent(dev, CONNECTED, `${board}: CONNECTED`);
        const back = await lossAndBack(dev, board, p, 'STANDIN.radio(false)', WIFI_STOPPED, 'STANDIN.up()||STANDIN.radio(true)||STANDIN.up()');
        assert.is(back, false, 'the link is down, and comes up later');
      } finally {
        await dev.kill();
        await p.close();
      }
    });

    Links(`${board}: a wrong key -> WIFI_STOPPED_UNHAPPY, never connected`, async () => {
      const dev = await start(board, app, {}, netFile({ key: 'wrong key' }));
      try {
        await stateEvent(dev, WIFI_STOPPED_UNHAPPY, `${board}: WIFI_STOPPED_UNHAPPY`);
        assert.not.ok(dev.events.some((e) => e.t === 'state' && e.s === CONNECTED), 'never CONNECTED');
        assert.equal(dev.faults, []);
      } finally {
        await dev.kill();
      }
    });

    Links(`${board}: no AP at boot -> WIFI_STOPPED_UNHAPPY; the AP appears -> the stack rejoins, CONNECTED`, async () => {
      const dev = await start(board, app, { radio: false });
      try {
        await stateEvent(dev, WIFI_STOPPED_UNHAPPY, `${board}: WIFI_STOPPED_UNHAPPY`);
        const since = dev.events.length;
        await dev.run('STANDIN.radio(true)');
        await stateEvent(dev, CONNECTED, `${board}: CONNECTED`, since);
        await dev.until(() => dev.lines.includes(`Echo server on 192.168.77.2:${port}`), 'the echo server');
        assert.equal(dev.faults, []);
      } finally {
        await dev.kill();
      }
    });
  });

  WIZNET.forEach((board, i) => {
    Links(`${board}: cable out -> ETHERNET_STOPPED_NO_LINK; back -> CONNECTED, the echo answers again`, async () => {
      const dev = await start(board, app);
      const p = await peer(165 + i);
      try {
        await stateEvent(dev, CONNECTED, `${board}: CONNECTED`);
        assert.ok((await dev.call('STANDIN.spiSetup')).length >= 1, 'the driver set the SPI up');
        await lossAndBack(dev, board, p, 'STANDIN.cable(false)', ETHERNET_STOPPED_NO_LINK, 'STANDIN.cable(true)');
      } finally {
        await dev.kill();
        await p.close();
      }
    });

    Links(`${board}: cable out at boot -> ETHERNET_STOPPED_NO_LINK, read from the W5500's PHY over SPI (connect() never called: it would block); in -> CONNECTED`, async () => {
      const dev = await start(board, app, { cable: false });
      try {
        await stateEvent(dev, ETHERNET_STOPPED_NO_LINK, `${board}: ETHERNET_STOPPED_NO_LINK`);
        assert.ok((await dev.call('STANDIN.spiSends')) > 0, 'the PHY was read over SPI');
        const since = dev.events.length;
        await dev.run('STANDIN.cable(true)');
        await stateEvent(dev, CONNECTED, `${board}: CONNECTED`, since);
        assert.is(await dev.call('STANDIN.blocked'), 0, 'connect() was never called with the cable out');
        assert.equal(dev.faults, []);
      } finally {
        await dev.kill();
      }
    });
  });

  // the Wi-Fi driver makes its static-address step only in bundles whose app names staticconfig
  const Static = suite('a static address on the Wi-Fi and WIZnet boards, through the stand-ins');
  const STATIC = { ip: '192.168.77.9', netmask: '255.255.255.0', gateway: '192.168.77.1' };
  const staticApp = (nii: string) => {
    const file = join(dir, `static-${nii}.js`);
    const wifi = nii === 'wl0' ? 'wificonfig: { ssid: "espimp", key: "secret" }, ' : '';
    writeFileSync(file, `var F = imp.net.open({ interface: "${nii}", ${wifi}staticconfig: ${JSON.stringify(STATIC)} },
  function (s) { report({ t: 'state', s: s, ip: s == imp.net.CONNECTED ? F.getiptable().ipv4.address : null }); });\n`);
    return file;
  };
  // ESP8266 and the Espruino WiFi have setIP; ESP32's Wifi module has none, so the join ends
  // unhappy; the WIZnet driver sets the address through the chip's setIP(options)
  for (const [board, want] of [['esp8266', CONNECTED], ['espruino-wifi', CONNECTED], ['esp32', WIFI_STOPPED_UNHAPPY], ['pico-w5500', CONNECTED]] as const) {
    Static(`${board}: staticconfig ${STATIC.ip} -> ${want == CONNECTED ? 'CONNECTED at that address' : 'WIFI_STOPPED_UNHAPPY (no setIP)'}`, async () => {
      const { code } = await buildBundle({ board, app: staticApp(board === 'pico-w5500' ? 'eth0' : 'wl0'), budget: false });
      const dev = await startDevice({ kind: '8190', boot: standinsFor(board), files: netFile(), app: code });
      try {
        const e = await stateEvent(dev, want, `${board}: state ${want}`);
        if (want == CONNECTED) assert.is(e.ip, STATIC.ip, 'getiptable() gives the static address');
        assert.not.ok(dev.events.some((x) => x.t === 'state' && x.s === (want == CONNECTED ? WIFI_STOPPED_UNHAPPY : CONNECTED)), 'not the other outcome');
        assert.equal(dev.faults, []);
      } finally {
        await dev.kill();
      }
    });
  }

  Static.after(() => rmSync(dir, { recursive: true, force: true }));
  Links.run();
  Static.run();
} else {
  const Skip = suite('device-boards (skipped: no interpreter)');
  Skip('the real interpreter is missing: nothing to run', () => assert.ok(true));
  Skip.run();
}
