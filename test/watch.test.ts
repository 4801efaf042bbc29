// --watch on `espimp run`: the app runs again when it changes, and when a file the agent module
// imports changes; what changed is said on stderr; SIGINT ends it with exit 0. (`flash --watch`
// is in flash.test.ts, against the fake REPL.) No sockets: the app only logs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventWaiter } from './support/conformance/fixtures';
import { dependencies } from '../host/watch';
import { tempFolder } from './support/files';

const root = new URL('..', import.meta.url).pathname;
const { dir, file } = tempFolder('watch');
const w = eventWaiter(60_000);


test('the files watched: the app, the agent and what it imports by relative path, transitively', () => {
  const a = file('dep-agent.mjs', "import { x } from './dep-one.mjs';\nexport default function () {}\n");
  const one = file('dep-one.mjs', "export { y as x } from './dep-two.js';\nimport fs from 'node:fs';\n");
  const two = file('dep-two.js', 'export const y = 1;\n');
  assert.equal(dependencies([a]).sort(), [a, one, two].sort());
});

test('espimp run --watch: restarts on a change to the app and to a file its agent imports', async () => {
  const app = file('app.js', 'server.log("version one");\n');
  const helper = file('helper.mjs', 'export const greeting = "hi";\n');
  const agent = file('agent.mjs', "import { greeting } from './helper.mjs';\nexport default function (device) { console.log('agent says ' + greeting); }\n");
  const child = spawn(process.execPath, ['bin/espimp.js', 'run', app, '--agent', agent, '--watch', '--ip', '192.168.77.75',
    '--state', join(dir, 'state.json')], { cwd: root });
  let out = '', err = '', code: number | null | undefined;
  child.stdout.on('data', (d) => { out += d; w.pulse(); });
  child.stderr.on('data', (d) => { err += d; w.pulse(); });
  child.on('exit', (c) => { code = c; w.pulse(); });
  try {
    await w.until(() => /version one/.test(out) || code !== undefined, 'the first run');
    writeFileSync(app, 'server.log("version two");\n');
    await w.until(() => /version two/.test(out) || code !== undefined, 'the run after the app changed');
    writeFileSync(helper, 'export const greeting = "hello";\n');
    await w.until(() => /agent says hello\n.*version two/.test(out) || code !== undefined, 'the run after the agent\'s import changed');
    child.kill('SIGINT');
    await w.until(() => code !== undefined, 'espimp run --watch to end');
  } finally {
    // killed, the watcher's child `espimp run` notices and stops too
    if (code === undefined) child.kill('SIGKILL');
  }
  assert.is(code, 0, err);
  assert.is(err, `watch: ${app} changed: restarting\nwatch: ${helper} changed: restarting\n`);
  assert.is((out.match(/version one/g) || []).length, 1, out);
  assert.is((out.match(/version two/g) || []).length, 2, out);
});

test.run();
