// @serial: real sockets on the shared loopback LAN (see test/run.js).
// Boot like an imp (spec §2 "Boot", host/boot.ts): the default interface is connected before
// the app's first line, so imp.net.info() has the address at its top level; boot persists
// nothing; an app's open() of the connected interface gets its state once, and extended
// config restarts the link with it. `espimp run` and `sim` boot (the impOS guide's examples,
// which rely on it, in `run`, `sim` and on the boards: test/guide.test.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lan } from '../hal/mock/lan';
import { boot } from './support/runtime';
import { bootNet } from '../host/boot';
import { CONFIG_KEY } from '../firmware/net';
import { runSim } from '../host/sim';
import { bootTransform, topLevelInfoCalls, parseApp } from '../build/boot-transform';
import vm from 'node:vm';

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
  assert.is(b.rt.imp.net.info().interface.find((i) => i.nii === 'wl0')!.state, 1);
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

const Transform = suite('boot transform (board bundles, build/boot-transform.ts)');

Transform('the app runs when imp._boot calls it, and its top-level names are globals', () => {
  const src = [
    'var a = 1, b; let c = a + 1; const d = [c];',
    'for (var i = 0; i < 2; i++) { var inner = i; }',
    'for (var k in { x: 1 }) {}',
    'class K {}',
    'var f = function () { var local = 5; return local; };',
    'function g() { var hidden = 1; return a + hidden; }',
    'var top = imp.net.info().ipv4.address;',
  ].join('\n');
  let start: (() => void) | null = null;
  const ctx: any = { imp: { _boot: (app: () => void) => { start = app; }, net: { info: () => ({ ipv4: { address: '192.168.1.9' } }) } } };
  vm.createContext(ctx);
  vm.runInContext(bootTransform(src), ctx);
  // (values of the other realm compared as JSON)
  const inApp = (expr: string) => JSON.parse(vm.runInContext(`JSON.stringify(${expr})`, ctx));
  assert.equal(inApp('[typeof g, "top" in this, typeof top]'), ['function', true, 'undefined'], 'declared before boot, not yet run');
  start!();
  assert.equal(inApp('[a, typeof b, c, d, i, inner, k, typeof K, f(), g(), top, typeof local, typeof hidden]'),
    [1, 'undefined', 2, [2], 2, 1, 'x', 'function', 5, 2, '192.168.1.9', 'undefined', 'undefined']);
});

Transform('only imp.net.info() read at the top level asks for the boot (not in a function, not only its NII list)', () => {
  const calls = (src: string) => topLevelInfoCalls(parseApp(src)!).length;
  assert.is(calls('var i = imp.net.info();'), 1);
  assert.is(calls('var n = imp.net.info().interface[0].nii;'), 0);
  assert.is(calls('function f() { return imp.net.info(); }'), 0);
  assert.is(calls('var f = () => imp.net.info();'), 0);
});

Boot.run();
Transform.run();
