// Test runner: type-checks, then runs every test/**/*.test.ts in its own Node process
// (uvu suites, TypeScript through tsx), two at a time, and ends with "N passed, N failed"
// (a file that ran no test at all counts as a failure).
// Files that say `@serial` (they use real sockets on the shared loopback LAN, where a
// broadcast reaches every listener) run one after another in their own lane. The loopback
// LAN is one per machine (192.168.77.N is 127.77.0.N for every checkout, by the spec), so that
// lane holds a machine-wide lock (espimp-loopback-lan.lock in the temp folder; a lock whose
// holder is dead is taken over): a second checkout's `npm test` runs its other files meanwhile
// and its serial lane after. Each file's time is printed; a file over half its cap is named.
// Helper modules live in test/support/ (and data in any fixtures/ folder): not searched for tests.
// Usage: node test/run.js [filter]   (filter: a substring of the test file path)
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, watch, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filter = process.argv[2] || '';
const PER_FILE_MS = 180_000;
const PARALLEL = 2;

function find(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'fixtures' || n === 'support' ? [] : find(p);
    return n.endsWith('.test.ts') ? [p] : [];
  });
}

const files = find(join(root, 'test')).filter((f) => relative(root, f).includes(filter)).sort();
let passed = 0;
let failed = 0;

if (!filter) {
  const tc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], { cwd: root, encoding: 'utf8' });
  if (tc.status === 0) { passed++; console.log('typecheck: ok'); }
  else { failed++; console.log('typecheck: FAILED\n' + tc.stdout + tc.stderr); }
}

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => { out += `\n(killed after ${PER_FILE_MS} ms)`; child.kill('SIGKILL'); }, PER_FILE_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const total = sumOf(out, /Total:\s+(\d+)/g);
      const ok = sumOf(out, /Passed:\s+(\d+)/g);
      const skipped = sumOf(out, /Skipped:\s+(\d+)/g);
      // uvu's Total counts the tests that ran; skipped ones (.skip) are only in Skipped
      let bad = total - ok;
      if (code !== 0 && bad === 0) bad = 1;
      if (total === 0 && bad === 0) {
        bad = 1;
        out += '\n(no tests ran: does every suite end with .run()?)';
      }
      resolve({ file, ok, bad, skipped, out, ms: Date.now() - started });
    });
  });
}

function sumOf(text, re) {
  let n = 0;
  for (const m of text.matchAll(re)) n += Number(m[1]);
  return n;
}

const serial = files.filter((f) => readFileSync(f, 'utf8').includes('@serial'));
const rest = files.filter((f) => !serial.includes(f));
const slow = [];
const began = Date.now();

const LOCK = join(tmpdir(), 'espimp-loopback-lan.lock');
let locked = false;
function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}
/** Take the loopback LAN's lock if it is free (or its holder is dead): true when this run holds it. */
function tryLock() {
  try {
    const fd = openSync(LOCK, 'wx');
    writeSync(fd, JSON.stringify({ pid: process.pid, root, since: new Date().toISOString() }));
    closeSync(fd);
    return (locked = true);
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
  }
  let holder = null;
  try { holder = JSON.parse(readFileSync(LOCK, 'utf8')); } catch { /* being written or removed */ }
  if (holder && typeof holder.pid === 'number' && !alive(holder.pid)) {
    try { unlinkSync(LOCK); } catch { /* taken by another */ }
    return tryLock();
  }
  return false;
}
function releaseLock() {
  if (!locked) return;
  locked = false;
  try { unlinkSync(LOCK); } catch { /* gone */ }
}
process.on('exit', releaseLock);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { releaseLock(); process.exit(130); });
/** Resolves when the lock file changes (released), or after a second (a holder that died leaves it). */
function lockChanged() {
  return new Promise((resolve) => {
    let w = null;
    const done = () => { clearTimeout(t); if (w) w.close(); resolve(); };
    const t = setTimeout(done, 1000);
    try { w = watch(LOCK, done); w.on('error', done); } catch { done(); }
  });
}

async function runOne(file) {
  const r = await runFile(file);
  passed += r.ok;
  failed += r.bad;
  const name = relative(root, r.file);
  if (r.ms > PER_FILE_MS / 2) slow.push(`${name} (${(r.ms / 1000).toFixed(1)} s)`);
  console.log(`${r.bad ? 'FAIL' : 'ok  '} ${name}: ${r.ok} passed, ${r.bad} failed${r.skipped ? `, ${r.skipped} skipped` : ''} (${(r.ms / 1000).toFixed(1)} s)`);
  if (r.bad || process.env.VERBOSE) console.log(r.out.replace(/^/gm, '    '));
}
async function worker() {
  while (rest.length) await runOne(rest.shift());
}
/** The serial lane: under the machine-wide lock; other files meanwhile while another run holds it. */
async function lane() {
  let told = false;
  while (serial.length) {
    if (locked || tryLock()) await runOne(serial.shift());
    else if (rest.length) {
      if (!told) { told = true; console.log(`(another npm test holds the loopback LAN, ${LOCK}: its serial files wait)`); }
      await runOne(rest.shift());
    } else await lockChanged();
  }
  releaseLock();
  await worker();
}
await Promise.all([lane(), ...Array.from({ length: PARALLEL - 1 }, () => worker())]);
const took = ((Date.now() - began) / 1000).toFixed(0);
console.log(`the test files took ${Math.floor(took / 60)} min ${took % 60} s${slow.length ? `; over half their ${PER_FILE_MS / 1000} s cap: ${slow.join(', ')}` : ''}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
