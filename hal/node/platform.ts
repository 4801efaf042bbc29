// The PC as a board: a monotonic millisecond clock, timers on Node's event loop, a console
// that timestamps each line (ERROR: lines to stderr), and storage persisted as JSON in a file.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Platform } from '../contract';

export interface HostPlatformOptions {
  /** Where storage lives (default ~/.espimp/state.json). */
  stateFile?: string;
  /** Console output, one line per call (default: timestamped, to stdout; 'ERROR: ' lines to stderr). */
  write?: (line: string) => void;
}

/** A timer from Platform.timer: a Node timeout, or an immediate for 0 ms. */
type HostTimer = { t: NodeJS.Timeout } | { i: NodeJS.Immediate };

/** The default console: "[ISO-8601 UTC time] line", ERROR: lines on stderr. */
export function stampedWrite(line: string) {
  const out = `[${new Date().toISOString()}] ${line}\n`;
  if (line.startsWith('ERROR: ')) process.stderr.write(out); else process.stdout.write(out);
}

/** The default state file: ~/.espimp/state.json. */
function defaultStateFile(): string {
  return join(homedir(), '.espimp', 'state.json');
}

/** A Platform for one device on this PC. */
export function createHostPlatform(opts: HostPlatformOptions = {}): Platform {
  const file = opts.stateFile || defaultStateFile();
  let store: { [key: string]: string } | null = null;
  const load = (): { [key: string]: string } => {
    if (store) return store;
    try {
      const v = JSON.parse(readFileSync(file, 'utf8'));
      store = v && typeof v === 'object' && !Array.isArray(v) ? v : {};
    } catch (e) {
      store = {};
    }
    return store as { [key: string]: string };
  };
  return {
    now: () => Math.floor(performance.now()),
    timer(ms, cb): HostTimer {
      return ms > 0 ? { t: setTimeout(cb, ms) } : { i: setImmediate(cb) };
    },
    later(cb) {
      setImmediate(cb);
    },
    cancel(id) {
      const h = id as HostTimer | null;
      if (h && 't' in h) clearTimeout(h.t);
      else if (h && 'i' in h) clearImmediate(h.i);
    },
    write: opts.write || stampedWrite,
    load(key) {
      const s = load();
      return Object.prototype.hasOwnProperty.call(s, key) ? s[key] : null;
    },
    save(key, value) {
      const s = load();
      s[key] = String(value);
      mkdirSync(dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(s, null, 2) + '\n');
      renameSync(tmp, file);
    },
  };
}
