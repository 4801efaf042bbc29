// The checker's rules: one id per Espruino limitation, with its severity and the Espruino
// behaviour it guards against (docs/checker.md renders this table).

export type Severity = 'error' | 'warning';

export interface Rule {
  /** Stable kebab-case id, printed with every finding and usable in ignore comments. */
  id: RuleId;
  severity: Severity;
  /** What the rule looks for. */
  what: string;
  /** What Espruino does with it (from espruino-facts.md or Espruino's sources). */
  why: string;
}

/** Every rule, in the order docs/checker.md lists them (`as const`: the ids make the type RuleId). */
const TABLE = [
  { id: 'parse-error', severity: 'error', what: 'source that is not JavaScript at all', why: 'Espruino fails to load the file' },
  { id: 'es-module', severity: 'error', what: 'import / export / import() / import.meta', why: 'Espruino has no ES modules: SyntaxError' },
  { id: 'default-param', severity: 'error', what: 'default parameter values `function f(a = 1)`', why: 'SyntaxError' },
  { id: 'rest-param', severity: 'error', what: 'rest parameters `function f(...r)`', why: 'SyntaxError' },
  { id: 'spread', severity: 'error', what: 'spread in calls, arrays and objects `f(...a)` `[...a]` `{...o}`', why: 'SyntaxError' },
  { id: 'destructuring', severity: 'error', what: 'object/array patterns in declarations, parameters, assignments, for-of/in heads and catch', why: '`var {a}=o` → ReferenceError, `[a,b]=[b,a]` → Error, in parameters → SyntaxError' },
  { id: 'generator', severity: 'error', what: 'generator functions `function*` and `yield`', why: 'SyntaxError' },
  { id: 'async-await', severity: 'error', what: 'async functions, `await`, `for await`', why: 'not supported: the function never runs as written' },
  { id: 'exponent', severity: 'error', what: '`**` and `**=`', why: 'SyntaxError (use Math.pow)' },
  { id: 'optional-chaining', severity: 'error', what: '`a?.b`, `a?.()`, `a?.[i]`', why: 'SyntaxError (`??` alone is fine)' },
  { id: 'logical-assignment', severity: 'error', what: '`??=`, `||=`, `&&=`', why: 'SyntaxError' },
  { id: 'label', severity: 'error', what: 'labelled statements and `break`/`continue label`', why: 'the label is parsed as an identifier → ReferenceError' },
  { id: 'private-member', severity: 'error', what: 'private class members `#x`', why: 'SyntaxError' },
  { id: 'computed-key', severity: 'error', what: 'computed class members `[k](){}` and object keys `{[k]: v}`', why: 'SyntaxError' },
  { id: 'tagged-template', severity: 'error', what: 'tagged templates (a function name right before a template literal)', why: 'SyntaxError' },
  { id: 'class-static-block', severity: 'error', what: '`static { … }` blocks in classes', why: "Espruino's class parser has no static blocks: SyntaxError" },
  { id: 'extends-error', severity: 'error', what: '`class X extends Error` (or another built-in error class)', why: "\"Calling 'super' outside of class\"; an ES5-style Object.create(Error.prototype) subclass works" },
  { id: 'static-inheritance', severity: 'error', what: '`B.s` where static `s` is declared only on a superclass of B', why: 'statics are not inherited: B.s is undefined' },
  { id: 'new-target', severity: 'error', what: '`new.target`', why: 'not supported' },
  { id: 'bigint', severity: 'error', what: 'BigInt literals `10n`', why: 'no BigInt' },
  { id: 'unicode-escape', severity: 'error', what: '`\\u{…}` escapes', why: 'Espruino 2v29 stops with "Invalid escape sequence" (\\uXXXX, surrogate pairs included, make UTF-8 strings: measured)' },
  { id: 'non-latin1-string', severity: 'warning', what: 'characters above U+00FF written directly in strings', why: 'Espruino strings are bytes: the character is stored as its UTF-8 bytes, so length and charCodeAt differ' },
  { id: 'regex-flag', severity: 'error', what: 'regex flags other than g and i', why: "the lexer accepts only g i m y u (others: SyntaxError); only g and i change matching (m y u: warning)" },
  { id: 'regex-feature', severity: 'error', what: 'regex syntax beyond . [] \\d\\s\\w ^ $ () * + and top-level |', why: "Espruino's matcher treats ? {n,m} (?: lookarounds, named groups, \\b and \\u literally, throws on \\1, and ends a literal at a '/' inside []" },
  { id: 'missing-global', severity: 'error', what: 'Map, Set, WeakMap, Symbol, Proxy, Reflect, BigInt, RangeError, TextEncoder, … (unless guarded by typeof)', why: 'not defined: ReferenceError' },
  { id: 'missing-static', severity: 'error', what: 'Array.from/of, TypedArray.from/of, Number.isInteger/…, Object.freeze/…, Math.trunc/…, Promise.race/…', why: 'undefined: calling it throws' },
  { id: 'missing-method', severity: 'error', what: 'method calls that exist nowhere in Espruino: .flat( .trimStart( .replaceAll( .finally( …; generic names (.at( .keys() .entries() .lastIndexOf() warn', why: '"Function … not found"' },
  { id: 'builtin-prototype', severity: 'error', what: 'reading a built-in method through `X.prototype.m` (Array.prototype.slice, …)', why: 'built-ins are found only on instances: X.prototype.m is undefined (use [].slice.call); Object.prototype.hasOwnProperty works' },
  { id: 'typed-array-slice', severity: 'error', what: 'the result of `.slice()`/`.filter()` of a typed array used as a typed array (`.subarray` `.set` `.buffer` `.byteLength` `.byteOffset`, `new DataView(…)`)', why: 'on Espruino `u8.slice()` and `u8.filter()` return a plain Array: `Function "subarray" not found`, `.buffer` undefined. Copy with `new Uint8Array(u8.subarray(a, b))`' },
  { id: 'negative-index', severity: 'error', what: '`x[-1]` (a negative literal index); `\'…\'[i - k]` (a string literal indexed by a subtraction: warning)', why: 'strings and typed arrays throw `Field or method "-1" does not already exist` (V8: undefined); arrays and objects give undefined' },
  { id: 'fromcharcode-apply', severity: 'warning', what: '`String.fromCharCode.apply(…)`', why: '"Array passed to Function.apply is too big! Maximum 256 arguments": use E.toString(u8)' },
  { id: 'hoisting', severity: 'error', what: 'a use of a function that runs before the function\'s declaration has run (same scope, not in a later-running nested function)', why: 'function declarations are not hoisted: `f(); function f(){}` → ReferenceError' },
  { id: 'var-hoisting', severity: 'error', what: 'a use of a `var` before its declaration statement has run (same scope)', why: 'var is not hoisted: reads throw ReferenceError, writes go to a global' },
  { id: 'for-let-closure', severity: 'error', what: '`for (let/const …)` whose body creates a closure over the loop variable', why: 'no per-iteration binding: every closure sees the final value (3,3,3, not 0,1,2)' },
  { id: 'ts-emit', severity: 'warning', what: 'in a .ts app: an `enum` (`const enum` too: apps are transpiled file by file) or a `namespace` holding values; the message gives its bytes', why: 'TypeScript emits code for it that every board carries (an enum with a reverse mapping); plain numeric constants cost less' },
] as const satisfies readonly { id: string; severity: Severity; what: string; why: string }[];

/** A rule's id: a finding can only be made with one of these, so a misspelt id does not compile. */
export type RuleId = (typeof TABLE)[number]['id'];

/** Every rule, in the order docs/checker.md lists them. */
export const RULES: readonly Rule[] = TABLE;

/** Rule by id. */
export const RULE = Object.fromEntries(RULES.map((r) => [r.id, r])) as { readonly [id in RuleId]: Rule };
