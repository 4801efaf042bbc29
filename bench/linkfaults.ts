// Link faults on the boards: each Wi-Fi and WIZnet board's bundle on the real interpreter, with
// its network module's stand-in (host/espruino/standins), through link up/down cycles, the
// faults taking turns:
//  - Wi-Fi (esp32, esp8266, espruino-wifi):
//    radio  the AP goes out of range and comes back: WIFI_STOPPED, then the stack rejoins by
//           itself: WIFI_DHCPING, CONNECTED (105,104,1);
//    join   the app opens wl0 with a wrong key (extended config): STARTING, WIFI_JOINING,
//           WIFI_STOPPED_UNHAPPY; then opens it as saved: STARTING, WIFI_JOINING, WIFI_DHCPING, CONNECTED;
//    dhcp   the AP goes and comes back while its DHCP server does not answer (the stand-in's
//           dhcp(false)): WIFI_STOPPED until the server answers again, then 104, 1;
//  - WIZnet (pico-w5500, original-wiznet):
//    cable  out and in: ETHERNET_STOPPED_NO_LINK, then ETHERNET_LINK_UP, ETHERNET_DHCPING, CONNECTED (204,200,201,1);
//    dhcp   out, and in with no DHCP answer: 204, 200, 201, ETHERNET_STOPPED_UNHAPPY; the
//           driver does not retry (hal/espruino/wiznet.ts): the app opens eth0 again once
//           the server answers: 0, 200, 201, 1.
// Every cycle checks the states the app saw (spec §2-3, in order, exactly), that the app's one
// socket (opened at the first CONNECTED, never closed: spec §7b, a lost link does not close
// it) is still open with the same handle, that send() returns 1 (SEND_ERROR_NOT_CONNECTED)
// while the link is down, and once it is back that a datagram goes out to a Node peer and one
// from the peer is delivered. At the end: blocks in use (least of 3) and the interpreter's
// timers against a reading after the warm-up, the socket's counters.
// The WIZnet bundles poll the W5500 every 1,000 ms (boards/*.json pins.poll); here the
// bundle's literal is 100 ms (the least build/boards.ts allows) so a cycle takes a fraction of
// a second: the driver's code is the same.
//
//   node --import tsx bench/linkfaults.ts [--cycles 1000] [--board esp32] [--out FILE]
//
// Writes bench/results/linkfaults.json. test/link-faults.test.ts runs a few cycles of each
// fault on every board.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startDevice, espruinoDir, BIND_REPORTER, type InterpreterKind, type Device } from '../host/espruino/interpreter';
import { standinsFor, netFile } from '../host/espruino/standins/index';
import { bundleOf, appFile, peer, freePort } from '../test/support/espruino-device';
import { writeResults } from './harness';

/** The boards, their NII and the faults that take turns on them. */
export const LINK_BOARDS: { [board: string]: { nii: string; faults: string[] } } = {
  esp32: { nii: 'wl0', faults: ['radio', 'join', 'dhcp'] },
  esp8266: { nii: 'wl0', faults: ['radio', 'join', 'dhcp'] },
  'espruino-wifi': { nii: 'wl0', faults: ['radio', 'join', 'dhcp'] },
  'pico-w5500': { nii: 'eth0', faults: ['cable', 'dhcp'] },
  'original-wiznet': { nii: 'eth0', faults: ['cable', 'dhcp'] },
};

/** The states the app must see in one cycle of each fault, as "s1,s2,...,". */
export const SEQUENCES: { [kind: string]: string } = {
  'wl0 radio': '105,104,1,',
  'wl0 join': '0,101,106,0,101,104,1,',
  'wl0 dhcp': '105,104,1,',
  'eth0 cable': '204,200,201,1,',
  'eth0 dhcp': '204,200,201,203,0,200,201,1,',
};

/**
 * The interpreter each board runs on: its class's (host/espruino/memory.ts memoryKind), but the
 * ESP8266's bundle on 2630 blocks: on 1600, beside the harness and the stand-ins, a send after a
 * socket is open runs out of memory (test/device-reliability.test.ts header).
 */
export function linkKind(board: string): InterpreterKind {
  return board === 'esp8266' || board === 'original-wiznet' ? '2630' : '8190';
}

export interface LinkFaultOptions {
  board: string;
  cycles: number;
  log?: (line: string) => void;
}

export interface LinkFaultResult {
  board: string; interpreter: string; cycles: number;
  /** Cycles per fault. */
  faults: { [kind: string]: number };
  /** Cycles whose states were not the expected sequence, and the first few of them. */
  badSequences: number; firstBad: string[];
  /** Cycles where send() while down did not return 1, or after did not return 0. */
  badSends: number;
  /** Datagrams the peer got from the app, of those sent after each recovery; datagrams the app got from the peer (first try or again). */
  out: { sent: number; got: number }; back: { expected: number; got: number; retries: number };
  /** The socket still open with its first handle at the end. */
  socketOpen: boolean; sameHandle: boolean;
  socket: { [k: string]: number };
  blocks: { before: number; after: number; total: number };
  timers: { before: number; after: number };
  faultsSeen: number;
  interpreterFaults: string[];
  ms: number;
}

/** The app: wl0 or eth0 opened as saved; its one socket on PORT, opened at the first CONNECTED. */
function linkApp(nii: string, port: number, peerPort: number): string {
  return [
    `var NII = "${nii}", PEER = "192.168.77.186", Q = ${peerPort}, PORT = ${port};`,
    'var S = null, seq = "", F;',
    'var onrx = function (from, port, to, tp, b) { report({t: "rx", s: b.tostring()}); };',
    'var onstate = function (st) {',
    '  seq += st + ",";',
    '  if (st == 1 && !S) S = F.openudp(onrx, PORT);',
    '  report({t: "st", s: st});',
    '};',
    'F = imp.net.open({interface: NII}, onstate);',
    'global.take = function () { var s = seq; seq = ""; return s; };',
    'global.join = function (ssid, key) { F = imp.net.open({interface: NII, wificonfig: {ssid: ssid, key: key}}, onstate); };',
    'global.reopen = function () { F = imp.net.open({interface: NII}, onstate); };',
    'global.ping = function (q) { return S.send(PEER, Q, "p" + q); };',
    'global.sock = function () { return {open: S.isopen(), h: S._handle, stats: S.stats()}; };',
    '',
  ].join('\n');
}

const TIMERS = '(function () { return Object.keys(global["\\xff"].timers).length; })()';

/** Run `cycles` fault cycles on `board` (needs the interpreter). */
export async function runLinkFaults(o: LinkFaultOptions): Promise<LinkFaultResult> {
  const spec = LINK_BOARDS[o.board];
  if (!spec) throw new Error(`no link faults for board ${o.board} (known: ${Object.keys(LINK_BOARDS).join(', ')})`);
  const log = o.log ?? (() => {});
  const kind = linkKind(o.board), nii = spec.nii;
  const port = await freePort(25880);
  const p = await peer(186);
  let app = await bundleOf(o.board, appFile(linkApp(nii, port, p.port)), 201);
  if (nii === 'eth0') {
    if (!app.includes('poll:1e3')) throw new Error('the WIZnet bundle\'s poll literal (poll:1e3) is not there: bench/linkfaults.ts cannot shorten it');
    app = app.replace('poll:1e3', 'poll:100');
  }
  const dev = await startDevice({
    kind, app, files: nii === 'wl0' ? netFile() : {},
    boot: [...standinsFor(o.board, { faults: true }), BIND_REPORTER, 'STANDIN.onfault = function (w) { report({t: "fault", w: w}); };'],
  });
  const t0 = Date.now();
  const r: LinkFaultResult = {
    board: o.board, interpreter: `espruino32-${kind}`, cycles: 0, faults: {}, badSequences: 0, firstBad: [], badSends: 0,
    out: { sent: 0, got: 0 }, back: { expected: 0, got: 0, retries: 0 }, socketOpen: false, sameHandle: false, socket: {},
    blocks: { before: 0, after: 0, total: 0 }, timers: { before: 0, after: 0 }, faultsSeen: 0, interpreterFaults: [], ms: 0,
  };
  /** Wait for state `s` reported from event index `since` on. */
  const state = (s: number, since: number, what: string) => dev.event((e) => e.t === 'st' && e.s === s, `state ${s} (${what})`, since, 20_000);
  const rx = (s: string, since: number) => dev.events.slice(since).some((e) => e.t === 'rx' && e.s === s);
  try {
    await state(1, 0, 'the first CONNECTED');
    await dev.event((e) => e.t === 'bound' && e.port === port, `port ${port} bound`);
    await dev.call('take()');
    const h0 = (await dev.call('sock()')).h;
    /** One cycle of fault `f`; false when something was not as documented (counted in r). */
    const cycle = async (f: string, k: number) => {
      const since = dev.events.length;
      const down = async (s: number) => {
        await state(s, since, `${f} down`);
        if ((await dev.call(`ping(${k})`)) !== 1) r.badSends++;
      };
      const S = 'STANDIN';
      if (f === 'radio') {
        await dev.call(`${S}.radio(false)`);
        await down(105);
        await dev.call(`${S}.radio(true)`);
      } else if (f === 'join') {
        await dev.call('join("espimp", "wrong")');
        await down(106);
        await dev.call('reopen()');
      } else if (f === 'dhcp' && nii === 'wl0') {
        await dev.call(`${S}.dhcp(false)`);
        await dev.call(`${S}.radio(false)`);
        await down(105);
        await dev.call(`${S}.radio(true)`);
        await dev.event((e) => e.t === 'fault' && e.w === 'dhcp', 'the DHCP failure', since);
        if ((await dev.call(`ping(${k})`)) !== 1) r.badSends++;
        await dev.call(`${S}.dhcp(true)`);
      } else if (f === 'cable') {
        await dev.call(`${S}.cable(false)`);
        await down(204);
        await dev.call(`${S}.cable(true)`);
      } else if (f === 'dhcp') {
        await dev.call(`${S}.dhcp(false)`);
        await dev.call(`${S}.cable(false)`);
        await state(204, since, 'cable out');
        await dev.call(`${S}.cable(true)`);
        await down(203);
        await dev.call(`${S}.dhcp(true)`);
        await dev.call('reopen()');
      }
      await state(1, since, `${f} back`);
      // the whole sequence: a state reported after CONNECTED would show in the next cycle's
      const seq = await dev.call('take()');
      if (seq !== SEQUENCES[`${nii} ${f}`]) {
        if (r.badSequences++ < 5) r.firstBad.push(`${f}: ${seq}`);
      }
      // both ways through the socket that lived through it
      const sent = await dev.call(`ping(${k})`);
      if (sent !== 0) r.badSends++;
      else r.out.sent++;
      r.back.expected++;
      const msg = `q${k}`, at = dev.events.length;
      for (let i = 0; i < 5 && !rx(msg, at); i++) {
        if (i) r.back.retries++;
        await p.send(msg, port);
        await dev.until(() => rx(msg, at), `${msg} delivered`, 2000).catch(() => {});
      }
      if (rx(msg, at)) r.back.got++;
      r.faults[f] = (r.faults[f] || 0) + 1;
      r.cycles++;
    };
    // warm-up: each fault once
    let k = 0;
    for (const f of spec.faults) await cycle(f, k++);
    r.blocks.before = await dev.blocksInUse();
    r.timers.before = await dev.call(TIMERS);
    log(`${o.board} on espruino32-${kind}: ${r.blocks.before} blocks in use, ${r.timers.before} timers after the warm-up`);
    for (let i = 0; i < o.cycles; i++) {
      await cycle(spec.faults[i % spec.faults.length], k++);
      if ((i + 1) % (o.cycles >= 500 ? 100 : 20) === 0) log(`  ${i + 1} cycles, ${((Date.now() - t0) / 1000).toFixed(0)} s, blocks ${await dev.blocksInUse()}, ${r.badSequences} bad sequences`);
    }
    await p.count(r.out.sent, 10_000).catch(() => {});
    r.out.got = new Set(p.got.map((g) => g.msg.toString())).size;
    r.blocks.after = await dev.blocksInUse();
    r.blocks.total = (await dev.call('process.memory()')).total;
    r.timers.after = await dev.call(TIMERS);
    const s = await dev.call('sock()');
    r.socketOpen = s.open;
    r.sameHandle = typeof h0 === 'number' && s.h === h0;
    r.socket = s.stats;
    r.faultsSeen = dev.events.filter((e) => e.t === 'fault').length;
    r.interpreterFaults = [...dev.faults];
    r.ms = Date.now() - t0;
    return r;
  } finally {
    await dev.kill();
    await p.close();
  }
}

/** The figures, one line each. */
export function linkFaultReport(r: LinkFaultResult): string[] {
  return [
    `link faults on ${r.board} (${r.interpreter}): ${r.cycles} cycles (${Object.entries(r.faults).map(([f, n]) => `${f} ${n}`).join(', ')}; a warm-up of one each included) in ${(r.ms / 1000).toFixed(1)} s`,
    `state sequences    ${r.badSequences} not as the spec's${r.firstBad.length ? ` (${r.firstBad.join(' | ')})` : ''}`,
    `sends              ${r.badSends} not 1 while down or 0 once back; out ${r.out.got} of ${r.out.sent} reached the peer; back ${r.back.got} of ${r.back.expected} delivered (${r.back.retries} sent again)`,
    `socket             ${r.socketOpen ? 'open' : 'CLOSED'}, ${r.sameHandle ? 'same handle' : 'handle CHANGED'}; ${JSON.stringify(r.socket)}`,
    `blocks in use      ${r.blocks.before} after the warm-up, ${r.blocks.after} at the end (of ${r.blocks.total})`,
    `timers             ${r.timers.before} after the warm-up, ${r.timers.after} at the end`,
    `stand-in faults    ${r.faultsSeen} DHCP failures injected; interpreter faults: ${r.interpreterFaults.length ? r.interpreterFaults.join(' | ') : 'none'}`,
  ];
}

async function main() {
  const { values } = parseArgs({ options: { cycles: { type: 'string' }, board: { type: 'string' }, out: { type: 'string' } } });
  if (!espruinoDir()) { console.log('no Espruino interpreter: skipped'); return; }
  const runs: LinkFaultResult[] = [];
  for (const board of values.board ? [values.board] : Object.keys(LINK_BOARDS)) {
    const r = await runLinkFaults({ board, cycles: Number(values.cycles ?? 1000), log: (l) => console.log(l) });
    console.log(linkFaultReport(r).join('\n'));
    runs.push(r);
  }
  writeResults(values.out, 'linkfaults.json', { espruino: '2v29', runs });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
