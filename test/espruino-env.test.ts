// The Espruino-faithful environment (host/espruino) on the simulated LAN: each measured
// Espruino fact (espruino-facts.md) reproduced with a small hand-written Espruino script.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Lan, type MockDevice } from '../hal/mock/lan';
import { createEspruinoEnv, EspruinoError, type EspruinoEnv, type Flavor } from '../host/espruino/env';

interface Rig { lan: Lan; env: EspruinoEnv }

/** An environment of `flavor` at 192.168.77.5 on a fresh LAN. */
function rig(flavor: Flavor, extra: object = {}): Rig {
  const lan = new Lan({ subnet: '192.168.77' });
  return { lan, env: createEspruinoEnv({ flavor, lan, host: 5, ...extra }) };
}

/** Console lines printed after the first `from`. */
const since = (env: EspruinoEnv, from: number) => env.output.slice(from);

/** A plain device at 192.168.77.<host> (the LAN's mock driver) with a receive box on `port`. */
function peer(lan: Lan, host: number, port: number) {
  const dev = lan.device(host);
  dev.driver.up('eth0', {}, () => {});
  lan.run(100);
  const box: { bytes: number[]; from: string; fromPort: number }[] = [];
  const h = dev.driver.open('eth0', port, (d, from, fromPort) => box.push({ bytes: [...(d as Uint8Array)], from, fromPort }));
  return { dev, box, send: (to: string, toPort: number, bytes: number[]) => dev.driver.send(h, to, toPort, Uint8Array.from(bytes)) };
}

/** Join the LAN's Wi-Fi from the script and run until connected. */
function online(r: Rig) {
  r.env.run("require('Wifi').connect('espimp-lab', { password: 'secret' }, function (err) { print('wifi ' + err); });");
  r.lan.run(2000);
  assert.ok(r.env.output.includes('wifi null'), r.env.output.join('\n'));
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

// ---------------------------------------------------------------------------------------------

const globals = suite('env: globals');

globals('no Node globals; Espruino globals instead', () => {
  const { env } = rig('esp32');
  env.run(`print([typeof process.memory, typeof Buffer, typeof setImmediate, typeof TextEncoder, typeof structuredClone,
    typeof queueMicrotask, typeof module, typeof exports, typeof __dirname, typeof require, typeof E, typeof getTime,
    typeof print, typeof global, typeof atob, typeof B13, typeof SPI1.setup, typeof process.version].join(','));`);
  assert.equal(env.output, ['function,undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined,' +
    'function,object,function,function,object,function,object,function,string']);
  env.close();
});

globals('the built-ins Espruino lacks are gone; what it has still works', () => {
  const { env } = rig('esp32');
  env.run(`print([typeof Map, typeof Set, typeof WeakMap, typeof Symbol, typeof Proxy, typeof Reflect, typeof BigInt,
    typeof RangeError, typeof EvalError, typeof URIError, typeof Array.from, typeof Array.of, typeof Uint8Array.from,
    typeof Float32Array.of, typeof Number.isInteger, typeof Number.isFinite, typeof Object.freeze, typeof Math.trunc,
    typeof Math.imul, typeof Math.log2, typeof Promise.race, typeof Promise.allSettled, typeof Promise.prototype.finally,
    typeof [].flat, typeof [].keys, typeof [].lastIndexOf, typeof 'x'.trimStart, typeof 'x'.replaceAll, typeof 'x'.at,
    typeof new ArrayBuffer(2).slice].join(','));`, 'missing.js');
  assert.equal(env.output[0].split(','), Array(30).fill('undefined'));
  // V8's Number.EPSILON / MAX_SAFE_INTEGER / MIN_SAFE_INTEGER cannot be deleted: the check stops them instead
  assert.throws(() => env.run('var e = Number.EPSILON;'), (err: any) => err.findings[0].rule === 'missing-static');
  env.run(`var n = 0; for (var x of [1, 2, 3]) n += x; for (var c of 'ab') n += c.length;
    print(n, Object.keys({a: 1}).length, Object.entries({a: 1})[0][1], Math.pow(2, 10), [1, NaN].includes(NaN),
      'ab'.padStart(4, '-'), new Uint8Array(3).fill(7).join(''), 'abc'.lastIndexOf('c'), Object.prototype.hasOwnProperty.call({k: 1}, 'k'),
      JSON.stringify(new Uint8Array([1, 2])), typeof Promise.all, Math.sign(-3), Math.clip(5, 0, 3));`, 'present.js');
  assert.is(env.output[1], '8 1 1 1024 true --ab 777 2 true {"0":1,"1":2} function -1 3');
  env.close();
});

globals('Function.apply takes at most 256 arguments (espruino-facts.md); E.toString is the way out', () => {
  const { env } = rig('esp32');
  env.run(`var a256 = [], a257 = [];
    for (var i = 0; i < 257; i++) { if (i < 256) a256.push(65); a257.push(65); }
    print(String.fromCharCode.apply(null, a256).length, Math.max.apply(Math, [1, 5, 2]));
    try { String.fromCharCode.apply(null, a257); print('no limit'); } catch (e) { print(e.name + ': ' + e.message); }
    print(E.toString(a257).length);`, 'apply.js');
  assert.equal(env.output, ['256 5', 'Error: Array passed to Function.apply is too big! Maximum 256 arguments', '257']);
  env.close();
});

globals('Object.prototype.on / emit / removeListener exist on every object', () => {
  const { env } = rig('esp32');
  env.run(`var o = {}; function h(a, b) { print('got', a, b); }
    o.on('x', h); o.emit('x', 1, 2); o.removeListener('x', h); o.emit('x', 3, 4);
    print(JSON.stringify(o), Object.keys(o).length);`);
  assert.equal(env.output, ['got 1 2', '{} 0']);
  env.close();
});

globals('unsupported syntax fails the check and nothing runs; without the check V8 would run it', () => {
  const { env } = rig('esp32');
  const src = "function f(a = 1) { return a; }\nprint('ran', f());";
  let err: unknown = null;
  try { env.run(src, 'defaults.js'); } catch (e) { err = e; }
  assert.instance(err, EspruinoError);
  const ee = err as EspruinoError;
  assert.equal(ee.findings.map((f) => `${f.rule}@${f.line}:${f.column}`), ['default-param@1:12']);
  assert.match(ee.message, /defaults\.js:1:12  default-param/);
  assert.equal(env.output, []);
  env.close();
  const { env: loose } = rig('esp32', { check: false });
  loose.run(src);
  assert.equal(loose.output, ['ran 1']);
  loose.close();
});

globals('an exception in a callback is "Uncaught …" and the event loop goes on; at load time run() throws', () => {
  const { lan, env } = rig('esp32');
  env.run("setTimeout(function () { null.x; }, 10); setTimeout(function () { print('still running'); }, 20);");
  lan.run(30);
  assert.equal(env.errors.length, 1);
  assert.match(env.errors[0], /^Uncaught TypeError: /);
  assert.is(env.output[1], 'still running');
  assert.throws(() => env.run("print('before'); throw new Error('at load');"), (e: any) => e instanceof EspruinoError && e.message === 'Uncaught Error: at load');
  assert.equal(env.output.slice(2), ['before', 'Uncaught Error: at load']);
  env.close();
});

const time = suite('env: time and timers');

time('setTimeout with extra arguments runs on the virtual clock; getTime() is seconds', () => {
  const { lan, env } = rig('esp32');
  env.run("var t0 = getTime(); setTimeout(function (a, b) { print(a + b, (getTime() - t0).toFixed(3)); }, 1500, 'x', 'y');");
  lan.run(1499);
  assert.equal(env.output, []);
  lan.run(1);
  assert.equal(env.output, ['xy 1.500']);
  env.close();
});

time('timers never run synchronously; microtasks run before timers', () => {
  const { lan, env } = rig('esp32');
  env.run("setTimeout(function () { print('timer'); }, 0); Promise.resolve().then(function () { print('micro'); }); print('sync');");
  assert.equal(env.output, ['sync', 'micro']);
  lan.run(0);
  assert.equal(env.output, ['sync', 'micro', 'timer']);
  env.close();
});

time('setInterval, clearInterval, changeInterval; ids are integers', () => {
  const { lan, env } = rig('esp32');
  env.run("var n = 0; var id = setInterval(function () { if (++n == 10) clearInterval(id); }, 10); print(typeof id, id % 1);");
  lan.run(200);
  env.run("print('n', n); var m = 0; var j = setInterval(function () { m++; }, 10);");
  lan.run(100);
  env.run("changeInterval(j, 50);");
  lan.run(100);
  env.run("print('m', m); clearInterval(j);");
  assert.equal(env.output, ['number 0', 'n 10', 'm 12']);
  env.close();
});

time('clearTimeout(): no argument clears every timer; clearTimeout(undefined) throws; a stale id is fine', () => {
  const { lan, env } = rig('esp32');
  env.run("var a = setTimeout(function () { print('a'); }, 10); setTimeout(function () { print('b'); }, 10); clearTimeout();");
  lan.run(20);
  assert.equal(env.output, []);
  env.run("var t = setTimeout(function () {}, 1);");
  lan.run(5);
  env.run("clearTimeout(t); print('stale ok'); try { clearTimeout(undefined); } catch (e) { print(e.message); }");
  assert.equal(env.output, ['stale ok', 'clearTimeout(undefined) not allowed. Use clearTimeout() instead.']);
  env.close();
});

time('an unhandled promise rejection is printed as Espruino does', async () => {
  const { env } = rig('esp32');
  env.run("Promise.reject(new Error('nope'));");
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(env.errors, ['Uncaught Error: Unhandled promise rejection: Error: nope']);
  env.close();
});

const e = suite('env: E');

e('E.toString / E.toUint8Array round-trip \\0 and \\xFF', () => {
  const { env } = rig('esp32');
  env.run(`var s = E.toString(new Uint8Array([0, 255, 65, 10, 128]));
    var c = []; for (var i = 0; i < s.length; i++) c.push(s.charCodeAt(i));
    var back = E.toUint8Array(s);
    print(s.length, c.join(','), back.join(','), back instanceof Uint8Array);`);
  assert.equal(env.output, ['5 0,255,65,10,128 0,255,65,10,128 true']);
  env.close();
});

e('E.toUint8Array wraps values to bytes and takes arrays, strings and {data, count}', () => {
  const { env } = rig('esp32');
  env.run(`print(E.toUint8Array(300, 'AB', [1, [2, 3]], {data: [9], count: 3}).join(','), E.toString({data: 'ab', count: 2}), E.toString(72, 105));`);
  assert.equal(env.output, ['44,65,66,1,2,3,9,9,9 abab Hi']);
  env.close();
});

e('E.CRC32, E.getSizeOf (32-bit figures), btoa/atob on binary strings', () => {
  const { env } = rig('esp32');
  env.run(`print(E.CRC32('123456789').toString(16),
    E.getSizeOf({}), E.getSizeOf([0,1,2,3,4,5,6,7,8,9]), E.getSizeOf('x'.repeat(100)), E.getSizeOf(new Uint8Array(100)),
    E.getSizeOf(function (x) { return x; }), E.getSizeOf({a: 1, b: 'hello'}),
    atob(btoa(E.toString([0, 255, 10]))) === E.toString([0, 255, 10]));`);
  assert.equal(env.output, ['cbf43926 1 11 12 11 3 4 true']);
  env.close();
});

e('process.memory(): the board total, 13-byte blocks, usage that grows with loaded code', () => {
  const { env } = rig('esp8266', { board: { name: 'esp8266', memory: { blocks: 1700 } } }); // not the esp8266 default (1600)
  env.run("var m1 = process.memory(); print(m1.total, m1.blocksize, m1.usage > 0);");
  env.run('function f' + 'x'.repeat(2000) + '() {}');
  env.run("var m2 = process.memory(); print(m2.usage > m1.usage, m2.free < m1.free);");
  assert.equal(env.output, ['1700 13 true', 'true true']);
  assert.equal(env.memory().total, 1700);
  env.close();
});

// ---------------------------------------------------------------------------------------------

const dg = suite('env: dgram on the LAN');

dg('a Uint8Array is sent as its text; with offset/length as 0 bytes; strings byte for byte; the send callback is ignored', () => {
  const r = rig('esp32');
  online(r);
  const p = peer(r.lan, 9, 3000);
  r.env.run(`var s = require('dgram').createSocket('udp4');
    s.send(new Uint8Array([1, 2, 3]), 3000, '192.168.77.9');
    s.send(new Uint8Array([1, 2, 3]), 0, 3, 3000, '192.168.77.9');
    s.send('hello world', 6, 5, 3000, '192.168.77.9', function () { print('callback'); });
    s.send(E.toString([0, 255]), 3000, '192.168.77.9');
    print(typeof s.setBroadcast, typeof s.address, typeof s.ref, typeof s.unref, typeof s.addMembership);`);
  r.lan.run(50);
  assert.equal(p.box.map((b) => b.bytes), [ascii('1,2,3'), [], ascii('world'), [0, 255]]);
  assert.equal(r.env.output.slice(1), ['undefined undefined undefined undefined function']);
  r.env.close();
});

dg('received msg is a binary string; rinfo is {address, port, size}; bind(port, cb) gives the socket', () => {
  const r = rig('esp32');
  online(r);
  const p = peer(r.lan, 9, 3000);
  r.env.run(`var got = [];
    var s = require('dgram').createSocket('udp4', function (sk) { print('created', sk === s); });
    print('bind returns s', s.bind(2001, function (sk) { print('bound', sk === s); }) === s);
    s.on('message', function (msg, rinfo) {
      var c = []; for (var i = 0; i < msg.length; i++) c.push(msg.charCodeAt(i));
      print(typeof msg, c.join(','), JSON.stringify(rinfo));
      s.send(msg, rinfo.port, rinfo.address);
    });`);
  r.lan.run(10);
  p.send('192.168.77.5', 2001, [104, 0, 255, 7]);
  r.lan.run(20);
  assert.equal(since(r.env, 1), ['bind returns s true', 'created true', 'bound true',
    'string 104,0,255,7 {"address":"192.168.77.9","port":3000,"size":4}']);
  assert.equal(p.box.map((b) => b.bytes), [[104, 0, 255, 7]], 'echoed byte for byte');
  r.env.close();
});

dg('datagrams are cut to 528 bytes unless some socket has a larger recvBufferSize (the largest wins)', () => {
  const r = rig('esp32');
  online(r);
  const p = peer(r.lan, 9, 3000);
  r.env.run(`var s = require('dgram').createSocket('udp4'); s.bind(2001);
    s.on('message', function (msg, rinfo) { print(msg.length, rinfo.size, msg.charCodeAt(527)); });`);
  r.lan.run(5);
  const big = Array.from({ length: 1000 }, (_, i) => i & 255);
  p.send('192.168.77.5', 2001, big);
  r.lan.run(5);
  r.env.run("require('dgram').createSocket({ type: 'udp4', recvBufferSize: 2048 }); require('dgram').createSocket({ type: 'udp4', recvBufferSize: 600 });");
  p.send('192.168.77.5', 2001, big);
  r.lan.run(5);
  assert.equal(since(r.env, 1), ['528 528 15', '1000 1000 15']);
  assert.is(r.env.udp.truncated, 1);
  r.env.close();
});

dg('esp8266: payloads over 268 bytes never arrive', () => {
  const r = rig('esp8266');
  online(r);
  const p = peer(r.lan, 9, 3000);
  r.env.run("var s = require('dgram').createSocket('udp4'); s.bind(2001); s.on('message', function (m) { print('got', m.length); });");
  r.lan.run(5);
  p.send('192.168.77.5', 2001, Array(269).fill(1));
  p.send('192.168.77.5', 2001, Array(268).fill(1));
  r.lan.run(5);
  assert.equal(since(r.env, 1), ['got 268']);
  assert.is(r.env.udp.dropped, 1);
  r.env.close();
});

dg('an unbound socket sends from an ephemeral port and still receives the reply; close() fires close twice', () => {
  const r = rig('esp32');
  online(r);
  const p = peer(r.lan, 9, 3000);
  r.env.run(`var s = require('dgram').createSocket('udp4');
    s.on('message', function (m) { print('reply', m); s.close(); });
    s.on('close', function (x) { print('close', x); });
    s.send('hi', 3000, '192.168.77.9');`);
  r.lan.run(5);
  assert.is(p.box.length, 1);
  const eph = p.box[0].fromPort;
  assert.ok(eph >= 49152 && eph <= 65535, `ephemeral port ${eph}`);
  p.send('192.168.77.5', eph, ascii('yo'));
  r.lan.run(5);
  p.send('192.168.77.5', eph, ascii('late'));
  r.lan.run(5);
  assert.equal(since(r.env, 1), ['reply yo', 'close false', 'close false']);
  r.env.close();
});

dg('nothing goes on the wire before the network is up', () => {
  const { lan, env } = rig('esp32');
  env.run("require('dgram').createSocket('udp4').send('early', 3000, '192.168.77.9');");
  lan.run(10);
  assert.equal(lan.wire, []);
  assert.is(env.udp.dropped, 1);
  env.close();
});

// ---------------------------------------------------------------------------------------------

const wifi = suite('env: Wifi per board');

/** Record Wifi events and the connect callback from a script. */
const WATCH = `var W = require('Wifi');
  ['associated', 'connected', 'disconnected'].forEach(function (ev) {
    W.on(ev, function (d) { print(ev, arguments.length ? JSON.stringify(d) : '-'); });
  });
  function join(key) { W.connect('espimp-lab', { password: key }, function (err) { print('cb', JSON.stringify(err)); }); }`;

wifi('esp32: associated, callback, connected {ip, netmask, gw}; getIP returns and calls back (null, info)', () => {
  const { lan, env } = rig('esp32');
  env.run(WATCH + "; join('secret');");
  lan.run(2000);
  env.run("var r = W.getIP(function (err, i) { print('getIP cb', err, i.ip); }); print(JSON.stringify(r));");
  lan.run(1);
  assert.equal(env.output, [
    'associated {"ssid":"espimp-lab","mac":"02:00:00:00:00:01","channel":6}', 'cb null',
    'connected {"ip":"192.168.77.5","netmask":"255.255.255.0","gw":"192.168.77.1"}',
    '{"ip":"192.168.77.5","netmask":"255.255.255.0","gw":"192.168.77.1","mac":"24:0a:c4:00:00:05"}', 'getIP cb null 192.168.77.5']);
  env.close();
});

wifi('esp32: a wrong key gives disconnected {reason "202", msg AUTH_FAIL} and no callback', () => {
  const { lan, env } = rig('esp32');
  env.run(WATCH + "; join('wrong');");
  lan.run(5000);
  assert.equal(env.output, ['disconnected {"ssid":"espimp-lab","mac":"02:00:00:00:00:01","reason":"202","msg":"AUTH_FAIL"}']);
  env.run("print(W.getStatus().station, W.getIP().ip);");
  assert.is(env.output[1], 'AUTH_FAIL 0.0.0.0');
  env.close();
});

wifi('esp8266: connected details say mask; getIP(cb) calls cb(info) with ONE argument; a wrong key calls back "bad password"', () => {
  const { lan, env } = rig('esp8266');
  env.run(WATCH + "; join('secret');");
  lan.run(2000);
  env.run("W.getIP(function (a, b) { print('getIP cb', arguments.length, a.ip, typeof b); }); print(W.getStatus().station);");
  lan.run(1);
  assert.equal(env.output.slice(1), ['cb null', 'connected {"ip":"192.168.77.5","mask":"255.255.255.0","gw":"192.168.77.1"}',
    'connected', 'getIP cb 1 192.168.77.5 undefined']);
  const b = rig('esp8266');
  b.env.run(WATCH + "; join('wrong');");
  b.lan.run(5000);
  assert.equal(b.env.output, ['disconnected {"ssid":"espimp-lab","mac":"02:00:00:00:00:01","reason":"auth_expire"}', 'cb "bad password"']);
  b.env.run("print(W.getStatus().station);");
  assert.is(b.env.output[2], 'bad_password');
  env.close();
  b.env.close();
});

wifi('espruino-wifi: the module boots first; events carry no details; getIP is callback-only {ip, mac}; no getStatus', () => {
  const { lan, env } = rig('espruino-wifi');
  env.run(WATCH + "; join('secret'); print(typeof W.getStatus);");
  lan.run(1000);
  assert.equal(env.output, ['undefined'], 'still booting the ESP8266 after 1 s');
  lan.run(2000);
  env.run("print(W.getIP(function (err, i) { print('getIP', err, JSON.stringify(i)); }));");
  lan.run(50);
  assert.equal(env.output.slice(1), ['associated -', 'connected -', 'cb null', 'undefined', 'getIP null {"ip":"192.168.77.5","mac":"5c:cf:7f:00:00:05"}']);
  const b = rig('espruino-wifi');
  b.env.run(WATCH + "; join('wrong');");
  b.lan.run(5000);
  assert.equal(b.env.output, ['disconnected -', 'cb "WiFi connect failed: +CWJAP:2"']);
  env.close();
  b.env.close();
});

wifi('setIP: esp8266 calls back {success: true}, espruino-wifi null; esp32 has none; peers reach the static address', () => {
  const a = rig('esp8266');
  online(a);
  const p = peer(a.lan, 9, 3000);
  a.env.run(`var W = require('Wifi');
    W.setIP({ ip: '192.168.77.60', gw: '192.168.77.1', netmask: '255.255.255.0' }, function (r) { print('esp8266', JSON.stringify(r)); });
    var s = require('dgram').createSocket('udp4'); s.bind(2001); s.on('message', function (m) { print('msg', m); });`);
  a.lan.run(5);
  p.send('192.168.77.60', 2001, ascii('static'));
  a.lan.run(5);
  assert.equal(since(a.env, 1), ['esp8266 {"success":true}', 'msg static']);
  const b = rig('espruino-wifi');
  online(b);
  b.env.run("require('Wifi').setIP({ ip: '192.168.77.61' }, function (err) { print('espruino-wifi', err); });");
  b.lan.run(50);
  const c = rig('esp32');
  c.env.run("print(typeof require('Wifi').setIP);");
  assert.equal([since(b.env, 1), c.env.output], [['espruino-wifi null'], ['undefined']]);
  for (const x of [a, b, c]) x.env.close();
});

wifi('radio loss: disconnected, no traffic; back in range: associated and connected again (no second callback)', () => {
  const r = rig('esp32');
  r.env.run(WATCH + "; join('secret'); var s = require('dgram').createSocket('udp4'); s.bind(2001); s.on('message', function (m) { print('msg', m); });");
  r.lan.run(2000);
  const p = peer(r.lan, 9, 3000);
  const n = r.env.output.length;
  r.env.device!.unplug('radio');
  r.lan.run(10);
  p.send('192.168.77.5', 2001, ascii('lost'));
  r.lan.run(10);
  r.env.device!.plug('radio');
  r.lan.run(2000);
  p.send('192.168.77.5', 2001, ascii('back'));
  r.lan.run(10);
  assert.equal(since(r.env, n), [
    'disconnected {"ssid":"espimp-lab","mac":"02:00:00:00:00:01","reason":"200","msg":"BEACON_TIMEOUT"}',
    'associated {"ssid":"espimp-lab","mac":"02:00:00:00:00:01","channel":6}',
    'connected {"ip":"192.168.77.5","netmask":"255.255.255.0","gw":"192.168.77.1"}', 'msg back']);
  r.env.close();
});

wifi('linux and pico have no Wifi module; esp32 has no WIZnet', () => {
  const env = createEspruinoEnv({ flavor: 'linux' });
  env.run("try { require('Wifi'); } catch (e) { print(e.message); } try { require('Ethernet'); } catch (e) { print(e.message); }");
  assert.equal(env.output, ['Module "Wifi" not found', 'Module "Ethernet" not found']);
  env.close();
  const { env: pico } = rig('pico');
  pico.run("try { require('Wifi'); } catch (e) { print(e.message); }");
  const { env: esp } = rig('esp32');
  esp.run("try { require('WIZnet'); } catch (e) { print(e.message); }");
  assert.equal([pico.output, esp.output], [['Module "Wifi" not found'], ['Module "WIZnet" not found']]);
  pico.close();
  esp.close();
});

// ---------------------------------------------------------------------------------------------

const wiz = suite('env: WIZnet (W5500)');

const WIRE = "SPI2.setup({ mosi: B15, miso: B14, sck: B13 });";

wiz('connect() with the cable out would block: it throws; the PHY register says no link', () => {
  const r = rig('pico');
  r.env.device!.unplug('cable');
  r.env.run(WIRE + " print(SPI2.send([0, 0x2E, 0, 0], B10)[3] & 1); try { require('WIZnet').connect(SPI2, B10); } catch (e) { print(e.message); }");
  assert.equal(r.env.output, ['0', 'WIZnet: W5500 connect() blocks until the Ethernet link is up (cable out)']);
  r.env.device!.plug('cable');
  r.env.run("print(SPI2.send([0, 0x2E, 0, 0], B10)[3] & 1, SPI2.send([0, 0x39, 0, 0], B10)[3]);");
  assert.is(r.env.output[2], '1 4');
  r.env.close();
});

wiz('setIP() runs DHCP (returns true), getIP() gives {ip, subnet, gateway, dns, mac}; datagrams flow', () => {
  const r = rig('pico');
  const p = peer(r.lan, 9, 3000);
  r.env.run(WIRE + ` var eth = require('WIZnet').connect(SPI2, B10);
    print(eth.getIP().ip, eth.setIP(undefined, function (err) { print('setIP cb', err); }));
    print(JSON.stringify(eth.getIP()));
    require('dgram').createSocket('udp4').send('wired', 3000, '192.168.77.9');`);
  r.lan.run(10);
  assert.equal(r.env.output, ['0.0.0.0 true',
    '{"ip":"192.168.77.5","subnet":"255.255.255.0","gateway":"192.168.77.1","dns":"192.168.77.1","mac":"00:08:dc:00:00:05"}', 'setIP cb null']);
  assert.equal(p.box.map((b) => [b.from, b.bytes]), [['192.168.77.5', ascii('wired')]]);
  r.env.close();
});

wiz('a static setIP({ip, subnet, gateway}) is the address peers reach', () => {
  const r = rig('original');
  const p = peer(r.lan, 9, 3000);
  r.env.run(`SPI3.setup({ mosi: B5, miso: B4, sck: B3 }); var eth = require('WIZnet').connect(SPI3, B2);
    print(eth.setIP({ ip: '192.168.77.50', subnet: '255.255.255.0', gateway: '192.168.77.1' }));
    var s = require('dgram').createSocket('udp4'); s.bind(2001); s.on('message', function (m, i) { print(m, i.address); });`);
  r.lan.run(5);
  p.send('192.168.77.50', 2001, ascii('static'));
  r.lan.run(5);
  assert.equal(r.env.output, ['true', 'static 192.168.77.9']);
  r.env.close();
});

wiz('no link events: a driver polls getStatus().phylink; traffic stops with the cable out and resumes', () => {
  const r = rig('pico');
  const p = peer(r.lan, 9, 3000);
  r.env.run(WIRE + ` var eth = require('WIZnet').connect(SPI2, B10); eth.setIP();
    var s = require('dgram').createSocket('udp4'); s.bind(2001); s.on('message', function (m) { print('msg', m); });
    setInterval(function () { print('phy', eth.getStatus().phylink); }, 1000);`);
  r.lan.run(1000);
  r.env.device!.unplug('cable');
  p.send('192.168.77.5', 2001, ascii('lost'));
  r.lan.run(1000);
  r.env.device!.plug('cable');
  r.lan.run(1000);
  p.send('192.168.77.5', 2001, ascii('back'));
  r.lan.run(10);
  assert.equal(r.env.output, ['phy up', 'phy down', 'phy up', 'msg back']);
  r.env.close();
});

wiz('DHCP with the cable out: setIP() returns false, calls back "DHCP failed" and warns', () => {
  const r = rig('pico');
  r.env.run(WIRE + " var eth = require('WIZnet').connect(SPI2, B10);");
  r.env.device!.unplug('cable');
  r.env.run("print(eth.setIP(undefined, function (e) { print('cb', e); }));");
  r.lan.run(1);
  assert.equal(r.env.output, ['WARNING: DHCP failed', 'false', 'cb DHCP failed']);
  r.env.close();
});

// ---------------------------------------------------------------------------------------------

const storage = suite('env: Storage');

storage('read/write/JSON/list/erase over the given files, binary-safe', () => {
  const files: { [k: string]: string } = { 'espimp.net': '{"nii":"wl0"}' };
  const { env } = rig('esp32', { storage: files });
  env.run(`var S = require('Storage');
    print(S.readJSON('espimp.net').nii, S.read('missing'), S.readJSON('missing'));
    S.write('bin', E.toString([0, 255, 10])); S.writeJSON('cfg', { a: 1 });
    print(S.read('bin').length, S.read('bin').charCodeAt(1), S.list().join(','));
    S.write('blk', 'ab', 0, 4); S.write('blk', 'cd', 2); print(S.read('blk'));
    S.erase('cfg'); print(S.list().join(','), S.getFree() > 0);
    try { S.write('x'.repeat(29), 'y'); } catch (e) { print('long name'); }
    S.write('bad', '{'); try { S.readJSON('bad'); } catch (e) { print('bad json'); } print(S.readJSON('bad', true));`);
  assert.equal(env.output, ['wl0 undefined undefined', '3 255 espimp.net,bin,cfg', 'abcd', 'espimp.net,bin,blk true', 'long name', 'bad json', 'undefined']);
  assert.equal(files.cfg, undefined);
  assert.equal([...files.bin].map((c) => c.charCodeAt(0)), [0, 255, 10], 'the files object is the store');
  env.close();
});

globals.run();
time.run();
e.run();
dg.run();
wifi.run();
wiz.run();
storage.run();
