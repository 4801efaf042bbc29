// The agent link on the host runtime (host/agent-host.ts attachAgent, which `espimp run
// --agent` uses): examples/hub-agent on the simulated LAN with two sensor nodes; messages
// flow both ways through the frame codec; a broken agent module is reported, never fatal.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lan } from '../hal/mock/lan';
import { boot, Booted, wrong } from './support/runtime';
import { appSource, guarded, startApp } from '../host/app';
import { attachAgent } from '../host/agent-host';
import { espimp, exited } from './support/console-device';

const BOARD = { niis: { eth0: 'mock' } };

function device(lan: Lan, host: number, file: string, extra: { [k: string]: unknown } = {}): Booted {
  const b = boot(lan, host, BOARD);
  startApp(appSource(file), file, b.rt, guarded(b.dev.platform, (l) => b.dev.platform.write('ERROR: ' + l)), extra);
  return b;
}

/** Run `fn` with console.log captured (the agent module logs through it). */
async function capturing<T>(lines: string[], fn: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = (...a: unknown[]) => { lines.push(a.join(' ')); };
  try { return await fn(); } finally { console.log = log; }
}

function moduleFile(src: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'espimp-agent-')), 'agent.mjs');
  writeFileSync(file, src);
  return file;
}

const run = suite('agent on the host runtime');

run('hub-agent example: config down, readings up, results requested and served, status asked and answered', async () => {
  const lan = new Lan({ subnet: '192.168.77' });
  const hub = boot(lan, 1, BOARD);
  const said: string[] = [];
  const host = await capturing(said, async () => {
    const h = await attachAgent(hub.rt, 'examples/hub-agent/agent.js', hub.dev.platform, (l) => assert.unreachable(l));
    startApp(appSource('examples/hub-agent/hub.js'), 'hub.js', hub.rt, hub.dev.platform);
    device(lan, 2, 'examples/sensor-hub/node.js', { SENSOR_ID: 'n2' });
    device(lan, 3, 'examples/sensor-hub/node.js', { SENSOR_ID: 'n3' });
    lan.run(3 * 60_000 + 2_000);
    return h;
  });
  const lines = hub.dev.console;
  assert.ok(lines.includes('Agent config: poll every 60 s'), 'agent -> device: config');
  assert.is(lines.filter((l) => l.startsWith('Reading from ')).length, 6, '2 nodes x 3 rounds');
  const results = lines.filter((l) => l.startsWith('Results '));
  assert.equal(results.map((l) => l.split(':')[0]).sort(), ['Results n2@192.168.77.2', 'Results n3@192.168.77.3']);
  const before = lines.slice(0, lines.indexOf(results[0]));
  const readingsBefore = before.filter((l) => l.startsWith('Reading from ')).length;
  const n2 = before.filter((l) => l.startsWith('Reading from n2: ')).map((l) => Number(l.split(': ')[1]));
  const avg = Math.round(n2.reduce((a, v) => a + v, 0) / n2.length * 100) / 100;
  assert.ok(lines.includes(`Results n2@192.168.77.2: ${n2.length} readings, avg ${avg}, min ${Math.min(...n2)}, max ${Math.max(...n2)}`), 'the agent computed from what the hub relayed');
  assert.ok(said.includes('agent: hub up at 192.168.77.1; asking for a poll every 60 s'), said.join('\n'));
  assert.ok(said.some((l) => l.startsWith('agent: results {"n2@192.168.77.2":{"count":' + n2.length)), said.join('\n'));
  assert.ok(said.includes(`agent: hub status: 2 nodes, ${readingsBefore + 2} polls, ${readingsBefore} readings, 0 lost`), said.join('\n'));
  assert.not.ok(lines.some((l) => l.includes('\x10')), 'no raw frames on the console: they went to the agent');
  assert.equal(hub.rt.agent.stats(), { sent: 1 + 6 + 1 + 1, received: 3, unhandled: 0, bad: 0 });
  assert.equal(host.counts, { received: 9, unhandled: 0, sent: 3, refused: 0 });
});

run('messages cross through the codec in order, each from the event loop, blobs as bytes both ways', async () => {
  const lan = new Lan({ subnet: '192.168.77' });
  const b = boot(lan, 1, BOARD);
  const file = moduleFile(`export default function (device) {
    device.on('echo', (d) => device.send('echoed', d));
  }`);
  await attachAgent(b.rt, file, b.dev.platform);
  startApp(`var got = [];
    agent.on('echoed', function (d) { got.push(d); server.log('echoed ' + (d instanceof blob ? 'blob ' + d.len() : JSON.stringify(d))); });
    agent.send('echo', 'line\\none');
    agent.send('echo', { deep: [1, 'caf\\u00e9'] });
    var bb = blob(3); bb.writen(0x10, 'b'); bb.writen(10, 'b'); bb.writen(255, 'b');
    agent.send('echo', bb);
    server.log('sent');`, 'app.js', b.rt, b.dev.platform);
  assert.equal(b.dev.console, ['sent'], 'nothing delivered synchronously');
  lan.run(10);
  assert.equal(b.dev.console, ['sent', 'echoed "line\\none"', 'echoed {"deep":[1,"caf\u00e9"]}', 'echoed blob 3']);
});

run('an agent module that throws in a handler is reported and the link goes on; load errors are user errors', async () => {
  const lan = new Lan({ subnet: '192.168.77' });
  const b = boot(lan, 1, BOARD);
  const reports: string[] = [];
  const file = moduleFile(`export default function (device) {
    device.on('bad', () => { throw new Error('agent bug'); });
    device.on('later', async () => { throw new Error('async bug'); });
    device.on('good', (d) => device.send('ok', d));
  }`);
  const host = await attachAgent(b.rt, file, b.dev.platform, (l) => reports.push(l));
  startApp(`agent.on('ok', function (d) { server.log('ok ' + d); });
    agent.send('bad', 1); agent.send('later', 2); agent.send('good', 3);`, 'app.js', b.rt, b.dev.platform);
  lan.run(10);
  await new Promise((r) => setImmediate(r));
  assert.equal(reports, ['device.on("bad") handler threw: agent bug', 'device.on("later") handler threw: async bug']);
  assert.equal(b.dev.console, ['ok 3']);
  assert.is(host.device.send('x', () => 1), 0, 'a function has no JSON form: sent as null, as JSON.stringify does');
  try { host.device.send(wrong(7), 1); assert.unreachable(); } catch (e: any) { assert.is(e.code, 'ERR_BAD_ARG'); }

  const fail = async (src: string | null, re: RegExp) => {
    const f = src === null ? join(tmpdir(), 'espimp-no-such-agent.mjs') : moduleFile(src);
    try { await attachAgent(boot(lan, 9, BOARD).rt, f, b.dev.platform); assert.unreachable(); } catch (e: any) {
      assert.is(e.name, 'Error');
      assert.match(e.message, re);
      assert.ok(e.code.startsWith('ERR_AGENT_'));
    }
  };
  await fail(null, /agent module not found/);
  await fail('export const x = 1;', /exports no agent: its default export \(export default, or module\.exports\) must be a function\(device\)/);
  await fail('export default function () { throw new Error("nope"); }', /threw while starting: nope/);
  await fail('export default function ( {', /could not load the agent module/);
});

run('espimp run --agent: the real command joins an app and examples/hub-agent/agent.js both ways', async () => {
  // No UDP here: the app only talks to its agent, so no broadcast disturbs tests running beside this one.
  const app = join(mkdtempSync(join(tmpdir(), 'espimp-run-agent-')), 'app.js');
  writeFileSync(app, `
    agent.on('config', function (c) {
      server.log('config poll ' + c.poll);
      agent.send('reading', { node: 'n9', address: '192.168.77.9', seq: 1, value: 21.5 });
      agent.send('results', null);
    });
    agent.on('results', function (r) { server.log('results ' + JSON.stringify(r)); });
    agent.on('status', function () { agent.send('status', { nodes: 1, polls: 1, readings: 1, lost: 0 }); });
    agent.send('hello', { address: '192.168.77.2' });
    imp.wakeup(3600, function () {});`);
  process.env.HUB_POLL_SECONDS = '7';
  const r = espimp(['run', app, '--ip', '192.168.77.2', '--agent', 'examples/hub-agent/agent.js']);
  delete process.env.HUB_POLL_SECONDS;
  try {
    await r.out.until(/agent: hub status: 1 nodes, 1 polls, 1 readings, 0 lost/);
    assert.match(r.out.text, /agent: hub up at 192\.168\.77\.2; asking for a poll every 7 s/);
    assert.match(r.out.text, /config poll 7\n/);
    assert.match(r.out.text, /results \{"n9@192\.168\.77\.9":\{"count":1,"avg":21\.5,"min":21\.5,"max":21\.5\}\}\n/);
    assert.not.match(r.out.text, /\x10/, 'frames went to the agent, not to stdout');
    r.child.kill('SIGTERM');
    assert.is(await exited(r.child), 0);
    assert.is(r.err.text, '');
  } finally {
    r.child.kill('SIGKILL');
  }
});

run.run();
