// Agent modules load from any folder as .js, .mjs, .cjs or .ts (host/agent-host.ts
// loadAgentModule): each kind written into a temporary folder outside the project (no
// package.json around it), loaded in-process and through the real `espimp run --agent`
// (the command runs its sources under tsx's hooks, where a plain import() of such a .js or
// .ts failed with "Cannot require() ES Module ... in a cycle"), and talking to an app both
// ways. A missing file, another extension, a module that exports no function and one that
// does not parse are each one line on stderr, exit 1.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_EXTENSIONS, loadAgentModule } from '../host/agent-host';
import { UserError } from '../build/user-error';
import { cli } from './support/cli';
import { espimp, exited } from './support/console-device';

const dir = mkdtempSync(join(tmpdir(), 'espimp-agent-load-'));

/** An agent that answers the app's 'hello' with 'reply' = what kind of module it is. */
const AGENTS: Record<string, string> = {
  '.js': `export default function (device) { device.on('hello', () => device.send('reply', 'js')); }\n`,
  '.mjs': `import { basename } from 'node:path';\nexport default function (device) { device.on('hello', () => device.send('reply', basename('/x/mjs'))); }\n`,
  '.cjs': `const { basename } = require('node:path');\nmodule.exports = function (device) { device.on('hello', () => device.send('reply', basename('/x/cjs'))); };\n`,
  '.ts': `interface Device { on(name: string, cb: (data: unknown) => void): void; send(name: string, data?: unknown): number }\n` +
    `const kind: string = 'ts';\nexport default function (device: Device): void { device.on('hello', () => device.send('reply', kind)); }\n`,
};

/** Write `text` as `name` in a fresh folder of its own under `dir`; returns its path. */
function write(name: string, text: string): string {
  const folder = mkdtempSync(join(dir, 'm-'));
  writeFileSync(join(folder, name), text);
  return join(folder, name);
}

const files = Object.fromEntries(AGENT_EXTENSIONS.map((ext) => [ext, write(`agent${ext}`, AGENTS[ext])]));
const app = write('app.js', `agent.on('reply', function (kind) { server.log('agent replied ' + kind); });\nagent.send('hello', null);\n`);

/** The UserError `fn` rejects with (fails when it resolves or rejects with anything else). */
async function userError(fn: () => Promise<unknown>): Promise<UserError> {
  try { await fn(); } catch (e) { assert.instance(e, UserError); return e as UserError; }
  assert.unreachable('it loaded');
  throw new Error('unreachable');
}

const load = suite('agent modules from anywhere');

load.after(() => rmSync(dir, { recursive: true, force: true }));

load('in-process: each kind gives its default export, a function that registers its handler', async () => {
  assert.equal(AGENT_EXTENSIONS, ['.js', '.mjs', '.cjs', '.ts']);
  for (const ext of AGENT_EXTENSIONS) {
    const start = await loadAgentModule(files[ext]);
    assert.type(start, 'function', ext);
    const sent: unknown[] = [];
    let hello: ((d: unknown) => void) | undefined;
    start({ on: (name, cb) => { if (name === 'hello') hello = cb as (d: unknown) => void; }, send: (n, d) => { sent.push([n, d]); return 0; }, isconnected: () => true });
    assert.ok(hello, `${ext}: registered 'hello'`);
    hello!(null);
    assert.equal(sent, [['reply', ext.slice(1)]], ext);
  }
});

load('espimp run --agent, for each kind from a folder outside the project: the app and the agent talk both ways', async () => {
  // four commands at once; the app opens no socket (only its agent link), so nothing meets other tests
  const runs = AGENT_EXTENSIONS.map((ext) => espimp(['run', app, '--agent', files[ext], '--state', join(dir, `state${ext}.json`)]));
  try {
    for (const [i, ext] of AGENT_EXTENSIONS.entries()) {
      const r = runs[i];
      const early = exited(r.child).then(() => `${ext}: exited before the reply: ${r.err.text}`);
      assert.is(await Promise.race([r.out.until(/agent replied/).then(() => ''), early]), '');
      assert.match(r.out.text, new RegExp(`\\] agent replied ${ext.slice(1)}\\n`), ext);
      r.child.kill('SIGTERM');
      assert.is(await exited(r.child), 0, ext);
      assert.is(r.err.text, '', ext);
    }
  } finally {
    for (const r of runs) r.child.kill('SIGKILL');
  }
});

load('a missing file, another extension, no exported function, a syntax error: one clear line each', async () => {
  const missing = join(dir, 'nowhere', 'agent.js');
  assert.is((await userError(() => loadAgentModule(missing))).message, `agent module not found: ${missing}`);
  assert.is((await userError(() => loadAgentModule(dir))).code, 'ERR_AGENT_NOT_FOUND', 'a folder is not a module');
  const txt = write('agent.txt', 'export default function () {}\n');
  assert.is((await userError(() => loadAgentModule(txt))).message, `${txt}: an agent module is a .js, .mjs, .cjs, .ts file`);
  for (const [name, text] of [['none.mjs', 'export const x = 1;\n'], ['none.cjs', 'exports.x = 1;\n'], ['none.ts', 'export const x: number = 1;\n'], ['none.js', 'export default 42;\n']]) {
    const f = write(name, text);
    const e = await userError(() => loadAgentModule(f));
    assert.is(e.code, 'ERR_AGENT_BAD', name);
    assert.is(e.message, `${f}: exports no agent: its default export (export default, or module.exports) must be a function(device)`);
  }
  const bad = write('broken.ts', 'export default function (device: unknown) {\n  const x = ;\n}\n');
  const e = await userError(() => loadAgentModule(bad));
  assert.is(e.code, 'ERR_AGENT_THREW');
  assert.is(e.message, `${bad}: could not load the agent module: ${bad}:2:12: ERROR: Unexpected ";"`);
  // the command: that line on stderr, nothing else, exit 1
  const [r1, r2] = await Promise.all([cli('run', app, '--agent', missing, '--duration', '1'), cli('run', app, '--agent', write('x.mjs', 'export const x = 1;\n'), '--duration', '1')]);
  assert.is(r1.code, 1);
  assert.is(r1.err, `espimp: agent module not found: ${missing}\n`);
  assert.is(r2.code, 1);
  assert.match(r2.err, /^espimp: \S+x\.mjs: exports no agent: its default export \(export default, or module\.exports\) must be a function\(device\)\n$/);
});

load.run();
