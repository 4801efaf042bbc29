// @serial: real sockets on the shared loopback LAN (see test/run.js).
// Boot like an imp (spec §2 "Boot", host/boot.ts): the default interface is connected before
// the app's first line, so imp.net.info() has the address at its top level; boot persists
// nothing; an app's open() of the connected interface gets its state once, and extended
// config restarts the link with it. `espimp run` and `sim` boot; the impOS guide's echo
// server, translated line for line (examples/guide-echo/echo.js), answers a peer in `run`.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lan } from '../hal/mock/lan';
import { boot } from './helpers';
import { bootNet } from '../host/boot';
import { CONFIG_KEY } from '../firmware/net';
import { runSim } from '../host/sim';
import { eventWaiter } from './conformance/fixtures';
import { kernelSockets } from './fixtures/device';

const root = new URL('..', import.meta.url).pathname;
const ETH = { niis: { eth0: 'mock', wl0: 'mock' } };

const Boot = suite('boot like an imp');

Boot('the default interface is connected before the app runs; nothing is persisted', () => {
  const lan = new Lan();
  const b = boot(lan, 2, ETH);
  let state = -2;
  bootNet(b.rt, b.dev.platform, (s) => { state = s; });
  lan.run(1000);
  assert.is(state, 1, 'CONNECTED');
  assert.is(b.rt.imp.net.info().ipv4.address, '192.168.1.2');
  // the platform cannot delete a key: what open() saved is put back as an empty config
  assert.equal(JSON.parse(b.dev.storage[CONFIG_KEY] || '{}'), {}, 'nothing persisted');
});

Boot('the persisted interface is the one booted; its credentials are used', () => {
  const lan = new Lan();
  const b = boot(lan, 3, ETH);
  const saved = JSON.stringify({ nii: 'wl0', wificonfig: { ssid: lan.ssid, key: lan.key } });
  b.dev.storage[CONFIG_KEY] = saved;
  let state = -2;
  bootNet(b.rt, b.dev.platform, (s) => { state = s; });
  lan.run(1000);
  assert.is(state, 1);
  assert.is(b.rt.imp.net.info().interface.find((i: any) => i.nii === 'wl0').state, 1);
  assert.is(b.dev.storage[CONFIG_KEY], saved, 'config unchanged');
});

Boot("an app's open() of the booted interface gets CONNECTED once, asynchronously; extended config restarts the link", () => {
  const lan = new Lan();
  const b = boot(lan, 4, ETH);
  bootNet(b.rt, b.dev.platform, () => {});
  lan.run(1000);
  const seen: number[] = [];
  b.rt.imp.net.open({ interface: 'eth0' }, (s: number) => seen.push(s));
  assert.equal(seen, [], 'not from inside open()');
  lan.run(1000);
  assert.equal(seen, [1], 'its state once');
  const again: number[] = [];
  b.rt.imp.net.open({ interface: 'eth0', staticconfig: { ip: '192.168.1.77', netmask: '255.255.255.0', gateway: '192.168.1.1' } }, (s: number) => again.push(s));
  lan.run(1000);
  assert.equal(again[0], 0, 'STARTING: the link restarts');
  assert.is(again[again.length - 1], 1);
  assert.is(b.rt.imp.net.info().ipv4.address, '192.168.1.77');
});

Boot('a link that does not come up: the app starts anyway and its callbacks say what happens', () => {
  const lan = new Lan();
  const b = boot(lan, 5, ETH, { cable: false });
  let state = -2;
  bootNet(b.rt, b.dev.platform, (s) => { state = s; });
  lan.run(1000);
  assert.is(state, 204, 'ETHERNET_STOPPED_NO_LINK ends the wait');
});

Boot('espimp sim: imp.net.info() at the top level of each app has its address', () => {
  const dir = mkdtempSync(join(tmpdir(), 'espimp-boot-'));
  const app = join(dir, 'top.js');
  writeFileSync(app, 'server.log("top " + imp.net.info().ipv4.address);\n');
  const r = runSim({ devices: [{ file: app, globals: {} }, { file: app, globals: {} }], duration: 1 });
  assert.equal(r.devices.map((d) => d.lines[0]), ['top 192.168.77.1', 'top 192.168.77.2']);
});

const Guide = suite("the impOS guide's echo server, line for line");

Guide('espimp run examples/guide-echo/echo.js (eth0, imp.net.info() at its top level) answers a peer', async () => {
  const w = eventWaiter(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'espimp-guide-'));
  const dev = spawn(process.execPath, ['bin/espimp.js', 'run', 'examples/guide-echo/echo.js', '--ip', '192.168.77.58', '--state', join(dir, 'state.json')], { cwd: root });
  let out = '', exit: number | null | undefined;
  dev.stdout.on('data', (d) => { out += d; w.pulse(); });
  dev.stderr.on('data', (d) => { out += d; w.pulse(); });
  dev.on('exit', (code) => { exit = code; w.pulse(); });
  // the app says nothing when it listens: the kernel's socket table does
  const poll = setInterval(() => w.pulse(), 50);
  const peer = dgram.createSocket('udp4');
  let reply: { msg: Buffer; port: number } | null = null;
  peer.on('message', (msg, r) => { reply = { msg, port: r.port }; w.pulse(); });
  try {
    await w.until(() => kernelSockets(2001, '127.77.0.58').length > 0 || exit !== undefined, 'the echo socket bound on 127.77.0.58:2001');
    assert.is(exit, undefined, out);
    await new Promise<void>((r) => peer.bind(0, '127.77.0.9', () => r()));
    peer.send('hello guide', 2001, '127.77.0.58');
    await w.until(() => reply !== null, 'the echo');
    assert.is(reply!.msg.toString(), 'hello guide');
    assert.is(reply!.port, 2001);
    await w.until(() => /Received 11bytes from 192\.168\.77\.9:\d+/.test(out), 'the log line');
  } finally {
    clearInterval(poll);
    dev.kill('SIGINT');
    peer.close();
  }
});

Boot.run();
Guide.run();
