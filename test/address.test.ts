// Spec section 5 (checks 2-3): hal/address.ts against ipaddr.js, differentially, over
// more than 100 000 generated strings, plus the private ranges at every boundary.
//
// Reference for "strict dotted quad": ipaddr.IPv4.isValidFourPartDecimal(s) AND no octet has
// a leading zero. (ipaddr.js 2.5's isValidFourPartDecimal already refuses leading zeros with
// its /^(0|[1-9]\d*)(\.(0|[1-9]\d*)){3}$/ check, but older versions accepted "01.2.3.4", so the
// rule is stated here explicitly.) JavaScript's \d and $ (no m flag) match ASCII digits and the
// very end only, so the reference refuses non-ASCII digits and trailing newlines too.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import ipaddr from 'ipaddr.js';
import { quad, isPrivate } from '../hal/address';
import { prng } from '../hal/mock/prng';


function reference(s: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(s) && s.split('.').every((p) => !(p.length > 1 && p[0] === '0'));
}

const rnd = prng(20240611);
const int = (n: number) => Math.floor(rnd() * n);
const pick = <T>(xs: T[]): T => xs[int(xs.length)];
const octet = () => String(pick([int(256), int(10), int(100), 255, 0, int(256)]));
const validQuad = () => [octet(), octet(), octet(), octet()].join('.');

const SPACE = [' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u2003', '\ufeff', '  '];
const FOREIGN_DIGITS = ['\u0660', '\u0661', '\u0665', '\u0669', '\uff10', '\uff11', '\uff19', '\u0967', '\u06f3', '\u00b2', '\u2460'];
const ALPHABET = '0123456789.......  -+xXeEaAfF\t\n,:/'.split('').concat(FOREIGN_DIGITS);

/** Every way to break (or not) a quad the brief lists, plus random mutations. */
const GENERATORS: (() => string)[] = [
  validQuad,
  () => { const p = validQuad().split('.'); const i = int(4); p[i] = pick(['0', '00']) + p[i]; return p.join('.'); },
  () => { const q = validQuad(); const i = int(q.length + 1); return q.slice(0, i) + pick(SPACE) + q.slice(i); },
  () => pick(SPACE) + validQuad() + (rnd() < 0.5 ? pick(SPACE) : ''),
  () => { const p = validQuad().split('.'); p[int(4)] = String(256 + int(pick([10, 1000, 100000]))); return p.join('.'); },
  () => { const p = validQuad().split('.'); const i = int(4); p[i] = pick(['+', '-', '+-', '−']) + p[i]; return p.join('.'); },
  () => { const p = validQuad().split('.'); p[int(4)] = ''; return p.join('.'); },
  () => { const n = pick([1, 2, 3, 5, 6]); return Array.from({ length: n }, octet).join('.'); },
  () => { const q = validQuad().split(''); const i = int(q.length); if (/\d/.test(q[i])) q[i] = pick(FOREIGN_DIGITS); return q.join(''); },
  () => Array.from({ length: 4 }, () => Array.from({ length: 1 + int(3) }, () => pick(FOREIGN_DIGITS)).join('')).join('.'),
  () => { const p = validQuad().split('.'); p[int(4)] = '0x' + int(256).toString(16); return p.join('.'); },
  () => { const p = validQuad().split('.'); p[int(4)] = '0' + int(256).toString(8); return p.join('.'); },
  () => pick(['0x', '0X', '0o', '0b']) + int(4294967296).toString(pick([16, 8, 2])),
  () => String(int(4294967296)),
  () => validQuad() + pick(['.', '..', '.0', ':80', '/24', '%eth0', 'x']),
  () => pick(['.', '..']) + validQuad(),
  () => { const q = validQuad(); return rnd() < 0.5 ? q + '0'.repeat(200 + int(2000)) : '1.'.repeat(100 + int(1000)) + q; },
  () => { const p = validQuad().split('.'); p[int(4)] = String(int(256)) + pick(['.0', 'e0', 'e1', '.5']); return p.join('.'); },
  () => { let q = validQuad(); for (let k = 1 + int(3); k > 0; k--) { const i = int(q.length + 1); q = q.slice(0, i) + pick(ALPHABET) + q.slice(i + int(2)); } return q; },
  () => Array.from({ length: int(18) }, () => pick(ALPHABET)).join(''),
];

const diff = suite('address: quad() vs ipaddr.js');

diff('agrees with the reference on over 100 000 generated strings (zero disagreements)', () => {
  const N = 120_000;
  const bad: string[] = [];
  let valid = 0;
  const seen = new Set<string>();
  for (let i = 0; i < N; i++) {
    const s = GENERATORS[i % GENERATORS.length]();
    seen.add(s);
    const ours = quad(s) !== null;
    const ref = reference(s);
    if (ref) valid++;
    if (ours !== ref && bad.length < 20) bad.push(`${JSON.stringify(s)}: ours ${ours}, ipaddr ${ref}`);
  }
  console.log(`  address: checked ${N} generated strings (${seen.size} distinct, ${valid} valid, ${N - valid} invalid) against ipaddr.js`);
  assert.equal(bad, []);
  assert.ok(valid > 5_000 && N - valid > 50_000, 'both kinds well represented');
});

diff('a valid quad gives its four octets, as numbers', () => {
  for (let i = 0; i < 5000; i++) {
    const s = validQuad();
    assert.equal(quad(s), s.split('.').map(Number));
  }
});

diff('named cases from the brief', () => {
  const yes = ['0.0.0.0', '255.255.255.255', '192.168.1.2', '10.0.0.1', '1.22.133.4'];
  const no = ['01.2.3.4', '1.2.3.04', '1.2.3.00', '00.0.0.0', ' 1.2.3.4', '1.2.3.4 ', '1.2. 3.4', '1.2.3.4\n', '\t1.2.3.4',
    '256.1.1.1', '1.1.1.999', '+1.2.3.4', '1.-2.3.4', '1..3.4', '.1.2.3', '1.2.3', '1.2.3.4.5', '1.2.3.4.',
    '\u0661.2.3.4', '\uff11.2.3.4', '0x1.2.3.4', '0x7f000001', '017.0.0.1', '2130706433', '1.2.3.4/32', '',
    '1'.repeat(10_000), '1.2.3.' + '4'.repeat(1000)];
  for (const s of yes) assert.ok(quad(s) && reference(s), s);
  for (const s of no) assert.ok(!quad(s) && !reference(s), JSON.stringify(s));
});

diff('anything that is not a string is not a quad', () => {
  const noString: unknown[] = [null, undefined, 3232235777, ['1', '2', '3', '4'], { toString: () => '1.2.3.4' }, true, new String('1.2.3.4')];
  for (const v of noString) assert.is(quad(v), null);
});

const priv = suite('address: isPrivate() vs ipaddr.js range()');

function refPrivate(s: string) {
  const r = ipaddr.IPv4.parse(s).range();
  return r === 'private' || r === 'broadcast';
}

priv('every boundary address', () => {
  const edges: [string, boolean][] = [
    ['9.255.255.255', false], ['10.0.0.0', true], ['10.255.255.255', true], ['11.0.0.0', false],
    ['172.15.255.255', false], ['172.16.0.0', true], ['172.31.255.255', true], ['172.32.0.0', false],
    ['192.167.255.255', false], ['192.168.0.0', true], ['192.168.255.255', true], ['192.169.0.0', false],
    ['255.255.255.254', false], ['255.255.255.255', true], ['0.0.0.0', false], ['127.0.0.1', false],
  ];
  for (const [s, want] of edges) {
    assert.is(isPrivate(quad(s)!), want, s);
    assert.is(refPrivate(s), want, `reference agrees on ${s}`);
  }
});

priv('agrees with ipaddr.js over 200 000 random quads, biased to the interesting first octets', () => {
  let privates = 0;
  const bad: string[] = [];
  for (let i = 0; i < 200_000; i++) {
    const first = pick([10, 172, 192, 255, 9, 11, 171, 173, 191, 193, 254, int(256)]);
    const second = pick([int(256), 15 + int(18), 167 + int(3), 255, 0]);
    const s = [first, second, pick([int(256), 255, 0]), pick([int(256), 255, 254, 0])].join('.');
    const ours = isPrivate(quad(s)!);
    if (ours) privates++;
    if (ours !== refPrivate(s) && bad.length < 20) bad.push(s);
  }
  console.log(`  address: isPrivate checked 200000 random quads (${privates} private)`);
  assert.equal(bad, []);
  assert.ok(privates > 20_000 && privates < 180_000);
});


diff.run();
priv.run();
