// The device end of the agent link as a board runs it: every board's bundle (minified,
// checked) on the real Espruino interpreter, run from Storage with the board's stand-ins. Its console lines go through
// the host decoder; the host's frames go in as `espimp console` types them at the REPL.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameDecoder, encodeLine } from '../host/agent-link';
import { boardDevice, appFile, runWithInterpreter } from './support/espruino-device';
import { standinsFor, netFile } from '../host/espruino/standins/index';
import { listBoards } from '../build/boards';


const APP = `
agent.on('ping', function (d) { server.log('ping ' + JSON.stringify(d)); agent.send('pong', d); });
agent.on('bytes', function (b) { server.log('bytes ' + b.len() + ' ' + b.get(0) + ' ' + b.get(2)); });
var b = blob(3); b.writen(16, 'b'); b.writen(10, 'b'); b.writen(200, 'b');
agent.send('hello', { text: 'two\\nlines "quoted"', n: 1.5, list: [true, null] });
agent.send('raw', b);
`;

const board = suite('agent link on a board bundle');

const app = appFile(APP);
for (const name of listBoards()) board(`${name}: frames out of a minified bundle on the interpreter decode on the PC; lines from the PC reach agent.on`, async () => {
  const dev = await boardDevice(name, app, { host: 201, boot: standinsFor(name), files: netFile() });
  try {
    await dev.until(() => dev.lines.some((l) => l.includes('"raw"')), 'the two frames the app sends at start');
    const got: [string, unknown][] = [];
    const decoder = new FrameDecoder({ text: () => {}, message: (n, d) => got.push([n, d]) });
    decoder.push(dev.lines.join('\r\n') + '\r\n');
    assert.equal(got[0], ['hello', { text: 'two\nlines "quoted"', n: 1.5, list: [true, null] }]);
    assert.equal(got[1][0], 'raw');
    assert.equal([...(got[1][1] as Uint8Array)], [16, 10, 200]);
    assert.equal(decoder.counts, { ok: 2, garbage: 0, truncated: 0, badsum: 0 });

    const before = dev.lines.length;
    dev.evalLine(encodeLine('ping', { x: [1, 'caf\u00e9'] }).replace(/^\x10|\n$/g, ''));
    dev.evalLine(encodeLine('bytes', Buffer.from([7, 0, 255])).replace(/^\x10|\n$/g, ''));
    await dev.until(() => dev.lines.slice(before).some((l) => l.startsWith('bytes ')), 'both messages handled');
    const stats = await dev.call('(agentrx("@5,1:junk"), agentrx(42), agent.stats())');
    const after = dev.lines.slice(before).filter((l) => l.trim() && !l.startsWith('@@'));
    // Espruino's JSON.stringify writes a non-ASCII char as \u00E9, which V8 would not
    const ping = after.find((l) => l.startsWith('ping '));
    assert.equal(ping && JSON.parse(ping.slice(5)), { x: [1, 'caf\u00e9'] }, after.join('\n'));
    assert.ok(after.includes('bytes 3 7 255'), after.join('\n'));
    assert.equal(stats, { sent: 3, received: 2, unhandled: 0, bad: 2 });
    decoder.push(after.join('\r\n') + '\r\n');
    assert.equal(got[2], ['pong', { x: [1, 'caf\u00e9'] }]);
    assert.equal(dev.faults, []);
  } finally {
    await dev.kill();
  }
});

runWithInterpreter('agent-board (the agent link on the real interpreter)', board);
