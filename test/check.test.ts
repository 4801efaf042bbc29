// The Espruino compatibility checker (host/check): every rule fires at the right line:column
// on a minimal snippet and stays quiet on a near miss that Espruino runs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkSource, RULES, type Finding } from '../host/check/index';

/** "line:col" of each finding of `rule` in `src`. */
function at(src: string, rule: string): string[] {
  return checkSource(src).filter((f) => f.rule === rule).map((f) => `${f.line}:${f.column}`);
}

/** All findings of `src` as "rule@line:col". */
function all(src: string): string[] {
  return checkSource(src).map((f: Finding) => `${f.rule}@${f.line}:${f.column}`);
}

const syntax = suite('check: syntax Espruino rejects');

syntax('parse-error: a file that does not parse is one finding at the error', () => {
  assert.equal(all('var a = 1;\nvar b = ;'), ['parse-error@2:9']);
  assert.equal(all('#!/usr/bin/env espruino\nvar a = 1;'), [], 'a hashbang is fine');
});

syntax('es-module: import/export, dynamic import, import.meta', () => {
  assert.equal(at('import x from "y";\nexport const z = 1;', 'es-module'), ['1:1', '2:1']);
  assert.equal(at('var m = import("x");', 'es-module'), ['1:9']);
  assert.equal(at('var o = { import: 1, export: 2 }; o.import;', 'es-module'), [], 'property names are not modules');
});

syntax('default-param: only parameter defaults', () => {
  assert.equal(at('function f(a, b = 2) {}\nvar g = (x = 1) => x;', 'default-param'), ['1:15', '2:10']);
  assert.equal(at('function f(a, b) { if (b === undefined) b = 2; var c = a || 1; }', 'default-param'), []);
});

syntax('rest-param: rest parameters', () => {
  assert.equal(at('function f(a, ...r) {}\nvar g = (...xs) => xs;', 'rest-param'), ['1:15', '2:10']);
  assert.equal(at('function f() { return [].slice.call(arguments, 1); }', 'rest-param'), []);
});

syntax('spread: calls, arrays, objects; not in strings', () => {
  assert.equal(at('f(...a);\nvar b = [1, ...a];\nvar c = { ...o, k: 1 };', 'spread'), ['1:3', '2:13', '3:11']);
  assert.equal(at('var s = "...a"; f.apply(null, a); var b = [1].concat(a); var c = Object.assign({}, o);', 'spread'), []);
});

syntax('destructuring: declarations, assignments, parameters, for-of, catch', () => {
  const src = 'var {a} = o;\n[a, b] = [b, a];\nfunction f({x}) {}\nfor (const [k, v] of e) {}\ntry {} catch ({message}) {}';
  assert.equal(at(src, 'destructuring'), ['1:5', '2:1', '3:12', '4:12', '5:15']);
  assert.equal(at('var a = o.a, t = b; b = a; a = t; for (var x of e) {} try {} catch (e) {} try {} catch {}', 'destructuring'), []);
});

syntax('generator: function*, generator methods', () => {
  assert.equal(at('function* g() { yield 1; }\nvar o = { *m() {} };', 'generator'), ['1:1', '2:11']);
  assert.equal(at('function g() { var x = a * b; return x; }', 'generator'), []);
});

syntax('async-await: async functions, await, for await', () => {
  assert.equal(at('async function f() { await p; }\nvar g = async () => 1;', 'async-await'), ['1:1', '1:22', '2:9']);
  assert.equal(at('var async = 1; function await2() { return async; } p.then(function (v) { return v; });', 'async-await'), []);
});

syntax('exponent: ** and **=', () => {
  assert.equal(at('var x = a ** 2;\nx **= 3;', 'exponent'), ['1:11', '2:3']);
  assert.equal(at('var x = Math.pow(a, 2); var y = a * b; y *= 2;', 'exponent'), []);
});

syntax('optional-chaining: ?. at the operator; ?? alone is fine', () => {
  assert.equal(at('var a = o?.b;\nf?.();\nvar c = o.p?.[i];', 'optional-chaining'), ['1:10', '2:2', '3:12']);
  assert.equal(at('var a = o ? o.b : 1; var c = x ?? y;', 'optional-chaining'), []);
});

syntax('logical-assignment: ??= ||= &&=', () => {
  assert.equal(at('a ??= 1;\nb ||= 2;\nc &&= 3;', 'logical-assignment'), ['1:3', '2:3', '3:3']);
  assert.equal(at('a = a ?? 1; b = b || 2; c |= 3; d = d && 4;', 'logical-assignment'), []);
});

syntax('label: labelled statements, break/continue label', () => {
  assert.equal(at('outer: for (;;) {\n  for (;;) { continue outer; }\n}', 'label'), ['1:1', '2:23']);
  assert.equal(at('var o = { outer: 1 }; switch (x) { case 1: break; default: }', 'label'), [], 'an object key is not a label');
});

syntax('private-member: #x fields, methods, access', () => {
  assert.equal(at('class A {\n  #x = 1;\n  m() { return this.#x; }\n}', 'private-member'), ['2:3', '3:21']);
  assert.equal(at('class A { constructor() { this._x = 1; } m() { return this._x; } }', 'private-member'), []);
});

syntax('computed-key: class members and object keys', () => {
  assert.equal(at('var o = { [k]: 1 };\nclass B { [k]() {} }', 'computed-key'), ['1:12', '2:12']);
  assert.equal(at('var o = {}; o[k] = 1; var v = o[k]; class B { k() {} }', 'computed-key'), []);
});

syntax('tagged-template: only tags; plain templates are fine', () => {
  assert.equal(at('var s = tag`x${a}`;', 'tagged-template'), ['1:9']);
  assert.equal(at('var s = `x${a}\ny`;', 'tagged-template'), []);
});

syntax('class-static-block', () => {
  assert.equal(at('class A {\n  static { init(); }\n}', 'class-static-block'), ['2:3']);
  assert.equal(at('class A { static init() {} } A.init();', 'class-static-block'), []);
});

syntax('new-target and bigint', () => {
  assert.equal(at('function F() {\n  if (!new.target) return;\n}', 'new-target'), ['2:8']);
  assert.equal(at('function F() { if (!(this instanceof F)) return new F(); }', 'new-target'), []);
  assert.equal(at('var b = 10n;', 'bigint'), ['1:9']);
  assert.equal(at('var b = 10; var n = "10n";', 'bigint'), []);
});

syntax('unicode-escape: \\u{…} is an error; \\uXXXX is fine (a UTF-8 string on 2v29)', () => {
  const f = checkSource('var a = "\\u{1F600}";\nvar b = "\\u20AC";').filter((x) => x.rule === 'unicode-escape');
  assert.equal(f.map((x) => `${x.line}:${x.column}:${x.severity}`), ['1:10:error']);
  assert.equal(at('var a = "\\u00e9\\x41"; var b = "\\\\u{1}"; var c = `\\u0041`;', 'unicode-escape'), [], 'low \\u, escaped backslash');
});

syntax('non-latin1-string: characters above U+00FF in strings, not in comments', () => {
  assert.equal(at('var s = "ok \u2713";', 'non-latin1-string'), ['1:13']);
  assert.equal(at('// \u2713 in a comment\nvar s = "caf\u00e9";', 'non-latin1-string'), []);
});

const builtins = suite('check: built-ins Espruino lacks');

builtins('missing-global: Map, Symbol, … unless shadowed or guarded by typeof', () => {
  assert.equal(at('var m = new Map();\nvar s = Symbol("x");\nthrow new RangeError("r");', 'missing-global'), ['1:13', '2:9', '3:11']);
  assert.equal(at('var Map = function () {}; new Map();\nfunction f(Symbol) { return Symbol.x; }\nif (typeof Set !== "undefined") new Set();\nvar it = typeof Symbol === "function" && Symbol.iterator;\nvar o = { Map: 1 }; o.Map;', 'missing-global'), []);
});

builtins('missing-static: Array.from, Math.trunc, Object.freeze, Promise.race, Uint8Array.from', () => {
  const src = 'Array.from(a);\nMath.trunc(x);\nObject.freeze(o);\nPromise.race(ps);\nUint8Array.from(a);\nNumber.isInteger(n);';
  assert.equal(at(src, 'missing-static'), ['1:7', '2:6', '3:8', '4:9', '5:12', '6:8']);
  const ok = 'Array.isArray(a); Math.floor(x); Math.pow(2, 3); Object.keys(o); Promise.all(ps); new Uint8Array(4);\n' +
    'var f = Object.freeze ? Object.freeze(o) : o; Object.freeze && Object.freeze(o); if (!Array.from) Array.from = poly;\n' +
    'function g(Math) { return Math.trunc(1); }';
  assert.equal(at(ok, 'missing-static'), []);
});

builtins('missing-method: distinctive names are errors, generic ones warnings, own methods and Object.* fine', () => {
  const f = checkSource('a.flat();\ns.replaceAll("a", "b");\np.finally(done);\nx.at(0);\narr.keys();').filter((x) => x.rule === 'missing-method');
  assert.equal(f.map((x) => `${x.line}:${x.column}:${x.severity}`), ['1:3:error', '2:3:error', '3:3:error', '4:3:warning', '5:5:warning']);
  assert.equal(at('Object.keys(o); Object.entries(o); m.keys(x); var q = { at: function (i) {} }; q.at(1); s.indexOf("a"); a.includes(1);', 'missing-method'), []);
});

builtins('builtin-prototype: X.prototype.m reads; Object.prototype.hasOwnProperty and writes are fine', () => {
  assert.equal(at('var sl = Array.prototype.slice;\nString.prototype.charCodeAt.call(s, 0);', 'builtin-prototype'), ['1:10', '2:1']);
  assert.equal(at('Object.prototype.hasOwnProperty.call(o, k); [].slice.call(arguments); Foo.prototype.bar = 1; var p = Error.prototype; A.prototype.m();', 'builtin-prototype'), []);
});

builtins('builtin-prototype: a feature test of X.prototype.m is a warning (always false on a board), a use outside a test stays an error', () => {
  const sev = (src: string) => checkSource(src).filter((x) => x.rule === 'builtin-prototype').map((x) => `${x.line}:${x.column}:${x.severity}`);
  assert.equal(sev('if (typeof String.prototype.charCodeAt === "function") f();\nvar g = String.prototype.charCodeAt;'), ['1:12:warning', '2:9:error']);
  assert.equal(sev('if (Array.prototype.flat) a = 1;\nvar c = Array.prototype.slice ? 1 : 0;'), ['1:5:warning', '2:9:warning']);
  const w = checkSource('typeof String.prototype.charCodeAt;').find((x) => x.rule === 'builtin-prototype')!;
  assert.is(w.message, 'String.prototype.charCodeAt is undefined on Espruino, so this test is always false there');
  assert.equal(sev('typeof Object.prototype.hasOwnProperty; if (Foo.prototype.m) f();'), [], 'a method Espruino has, a constructor of the file');
});

builtins('fromcharcode-apply: a warning', () => {
  const f = checkSource('var s = String.fromCharCode.apply(null, u8);').filter((x) => x.rule === 'fromcharcode-apply');
  assert.equal(f.map((x) => `${x.line}:${x.column}:${x.severity}`), ['1:9:warning']);
  assert.equal(at('var s = String.fromCharCode(65, 66); var t = E.toString(u8);', 'fromcharcode-apply'), []);
});

builtins('extends-error: class extends a built-in error; ES5-style subclassing is fine', () => {
  assert.equal(at('class E1 extends Error {}\nclass E2 extends TypeError {}', 'extends-error'), ['1:18', '2:18']);
  assert.equal(at('function E3(m) { this.message = m; }\nE3.prototype = Object.create(Error.prototype);\nclass B extends A {}', 'extends-error'), []);
});

builtins('static-inheritance: a static reached through a subclass', () => {
  const src = 'class A { static make() {} }\nclass B extends A {}\nB.make();\nA.VERSION = 1;\nvar v = B.VERSION;';
  assert.equal(at(src, 'static-inheritance'), ['3:3', '5:11']);
  assert.equal(at('class A { static make() {} }\nclass B extends A { static make() { return super.make(); } }\nB.make(); A.make(); B.prototype.x = 1;', 'static-inheritance'), []);
});

builtins('typed-array-slice: .slice()/.filter() of a typed array used as a typed array (direct chains)', () => {
  const src = 'var u8 = new Uint8Array(8);\nvar a = u8.slice(1, 3).subarray(0, 1);\nvar b = u8.slice().buffer;\nvar d = new DataView(u8.slice().buffer);\nvar e = E.toUint8Array(s).filter(f).byteLength;';
  assert.equal(at(src, 'typed-array-slice'), ['2:24', '3:20', '4:33', '5:37']);
  const f = checkSource('var u8 = new Uint8Array(8); u8.slice(1, 3).subarray(0, 1);').find((x) => x.rule === 'typed-array-slice')!;
  assert.is(f.severity, 'error');
  assert.match(f.message, 'new Uint8Array(x.subarray(a, b))');
});

builtins('typed-array-slice: a variable, property or function holding such a slice', () => {
  const src = 'var u8 = E.toUint8Array("abc");\nvar c = u8.slice(0, 2);\nc.set([1], 0); var n = c.byteOffset;\nvar dv = new DataView(c);\n' +
    'function R(n) { this.buf = new Uint8Array(n); }\nR.prototype.head = function () { return this.buf.slice(0, 4); };\nvar h = r.head().subarray(1);\n' +
    'var take = function (b) { return b.d.subarray(1); };\nvar x = take(o).slice().buffer;';
  assert.equal(at(src, 'typed-array-slice'), ['3:3', '3:26', '4:23', '7:18', '9:25']);
});

builtins('typed-array-slice: no finding for Arrays, strings, copies, map/subarray results, or unknown receivers', () => {
  const ok = 'var u8 = new Uint8Array(8);\nvar c = u8.slice(0, 2); c = new Uint8Array(c); c.buffer;\nvar s = "abc".slice(1); s.set;\nvar a = [1, 2].slice(); a.buffer;\n' +
    'var m = u8.map(function (x) { return x; }).subarray(1);\nvar cp = new Uint8Array(u8.subarray(1, 3)); cp.buffer; new DataView(cp.buffer);\nfunction f(x) { return x.slice(1).buffer; }\n' +
    'var o = { d: [] }; o.d = new Uint8Array(2); o.d.slice().buffer;\nvar Uint8Array = Array; new Uint8Array(2).slice().buffer;';
  assert.equal(at(ok, 'typed-array-slice'), []);
});

builtins('negative-index: x[-1] is an error; a string literal indexed by a subtraction a warning', () => {
  const sev = (src: string) => checkSource(src).filter((x) => x.rule === 'negative-index').map((x) => `${x.line}:${x.column}:${x.severity}`);
  assert.equal(sev('var a = s[-1];\nu8[-2] = 3;\nvar b = "0123456789abcdef"[c - 48];\nvar h = `ab`[n - 1];'), ['1:11:error', '2:4:error', '3:28:warning', '4:14:warning']);
  assert.match(checkSource('s[-1];')[0].message, 'Field or method "-1" does not already exist');
  assert.equal(sev('var a = s[s.length - 1]; var d = s[i - 1]; var e = "abc"[2 - 1]; var g = x[-0]; var k = "abc"[i + 1]; var l = "abc".charAt(i - 1); var m = a - 1;'), []);
});

const order = suite('check: order of execution');

order('hoisting: a use before the function declaration has run', () => {
  assert.equal(at('start();\nfunction start() {}', 'hoisting'), ['1:1']);
  assert.equal(at('(function () {\n  var t = setup;\n  function setup() {}\n})();', 'hoisting'), ['2:11'], 'an IIFE runs at once');
  assert.equal(at('function f() {\n  g();\n  function g() {}\n}', 'hoisting'), ['2:3'], 'inside functions too');
});

order('hoisting: no finding when the use runs later or after the declaration', () => {
  const ok = 'function a() { b(); }\nfunction b() {}\na();\nsetTimeout(function () { c(); }, 1);\nfunction c() {}\nvar o = { m: function () { return d(); } };\nfunction d() {}\nclass K { m() { return e(); } }\nfunction e() {}';
  assert.equal(at(ok, 'hoisting'), []);
  assert.equal(at('function f() { return typeof f; } f(); var h = function h2() { return h2; };', 'hoisting'), []);
});

order('var-hoisting: a var used before its declaration statement (terser inlining leaves `return a=…;var a`)', () => {
  assert.equal(at('function f(t) { return i = g(t), i.x; var i; }', 'var-hoisting'), ['1:24', '1:34']);
  assert.equal(at('x = 1;\nvar x;', 'var-hoisting'), ['1:1']);
  assert.equal(at('var i = 0; for (var j = 0; j < 3; j++) i += j; function f() { var a = 1; return a; }', 'var-hoisting'), []);
});

order('for-let-closure: a closure over a let/const loop variable', () => {
  assert.equal(at('for (let i = 0; i < 3; i++) {\n  setTimeout(function () { print(i); }, 1);\n}', 'for-let-closure'), ['2:14']);
  assert.equal(at('for (const x of xs) cbs.push(() => x);', 'for-let-closure'), ['1:30']);
  const ok = 'for (let i = 0; i < 3; i++) { sum += i; }\nfor (var j = 0; j < 3; j++) setTimeout(function () { print(j); }, 1);\nfor (let k = 0; k < 3; k++) { (function (k2) { cbs.push(function () { return k2; }); })(k); }';
  assert.equal(at(ok, 'for-let-closure'), [], 'no closure, a var loop, and the IIFE fix (k passed as a parameter)');
});

const regex = suite('check: regular expressions');

regex('regex-flag: s/d/v are syntax errors, m/y/u ignored (warning), g/i fine', () => {
  const f = checkSource('var a = /x/s;\nvar b = /x/m;\nvar c = /x/gi;').filter((x) => x.rule === 'regex-flag');
  assert.equal(f.map((x) => `${x.line}:${x.column}:${x.severity}`), ['1:12:error', '2:12:warning']);
});

regex('regex-feature: what the matcher does not do, at the character', () => {
  assert.equal(at('var r = /ab?c/;', 'regex-feature'), ['1:12']);
  assert.equal(at('var r = /(?:ab)/;', 'regex-feature'), ['1:10']);
  assert.equal(at('var r = /a(?=b)/;', 'regex-feature'), ['1:11']);
  assert.equal(at('var r = /(?<=a)b/;', 'regex-feature'), ['1:10']);
  assert.equal(at('var r = /(?<n>a)/;', 'regex-feature'), ['1:10']);
  assert.equal(at('var r = /(a)\\1/;', 'regex-feature'), ['1:13']);
  assert.equal(at('var r = /\\bword\\b/;', 'regex-feature'), ['1:10', '1:16']);
  assert.equal(at('var r = /a{2,3}/;', 'regex-feature'), ['1:11']);
  assert.equal(at('var r = /(ab)+/;', 'regex-feature'), ['1:14']);
  assert.equal(at('var r = /(a|b)c/;', 'regex-feature'), ['1:12']);
  assert.equal(at('var r = /a+?/;', 'regex-feature'), ['1:12']);
  assert.equal(at('var r = /[/]/;', 'regex-feature'), ['1:11']);
  assert.equal(at('var r = new RegExp("a?b");', 'regex-feature'), ['1:20']);
});

regex('regex: the supported subset is clean', () => {
  const ok = 'var r = [/^\\d+$/, /[a-z_][\\w$]*/gi, /\\s*,\\s*/, /a|b|c/, /(\\d+)\\.(\\d+)/, /[^\\]]+/, /\\x41\\//, /.*/, /[\\/]/, /\\?/, /x\\{2\\}/];';
  assert.equal(checkSource(ok).filter((f) => f.rule.startsWith('regex')), []);
});

const meta = suite('check: findings and suppression');

meta('every rule has an id, a severity and a reason; findings are sorted and 1-based', () => {
  for (const r of RULES) {
    assert.match(r.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(r.severity === 'error' || r.severity === 'warning');
    assert.ok(r.why.length > 5 && r.what.length > 5, r.id);
  }
  const f = checkSource('var b = a ** 2;\nvar c = o?.x;');
  assert.equal(f.map((x) => [x.line, x.column]), [[1, 11], [2, 10]]);
});

meta('espimp-check-ignore comments silence the line and the next, for all or listed rules', () => {
  assert.equal(all('// espimp-check-ignore\nvar a = b ** 2;'), []);
  assert.equal(all('var a = b ** 2; // espimp-check-ignore exponent'), []);
  assert.equal(all('// espimp-check-ignore spread\nvar a = b ** 2;'), ['exponent@2:11']);
  assert.equal(all('// espimp-check-ignore\nvar x = 1;\nvar a = b ** 2;'), ['exponent@3:11'], 'only the next line');
});

syntax.run();
builtins.run();
order.run();
regex.run();
meta.run();
