// What Espruino 2v2x lacks among the standard built-ins, in one place: the checker
// (host/check) flags uses of these; test/device-facts.test.ts probes them on the real
// interpreter. Sources: the measured facts
// (/work/shared/spec/espruino-facts.md) and Espruino's own sources (src/jswrap_math.c for
// the Math list). Anything not listed here is assumed to exist.

/** Globals Espruino does not define: a reference throws ReferenceError. */
export const MISSING_GLOBALS: readonly string[] = [
  'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Symbol', 'Proxy', 'Reflect',
  'BigInt', 'BigInt64Array', 'BigUint64Array', 'RangeError', 'EvalError', 'URIError', 'AggregateError',
  'TextEncoder', 'TextDecoder', 'structuredClone', 'queueMicrotask', 'setImmediate', 'clearImmediate',
  'SharedArrayBuffer', 'Atomics', 'WebAssembly', 'Intl',
];

/** The typed array constructors (Espruino has them all, but none has `from`/`of`). */
export const TYPED_ARRAYS: readonly string[] = [
  'Uint8Array', 'Int8Array', 'Uint8ClampedArray', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array',
  'Float32Array', 'Float64Array',
];

/** Static members Espruino lacks, by constructor/namespace: reading one gives undefined. */
export const MISSING_STATICS: { readonly [owner: string]: readonly string[] } = {
  Array: ['from', 'of', 'fromAsync'],
  Number: ['isInteger', 'isFinite', 'isNaN', 'isSafeInteger', 'parseInt', 'parseFloat', 'EPSILON',
    'MAX_SAFE_INTEGER', 'MIN_SAFE_INTEGER'],
  Object: ['freeze', 'seal', 'isFrozen', 'isSealed', 'preventExtensions', 'isExtensible', 'getOwnPropertySymbols',
    'groupBy', 'hasOwn'],
  Promise: ['race', 'allSettled', 'any', 'withResolvers'],
  String: ['raw', 'fromCodePoint'],
  ArrayBuffer: ['isView'],
  Math: ['trunc', 'log2', 'log10', 'log1p', 'expm1', 'cbrt', 'hypot', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh',
    'atanh', 'fround', 'clz32', 'imul', 'f16round'],
};

/** Every Math member Espruino has (src/jswrap_math.c); `clip` and `wrap` are Espruino's own. */
export const ESPRUINO_MATH: readonly string[] = [
  'E', 'PI', 'LN2', 'LN10', 'LOG2E', 'LOG10E', 'SQRT2', 'SQRT1_2', 'abs', 'acos', 'asin', 'atan', 'atan2', 'cos',
  'pow', 'random', 'round', 'sin', 'tan', 'sqrt', 'ceil', 'floor', 'exp', 'log', 'clip', 'wrap', 'min', 'max', 'sign',
];

/**
 * Prototype methods Espruino lacks, with the prototypes that lack them ('Array', 'TypedArray',
 * 'String', 'Promise'). Calling one throws "Function ... not found". `generic` names are
 * also ordinary method names of application objects (or exist on other Espruino types), so
 * the checker only warns about them.
 */
export const MISSING_METHODS: { readonly [name: string]: { protos: readonly string[]; generic?: boolean } } = {
  flat: { protos: ['Array'] },
  flatMap: { protos: ['Array'] },
  copyWithin: { protos: ['Array', 'TypedArray'] },
  reduceRight: { protos: ['Array', 'TypedArray'] },
  findLast: { protos: ['Array', 'TypedArray'] },
  findLastIndex: { protos: ['Array', 'TypedArray'] },
  toSorted: { protos: ['Array', 'TypedArray'] },
  toReversed: { protos: ['Array', 'TypedArray'] },
  toSpliced: { protos: ['Array'] },
  trimStart: { protos: ['String'] },
  trimEnd: { protos: ['String'] },
  localeCompare: { protos: ['String'] },
  normalize: { protos: ['String'] },
  matchAll: { protos: ['String'] },
  replaceAll: { protos: ['String'] },
  codePointAt: { protos: ['String'] },
  finally: { protos: ['Promise'] },
  lastIndexOf: { protos: ['Array', 'TypedArray'], generic: true },
  at: { protos: ['Array', 'TypedArray', 'String'], generic: true },
  keys: { protos: ['Array', 'TypedArray'], generic: true },
  entries: { protos: ['Array', 'TypedArray'], generic: true },
};

/** Built-in constructors whose `X.prototype.method` reads give undefined in Espruino. */
export const PROTOTYPE_OWNERS: readonly string[] = [
  'Array', 'String', 'Number', 'Boolean', 'Function', 'Object', 'RegExp', 'Date', 'Promise', 'Error', 'ArrayBuffer',
  'DataView', ...TYPED_ARRAYS,
];

/** `X.prototype.m` reads that do work in Espruino. */
export const PROTOTYPE_OK: readonly string[] = ['Object.prototype.hasOwnProperty'];

/** Error classes: `class X extends <one of these>` fails ("Calling 'super' outside of class"). */
export const ERROR_CLASSES: readonly string[] = [
  'Error', 'TypeError', 'SyntaxError', 'ReferenceError', 'InternalError', 'RangeError', 'EvalError', 'URIError',
  'AggregateError',
];
