// The divergences from V8 that the code relies on (shared/spec/espruino-facts.md, and the
// checker's rules in host/check), measured on the REAL interpreter (upstream 2v29, Linux port):
// each probe is one expression evaluated in a device (host/espruino/interpreter.ts) and one
// assertion of Espruino's answer. The 64-bit build runs every probe; the 32-bit 8190-block build
// (device-like memory) runs the typed-array and string ones again.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startDevice, haveInterpreter, type Device, type InterpreterKind } from '../host/espruino/interpreter';

/** A probe: an expression and the JSON value it gives, or `throws`: part of the message it throws. */
type Probe = { name: string; expr: string; is?: any; throws?: string };

/** Run at the app's top level (from Storage, as a board does): results kept in globals for the probes. */
const APP = [
  'var hoistTop = "no error";',
  'try { laterTop(); } catch (e) { hoistTop = e instanceof ReferenceError ? "" + e : "other: " + e; }',
  'function laterTop() { return 1; }',
].join('\n');

/** Typed arrays, strings and encodings: probed on both builds. */
const BYTES: Probe[] = [
  { name: 'u8.slice() is a plain Array', expr: '(function(){var s=new Uint8Array([1,2,3]).slice(1);return [Array.isArray(s), s instanceof Uint8Array, typeof s.subarray, typeof s.buffer];})()', is: [true, false, 'undefined', 'undefined'] },
  { name: 'u8.filter() is a plain Array', expr: '(function(){var s=new Uint8Array([1,2,3]).filter(function(x){return x>1;});return [Array.isArray(s), s instanceof Uint8Array, typeof s.set];})()', is: [true, false, 'undefined'] },
  { name: 'u8.map() is a Uint8Array', expr: '(function(){var s=new Uint8Array([1,2,3]).map(function(x){return x*2;});return [Array.isArray(s), s instanceof Uint8Array, s[2]];})()', is: [false, true, 6] },
  { name: '=== and !== call an object operand\'s valueOf (send() and the blob test typeof first)', expr: '(function(){var o={valueOf:function(){return 5;}};return [o === 5, o !== 5, "a" === {valueOf:function(){return "a";}}];})()', is: [true, false, true] },
  { name: 'u8.set(binaryString, offset) copies its char codes (the ring takes dgram\'s strings as they are)', expr: '(function(){var u=new Uint8Array(6);u.set(E.toString([1,200,255]),2);return [].slice.call(u);})()', is: [0, 0, 1, 200, 255, 0] },
  { name: 'a resolved Promise\'s then() does not run inside the running code (Platform.later)', expr: '(function(){global.PL=[];Promise.resolve().then(function(){PL.push(2);});PL.push(1);return PL.slice();})()', is: [1] },
  { name: '... and has run by the next call (from the event loop)', expr: 'PL', is: [1, 2] },
  { name: 'u8.subarray() is a Uint8Array', expr: 'new Uint8Array([1,2,3]).subarray(1) instanceof Uint8Array', is: true },
  { name: 'new DataView(Array) throws', expr: 'new DataView(new Uint8Array(4).slice())', throws: 'Expecting ArrayBuffer, got Array' },
  { name: 'new Uint8Array(u8.subarray(a, b)) copies', expr: '(function(){var u=new Uint8Array([1,2,3,4]),c=new Uint8Array(u.subarray(1,3));c[0]=99;return [c instanceof Uint8Array, c.length, c[0], u[1]];})()', is: [true, 2, 99, 2] },
  { name: "'abc'[-1] throws", expr: "'abc'[-1]", throws: 'Field or method "-1" does not already exist' },
  { name: 'u8[-1] throws', expr: 'new Uint8Array(2)[-1]', throws: 'Field or method "-1" does not already exist' },
  { name: "'abc'[i - 1] with i = 0 throws", expr: "(function(i){return 'abc'[i - 1];})(0)", throws: 'Field or method "-1" does not already exist' },
  { name: '[1,2][-1] is undefined (arrays do not throw)', expr: 'typeof [1,2][-1]', is: 'undefined' },
  { name: "'abc'.charAt(-1) is ''", expr: "'abc'.charAt(-1)", is: '' },
  { name: 'String.fromCharCode(0x20AC) keeps the low 8 bits', expr: 'String.fromCharCode(0x20AC).charCodeAt(0)', is: 172 },
  { name: "E.toUint8Array('\\u20ac') is its UTF-8 bytes", expr: "E.toUint8Array('\\u20ac')", is: [226, 130, 172] },
  { name: "a '\\u20ac' escape is one UTF-8 character, code 8364 (not \\xAC)", expr: "(function(s){return [s.length, s.charCodeAt(0), E.isUTF8(s)];})('\\u20ac')", is: [1, 8364, true] },
  { name: "E.isUTF8('\\u00e9') is true", expr: "E.isUTF8('\\u00e9')", is: true },
  { name: "'\\xe9' is a binary string: not UTF-8, one byte 233", expr: "[E.isUTF8('\\xe9'), E.toUint8Array('\\xe9')]", is: [false, [233]] },
  { name: 'E.toString(new Uint8Array(0)) is the empty string', expr: 'E.toString(new Uint8Array(0))', is: '' },
];

/** The language and the built-ins: probed on the 64-bit build. */
const LANGUAGE: Probe[] = [
  { name: 'a function declared after its call: ReferenceError (inside a function)', expr: '(function(){try{later();return "no error";}catch(e){return [e instanceof ReferenceError, ""+e];}function later(){}})()', is: [true, 'ReferenceError: "later" is not defined'] },
  { name: 'a function declared after its call: ReferenceError (top level of the app, from Storage)', expr: 'hoistTop', is: 'ReferenceError: "laterTop" is not defined' },
  { name: "an error's name is undefined on the instance (String(e) has it)", expr: '(function(){try{null.x;}catch(e){return [typeof e.name, typeof new TypeError("t").name, String(new TypeError("t"))];}})()', is: ['undefined', 'undefined', 'TypeError: t'] },
  { name: 'Object.keys keeps insertion order (integer keys not first)', expr: 'Object.keys({b:1,a:2,1:3})', is: ['b', 'a', '1'] },
  { name: 'Array.prototype.slice is undefined', expr: 'typeof Array.prototype.slice', is: 'undefined' },
  { name: '[].slice works on arguments', expr: '(function(){return [].slice.call(arguments, 1);})(1,2,3)', is: [2, 3] },
  { name: 'missing built-ins: Map Set Symbol Array.from Object.freeze Math.trunc Number.isInteger RangeError', expr: '[typeof Map, typeof Set, typeof Symbol, typeof Array.from, typeof Object.freeze, typeof Math.trunc, typeof Number.isInteger, typeof RangeError]', is: Array(8).fill('undefined') },
  { name: 'for (let i…) closures see the last value', expr: '(function(){var fs=[];for(let i=0;i<3;i++)fs.push(function(){return i;});return fs.map(function(f){return f();});})()', is: [3, 3, 3] },
];

/** One suite per interpreter: a device started once, every probe one call and one assertion. */
function facts(kind: InterpreterKind, probes: Probe[]) {
  const t = suite(`device facts (Espruino 2v29, ${kind === '64' ? '64-bit' : `32-bit ${kind} blocks`})`);
  let dev: Device;
  t.before(async () => { dev = await startDevice({ kind, app: APP }); });
  t.after(() => { dev?.kill(); });
  for (const p of probes) {
    t(p.name, async () => {
      if (p.throws === undefined) {
        assert.equal(await dev.call(p.expr), p.is);
        return;
      }
      let msg: string | null = null;
      try { await dev.call(p.expr); } catch (e: any) { msg = String(e.message); }
      assert.ok(msg !== null && msg.includes(p.throws), `expected a throw with ${JSON.stringify(p.throws)}, got ${msg === null ? 'a value' : JSON.stringify(msg)}`);
    });
  }
  t.run();
}

if (haveInterpreter('device-facts')) {
  facts('64', [...BYTES, ...LANGUAGE]);
  facts('8190', BYTES);
} else {
  const skip = suite('device facts');
  skip('skipped: no Espruino interpreter (see the line above)', () => {});
  skip.run();
}
