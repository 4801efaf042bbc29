// The runtime's IIFE flattened after terser (build/flatten.ts): its top-level names become
// `$`-prefixed globals and nothing else is renamed (shadowing names in functions, blocks, loops
// and catch clauses, members, labels); code that needs its function stays as it is; the flat
// code computes what the IIFE did; offsets map back; a real bundle comes out flat. (That the
// flat bundles run on Espruino is what every device test checks.)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runInNewContext } from 'node:vm';
import * as acorn from 'acorn';
import { flatten, beforeFlatten } from '../build/flatten';
import { buildBundle } from '../host/bundle';

const Flatten = suite('flatten');

/** What `code` leaves in `result` when run in a fresh context. */
const run = (code: string) => { const g: any = {}; runInNewContext(code, g); return JSON.parse(JSON.stringify(g.result)); };

const SHADOWS = [
  '!function(){',
  'var t=1,r={t:2,r:3};',
  'function e(t){return t+1}',
  'class i{constructor(){this.t=t}get(){return r.r}}',
  'function n(){var t=10;{let r=20;t+=r}for(let e=0;e<1;e++)t+=e;try{throw 5}catch(i){t+=i}return t}',
  'var s=()=>({t,r:r.t,e});',
  'o:for(;;){break o}',
  'result=[t,e(t),new i().t,new i().get(),n(),s().t,s().r,s().e(1),typeof s().t];',
  '}();',
  'var t="app";',
].join('');

Flatten('renames the IIFE\'s top-level names, not what shadows them, members or labels', () => {
  const f = flatten(SHADOWS);
  assert.ok(f.code.startsWith('var $t=1,$r={t:2,r:3};function $e(t){return t+1}class $i{'), f.code.slice(0, 80));
  assert.ok(f.code.includes('this.t=$t}get(){return $r.r}'), 'class members stay, top-level names in methods change');
  assert.ok(f.code.includes('function $n(){var t=10;{let r=20;t+=r}for(let e=0;e<1;e++)t+=e;try{throw 5}catch(i){t+=i}return t}'), f.code);
  assert.ok(f.code.includes('var $s=()=>({t:$t,r:$r.t,e:$e});'), 'shorthand properties keep their keys');
  assert.ok(f.code.includes('o:for(;;){break o}'), 'labels stay');
  assert.ok(f.code.endsWith(';var t="app";'), 'the code after the IIFE is untouched');
  assert.not.match(f.code, /function\(\)\{|\}\(\)/);
});

Flatten('the flat code computes what the IIFE did', () => {
  const f = flatten(SHADOWS);
  assert.equal(run(f.code), run(SHADOWS));
  assert.equal(run(f.code), [1, 2, 1, 3, 35, 1, 2, 2, 'number']);
});

Flatten('an IIFE using this, arguments or a top-level return stays as it is', () => {
  for (const body of ['result=this', 'result=arguments.length', 'if(1)return;result=1', 'var f=()=>this;result=f()']) {
    const code = `!function(){${body}}();`;
    assert.is(flatten(code).code, code, body);
    assert.equal(flatten(code).edits, []);
  }
  const nested = '!function(){function f(){return this}var g=()=>{return 1};result=[typeof f,g()]}();';
  assert.is.not(flatten(nested).code, nested, 'this and return inside functions do not count');
});

Flatten('code without a leading IIFE is left alone', () => {
  for (const code of ['var a=1;', '!function(t){a=t}(1);', '(function(){})(1);', '']) assert.is(flatten(code).code, code);
});

Flatten('a prefix already in use is not taken', () => {
  const f = flatten('!function(){var t=1;result=t}();var $t=2;');
  assert.is(f.code, 'var $$t=1;result=$$t;var $t=2;');
});

Flatten('offsets in the flat code map back to the input', () => {
  const code = '!function(){var t=1;result=t}();var app=2;';
  const f = flatten(code);
  for (const word of ['result', 'var app', 'app=2']) assert.is(beforeFlatten(f.code.indexOf(word), f.edits), code.indexOf(word), word);
});

Flatten('a board bundle comes out flat: only the app\'s names and $-names are declared at its top level', async () => {
  const b = await buildBundle({ board: 'espruino-wifi', app: 'examples/echo/echo.js', budget: false });
  assert.not.ok(b.code.startsWith('!function'), b.code.slice(0, 40));
  const program: any = acorn.parse(b.code, { ecmaVersion: 'latest' });
  const tops: string[] = program.body.flatMap((s: any) => (s.type === 'VariableDeclaration' ? s.declarations.map((d: any) => d.id.name) : s.id ? [s.id.name] : []));
  const runtime = tops.filter((n) => n.startsWith('$'));
  assert.ok(runtime.length > 10, tops.join(' '));
  assert.equal(tops.filter((n) => !n.startsWith('$')).sort(), ['bcastIP', 'dataReceived', 'iface', 'interfaceHandler', 'ucastIP', 'udpsocket']);
});

Flatten.run();
