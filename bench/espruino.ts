// The linux board's bundle on the real Espruino interpreter (host/espruino/interpreter.ts) against
// raw `dgram` in the same interpreter, same run. The bundle is BENCH_APP's (the runtime an app
// that opens, sends, receives and closes gets, driven through dev.call) with the rate limit lifted: the built bundle's bucket literal is
// replaced by a huge one (capacity 1e12 milli-packets, refill 1e12 per ms), as bench/device.ts
// does through board data on the PC. Loopback only: the Node sink and peer sit at 127.77.0.3
// (= 192.168.77.3), the device at 192.168.77.2.
//
//   send     µs per send() measured inside the interpreter with getTime(): batches of 10 sends
//            (one timed loop), a setTimeout(0) yield between batches, 20 batches per side and
//            round, sides alternating round by round after a warm-up round; the median of the
//            rounds per side. raw: sock.send(str) of a string of the same bytes, already made.
//   receive  µs from the datagram's 'message' event (a boot-script wrapper stamps T0 on entry) to
//            the app's handler: onreceive with a blob vs a raw 'message' handler that does
//            E.toUint8Array(msg); one datagram at a time (the handler acks, untimed); median.
//   echo     round trip measured by the Node peer: espimp echo (onreceive -> send(blob)) vs a
//            raw dgram echo (message -> send(msg)) in the same interpreter; median.
// Ratio = espimp / raw (lower is better); targets from the issue. Results: bench/results/espruino.json.
import dgram from 'node:dgram';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundle } from '../host/bundle';
import { startDevice, espruinoDir, BIND_REPORTER, type Device, type InterpreterKind } from '../host/espruino/interpreter';
import { median } from './harness';

/** setTimeout(0) hops between batches: Espruino's dgram queues sends and its idle loop sends them, a few per turn. */
const HOPS = Number(process.env.HOPS || 12);

export interface EspruinoRow {
  bench: string; kind: InterpreterKind; payload: number;
  /** Where the bundle's code runs from: RAM (as typed into the REPL) or Storage (saved; on the Linux port its flash is a file, read at every call). */
  where: 'ram' | 'storage';
  /** Median µs per operation. */ raw: number; espimp: number;
  /** espimp / raw. */ ratio: number; target: number | null;
  rawSamples: number[]; espimpSamples: number[];
  what: string;
}
export interface EspruinoResult { node: string; rounds: number; echoes: number; rows: EspruinoRow[] }

/** A boot script: BIND_REPORTER, and every 'message' listener stamps global.T0 = getTime() on entry (and is called with the socket as `this`, as dgram calls it: hal/espruino/dgram.ts shares one listener). */
const STAMP = 'global.realDgram=require("dgram");Modules.addCached("dgram",' + JSON.stringify(
  'exports.createSocket=function(o,c){var s=realDgram.createSocket(o,c),b=s.bind,on=s.on;'
  + 's.bind=function(p,f){return b.call(s,p,function(x){report({t:"bound",port:p});if(f)f(x);});};'
  + 's.on=function(e,h){return on.call(s,e,e=="message"?function(m,i){global.T0=getTime();h.call(this,m,i);}:h);};return s;};') + ');';

const r2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The app the bench bundle is built from: it runs nothing (the bench drives the runtime through
 * the REPL) but names what the bench calls, as an app that opens, sends, receives and closes
 * does, so the build leaves out what such an app leaves out (counters: it never names `stats`).
 */
export const BENCH_APP = 'var uses = "imp.net.open interface eth0 openudp send close blob";\n';

/** The linux bundle of BENCH_APP at 192.168.77.2, with the bucket lifted. */
export async function benchBundle(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'espimp-bench-app-'));
  writeFileSync(join(dir, 'app.js'), BENCH_APP);
  const code = (await buildBundle({ board: 'linux', app: join(dir, 'app.js'), ip: '192.168.77.2', budget: false })).code;
  const lifted = code.replace(/bucket:\{capacity:[^,}]+,refill:[^,}]+,cost:([^,}]+)\}/, 'bucket:{capacity:1e12,refill:1e12,cost:$1}');
  if (lifted === code) throw new Error('bench: the bundle has no bucket literal to lift');
  return lifted;
}

/** A Node socket at 127.77.0.3 recording datagrams by sender port, with a waiter for the next one. */
async function nodeSide() {
  const s = dgram.createSocket('udp4');
  const byPort = new Map<number, number>();
  let next: ((m: Buffer) => void) | null = null;
  s.on('message', (m, r) => { byPort.set(r.port, (byPort.get(r.port) || 0) + 1); const n = next; next = null; if (n) n(m); });
  await new Promise<void>((res, rej) => { s.once('error', rej); s.bind(0, '127.77.0.3', () => res()); });
  return {
    s, byPort, port: s.address().port,
    /** Send `data` to 127.77.0.2:`port` and resolve with the next datagram (reject after 2 s). */
    ask(data: Buffer, port: number): Promise<Buffer> {
      return new Promise((res, rej) => {
        const guard = setTimeout(() => { next = null; rej(new Error(`no answer from port ${port}`)); }, 2000);
        next = (m) => { clearTimeout(guard); res(m); };
        s.send(data, port, '127.77.0.2');
      });
    },
    close: () => new Promise<void>((r) => s.close(() => r())),
  };
}

async function connect(dev: Device, ports: number[]) {
  const since = dev.events.length;
  await dev.run('global.F = imp.net.open({interface: "eth0"}, function (s) { if (s == 1) report({t: "up"}); })');
  await dev.event((e) => e.t === 'up', 'eth0 connected', since);
  return async () => { for (const p of ports) await dev.event((e) => e.t === 'bound' && e.port === p, `port ${p} bound`, since); };
}

/** Bytes i*7+1 & 255 (not ASCII) as a JS expression making a Uint8Array in the interpreter. */
const bytesExpr = (n: number) => `(function(){var u=new Uint8Array(${n});for(var i=0;i<${n};i++)u[i]=i*7+1&255;return u;})()`;

/** The send benchmarks on interpreter `kind`. */
export async function benchSend(kind: InterpreterKind, app: string, rounds: number, sizes: number[], where: 'ram' | 'storage'): Promise<EspruinoRow[]> {
  const base = 30000 + Math.floor(Math.random() * 20000);
  const dev = await startDevice({ kind, app, ram: where === 'ram', boot: [BIND_REPORTER], echo: process.env.ECHO ? (l) => console.log('  |', l) : undefined });
  const sink = await nodeSide();
  const rows: EspruinoRow[] = [];
  try {
    const bound = await connect(dev, [base, base + 1]);
    await dev.run(`global.SK=require("dgram").createSocket({type:"udp4",reuseAddr:true});SK.bind(${base});global.S=F.openudp(null,${base + 1});`);
    await bound();
    await dev.run(`global.HOPS=${HOPS};global.hop=function(f){var k=HOPS;function h(){if(--k>0)setTimeout(h,0);else f();}setTimeout(h,0);};
      global.BS=function(fr,fi,batches,rounds,id){var out={raw:[],imp:[]},r=0;
      function side(fn,arr,next){var b=0,acc=0;function batch(){var t0=getTime();fn();acc+=getTime()-t0;
        if(++b<batches)hop(batch);else{if(r>1)arr.push(acc*1e5/batches);hop(next);}}batch();}
      function round(){if(++r>rounds+1)return report({t:"send",id:id,raw:out.raw,imp:out.imp});
        if(r&1)side(fr,out.raw,function(){side(fi,out.imp,round);});else side(fi,out.imp,function(){side(fr,out.raw,round);});}
      round();}`);
    const cases: { name: string; size: number; setup: string; target: number | null; what: string }[] = [];
    for (const n of sizes) {
      cases.push({ name: 'send blob', size: n, target: 3, what: 'S.send(ip, port, blob) vs SK.send(binary string of the bytes)',
        setup: `var u=${bytesExpr(n)};global.PI=blob(${n});for(var k in PI)if(PI[k] instanceof Uint8Array)PI[k].set(u);global.PR=E.toString(u);` });
      cases.push({ name: 'send string', size: n, target: 3, what: 'S.send(ip, port, ASCII string) vs SK.send(the same string)',
        setup: `global.PI=global.PR="${'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(40).slice(0, n)}";` });
      cases.push({ name: 'send utf8 string', size: n, target: null, what: 'S.send(ip, port, UTF-8 string) vs SK.send(binary string of its UTF-8 bytes)',
        setup: `global.PI="${'\\u00e9'.repeat(n >> 1)}";global.PR=E.toString(E.toUint8Array(PI));` });
    }
    for (const [id, c] of cases.entries()) {
      const before = { raw: sink.byPort.get(base) || 0, imp: sink.byPort.get(base + 1) || 0 };
      const since = dev.events.length;
      await dev.run(`${c.setup}
        BS(function(){for(var i=0;i<10;i++)SK.send(PR,${sink.port},"127.77.0.3");},
           function(){for(var i=0;i<10;i++)S.send("192.168.77.3",${sink.port},PI);},20,${rounds},${id});`);
      const e = await dev.event((x) => x.t === 'send' && x.id === id, c.name, since, 120_000);
      await new Promise((r) => setTimeout(r, 100));
      const raw = median(e.raw), imp = median(e.imp);
      rows.push({ bench: c.name, kind, where, payload: c.size, raw: r2(raw), espimp: r2(imp), ratio: r2(imp / raw), target: c.target,
        rawSamples: e.raw.map(r2), espimpSamples: e.imp.map(r2),
        what: `${c.what}; delivered raw ${(sink.byPort.get(base) || 0) - before.raw}, espimp ${(sink.byPort.get(base + 1) || 0) - before.imp} of ${20 * 10 * (rounds + 1)} each` });
    }
    if (dev.faults.length) throw new Error(`interpreter faults: ${dev.faults.join('; ')}`);
  } finally {
    dev.kill();
    await sink.close();
  }
  return rows;
}

/** Receive and echo on the 64-bit interpreter: `n` measured datagrams per side and size. */
export async function benchLatency(app: string, n: number, sizes: number[], where: 'ram' | 'storage'): Promise<EspruinoRow[]> {
  const rows: EspruinoRow[] = [];
  const base = 30000 + Math.floor(Math.random() * 20000);
  const ports = [base, base + 1, base + 2, base + 3, base + 4];
  const dev = await startDevice({ kind: '64', app, ram: where === 'ram', boot: [STAMP] });
  const peer = await nodeSide();
  try {
    const bound = await connect(dev, ports);
    await dev.run(`var dg=require("dgram"),o={type:"udp4",reuseAddr:true,recvBufferSize:8192};
      global.RXR=[];global.RXI=[];global.AK=dg.createSocket(o);AK.bind(${base});
      global.RR=dg.createSocket(o);RR.on("message",function(m,i){var u=E.toUint8Array(m);RXR.push(getTime()-T0);AK.send("k",i.port,i.address);});RR.bind(${base + 1});
      global.RI=F.openudp(function(f,p,t,l,b){RXI.push(getTime()-T0);AK.send("k",${peer.port},"127.77.0.3");},${base + 2});
      global.EC=dg.createSocket(o);EC.on("message",function(m,i){EC.send(m,i.port,i.address);});EC.bind(${base + 3});
      global.EI=F.openudp(function(f,p,t,l,b){EI.send(f,p,b);},${base + 4});`);
    await bound();
    for (const size of sizes) {
      const data = Buffer.from(Array.from({ length: size }, (_, k) => (k * 7 + 1) & 255));
      // receive: one datagram at a time, sides alternating in tens, the first ten of each a warm-up
      await dev.run('RXR=[];RXI=[];');
      for (let k = 0; k < 2 * (n + 10); k++) await peer.ask(data, (k / 10) & 1 ? base + 2 : base + 1);
      const rx = await dev.call('[RXR.slice(10),RXI.slice(10)]');
      const rr = rx[0].map((x: number) => x * 1e6), ri = rx[1].map((x: number) => x * 1e6);
      rows.push({ bench: 'receive', kind: '64', where, payload: size, raw: r2(median(rr)), espimp: r2(median(ri)), ratio: r2(median(ri) / median(rr)), target: 2,
        rawSamples: [], espimpSamples: [], what: `'message' entry to handler: onreceive(blob) vs raw handler doing E.toUint8Array(msg); median of ${rr.length}/${ri.length}` });
      // echo
      const t: { raw: number[]; imp: number[] } = { raw: [], imp: [] };
      for (let k = 0; k < 2 * (n + 10); k++) {
        const imp = ((k / 10) & 1) === 1;
        const t0 = process.hrtime.bigint();
        const m = await peer.ask(data, imp ? base + 4 : base + 3);
        const us = Number(process.hrtime.bigint() - t0) / 1000;
        if (!m.equals(data)) throw new Error(`echo of ${size} bytes came back wrong (${imp ? 'espimp' : 'raw'})`);
        if (k >= 20) (imp ? t.imp : t.raw).push(us);
      }
      rows.push({ bench: 'echo', kind: '64', where, payload: size, raw: r2(median(t.raw)), espimp: r2(median(t.imp)), ratio: r2(median(t.imp) / median(t.raw)), target: 2,
        rawSamples: [], espimpSamples: [], what: `round trip at the Node peer: onreceive -> send(blob) vs message -> send(msg); median of ${t.raw.length}/${t.imp.length}` });
    }
    if (dev.faults.length) throw new Error(`interpreter faults: ${dev.faults.join('; ')}`);
  } finally {
    dev.kill();
    await peer.close();
  }
  return rows;
}

/**
 * Floors: what the spec's semantics cost on this interpreter before any of espimp's code, hand-
 * written in the same run against the same raw baseline (no bundle): a send through a bare
 * wrapper (E.toString of a blob's bytes, then dgram.send), that plus the spec's integer-ms token
 * bucket, and the spec's fast path written plainly as one function (socket open, the last good
 * address and port, the size, the bucket, the send); a receive that copies the datagram into a
 * ring and hands it on from one event-loop turn (a resolved Promise's then(), or emit() on an
 * object, the cheapest turn measured), then copies it out as the raw handler does.
 */
export async function benchFloors(rounds: number): Promise<EspruinoRow[]> {
  const base = 30000 + Math.floor(Math.random() * 20000);
  const dev = await startDevice({ kind: '64', boot: [STAMP] });
  const peer = await nodeSide();
  const rows: EspruinoRow[] = [];
  try {
    const since = dev.events.length;
    const ack = `AK.send("k",${peer.port},"127.77.0.3")`;
    await dev.run(`var dg=require("dgram"),o={type:"udp4",reuseAddr:true,recvBufferSize:8192};
      global.AK=dg.createSocket(o);AK.bind(${base});global.X={raw:[],promise:[],emit:[]};global.R=new Uint8Array(2048);global.N=0;
      global.DP=function(){var u=E.toUint8Array(R.subarray(0,N));X.promise.push(getTime()-T0);${ack};};
      global.EM={};EM.on("d",function(){var u=E.toUint8Array(R.subarray(0,N));X.emit.push(getTime()-T0);${ack};});
      global.S1=dg.createSocket(o);S1.on("message",function(m,i){var u=E.toUint8Array(m);X.raw.push(getTime()-T0);${ack};});S1.bind(${base + 1});
      global.S2=dg.createSocket(o);S2.on("message",function(m,i){R.set(m,0);N=m.length;Promise.resolve().then(DP);});S2.bind(${base + 2});
      global.S3=dg.createSocket(o);S3.on("message",function(m,i){R.set(m,0);N=m.length;EM.emit("d");});S3.bind(${base + 3});
      global.u=${bytesExpr(64)};global.BL={v:u,_:64};global.STR=E.toString(u);
      global.B=function(){return {t:1e15,c:1e15,r:1e12,l:0,k:1000};};
      global.take=function(b){var n=Math.floor(getTime()*1e3),e=n-b.l;b.l=n;if(e>0)b.t=Math.min(b.c,b.t+e*b.r);if(b.t<b.k)return false;b.t-=b.k;return true;};
      global.SK={open:true,good:"127.77.0.3",gp:${peer.port},b:B(),b2:B(),
        wrap:function(a,p,d){AK.send(E.toString(d.v),p,a);return 0;},
        bucket:function(a,p,d){if(!take(this.b2))return 4;AK.send(E.toString(d.v),p,a);return 0;},
        spec:function(a,p,d){var t=this;if(!t.open)throw 1;if(typeof a!="string"||typeof p!="number"||a!==t.good||p!==t.gp||(typeof d=="string"?d.length:d._)>64)throw 2;if(!take(t.b))return 4;AK.send(typeof d=="string"?d:E.toString(d.v),p,a);return 0;}};
      global.FB={raw:function(){for(var i=0;i<10;i++)AK.send(STR,${peer.port},"127.77.0.3");},
        wrap:function(){for(var i=0;i<10;i++)if(SK.wrap("127.77.0.3",${peer.port},BL))throw 5;},
        bucket:function(){for(var i=0;i<10;i++)if(SK.bucket("127.77.0.3",${peer.port},BL))throw 5;},
        spec:function(){for(var i=0;i<10;i++)if(SK.spec("127.77.0.3",${peer.port},BL))throw 5;}};
      global.FS={raw:[],wrap:[],bucket:[],spec:[]};
      global.floors=function(n){var K=["raw","wrap","bucket","spec"],k=0;function step(){var c=K[k%4],f=FB[c],t0=getTime();f();if(k>=8)FS[c].push((getTime()-t0)*1e5);
        if(++k<8+4*n)setTimeout(step,3);else report({t:"floors"});}setTimeout(step,3);};`);
    for (const p of [base, base + 1, base + 2, base + 3]) await dev.event((e) => e.t === 'bound' && e.port === p, `port ${p} bound`, since);
    const s2 = dev.events.length;
    await dev.run(`floors(${20 * rounds})`);
    await dev.event((e) => e.t === 'floors', 'the send floors', s2, 120_000);
    const fs = await dev.call('FS');
    const rawSend = median(fs.raw);
    for (const [name, what] of [['wrap', 'a bare wrapper: dgram.send(E.toString(blob bytes))'], ['bucket', 'the wrapper plus the spec\'s integer-ms token bucket'],
      ['spec', 'the spec\'s fast path as one plain function: open, last good address and port (typeof first), size, bucket, E.toString, dgram.send']]) {
      rows.push({ bench: `floor: send ${name}`, kind: '64', where: 'ram', payload: 64, raw: r2(rawSend), espimp: r2(median(fs[name])), ratio: r2(median(fs[name]) / rawSend), target: null,
        rawSamples: [], espimpSamples: [], what: `${what}, hand-written, vs raw dgram.send; batches of 10 as the send bench` });
    }
    const data = Buffer.from(Array.from({ length: 64 }, (_, k) => (k * 7 + 1) & 255));
    for (let k = 0; k < 3 * (40 * rounds + 10); k++) await peer.ask(data, base + 1 + Math.floor(k / 10) % 3);
    const x = await dev.call('X');
    const us = (a: number[]) => median(a.slice(10).map((v) => v * 1e6));
    for (const [name, what] of [['promise', 'a resolved Promise\'s then()'], ['emit', 'emit() on an object (Espruino queues it for the idle loop)']]) {
      rows.push({ bench: `floor: receive ring + ${name}`, kind: '64', where: 'ram', payload: 64, raw: r2(us(x.raw)), espimp: r2(us(x[name])), ratio: r2(us(x[name]) / us(x.raw)), target: null,
        rawSamples: [], espimpSamples: [], what: `the spec's deferred delivery alone: R.set(msg) into a ring, one turn through ${what}, E.toUint8Array(R.subarray()), vs the raw handler's E.toUint8Array(msg)` });
    }
    if (dev.faults.length) throw new Error(`interpreter faults: ${dev.faults.join('; ')}`);
  } finally {
    dev.kill();
    await peer.close();
  }
  return rows;
}

/** Every Espruino benchmark; null when the interpreter is not here. */
export async function benchEspruino(o: { rounds: number; echoes?: number; sizes?: number[] }): Promise<EspruinoResult | null> {
  if (!espruinoDir()) return null;
  const sizes = o.sizes || [64, 1400], echoes = o.echoes || 80;
  const app = await benchBundle();
  // latency in a fresh interpreter per size: where a large datagram's flat string fits depends on
  // what ran before it (the 1,400-byte rows moved by a quarter after the 64-byte ones)
  const latency = async (where: 'ram' | 'storage') => {
    const out: EspruinoRow[] = [];
    for (const size of sizes) out.push(...await benchLatency(app, echoes, [size], where));
    return out;
  };
  const rows = [
    ...await benchSend('64', app, o.rounds, sizes, 'ram'),
    ...await latency('ram'),
    ...await benchSend('8190', app, o.rounds, sizes, 'ram'),
    ...await benchSend('64', app, o.rounds, sizes, 'storage'),
    ...await latency('storage'),
    ...await benchFloors(o.rounds),
  ];
  return { node: process.version, rounds: o.rounds, echoes, rows };
}

/** The rows as a table. */
export function espruinoTable(r: EspruinoResult): string[] {
  const rows = [['espruino bench', 'interp', 'code in', 'bytes', 'raw µs', 'espimp µs', 'ratio', 'target', '']];
  for (const x of r.rows) {
    rows.push([x.bench, x.kind, x.where, String(x.payload), x.raw.toFixed(1), x.espimp.toFixed(1), x.ratio.toFixed(2) + '×',
      x.target === null ? '-' : `<= ${x.target}×`, x.target === null ? '' : x.ratio <= x.target ? 'ok' : 'MISSED']);
  }
  const w = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(w[c]) : cell.padStart(w[c]))).join('  ').trimEnd());
}

/** Write `r` to `file` (default bench/results/espruino.json). */
export function writeEspruino(r: EspruinoResult, file = fileURLToPath(new URL('./results/espruino.json', import.meta.url))) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
  return file;
}

// node --import tsx bench/espruino.ts [rounds] [out]
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rounds = Number(process.argv[2] || 5);
  benchEspruino({ rounds }).then((r) => {
    if (!r) { console.log('no Espruino interpreter: skipped'); return; }
    console.log(espruinoTable(r).join('\n'));
    console.log(`wrote ${writeEspruino(r, process.argv[3] || undefined)}`);
  }).catch((e) => { process.stderr.write(`bench espruino: ${e && e.stack || e}\n`); process.exit(1); });
}
