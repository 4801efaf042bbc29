// The app on the simulated LAN: `espimp sim` runs echo.{{EXT}} (192.168.77.1) and client.{{EXT}}
// (192.168.77.2) as two devices on a virtual clock, so a minute takes a fraction of a second
// and no socket is opened. Each test reads the timeline and the counters sim prints.
// Run with `npm test` (node --test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const project = fileURLToPath(new URL('..', import.meta.url));
const espimp = fileURLToPath(new URL('../node_modules/espimp/bin/espimp.js', import.meta.url));

/** `espimp sim echo.{{EXT}} client.{{EXT}} ...args`: its output, after checking it ran cleanly. */
function sim(...args) {
  const r = spawnSync(process.execPath, [espimp, 'sim', 'echo.{{EXT}}', 'client.{{EXT}}', ...args],
    { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, `espimp sim failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The pings the client got back, in order. */
const echoes = (out) => [...out.matchAll(/client@2\s+Echo from 192\.168\.77\.1:2001: ping (\d+)$/gm)].map((m) => Number(m[1]));

/** One device's row of the counters table, by column name. */
function counters(out, device) {
  const lines = out.split('\n');
  const head = lines.find((l) => l.startsWith('device '));
  const row = lines.find((l) => l.startsWith(device + ' '));
  assert.ok(head && row, `no counters for ${device}:\n${out}`);
  const names = head.trim().split(/\s+/);
  const values = row.trim().split(/\s+/);
  return Object.fromEntries(names.map((n, i) => [n, i < 2 ? values[i] : Number(values[i])]));
}

test('every ping the client broadcasts comes back from the echo server', () => {
  const out = sim('--duration', '10');
  assert.match(out, /echo@1\s+Echo server on 192\.168\.77\.1:2001$/m);
  const got = echoes(out);
  assert.ok(got.length >= 9, `at least 9 echoes in 10 s, got ${got.length}:\n${out}`);
  assert.deepEqual(got, got.map((_, i) => i + 1), 'ping 1, ping 2, ... in order, none missing');
  const echo = counters(out, 'echo@1');
  const client = counters(out, 'client@2');
  assert.equal(echo.received, got.length, 'the server received each ping');
  assert.equal(echo.sent, got.length, 'and echoed each');
  assert.equal(client.received, got.length);
  assert.equal(echo.errors + client.errors, 0);
});

test('with 30 % of deliveries lost, each echo that arrives is a ping that was sent, once', () => {
  const out = sim('--duration', '60', '--loss', '0.3', '--seed', '7');
  const got = echoes(out);
  const client = counters(out, 'client@2');
  assert.ok(got.length > 0 && got.length < client.sent, `some echoes lost, some not: ${got.length} of ${client.sent}`);
  assert.ok(got.every((n, i) => n >= 1 && n <= client.sent && (i == 0 || n > got[i - 1])), `pings in order, none twice: ${got}`);
});
