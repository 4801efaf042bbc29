// @serial: real sockets on the loopback LAN (the interpreter binds 0.0.0.0).
// The linux board's bundles on the real Espruino interpreter (host/espruino/interpreter.ts), run
// from Storage as a saved app: the echo answers byte for byte for 1..1460-byte payloads, strings
// go out as their UTF-8 bytes, the sensor hub runs there with PC nodes, and the same blob
// methods, bad input and rate limit give the same results on the interpreter as on the PC's
// runtime (a differential suite: one list of expressions, evaluated on both sides).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveInterpreter, BIND_REPORTER, type Device } from '../host/espruino/interpreter';
import { boardDevice, appFile, peer } from './fixtures/device';
import { Lan } from '../hal/mock/lan';
import { createNodeDriver } from '../hal/node/driver';
import { createHostPlatform } from '../hal/node/platform';
import { HOST_BOARD } from '../hal/node/board';
import { createRuntime } from '../firmware/runtime';
import { appSource, guarded, startApp } from '../host/app';
import { boot, connect } from './helpers';

const HAVE = haveInterpreter('device-linux (the linux board on the real interpreter)');
const ECHO = 'examples/echo/echo.js';
/** An empty app: the bundle is the whole runtime (nothing left out), driven through the REPL. */
const EMPTY = appFile('');

const Echo = suite('linux echo on the real interpreter');

Echo('answers a peer byte for byte for 1..1460-byte payloads, and a broadcast', async () => {
  const dev = await boardDevice('linux', ECHO, { host: 201, boot: [BIND_REPORTER] });
  const p = await peer(3);
  try {
    await dev.event((e) => e.t === 'bound' && e.port === 2001, 'the echo socket bound');
    assert.ok(dev.lines.includes('Echo server on 192.168.77.201:2001'), dev.lines.join('\n'));
    const sizes = [1, 2, 63, 64, 255, 256, 527, 528, 529, 1023, 1024, 1400, 1459, 1460];
    for (const [i, n] of sizes.entries()) {
      const data = Buffer.from(Array.from({ length: n }, (_, k) => (k * 7 + n) & 255));
      await p.send(data, 2001);
      await p.count(i + 1);
      const got = p.got[i];
      assert.is(got.port, 2001, 'from the echo port');
      assert.is(got.msg.length, n, `length of the ${n}-byte echo`);
      assert.ok(got.msg.equals(data), `bytes of the ${n}-byte echo`);
    }
    p.s.setBroadcast(true);
    await p.send('to all', 2001, '127.255.255.255');
    await p.count(sizes.length + 1);
    assert.is(p.got[sizes.length].msg.toString(), 'to all');
    assert.equal(dev.faults, []);
    assert.ok(dev.lines.some((l) => l === `Received 1460 bytes from 192.168.77.3:${p.port} to 192.168.77.201:2001`));
  } finally {
    await dev.kill();
    await p.close();
  }
});

Echo('a string goes out as its UTF-8 bytes; a binary string as its bytes; a 65,508-char string is refused', async () => {
  const dev = await boardDevice('linux', EMPTY, { host: 201 });
  const p = await peer(4);
  try {
    await waitConnected(dev);
    await dev.run('global.S = F.openudp(null)');
    assert.is(await dev.call(`S.send("192.168.77.4", ${p.port}, "h\\u00e9llo \\u2713 \\ud83d\\ude00")`), 0);
    await p.count(1);
    assert.ok(p.got[0].msg.equals(Buffer.from('h\u00e9llo \u2713 \u{1F600}', 'utf8')), `UTF-8 bytes: ${p.got[0].msg.toString('hex')}`);
    assert.is(await dev.call(`S.send("192.168.77.4", ${p.port}, E.toString([0, 200, 255]))`), 0);
    await p.count(2);
    assert.equal([...p.got[1].msg], [0, 200, 255]);
    assert.is(await dev.codeOf(`S.send("192.168.77.4", ${p.port}, "x".repeat(65508))`), 'ERR_DATA_TOO_LONG');
    assert.equal(dev.faults, []);
  } finally {
    await dev.kill();
    await p.close();
  }
});

/** Open eth0 as global F and wait until it is connected. */
async function waitConnected(dev: Device) {
  const since = dev.events.length;
  await dev.run('global.F = imp.net.open({interface: "eth0"}, function (s) { if (s == 1) report({t: "up"}); })');
  await dev.event((e) => e.t === 'up', 'eth0 connected', since);
}

const Hub = suite('linux sensor hub on the real interpreter');

Hub('the hub on the interpreter discovers two PC nodes by broadcast and polls them', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'espimp-device-hub-'));
  const hub = await boardDevice('linux', 'examples/sensor-hub/hub.js', { host: 201, boot: ['global.HUB_POLL_SECONDS = 1;'] });
  const nodes = [202, 203].map((h) => {
    const lines: string[] = [];
    const driver = createNodeDriver({ lan: 'loopback', ip: `192.168.77.${h}`, linuxPeer: '192.168.77.201', onfault: (c, d) => lines.push(`FAULT ${c} ${d}`) });
    const write = (l: string) => { lines.push(l); hub.poke(); };
    const p = guarded(createHostPlatform({ stateFile: join(stateDir, `${h}.json`), write }), (l) => write('ERROR: ' + l));
    const rt = createRuntime(p, { node: driver }, HOST_BOARD);
    startApp(appSource('examples/sensor-hub/node.js'), 'node.js', rt, p, { SENSOR_ID: `n${h}` });
    return { lines, driver };
  });
  try {
    const has = (re: RegExp) => hub.lines.some((l) => re.test(l));
    await hub.until(() => has(/^Reading from n202: .*\(seq 2\)$/) && has(/^Reading from n203: .*\(seq 2\)$/), 'two readings from each node');
    assert.ok(has(/^Discovered node n202 at 192\.168\.77\.202$/), hub.lines.join('\n'));
    assert.ok(has(/^Discovered node n203 at 192\.168\.77\.203$/), hub.lines.join('\n'));
    assert.equal(hub.faults, []);
    for (const n of nodes) assert.not.ok(n.lines.some((l) => /^(ERROR|FAULT)/.test(l)), n.lines.join('\n'));
  } finally {
    await hub.kill();
    for (const n of nodes) n.driver.shutdown();
  }
});

/**
 * The differential cases: each a JavaScript expression over the app globals plus `sock()` (a new
 * socket on the connected eth0) and `PORT` (where nobody listens), evaluated on the PC's runtime
 * and on the interpreter; they must give the same value or the same error code.
 */
const CASES: [string, string][] = [
  ['blob: writen/readn every type', '(function(){var b=blob(2);b.writen(-1,"c");b.writen(200,"b");b.writen(-3,"s");b.writen(65000,"w");b.writen(-5,"i");b.writen(2.5,"f");b.writen(-0.25,"d");b.seek(0);return [b.len(),b.readn("c"),b.readn("b"),b.readn("s"),b.readn("w"),b.readn("i"),b.readn("f"),b.readn("d"),b.eos()];})()'],
  ['blob: UTF-8 strings in and out', '(function(){var b=blob();b.writestring("h\\u00e9llo \\u2713");b.seek(0);return [b.len(),b.readstring(3),b.tell(),b.tostring(),b.tostring().length];})()'],
  ['blob: invalid UTF-8 decodes byte for char', '(function(){var b=blob(4);b.set(0,97);b.set(1,255);b.set(2,200);b.set(3,98);return [b.tostring().length,b.tostring().charCodeAt(1)];})()'],
  ['blob: swaps and byte access', '(function(){var b=blob(4),a;b.set(0,1);b.set(1,2);b.set(2,3);b.set(3,260);b.swap2();a=[b.get(0),b.get(1),b.get(2),b.get(3)];b.swap4();return a.concat([b.get(0),b.get(3)]);})()'],
  ['blob: seek, resize', '(function(){var b=blob(4),r=[];b.seek(0,"e");b.writestring("ab");r.push(b.len());b.resize(3);r.push(b.len(),b.tell(),b.seek(-1,"c"),b.tell(),b.seek(9),b.tell(),b.seek(1,"b"),b.tell());return r;})()'],
  ['blob: readblob, writeblob of itself', '(function(){var b=blob();b.writestring("xyz");b.writeblob(b);b.seek(1);var c=b.readblob(3);return [b.tostring(),c.len(),c.tostring(),b.tell()];})()'],
  ['blob: a negative size', 'blob(-1)'],
  ['blob: get past the end', 'blob(1).get(1)'],
  ['blob: readn past the end', 'blob(1).readn("w")'],
  ['blob: an unknown type', 'blob(1).writen(1,"q")'],
  ['blob: a non-number', 'blob(1).writen("x","b")'],
  ['blob: an unknown whence', 'blob(2).seek(0,"q")'],
  ['send: port 70000', 'sock().send("192.168.77.3",70000,"x")'],
  ['send: port NaN', 'sock().send("192.168.77.3",NaN,"x")'],
  ['send: port Infinity', 'sock().send("192.168.77.3",Infinity,"x")'],
  ['send: port 1.5', 'sock().send("192.168.77.3",1.5,"x")'],
  ['send: port "2001"', 'sock().send("192.168.77.3","2001","x")'],
  ['send: port 67 (DHCP)', 'sock().send("192.168.77.3",67,"x")'],
  ['send: a public address', 'sock().send("8.8.8.8",PORT,"x")'],
  ['send: a public address closes the socket', '(function(){var s=sock();try{s.send("8.8.8.8",PORT,"x")}catch(e){}return s.isopen();})()'],
  ['send: not an address', 'sock().send("192.168.77",PORT,"x")'],
  ['send: a number as address', 'sock().send(12,PORT,"x")'],
  ['send: a number as data', 'sock().send("192.168.77.3",PORT,12)'],
  ['send: an object as data', 'sock().send("192.168.77.3",PORT,{toString:function(){return "x"}})'],
  ['send: 65,508 chars', 'sock().send("192.168.77.3",PORT,"x".repeat(65508))'],
  ['send: a 65,508-byte blob', 'sock().send("192.168.77.3",PORT,blob(65508))'],
  ['send: 0 bytes', '[sock().send("192.168.77.3",PORT,""),sock().send("192.168.77.3",PORT,blob())]'],
  ['send: on a closed socket', '(function(){var s=sock();s.close();return s.send("192.168.77.3",PORT,"x");})()'],
  ['openudp: port 80', 'F.openudp(null,80)'],
  ['openudp: a number as callback', 'F.openudp(5)'],
  ['openudp: a port in use', '(function(){var a=F.openudp(null,29998);try{return F.openudp(null,29998);}finally{a.close();}})()'],
  ['open: an unknown interface', 'imp.net.open({interface:"zz0"})'],
  ['state constants', '[imp.net.CONNECTED,imp.net.ETHERNET_STOPPED_NO_LINK,SEND_ERROR_WOULDBLOCK]'],
  ['rate limit (last: the PC clock stands still): a burst of 120 sends gives 4 after the bucket', '(function(){var s=sock(),n=0,r,i;for(i=0;i<120;i++){r=s.send("192.168.77.3",PORT,"x");if(r==0)n++;}s.close();return [n>=90&&n<115,r];})()'],
];

type Outcome = { v?: unknown; code?: string };

/** The PC side: a host runtime on the simulated LAN, eth0 connected. */
function pcSide() {
  const lan = new Lan({ subnet: '192.168.77' });
  const b = boot(lan, 201, { niis: { eth0: 'mock' }, ring: 2048 });
  const { f } = connect(lan, b);
  const sock = () => f.openudp(null);
  return (expr: string): Outcome => {
    try {
      const v = new Function('imp', 'blob', 'sock', 'F', 'PORT', 'SEND_ERROR_WOULDBLOCK', `return ${expr};`)(b.rt.imp, b.rt.blob, sock, f, 29999, 4);
      return { v: JSON.parse(JSON.stringify(v ?? null)) };
    } catch (e: any) {
      return { code: e && e.code ? e.code : `threw without a code: ${e}` };
    }
  };
}

const Diff = suite('the same results on the interpreter as on the PC (blob, bad input, rate limit)');

Diff('every case', async () => {
  const dev = await boardDevice('linux', EMPTY, { host: 201 });
  try {
    await waitConnected(dev);
    await dev.run('global.PORT = 29999; global.sock = function () { return F.openudp(null); }');
    const pc = pcSide();
    const diffs: string[] = [];
    for (const [what, expr] of CASES) {
      const want = pc(expr);
      let got: Outcome;
      try {
        got = { v: (await dev.call(expr)) ?? null };
      } catch (e: any) {
        got = { code: e.code || `threw without a code: ${e.message}` };
      }
      if (JSON.stringify(got) !== JSON.stringify(want)) diffs.push(`${what}: PC ${JSON.stringify(want)}, interpreter ${JSON.stringify(got)}`);
    }
    assert.equal(diffs, []);
    assert.equal(dev.faults, []);
  } finally {
    await dev.kill();
  }
});

if (HAVE) {
  Echo.run();
  Hub.run();
  Diff.run();
} else {
  const skipped = suite('device-linux');
  skipped('skipped: no interpreter (see the line above)', () => {});
  skipped.run();
}
