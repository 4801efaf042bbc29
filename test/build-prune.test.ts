// What the build leaves out per app (build/config.ts, docs/build.md "What the build leaves
// out"): the token scan (appNames), the blob methods of firmware/blob-more.ts, imp's timer
// members (firmware/timers.ts), the counters (firmware/counters.ts), the platform's cancel(), the unnamed imp.net state names, and the mangling of the runtime's internal `_` members. Checked on
// the scan itself and on real bundles run on the real interpreter (espruino-wifi stand-ins).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appNames, uses, usesAll, terserFor, TERSER, pruning } from '../build/config';
import { FEATURES } from '../build/features';
const usesBlobMore = (n: ReturnType<typeof appNames>) => uses(n, 'blob methods');
import { buildBundle } from '../host/bundle';
import { startDevice, haveInterpreter } from '../host/espruino/interpreter';
import { standinsFor, netFile } from '../host/espruino/standins/index';

const HAVE = haveInterpreter('build-prune (bundles run on the real interpreter)');

const dir = mkdtempSync(join(tmpdir(), 'espimp-prune-'));
function appFile(name: string, lines: string[]): string {
  const f = join(dir, name);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

const Scan = suite('the token scan');

Scan('names and strings count, comments do not', () => {
  const n = appNames('// readn\nvar x = b.seek(0); var s = "tell"; /* writen */')!;
  assert.ok(n.values.includes('seek') && n.values.includes('tell') && n.values.includes('x'));
  assert.not.ok(n.values.includes('readn') || n.values.includes('writen'));
  assert.not.ok(n.dynamic);
});

Scan('computed member access with a non-literal key is dynamic; literal keys and array literals are not', () => {
  for (const src of ['a[0]', 'a["x"]', "a['x'].y", 'var l = [1, 2]; f([3])', 'x = a[1][2]']) assert.not.ok(appNames(src)!.dynamic, src);
  for (const src of ['a[i]', 'a[i + 1]', 'a["x" + k]', 'f()[k]', 'a[0][k]', 'eval("1")', 'new Function("x")', 'this[k]']) assert.ok(appNames(src)!.dynamic, src);
});

Scan('usesBlobMore: a named method, a dynamic access, an empty app or an unparsable one keep the methods', () => {
  assert.not.ok(usesBlobMore(appNames('server.log(data.len() + data.tostring());')));
  assert.ok(usesBlobMore(appNames('var v = data.readn("w");')));
  assert.ok(usesBlobMore(appNames('var m = "swap2"; data[m]();')));
  assert.ok(usesBlobMore(appNames('data[op]();')));
  assert.ok(usesBlobMore(appNames('setTimeout("data.readn(\'w\')", 10);')), 'code in a string');
  assert.ok(usesBlobMore(appNames('')));
  assert.ok(usesBlobMore(appNames('var = ;"')));
  assert.ok(usesAll(null) && usesAll(appNames('')) && !usesAll(appNames('x')));
});

Scan('terserFor: internal members mangled, the app\'s own `_` names reserved; none when the app does not tokenize', () => {
  const o = terserFor(appNames('var o = JSON.parse(s); server.log(o._id);')) as any;
  assert.equal(o.mangle.properties.reserved, ['_id']);
  assert.ok(o.mangle.properties.regex.test('_drain'));
  assert.is(terserFor(null), TERSER);
});

Scan('the report says what was left out and why, or why everything was kept', () => {
  const lean = pruning(appNames('var f = imp.net.open({ interface: "wl0" }); f.openudp(null).isopen();'), { niis: ['wl0'] }).line;
  assert.ok(lean.startsWith('left out: agent (no agent), '), lean);
  for (const part of ['counters (no stats/--stats)', 'multicast (no join/leave)', 'live view (no --stats)', '2 of 3 NIIs (not on the board)', 'timer cancelling (no wakeup/cancelwakeup/…)']) assert.ok(lean.includes(part), part);
  // the platform's cancel() stays for the timers, the live view and a booting app
  for (const o of [{ stats: true }, { boot: true }]) assert.not.ok(pruning(appNames('x'), { niis: ['wl0'], ...o }).line.includes('timer cancelling'), JSON.stringify(o));
  assert.not.ok(pruning(appNames('imp.millis()'), { niis: ['wl0'] }).line.includes('timer cancelling'));
  assert.not.ok(lean.includes('isopen'), lean);
  const stats = pruning(appNames('x.stats()'), { niis: ['wl0'], stats: true }).line;
  assert.not.ok(/counters|stats\(\)|live view/.test(stats), stats);
  assert.match(pruning(appNames('var k = "a";\ndata[k]();'), { niis: ['wl0'] }).line, /^kept every optional part the app could reach: `data\[k…\]` at line 2; left out: agent/);
  assert.match(pruning(appNames('var E;\n(function (E) { E[E["A"] = 0] = "A"; })(E || (E = {}));'), { niis: ['wl0'] }).line, /an enum \(E's reverse mapping\) at line 2/);
  assert.match(pruning(appNames('eval("1")'), { niis: ['wl0'] }).line, /`eval` at line 1/);
  assert.match(pruning(appNames(''), { niis: ['wl0'] }).line, /the app is empty/);
  assert.match(pruning(null, { niis: ['wl0'] }).line, /^kept every optional part the app could reach: the app does not tokenize; left out: live view/);
});

Scan('every feature row names a module and its off twin, a generated module, or members', () => {
  for (const f of FEATURES) assert.ok(f.off ? f.module : f.generate ? f.module : f.members && f.members.length, f.name);
});

const Bundles = suite('pruned bundles');

const LEAN = appFile('lean.js', [
  'var got = [imp.net.CONNECTED, imp.net.WIFI_STOPPED, Object.keys(imp.net).filter(function (k) { return k == k.toUpperCase(); }).sort().join()];',
  'var b = blob(3);',
  'got.push(b.len(), b.tostring().length, Object.getOwnPropertyNames(blob.prototype).filter(function (k) { return ["apply", "bind", "call", "replaceWith"].indexOf(k) < 0; }).sort().join(), Object.keys(imp).join());',
  'got.push(Object.keys(global).filter(function (k) { return k.indexOf("SEND_") == 0; }).length, typeof imp.net.open({ interface: "wl0" }).getiptable);',
]);
const FULL = appFile('full.js', [
  'var got = [imp.net.WIFI_SCANNING, imp.net.CELLULAR_PINGING, imp.net.WIFI_STOPPED];',
  'var b = blob();',
  'b.writen(0x1234, "w"); b.writestring("hé"); b.seek(0);',
  'got.push(b.readn("w"), b.readstring(9), b.tell(), b.eos());',
  'var o = { _mine: 5 }; got.push(o._mine, JSON.stringify(o), Object.keys(imp).sort().join(), imp.millis() >= 0, imp.net.stats());',
  'got.push(typeof imp.cancelwakeup(imp.wakeup(60, function () { got.push("woke"); })));',
  'var f = imp.net.open({ interface: "wl0" }); got.push(SEND_ERROR_WOULDBLOCK, f.getstate(), ["isopen", "onreceive"].length);',
  'try { imp.net.open({ interface: "wl0", staticconfig: 5 }); } catch (e) { got.push(e.code); }',
]);

/** Run `app`'s bundle for espruino-wifi on the real interpreter from Storage; its `got` global (once the top level has run) and the bundle. */
async function run(app: string): Promise<{ got: unknown[]; code: string }> {
  const { code } = await buildBundle({ board: 'espruino-wifi', app });
  const dev = await startDevice({ boot: standinsFor('espruino-wifi'), files: netFile(), app: code });
  try {
    const got = await dev.call('got');
    assert.equal(dev.faults, [], 'no uncaught errors');
    return { got, code };
  } finally {
    await dev.kill();
  }
}

Bundles('an app naming no extra blob method or state gets neither, and still works', async () => {
  const { got, code } = await run(LEAN);
  assert.equal(got, [1, 105, 'CONNECTED,WIFI_STOPPED', 3, 3, 'bytes,constructor,len,tostring', 'net', 0, 'function']);
  for (const left of ['readstring', 'swap4', 'SCANNING', 'CELLULAR_PINGING', 'wakeup', 'refused', 'SEND_ERROR', 'getstate', 'isopen', 'onreceive(', 'setIP', 'cell0', '"ethernet"', 'cancel:']) {
    assert.not.ok(code.includes(left), left);
  }
  assert.not.ok(/\._(drain|ring|socks|net)\b/.test(code), 'internal members are mangled');
  // what is left out leaves no call behind: imp is its literal, no empty table is assigned
  assert.match(code, /imp:\{net:/, 'imp is not passed through the timers\' off twin');
  assert.not.match(code, /Object\.assign\([\w$]+,\{\}\)/, 'no empty SEND_ERROR_* table');
});

Bundles('an app naming them gets them, with impOS values and behaviour; its own `_` members stay whole', async () => {
  const { got, code } = await run(FULL);
  assert.equal(got, [100, 300, 105, 0x1234, 'hé', 5, true, 5, '{"_mine":5}', 'cancelwakeup,millis,net,wakeup', true,
    { sent: 0, refused: 0, received: 0, delivered: 0, dropped: 0, oversize: 0, failed: 0 }, 'undefined', 4, 0, 2, 'ERR_BAD_ARG']);
  for (const kept of ['readstring', 'swap4', 'wakeup', 'refused', 'isopen(', 'onreceive(', 'staticconfig', 'setIP', 'cancel:']) assert.ok(code.includes(kept), kept);
});

Bundles('an app that boots like an imp keeps the platform\'s cancel(): its time limit is cancelled once the link is up', async () => {
  const app = appFile('boots.js', ['var ip = imp.net.info().ipv4;', 'console.log("booted " + typeof ip.address);']);
  const { code } = await buildBundle({ board: 'espruino-wifi', app });
  assert.ok(code.includes('cancel:'), 'the platform keeps cancel()');
  const dev = await startDevice({ boot: standinsFor('espruino-wifi'), files: netFile(), app: code });
  try {
    await dev.until(() => dev.lines.some((l) => l.startsWith('booted ')) || dev.faults.length > 0, 'the app\'s top level after boot');
    assert.equal(dev.faults, [], 'no uncaught errors');
    assert.ok(dev.lines.includes('booted string'), dev.lines.join(' | '));
  } finally {
    await dev.kill();
  }
});

Scan.run();
if (HAVE) Bundles.run();
