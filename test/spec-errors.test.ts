// Spec section 5 (last paragraph): thrown errors carry a stable code; on a board the message
// is the code and what was given, on the host the registry (host/messages.ts) adds a sentence.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { setMessages } from '../firmware/errors';
import { MESSAGES } from '../host/messages';
import { connectedLan, caught } from './support/runtime';

const errs = suite('error codes and messages');

errs('every ERR_* code the firmware can throw has a sentence in the registry, and the registry has no stale codes', () => {
  const used = new Set<string>();
  for (const f of readdirSync('firmware')) {
    // board code says fail('BAD_PORT', …); fail() adds the ERR_ prefix (firmware/errors.ts)
    for (const line of readFileSync(`firmware/${f}`, 'utf8').split('\n').filter((l) => /\bfail\(/.test(l))) {
      for (const m of line.matchAll(/'([A-Z][A-Z_]*[A-Z])'/g)) used.add(`ERR_${m[1]}`);
    }
  }
  assert.ok(used.size >= 10, [...used].join(' '));
  for (const code of used) assert.type(MESSAGES[code], 'string', code);
  for (const code of Object.keys(MESSAGES)) assert.ok(used.has(code), `${code} is never thrown`);
});

errs('board form: "CODE (given …)"; host form adds the sentence; the code is the same either way', () => {
  const { devices: [{ f }] } = connectedLan(1);
  const board = caught(() => f.openudp().send('192.168.1.3', 67, 'x'));
  assert.is(board.message, 'ERR_BAD_PORT (given 67)');
  setMessages(MESSAGES);
  try {
    const host = caught(() => f.openudp().send('1.2.3', 9, 'x'));
    assert.is(host.code, 'ERR_BAD_ADDRESS');
    assert.is(host.message, `ERR_BAD_ADDRESS: ${MESSAGES.ERR_BAD_ADDRESS} (given "1.2.3")`);
  } finally {
    setMessages(null);
  }
  assert.is(caught(() => f.openudp(null, 80)).message, 'ERR_BAD_PORT (given 80)');
});

errs.run();
