// The console's pure parts: Ctrl-C-twice and half-typed-line tracking (host/console/keys.ts),
// line cleaning, highlighting and timestamps (view.ts), --port parsing (link.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Keys, QUIT_WINDOW_MS } from '../host/console/keys';
import { ConsoleView, clean, isError, shortData, stamp } from '../host/console/view';
import { parsePort } from '../host/console/link';

const keys = suite('keys');

keys('Ctrl-C twice with nothing from the board between leaves; the second is not passed on', () => {
  let t = 0;
  const k = new Keys(() => t);
  assert.equal(k.keys('\x03'), { send: '\x03', quit: false, armed: true });
  k.output('\x08>');
  t = 60_000;
  assert.equal(k.keys('ab\x03cd'), { send: 'ab', quit: true, armed: false }, 'a bare prompt in between does not count');
});

keys('board output between them makes the next Ctrl-C a first one, unless it comes within the quit window', () => {
  let t = 0;
  const k = new Keys(() => t);
  k.keys('\x03');
  k.output('Execution Interrupted\r\n');
  t = QUIT_WINDOW_MS + 1;
  assert.is(k.keys('\x03').quit, false);
  k.output('log line\r\n');
  t += QUIT_WINDOW_MS;
  assert.is(k.keys('\x03').quit, true, 'a chatty board cannot keep the user in');
  const k2 = new Keys(() => 0);
  assert.is(k2.keys('\x03\x03').quit, true, 'both in one chunk');
});

keys('a half-typed line is tracked: typing makes it dirty, Enter, Ctrl-U and Ctrl-C clear it, backspace can empty it', () => {
  const k = new Keys(() => 0);
  assert.is(k.dirty, false);
  k.keys('ab');
  assert.is(k.dirty, true);
  k.keys('\x7f\x08');
  assert.is(k.dirty, false, 'both chars deleted');
  k.keys('x');
  k.keys('\r');
  assert.is(k.dirty, false);
  k.keys('\x1b[A');
  assert.is(k.dirty, true, 'history recall: unknown contents');
  k.keys('\x15');
  assert.is(k.dirty, false);
  k.keys('y\x03');
  assert.is(k.dirty, false);
});

const view = suite('view');

view('clean() leaves what a terminal shows: prompt erased by backspace, CR, escape sequences gone', () => {
  assert.is(clean('>\x08hello\r'), 'hello');
  assert.is(clean('\x1b[31mred\x1b[0m \x1b[Kok\x07'), 'red ok');
  assert.is(clean('>1+2'), '>1+2');
  assert.is(clean('tab\there'), 'tab\there');
});

view('error lines are recognised; timestamps are HH:MM:SS.mmm; data summaries are cut', () => {
  assert.ok(isError('ERROR: x') && isError('Uncaught Error: y'));
  assert.not.ok(isError('no ERROR: here') || isError('Error: lowercase prefix is not server.error'));
  assert.is(stamp(new Date(2024, 0, 2, 3, 4, 5, 6)), '03:04:05.006');
  assert.is(shortData(new Uint8Array(9)), '<9 bytes>');
  assert.is(shortData('x'.repeat(500)).length, 203);
});

view('lines get a timestamp, prompt residue is dropped, colour only for errors and only when asked', () => {
  const out: string[] = [];
  const log: string[] = [];
  const when = new Date(2024, 0, 1, 12, 0, 0, 250);
  const v = new ConsoleView({ out: { write: (s: string) => out.push(s) }, color: true, live: false, transcript: (l) => log.push(l), now: () => when });
  v.line('>\x08');
  v.line('plain');
  v.line('>\x08ERROR: bad');
  v.agent(true, 'reading', { a: 1 });
  v.notice('connected');
  v.partial('>half');
  assert.equal(out, ['[12:00:00.250] plain\n', '\x1b[31m[12:00:00.250] ERROR: bad\x1b[0m\n',
    '[12:00:00.250] agent <- reading {"a":1}\n', '[12:00:00.250] --- connected\n']);
  assert.equal(log, ['[12:00:00.250] plain', '[12:00:00.250] ERROR: bad', '[12:00:00.250] agent <- reading {"a":1}', '[12:00:00.250] --- connected']);
});

view('on a terminal the line under way is drawn live and replaced when it completes', () => {
  const out: string[] = [];
  const v = new ConsoleView({ out: { write: (s: string) => out.push(s) }, color: false, live: true, now: () => new Date(0) });
  v.partial('>');
  v.partial('>');
  v.partial('>1+');
  v.line('>1+2');
  assert.equal(out.slice(0, 2), ['\r\x1b[K>', '\r\x1b[K>1+']);
  assert.match(out[2], /^\r\x1b\[K\[[\d:.]+\] >1\+2\n$/);
});

const port = suite('--port');

port('a device path, or tcp://host:port; anything else is a clear user error', () => {
  assert.equal(parsePort('/dev/ttyACM0', '9600'), { kind: 'serial', path: '/dev/ttyACM0', baud: 9600 });
  assert.equal(parsePort('tcp://127.0.0.1:23', '115200'), { kind: 'tcp', host: '127.0.0.1', port: 23 });
  assert.equal(parsePort('tcp://[::1]:2323', 0), { kind: 'tcp', host: '::1', port: 2323 });
  assert.equal(parsePort('tcp://espruino.local', 0), { kind: 'tcp', host: 'espruino.local', port: 23 }, 'telnet by default');
  for (const [p, b, re] of [['tcp://', 1, /use a device path/], ['tcp://h:x', 1, /use a device path/], ['tcp://h:70000', 1, /1-65535/], ['COM3', '12.5', /--baud/], ['', 1, /--port/]] as const) {
    try { parsePort(p, b); assert.unreachable(p); } catch (e: any) { assert.match(e.message, re); assert.ok(e.code.startsWith('ERR_')); }
  }
});

keys.run();
view.run();
port.run();
