// The agent link's codec: device frames (firmware/agent.ts) through the host's streaming
// decoder (host/agent-link.ts) in random splits, with garbage, damaged and truncated frames
// between and inside them; tricky data both ways; the device's receive path.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { adler32, frame, unframe, createAgent } from '../firmware/agent';
import { Blob, blobOf } from '../firmware/blob';
import { FrameDecoder, encodeLine, replFrame, LinkCounts } from '../host/agent-link';
import type { Platform } from '../hal/contract';
import { prng } from '../hal/mock/prng';
import { codeOf, wrong } from './support/runtime';


const TRICKY = ['', 'plain', 'line\nbreak', 'cr\r\nlf', 'tab\there', '\x00nul', '\x10@1,2:dle', 'quote"back\\slash',
  'caf\u00e9', '\u2028\u2029', '\ud83d\ude00 emoji', 'lone \ud800 surrogate', '@@::,,', 'agentrx("x")', '\x1b[31mansi', '\x7f\x80\xff'];

function randomString(r: () => number): string {
  if (r() < 0.5) return TRICKY[Math.floor(r() * TRICKY.length)];
  let s = '';
  const n = Math.floor(r() * 12);
  for (let i = 0; i < n; i++) s += String.fromCharCode(r() < 0.8 ? 32 + Math.floor(r() * 95) : Math.floor(r() * 0x2fff));
  return s;
}

function randomData(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 2 ? 5 : 7));
  switch (k) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return [0, -1, 1.5, -273.15, 1e300, 2 ** 53, Math.floor(r() * 1e9)][Math.floor(r() * 7)];
    case 3: case 4: return randomString(r);
    case 5: return Array.from({ length: Math.floor(r() * 4) }, () => randomData(r, depth + 1));
    default: {
      const o: { [k: string]: unknown } = {};
      for (let i = Math.floor(r() * 4); i > 0; i--) o[randomString(r)] = randomData(r, depth + 1);
      return o;
    }
  }
}

/** JSON's view of a value (what survives any JSON link). */
const viaJson = (v: unknown) => JSON.parse(JSON.stringify(v));

interface Got { texts: string[]; msgs: [string, unknown][]; counts: LinkCounts }

/** Decode `stream` fed in random chunks (split anywhere, also inside UTF-8 sequences). */
function decodeInChunks(stream: Buffer, r: () => number, maxChunk: number): Got {
  const texts: string[] = [];
  const msgs: [string, unknown][] = [];
  const d = new FrameDecoder({ text: (t) => texts.push(t), message: (n, v) => msgs.push([n, v]) });
  for (let i = 0; i < stream.length;) {
    const n = 1 + Math.floor(r() * maxChunk);
    d.push(stream.subarray(i, i + n));
    i += n;
  }
  d.end();
  return { texts, msgs, counts: d.counts };
}

const codec = suite('frame codec');

codec('adler32 is the standard one (zlib test vector) and a frame carries length and checksum', () => {
  assert.is(adler32('Wikipedia'), 0x11e60398);
  assert.is(adler32(''), 1);
  const f = frame('reading', { v: 1 });
  const body = '["reading",{"v":1}]';
  assert.is(f, `@13,${adler32(body).toString(16)}:${body}`);
  assert.equal(unframe(f), ['reading', { v: 1 }]);
});

codec('frames are printable ASCII whatever the data: no newline, no DLE, no marker inside', () => {
  const r = prng(11);
  for (let i = 0; i < 500; i++) {
    const f = frame(randomString(r), randomData(r));
    // printable ASCII: no newline and no DLE, so no frame marker (DLE @) can be inside
    assert.ok(/^[\x20-\x7e]*$/.test(f), JSON.stringify(f));
  }
});

codec('damage is told apart: truncated, bad checksum, garbage', () => {
  const f = frame('x', { a: 'hello' });
  assert.is(unframe(f.slice(0, -3)), 1, 'short body: truncated');
  const i = f.indexOf(':') + 3;
  const flipped = f.slice(0, i) + (f[i] === 'a' ? 'b' : 'a') + f.slice(i + 1);
  assert.is(unframe(flipped), 2, 'one char changed: checksum');
  assert.is(unframe(f + 'x'), 2, 'longer than its length');
  assert.is(unframe('@zz,1:[]'), 0);
  assert.is(unframe('no frame'), 0);
  const body = '{"not":"a message"}';
  assert.is(unframe(`@${body.length.toString(16)},${adler32(body).toString(16)}:${body}`), 0, 'intact but not [name, data]');
  const notJson = '[1,';
  assert.is(unframe(`@${notJson.length.toString(16)},${adler32(notJson).toString(16)}:${notJson}`), 0);
});

const fuzz = suite('decoder fuzz');

fuzz('random messages, text, garbage, damaged and truncated frames, random splits: every intact frame and text line comes out, the rest is counted', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const r = prng(seed);
    const parts: string[] = [];
    const want: Got = { texts: [], msgs: [], counts: { ok: 0, garbage: 0, truncated: 0, badsum: 0 } };
    for (let i = 0; i < 60; i++) {
      const kind = Math.floor(r() * 8);
      const name = randomString(r);
      const data = randomData(r);
      const f = '\x10' + frame(name, data);
      const text = Buffer.from(randomString(r).replace(/[\x10\n]/g, ''), 'utf8').toString('utf8');
      if (kind <= 2) { // intact frame, maybe after a prompt and with text around it on the same line
        const before = r() < 0.3 ? '>\x08' : r() < 0.2 ? text : '';
        const after = r() < 0.2 ? ' tail' : '';
        parts.push(before + f + after + '\r\n');
        want.msgs.push([name, viaJson(data)]);
        want.counts.ok++;
        if (before || after) want.texts.push(before + after);
      } else if (kind === 3) { // ordinary output
        parts.push(text + '\r\n');
        want.texts.push(text);
      } else if (kind === 4) { // truncated: the line ends early (Espruino printed inside the frame)
        const cut = f.slice(0, f.indexOf(':') + 1 + Math.floor(r() * (f.length - f.indexOf(':') - 1)));
        parts.push(cut + '\r\nUncaught Error: x\r\n');
        want.counts.truncated++;
        want.texts.push('Uncaught Error: x');
      } else if (kind === 5) { // one char of the body changed
        const at = f.indexOf(':') + 1 + Math.floor(r() * (f.length - f.indexOf(':') - 1));
        const c = f[at] === 'q' ? 'r' : 'q';
        parts.push(f.slice(0, at) + c + f.slice(at + 1) + '\r\n');
        want.counts.badsum++;
      } else if (kind === 6) { // a frame cut short by the next frame's start on the same line
        const g = '\x10' + frame('next', 1);
        parts.push(f.slice(0, f.length - 1 - Math.floor(r() * 3)) + g + '\r\n');
        want.counts.truncated++;
        want.counts.ok++;
        want.msgs.push(['next', 1]);
      } else { // garbage after a frame start
        parts.push('\x10@' + ['zz', '', '1,', '12345678901,1:', 'ff'][Math.floor(r() * 5)] + '\r\n');
        want.counts.garbage++;
      }
    }
    const stream = Buffer.from(parts.join(''), 'utf8');
    const got = decodeInChunks(stream, r, 1 + Math.floor(r() * 64));
    assert.equal(got.msgs, want.msgs, `seed ${seed}`);
    assert.equal(got.counts, want.counts, `seed ${seed}`);
    assert.equal(got.texts, want.texts, `seed ${seed}`);
  }
});

fuzz('random bytes with frame starts sprinkled in never throw, and every byte is accounted for as text or counted', () => {
  for (let seed = 100; seed < 160; seed++) {
    const r = prng(seed);
    const bytes: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const x = r();
      if (x < 0.02) bytes.push(0x10, 0x40); else if (x < 0.04) bytes.push(10); else bytes.push(Math.floor(r() * 256));
    }
    let got: Got | null = null;
    try { got = decodeInChunks(Buffer.from(bytes), r, 100); } catch (e) { assert.unreachable(`seed ${seed} threw: ${e}`); }
    const starts = Buffer.from(bytes).toString('latin1').split('\x10@').length - 1;
    const c = got!.counts;
    assert.ok(c.ok + c.garbage + c.truncated + c.badsum === starts, `every frame start counted once (seed ${seed})`);
  }
});

fuzz('an over-long line without a newline is given up, not buffered for ever', () => {
  const texts: string[] = [];
  const d = new FrameDecoder({ text: (t) => texts.push(t), message: () => {} });
  const chunk = 'x'.repeat(1 << 16);
  for (let i = 0; i < 80; i++) d.push(chunk);
  assert.ok(texts.length >= 1 && texts[0].length > 1 << 20);
  assert.ok(d.partial().length < 1 << 23);
});

const roundtrip = suite('round trip');

/** A platform whose console lines land in `lines` and whose timers run at once. */
function platform(lines: string[]): Platform {
  return { now: () => 0, timer: (_ms, cb) => { cb(); return 0; }, later: (cb) => { cb(); }, cancel: () => {}, write: (l) => { lines.push(l); }, load: () => null, save: () => {} };
}

roundtrip('device -> PC: tricky data arrives as JSON would carry it; a blob arrives as its bytes', () => {
  const lines: string[] = [];
  const agent = createAgent(platform(lines));
  const got: [string, unknown][] = [];
  const d = new FrameDecoder({ text: () => assert.unreachable('no text expected'), message: (n, v) => got.push([n, v]) });
  const values: unknown[] = [...TRICKY, { nested: [TRICKY, { deep: TRICKY }] }, -0.5, 1e-7, [], {}, null, true];
  for (const v of values) assert.is(agent.send('m', v), 0);
  const b = blobOf(new Uint8Array([0, 1, 2, 0x10, 10, 13, 255, 128]));
  agent.send('bytes', b);
  for (const l of lines) d.push(Buffer.from(l + '\r\n', 'utf8'));
  assert.equal(got.slice(0, values.length), values.map((v) => ['m', viaJson(v)]));
  assert.instance(got[values.length][1], Uint8Array);
  assert.equal([...(got[values.length][1] as Uint8Array)], [0, 1, 2, 0x10, 10, 13, 255, 128]);
  assert.equal(agent.stats(), { sent: values.length + 1, received: 0, unhandled: 0, bad: 0 });
});

roundtrip('PC -> device: the REPL line is DLE + agentrx("...") + newline, one line, and the handler gets the data; bytes become a blob', () => {
  const lines: string[] = [];
  const agent = createAgent(platform(lines));
  const got: unknown[] = [];
  agent.on('cfg', (v: unknown) => got.push(v));
  for (const v of TRICKY) {
    const line = encodeLine('cfg', { v });
    assert.ok(line.startsWith('\x10agentrx("') && line.endsWith('")\n'));
    assert.is(line.indexOf('\n'), line.length - 1, 'a single line');
    assert.ok(/^[\x10\x20-\x7e]*\n$/.test(line), 'printable ASCII: Espruino takes it as typed');
    agent.rx(replFrame(line));
  }
  assert.equal(got, TRICKY.map((v) => viaJson({ v })));
  got.length = 0;
  agent.rx(replFrame(encodeLine('cfg', Buffer.from([9, 0, 255]))));
  assert.instance(got[0], Blob);
  assert.equal([...(got[0] as Blob).bytes()], [9, 0, 255]);
  assert.equal(lines, []);
});

const device = suite('device receive path');

device('damaged frames, non-strings and unknown names are counted, never thrown; a throwing handler is reported', () => {
  const lines: string[] = [];
  const agent = createAgent(platform(lines));
  let calls = 0;
  agent.on('ok', () => { calls++; });
  agent.on('bad', () => { throw new Error('handler broke'); });
  const good = frame('ok', 1);
  agent.rx(good);
  agent.rx(good.slice(0, -1));
  agent.rx(good.replace('1]', '2]'));
  agent.rx('garbage');
  agent.rx(undefined);
  agent.rx(42);
  agent.rx(frame('nobody', 1));
  agent.rx(frame('bad', 1));
  agent.rx(frame('ok', { $blob: '%%%not base64' }));
  assert.is(calls, 1);
  assert.equal(agent.stats(), { sent: 0, received: 3, unhandled: 1, bad: 6 });
  assert.equal(lines, ['ERROR: agent.on threw: handler broke']);
  agent.on('ok', null);
  agent.rx(good);
  assert.is(calls, 1, 'removed with null');
});

device('bad arguments throw coded errors', () => {
  const agent = createAgent(platform([]));
  assert.is(codeOf(() => agent.on(wrong(5), () => {})), 'ERR_BAD_ARG');
  assert.is(codeOf(() => agent.on('x', wrong('nope'))), 'ERR_BAD_CALLBACK');
  assert.is(codeOf(() => agent.send(wrong(null), 1)), 'ERR_BAD_ARG');
  const loop: any = {};
  loop.self = loop;
  assert.is(codeOf(() => agent.send('x', loop)), 'ERR_BAD_DATA');
  assert.equal(agent.stats().sent, 0);
});

codec.run();
fuzz.run();
roundtrip.run();
device.run();
