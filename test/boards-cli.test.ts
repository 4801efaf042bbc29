// espimp boards: the table and --json against the board files read here directly
// (boards/*.json but host.json), every figure in its column; the token bucket in packets.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './support/cli';
import { rateLimit } from '../host/commands/boards';

const ROOT = new URL('..', import.meta.url).pathname;
/** The board files as they are on disk, sorted by name; host.json is the PC, not a build target. */
const FILES = readdirSync(join(ROOT, 'boards')).filter((n) => n.endsWith('.json') && n !== 'host.json').sort()
  .map((n) => JSON.parse(readFileSync(join(ROOT, 'boards', n), 'utf8')));

const boards = suite('espimp boards');

boards('the table: a heading and one row per board, each figure from its board file', async () => {
  const r = await cli('boards');
  assert.is(r.code, 0, r.err);
  assert.is(r.err, '');
  const rows = r.out.trimEnd().split('\n').map((l) => l.trim().split(/\s{2,}/));
  assert.equal(rows[0], ['board', 'NIIs (driver)', 'maxDatagram', 'ring', 'recvBuffer', 'blocks', 'budget', 'reserve', 'rate limit', 'baud']);
  assert.is(rows.length, FILES.length + 1);
  assert.ok(FILES.length >= 6, 'all the boards');
  FILES.forEach((b, i) => {
    const niis = Object.entries(b.niis).map(([nii, drv]) => `${nii} (${drv})`).join(', ');
    const grows = b.memory.reserve === undefined;
    assert.equal(rows[i + 1], [b.name, niis, String(b.maxDatagram), String(b.ring), String(b.recvBufferSize),
      `${b.memory.blocks}${grows ? ' (grows)' : ''}`, String(b.memory.budget), grows ? '-' : String(b.memory.reserve),
      rateLimit(b), String(b.baud)], b.name);
  });
  // one row spelled out, so the figures are what docs/boards.md says
  assert.ok(r.out.split('\n').some((l) => /^esp8266\s+wl0 \(wifi\)\s+268\s+600\s+536\s+1600\s+1300\s+250\s+100 burst, 25\/s\s+115200$/.test(l)), r.out);
  assert.ok(r.out.split('\n').some((l) => /^linux\s+eth0 \(linux\)\s+8192\s+8400\s+8200\s+65536 \(grows\)\s+16000\s+-\s+/.test(l)), r.out);
});

boards('--json: the board files themselves, sorted by name', async () => {
  const r = await cli('boards', '--json');
  assert.is(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out), FILES);
});

boards('the rate limit in packets: capacity/cost burst, refill per ms as per second', () => {
  assert.is(rateLimit({ bucket: { capacity: 100000, refill: 25, cost: 1000 } }), '100 burst, 25/s');
  assert.is(rateLimit({ bucket: { capacity: 5000, refill: 2, cost: 500 } }), '10 burst, 4/s');
  assert.is(rateLimit({ bucket: { capacity: 1000, refill: 1, cost: 3000 } }), '0.33 burst, 0.33/s');
});

boards('an argument it does not take is a usage error', async () => {
  const r = await cli('boards', 'esp32');
  assert.is(r.code, 2);
  assert.match(r.err, /^espimp: too many arguments.*\(espimp boards --help for usage\)\n$/);
});

boards.run();
