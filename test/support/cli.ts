// Commands as tests run them: a child Node process, its output collected, killed if it hangs.
import { spawn } from 'node:child_process';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface Finished { code: number | null; out: string; err: string }

/** Run `node ...argv` in the repo to its end (killed after guardMs): exit code, stdout, stderr. */
export function node(argv: string[], guardMs = 120_000): Promise<Finished> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    c.stdout.on('data', (d) => { out += d; });
    c.stderr.on('data', (d) => { err += d; });
    const guard = setTimeout(() => c.kill('SIGKILL'), guardMs);
    c.on('close', (code) => { clearTimeout(guard); resolve({ code, out, err }); });
  });
}

/** Run `espimp ...args` to its end (several can run at once). */
export function cli(...args: string[]): Promise<Finished> {
  return node(['bin/espimp.js', ...args]);
}
