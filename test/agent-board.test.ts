// The device end of the agent link as a board runs it: an esp32 bundle (build/, minified,
// checked) in the Espruino-faithful environment (host/espruino/env.ts). Its console lines
// go through the host decoder; the host's frames go in as the REPL would evaluate
// `agentrx("...")`.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle } from '../build/bundle';
import { createEspruinoEnv } from '../host/espruino/env';
import { loadBoard } from '../build/boards';
import { FrameDecoder, encodeLine, replFrame } from '../host/agent-link';

const APP = `
agent.on('ping', function (d) { server.log('ping ' + JSON.stringify(d)); agent.send('pong', d); });
agent.on('bytes', function (b) { server.log('bytes ' + b.len() + ' ' + b.get(0) + ' ' + b.get(2)); });
var b = blob(3); b.writen(16, 'b'); b.writen(10, 'b'); b.writen(200, 'b');
agent.send('hello', { text: 'two\\nlines "quoted"', n: 1.5, list: [true, null] });
agent.send('raw', b);
`;

const board = suite('agent link on a board bundle');

board('frames out of a minified esp32 bundle decode on the PC; REPL lines from the PC reach agent.on', async () => {
  const app = join(mkdtempSync(join(tmpdir(), 'espimp-agent-board-')), 'app.js');
  writeFileSync(app, APP);
  const built = await buildBundle({ board: 'esp32', app, budget: false });
  const env = createEspruinoEnv({ board: loadBoard('esp32') as any });
  try {
    env.run(built.code, 'esp32.js');
    const got: [string, unknown][] = [];
    const texts: string[] = [];
    const decoder = new FrameDecoder({ text: (t) => texts.push(t), message: (n, d) => got.push([n, d]) });
    decoder.push(env.output.join('\r\n') + '\r\n');
    assert.equal(got[0], ['hello', { text: 'two\nlines "quoted"', n: 1.5, list: [true, null] }]);
    assert.equal(got[1][0], 'raw');
    assert.equal([...(got[1][1] as Uint8Array)], [16, 10, 200]);
    assert.equal(decoder.counts, { ok: 2, garbage: 0, truncated: 0, badsum: 0 });

    /** What the REPL does with a line the console types: evaluate it (the DLE only turns echo off). */
    const type = (line: string) => env.run(`agentrx(${JSON.stringify(replFrame(line))})`, 'repl');
    const before = env.output.length;
    type(encodeLine('ping', { x: [1, 'caf\u00e9'] }));
    type(encodeLine('bytes', Buffer.from([7, 0, 255])));
    env.run('agentrx("@5,1:junk"); agentrx(42); print(JSON.stringify(agent.stats()))', 'repl');
    const after = env.output.slice(before);
    assert.is(after[0], 'ping {"x":[1,"caf\u00e9"]}');
    assert.is(after[2], 'bytes 3 7 255');
    assert.equal(JSON.parse(after[3]), { sent: 3, received: 2, unhandled: 0, bad: 2 });
    decoder.push(after[1] + '\r\n');
    assert.equal(got[2], ['pong', { x: [1, 'caf\u00e9'] }]);
    assert.equal(env.errors, []);
  } finally {
    env.close();
  }
});

board.run();
