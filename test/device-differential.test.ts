// @serial: real sockets on the loopback LAN (the interpreter binds 0.0.0.0).
// Blob methods, bad input and the rate limit give the same results on every board's bundle (an
// empty app: the whole runtime) on the real Espruino interpreter, through the board's stand-ins,
// as on the PC's runtime: one list of expressions, evaluated on both sides; any difference fails.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { standinsFor, netFile } from '../host/espruino/standins/index';
import { startDevice } from '../host/espruino/interpreter';
import { listBoards, loadBoard } from '../build/boards';
import { bundleOf, appFile, runWithInterpreter } from './support/espruino-device';
import { connectedLan, WIFI } from './support/runtime';
import type { Nii } from '../firmware/api';


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
  // sends until the first 4, however long each takes (the bucket refills 25 a second meanwhile on the device)
  ['rate limit (last: the PC clock stands still): a burst is refused with 4 once the bucket of 100 (less the earlier sends) is spent', '(function(){var s=sock(),n=0,r,i;for(i=0;i<2000&&r!=4;i++){r=s.send("192.168.77.3",PORT,"x");if(r==0)n++;}s.close();return [n>=90,r];})()'],
];

type Outcome = { v?: unknown; code?: string };

/** The PC side: a host runtime on the simulated LAN, `nii` connected. */
function pcSide(nii: Nii) {
  const { devices: [{ rt, f }] } = connectedLan(1, { nii, board: { niis: { [nii]: 'mock' }, ring: 2048 }, lan: { subnet: '192.168.77' }, first: 201 });
  const sock = () => f.openudp(null);
  return (expr: string): Outcome => {
    try {
      const v = new Function('imp', 'blob', 'sock', 'F', 'PORT', 'SEND_ERROR_WOULDBLOCK', `return ${expr};`)(rt.imp, rt.blob, sock, f, 29999, 4);
      return { v: JSON.parse(JSON.stringify(v ?? null)) };
    } catch (e: any) {
      return { code: e && e.code ? e.code : `threw without a code: ${e}` };
    }
  };
}

const Diff = suite('the same results on the interpreter as on the PC (blob, bad input, rate limit)');
const EMPTY = appFile('');

for (const board of listBoards()) {
  Diff(`${board}: every case`, async () => {
    const nii = Object.keys(loadBoard(board).niis)[0] as Nii;
    const dev = await startDevice({ boot: standinsFor(board, { ip: '192.168.77.201', ...WIFI }), files: netFile(WIFI), app: await bundleOf(board, EMPTY, 201) });
    try {
      const since = dev.events.length;
      await dev.run(`global.F = imp.net.open({interface: "${nii}"}, function (s) { if (s == 1) report({t: "up"}); })`);
      await dev.event((e) => e.t === 'up', `${nii} connected`, since);
      await dev.run('global.PORT = 29999; global.sock = function () { return F.openudp(null); }');
      const pc = pcSide(nii);
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
}

runWithInterpreter('device-differential (blob, bad input, rate limit on the real interpreter)', Diff);
