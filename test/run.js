// Test runner: type-checks, then runs every test/**/*.test.ts in its own Node process
// (uvu suites, TypeScript through tsx), two at a time, and ends with "N passed, N failed"
// (a file that ran no test at all counts as a failure).
// Files that say `@serial` (they use real sockets on the shared loopback LAN, where a
// broadcast reaches every listener) run one after another in their own lane.
// Usage: node test/run.js [filter]   (filter: a substring of the test file path)
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filter = process.argv[2] || '';
const PER_FILE_MS = 180_000;
const PARALLEL = 2;

function find(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'fixtures' ? [] : find(p);
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
      resolve({ file, ok, bad, skipped, out });
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
async function worker(queues) {
  for (;;) {
    const queue = queues.find((q) => q.length);
    if (!queue) return;
    const r = await runFile(queue.shift());
    passed += r.ok;
    failed += r.bad;
    const name = relative(root, r.file);
    console.log(`${r.bad ? 'FAIL' : 'ok  '} ${name}: ${r.ok} passed, ${r.bad} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`);
    if (r.bad || process.env.VERBOSE) console.log(r.out.replace(/^/gm, '    '));
  }
}
await Promise.all([worker([serial, rest]), ...Array.from({ length: PARALLEL - 1 }, () => worker([rest]))]);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
