// Spec sections 1 and 8: server.log / server.error on the console, imp.wakeup /
// imp.cancelwakeup in virtual time, imp.millis().
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Lan } from '../hal/mock/lan';
import { boot, codeOf } from './support/runtime';

const server = suite('server.log / server.error');

server('one console line each; error lines start with "ERROR: "; both return 0', () => {
  const { rt, dev } = boot(new Lan(), 2);
  assert.is(rt.server.log('hello'), 0);
  assert.equal(dev.console, ['hello']);
  assert.is(rt.server.error('boom'), 0);
  assert.equal(dev.console, ['hello', 'ERROR: boom']);
});

server('numbers, objects and blobs are shown as text', () => {
  const { rt, dev } = boot(new Lan(), 2);
  rt.server.log(42);
  rt.server.log({ a: 1, b: 'x' });
  const b = rt.blob();
  b.writestring('from a blob');
  rt.server.log(b);
  rt.server.error(null);
  rt.server.log(undefined);
  assert.equal(dev.console, ['42', '{"a":1,"b":"x"}', 'from a blob', 'ERROR: null', 'undefined']);
});

const wake = suite('imp.wakeup / cancelwakeup / millis');

wake('wakeup fires after the given seconds of virtual time, fractions included', () => {
  const lan = new Lan();
  const { rt } = boot(lan, 2);
  const fired: number[] = [];
  rt.imp.wakeup(1.5, () => fired.push(lan.clock.now()));
  rt.imp.wakeup(0.001, () => fired.push(lan.clock.now()));
  lan.run(1499);
  assert.equal(fired, [1]);
  lan.run(1);
  assert.equal(fired, [1, 1500]);
  lan.run(10_000);
  assert.equal(fired, [1, 1500], 'once only');
});

wake('wakeup(0) runs from the event loop, not inside the call', () => {
  const lan = new Lan();
  const { rt } = boot(lan, 2);
  let fired = 0;
  rt.imp.wakeup(0, () => fired++);
  assert.is(fired, 0);
  lan.run(0);
  assert.is(fired, 1);
});

wake('bad arguments throw ERR_BAD_ARG and set no timer', () => {
  const lan = new Lan();
  const { rt } = boot(lan, 2);
  const before = lan.clock.pending;
  const bad: [unknown, unknown][] = [['1', () => {}], [-1, () => {}], [NaN, () => {}], [Infinity, () => {}], [null, () => {}],
    [1, 'cb'], [1, undefined], [1, {}]];
  for (const [s, cb] of bad) assert.is(codeOf(() => rt.imp.wakeup(s as number, cb as () => void)), 'ERR_BAD_ARG', `${String(s)}, ${typeof cb}`);
  assert.is(lan.clock.pending, before);
});

wake('cancelwakeup stops a pending wakeup; cancelling twice or a spent one is harmless', () => {
  const lan = new Lan();
  const { rt } = boot(lan, 2);
  const fired: string[] = [];
  const a = rt.imp.wakeup(1, () => fired.push('a'));
  rt.imp.wakeup(2, () => fired.push('b'));
  rt.imp.cancelwakeup(a);
  rt.imp.cancelwakeup(a);
  lan.run(3000);
  assert.equal(fired, ['b']);
  assert.is(codeOf(() => rt.imp.cancelwakeup(a)), 'no throw');
});

wake('millis() is whole milliseconds since the runtime started', () => {
  const lan = new Lan();
  const first = boot(lan, 2);
  assert.is(first.rt.imp.millis(), 0);
  lan.run(1234);
  assert.is(first.rt.imp.millis(), 1234);
  const later = boot(lan, 3);
  assert.is(later.rt.imp.millis(), 0, 'counted from this device\'s start');
  lan.run(66);
  assert.is(later.rt.imp.millis(), 66);
  assert.is(first.rt.imp.millis(), 1300);
  assert.ok(Number.isInteger(first.rt.imp.millis()));
});

server.run();
wake.run();
