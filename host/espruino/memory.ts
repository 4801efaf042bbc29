// Blocks in use, measured on the real 32-bit interpreters: a bundle run from Storage (as
// `espimp flash --save` leaves it), with the board's stand-ins (host/espruino/standins), less
// what the stand-ins and the test harness cost alone (the same boot scripts without an app).
// The interpreter of each board: esp8266 on the 1600-block build, original-wiznet on the
// 2630-block one, the others on the 8190-block one (Espruino WiFi-class memory).
import { startDevice, type InterpreterKind } from './interpreter';
import { standinsFor, netFile } from './standins/index';

/** The 32-bit interpreter whose memory is like the board's. */
export function memoryKind(board: string): InterpreterKind {
  return board === 'esp8266' ? '1600' : board === 'original-wiznet' ? '2630' : '8190';
}

export interface MemoryFigure {
  board: string;
  kind: InterpreterKind;
  /** Blocks in use with the app started, less `baseline`. */
  blocks: number;
  /** Blocks in use by the stand-ins and harness alone. */
  baseline: number;
  /** Blocks free with the app started, and the interpreter's total. */
  free: number;
  total: number;
}

/** What one measurement reads: process.memory() (it collects garbage first). */
const MEMORY = 'process.memory()';

/**
 * Measure `bundle` (a board's bundle, or any script) on `board`'s 32-bit interpreter: started
 * from Storage with the board's stand-ins, measured once a line the app printed matches `ready`
 * (e.g. its "listening" line; /./: its first line). A device that prints an interpreter error
 * fails the measurement.
 */
export async function measureBundle(board: string, bundle: string, ready: RegExp, o: { kind?: InterpreterKind; boot?: string[] } = {}): Promise<MemoryFigure> {
  const kind = o.kind || memoryKind(board);
  const boot = [...standinsFor(board), ...(o.boot || [])];
  const files = netFile();
  const base = await startDevice({ kind, boot, files });
  let baseline: number;
  try {
    baseline = await base.blocksInUse();
  } finally {
    await base.kill();
  }
  const dev = await startDevice({ kind, boot, files, app: bundle }).catch((e) => { throw new Error(`${board}: ${e.message}`); });
  try {
    // a line the app printed: after the banner load() prints, not the harness's own
    const printed = () => dev.lines.slice(dev.lines.lastIndexOf('http://espruino.com/Donate') + 1).filter((l) => l.trim() && !l.startsWith('@@'));
    await dev.until(() => printed().some((l) => ready.test(l)) || dev.faults.length > 0, `the app's line ${ready}`);
    // the least of three readings: one can catch a datagram in flight (another program's
    // broadcast to the app's port) or a console line
    let m = await dev.call(MEMORY);
    for (let i = 0; i < 2; i++) {
      const again = await dev.call(MEMORY);
      if (again.usage < m.usage) m = again;
    }
    if (dev.faults.length) throw new Error(`${board}: the interpreter reported: ${dev.faults.join(' | ')}`);
    return { board, kind, blocks: m.usage - baseline, baseline, free: m.free, total: m.total };
  } finally {
    await dev.kill();
  }
}

/** Raw Espruino `dgram` echo on port 2001: the baseline the runtime's echo is compared with. */
export function rawEcho(recvBufferSize: number): string {
  return [
    `var s = require("dgram").createSocket({type: "udp4", reuseAddr: true, recvBufferSize: ${recvBufferSize}});`,
    's.on("message", function (m, i) { s.send(m, i.port, i.address); });',
    's.bind(2001);',
    'console.log("raw echo on 2001");',
    '',
  ].join('\n');
}
