// --trace for `espimp run` and `espimp sim`: one line per datagram on the (virtual) wire —
// time, from ip:port -> to ip:port, length, a short preview of the payload (text in quotes,
// else hex bytes), and what the LAN knows happened to it (a delivery lost to --loss, a send
// refused because its destination is outside the virtual LAN, nobody holding the port).
// Fed by the same taps as the packet capture (host/pcap.ts): the mock LAN's onwire in sim, the
// node driver's tap in run. Colour only on a terminal and never when NO_COLOR is set.

/** One datagram as the trace shows it. */
export interface TraceRecord {
  from: string; fromPort: number; to: string; toPort: number; data: Uint8Array;
  /** Marks after the preview, e.g. "lost -> 192.168.77.3", "refused: outside the virtual LAN". */ marks?: string[];
  /** True for a mark that means the datagram (or a copy of it) never arrived: shown in red. */ bad?: boolean;
}

/** Bytes of payload the preview shows at most. */
const PREVIEW_BYTES = 24;

/** Whether trace lines to `stream` get colour: a terminal, and NO_COLOR unset or empty (no-color.org). */
export function colorWanted(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return !!stream.isTTY && !env.NO_COLOR;
}

/**
 * The first PREVIEW_BYTES of `data`: in double quotes when every byte shown is printable ASCII
 * (\n, \r and \t escaped), else as hex bytes; "…" when there is more.
 */
export function preview(data: Uint8Array): string {
  const shown = data.subarray(0, PREVIEW_BYTES), more = data.length > PREVIEW_BYTES ? '…' : '';
  const text = Array.from(shown).every((b) => (b >= 0x20 && b < 0x7f) || b === 10 || b === 13 || b === 9);
  if (text) {
    const s = Buffer.from(shown).toString('latin1').replace(/\\/g, '\\\\').replace(/"/g, '\\"')
      .replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
    return `"${s}"${more}`;
  }
  return Array.from(shown, (b) => b.toString(16).padStart(2, '0')).join(' ') + (more ? ' …' : '');
}

const SGR = { dim: '\x1b[2m', cyan: '\x1b[36m', green: '\x1b[32m', red: '\x1b[31m', yellow: '\x1b[33m', reset: '\x1b[0m' };

/** One trace line (no newline), `time` first; with `color`, ANSI colours. */
export function traceLine(time: string, r: TraceRecord, color: boolean): string {
  const c = (code: string, s: string) => (color ? code + s + SGR.reset : s);
  const marks = r.marks && r.marks.length ? '  ' + c(r.bad ? SGR.red : SGR.yellow, r.marks.join(', ')) : '';
  return `${c(SGR.dim, time)}  ${c(SGR.cyan, `${r.from}:${r.fromPort}`)} -> ${c(SGR.green, `${r.to}:${r.toPort}`)}` +
    `  ${r.data.length} B  ${preview(r.data)}${marks}`;
}
