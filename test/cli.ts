// The real espimp command as tests run it: a child process, its output collected.
import { spawn } from 'node:child_process';

const ROOT = new URL('..', import.meta.url).pathname;

/** Run `espimp ...args` to its end (several can run at once): exit code, stdout, stderr. */
export function cli(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['bin/espimp.js', ...args], { cwd: ROOT });
    let out = '', err = '';
    c.stdout.on('data', (d) => { out += d; });
    c.stderr.on('data', (d) => { err += d; });
    c.on('close', (code) => resolve({ code, out, err }));
  });
}
