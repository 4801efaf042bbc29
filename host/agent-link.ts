// The PC end of the agent link's codec (format: docs/console.md; device end: firmware/agent.ts).
// FrameDecoder takes the console's byte stream in any split, separates agent frames from
// ordinary output, resyncs on the next frame start after damage, and counts what it drops.
// encodeLine() makes the REPL line that delivers one message to the device.
import { StringDecoder } from 'node:string_decoder';
import { frame, unframe } from '../firmware/agent';
import { blobOf } from '../firmware/blob';

/** A frame starts with DLE then '@'; its body never holds a DLE, so a DLE always means a new frame. */
const FRAME_START = '\x10@';
/** The device's global that takes a frame (firmware/runtime.ts `agentrx`). */
const RX_GLOBAL = 'agentrx';
/** A line longer than this (no newline yet) is given up: shown as text, or counted truncated if it holds a frame. */
const MAX_LINE = 1 << 22;

const HEADER = /^@([0-9a-f]{1,8}),([0-9a-f]{1,8}):/;
const REPL_LINE = new RegExp(`^\x10${RX_GLOBAL}\\(("(?:[^"\\\\]|\\\\.)*")\\)\r?\n?$`);

/** What the decoder has dropped or delivered. */
export interface LinkCounts {
  /** Frames decoded and delivered. */ ok: number;
  /** Frames whose header or body made no sense (not hex, not JSON [string, data]). */ garbage: number;
  /** Frames cut short: the line ended, or another frame began, before their length. */ truncated: number;
  /** Frames of the right length whose checksum did not match. */ badsum: number;
}

export interface DecoderSink {
  /** One complete line of ordinary output (frames taken out, the CR of CRLF dropped; other control chars kept for the caller to clean). */
  text(line: string): void;
  /** One decoded message. A Uint8Array stands for a blob. */
  message(name: string, data: unknown): void;
}

/** Data as it left the device: {$blob: base64} becomes the bytes (a Uint8Array). */
function fromWire(d: any): unknown {
  return d && typeof d === 'object' && typeof d.$blob === 'string' && Object.keys(d).length === 1
    ? new Uint8Array(Buffer.from(d.$blob, 'base64'))
    : d;
}

/** Streaming decoder of console output: feed it chunks, it calls the sink per line and per frame. */
export class FrameDecoder {
  readonly counts: LinkCounts = { ok: 0, garbage: 0, truncated: 0, badsum: 0 };
  private pending = '';
  private utf8 = new StringDecoder('utf8');
  constructor(private sink: DecoderSink) {}

  /** Feed bytes (decoded as UTF-8, sequences split across chunks kept whole) or a string. */
  push(chunk: Buffer | Uint8Array | string) {
    this.pending += typeof chunk === 'string' ? chunk : this.utf8.write(Buffer.from(chunk));
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      this.line(line);
    }
    if (this.pending.length > MAX_LINE) {
      const line = this.pending;
      this.pending = '';
      this.line(line);
    }
  }

  /** The start of the line under way, up to any frame in it: what a live display may show. */
  partial(): string {
    const k = this.pending.indexOf('\x10');
    return k < 0 ? this.pending : this.pending.slice(0, k);
  }

  /** Finish: a line under way is taken as complete (a frame in it counts as truncated if short). */
  end() {
    const rest = this.pending + this.utf8.end();
    this.pending = '';
    if (rest) this.line(rest);
  }

  /** Drop the line under way (the wire went away): a frame in it counts as truncated, its text is not shown. */
  reset() {
    if (this.pending.includes(FRAME_START)) this.counts.truncated++;
    this.pending = '';
    this.utf8.end();
  }

  /** One complete line (its CR of CRLF dropped): frames out, the rest is text (sent unless the line was only frames). */
  private line(raw: string) {
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    let text = '';
    let pos = 0;
    for (;;) {
      const k = raw.indexOf(FRAME_START, pos);
      if (k < 0) { text += raw.slice(pos); break; }
      text += raw.slice(pos, k);
      const stop = raw.indexOf('\x10', k + 1);
      const end = stop < 0 ? raw.length : stop;
      const h = HEADER.exec(raw.slice(k + 1, Math.min(end, k + 20)));
      if (!h) { this.counts.garbage++; pos = end; continue; }
      const start = k + 1 + h[0].length;
      const n = parseInt(h[1], 16);
      if (end - start < n) { this.counts.truncated++; pos = end; continue; }
      const m = unframe(raw.slice(k + 1, start + n));
      pos = start + n;
      if (m === 2) this.counts.badsum++;
      else if (typeof m === 'number') this.counts.garbage++;
      else { this.counts.ok++; this.sink.message(m[0], fromWire(m[1])); }
    }
    if (text || !raw.includes('\x10')) this.sink.text(text);
  }
}

/** The frame for one message; a Uint8Array (or Buffer) travels as a blob. Throws for data with no JSON form. */
function encodeFrame(name: string, data: unknown): string {
  return frame(name, data instanceof Uint8Array ? blobOf(data) : data);
}

/** The REPL line that hands one message to the device: DLE (no echo), agentrx("<frame>"), newline. */
export function encodeLine(name: string, data: unknown): string {
  return `\x10${RX_GLOBAL}(${JSON.stringify(encodeFrame(name, data))})\n`;
}

/** The frame in a line made by encodeLine, as the device's REPL would evaluate it; null if it is not one. */
export function replFrame(line: string): string | null {
  const m = REPL_LINE.exec(line);
  if (!m) return null;
  try { return JSON.parse(m[1]); } catch { return null; }
}
