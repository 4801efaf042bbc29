// --watch for `espimp run` and `espimp flash`: the files an app depends on (the app, an agent
// module, and the files they import by relative path, transitively), watched through their
// folders (editors often replace a file rather than write it), and one call per burst of
// changes. `run --watch` restarts a child `espimp run` on a change (a fresh process: agent
// modules load anew, ports are free again); `flash --watch` builds and uploads again.
import { existsSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';

/** How long a burst of file events (a save is often several) is gathered before one change is reported, ms. */
const SETTLE_MS = 100;

const EXTENSIONS = ['', '.ts', '.js', '.mjs', '.cjs', '/index.ts', '/index.js'];
/** `import ... from './x'`, `export ... from './x'`, `import('./x')`, `require('./x')`, `import './x'`. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\1/g;

/** `files` (absolute) and every file they import by relative path, transitively. */
export function dependencies(files: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    const abs = resolve(file);
    if (seen.has(abs)) return;
    seen.add(abs);
    let text = '';
    try { text = readFileSync(abs, 'utf8'); } catch { return; }
    for (const m of text.matchAll(SPECIFIER)) {
      const base = resolve(dirname(abs), m[2]);
      // a .ts module imported as './x.js' is x.ts
      const candidates = EXTENSIONS.map((e) => base + e).concat(base.replace(/\.js$/, '.ts'));
      const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile());
      if (hit) visit(hit);
    }
  };
  files.forEach(visit);
  return [...seen];
}

/** A file's content, or null when it cannot be read (gone, for now). */
function contentOf(file: string): string | null {
  try { return readFileSync(file, 'latin1'); } catch { return null; }
}

/**
 * Watch `files`; `onchange(file)` once per burst of changes (SETTLE_MS after the last event)
 * whose content differs from what it was (an event for a read that updated the access time,
 * or a save of the same text, is no change), with the first such file. Returns the function
 * that stops watching.
 */
export function watchFiles(files: string[], onchange: (file: string) => void): () => void {
  const byDir = new Map<string, Set<string>>(), seen = new Map<string, string | null>();
  for (const f of files) {
    const d = dirname(f);
    if (!byDir.has(d)) byDir.set(d, new Set());
    byDir.get(d)!.add(basename(f));
    seen.set(f, contentOf(f));
  }
  let timer: NodeJS.Timeout | null = null;
  const settle = () => {
    timer = null;
    for (const [f, was] of seen) {
      const now = contentOf(f);
      if (now === was) continue;
      seen.set(f, now);
      // a file mid-replace (gone for a moment) is no change yet
      if (now !== null) return onchange(f);
    }
  };
  const watchers: FSWatcher[] = [];
  for (const [dir, names] of byDir) {
    try {
      watchers.push(watch(dir, (_event, name) => {
        if (!name || !names.has(String(name))) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(settle, SETTLE_MS);
      }));
    } catch { /* a folder that is gone: nothing to watch there */ }
  }
  return () => {
    if (timer) clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}

/**
 * Watch `roots` and what they import until SIGINT or SIGTERM. After each change the watch is armed
 * again (so a file newly imported counts) and onChange(file) is called; on the signal the watch
 * ends, onStop(end) is called, and the promise settles once it calls end().
 */
export function watchUntilStopped(roots: string[], onChange: (file: string) => void, onStop: (end: () => void) => void): Promise<void> {
  return new Promise((done) => {
    let unwatch = () => {}, stopping = false;
    const arm = () => {
      unwatch();
      unwatch = watchFiles(dependencies(roots), (file) => {
        arm();
        onChange(file);
      });
    };
    const onSignal = () => {
      if (stopping) return;
      stopping = true;
      unwatch();
      // the signals stay handled (a second Ctrl-C ignored) until onStop is done
      onStop(() => {
        for (const s of ['SIGINT', 'SIGTERM'] as const) process.off(s, onSignal);
        done();
      });
    };
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, onSignal);
    arm();
  });
}

/** The watch's line on stderr. */
export const say = (line: string) => process.stderr.write(`watch: ${line}\n`);

/**
 * `espimp run --watch`: run `espimp <args>` (the same command without --watch) as a child, and
 * on a change to `roots` or what they import, stop it (SIGTERM: sockets closed) and start it
 * again; a child that ended (an error, --duration) is started again at the next change.
 * SIGINT/SIGTERM stop the child and end this with exit 0. Says what it does on stderr. The
 * child has an IPC channel to this process only to notice when it is gone (killed): it stops then.
 */
export function restartOnChange(roots: string[], args: string[]): Promise<void> {
  let child: ChildProcess | null = null, stopping: (() => void) | null = null, pending = false;
  const start = () => {
    const c = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
    child = c;
    c.on('exit', (code, signal) => {
      child = null;
      if (stopping) return stopping();
      if (pending) { pending = false; return start(); }
      say(`ended (${signal || `exit ${code}`}); waiting for a change to ${roots.join(', ')}`);
    });
  };
  const watching = watchUntilStopped(roots, (file) => {
    say(`${file} changed: restarting`);
    if (child) { pending = true; child.kill('SIGTERM'); } else start();
  }, (end) => {
    stopping = end;
    if (child) child.kill('SIGTERM'); else end();
  });
  start();
  return watching;
}
