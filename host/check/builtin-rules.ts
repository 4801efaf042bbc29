// The built-in rules: uses of globals, statics and methods Espruino lacks (builtins.ts lists
// them), built-in prototypes, statics a subclass does not inherit, `extends Error`, and
// RegExp(...) patterns. A name the file declares shadows the built-in, and a use guarded by a
// feature test (`typeof Map !== 'undefined' && new Map()`) is not flagged.
import { eachChild, FUNCS, own, pathOf, propName, type Node } from './ast';
import { ERROR_CLASSES, ESPRUINO_MATH, MISSING_GLOBALS, MISSING_METHODS, MISSING_STATICS, PROTOTYPE_OK, PROTOTYPE_OWNERS } from './builtins';
import { type FileFacts } from './facts';
import { type Report } from './findings';
import { regexIssues } from './regex';
import { type Scopes } from './scope';
import { TYPED, TYPED_ONLY, type TypedArrays } from './typed-arrays';

/** A feature test in force: `path` was mentioned in a test, `viaTypeof` when as `typeof path`. */
interface Guard { path: string; viaTypeof: boolean }

const GLOBALS = new Set(MISSING_GLOBALS);
const MATH_OK = new Set(ESPRUINO_MATH);
const PROTO_OWNERS = new Set(PROTOTYPE_OWNERS);
const PROTO_OK = new Set(PROTOTYPE_OK);
const ERRORS = new Set(ERROR_CLASSES);
/** Members every class has, never inherited statics. */
const CLASS_OWN = ['prototype', 'name', 'length', 'call', 'apply', 'bind'];

/** True when a node (with parent/key) is only tested for truthiness or typeof'd, never used. */
function isTestOnly(parent: Node, key: string): boolean {
  if (!parent) return false;
  if (parent.type === 'UnaryExpression' && (parent.operator === 'typeof' || parent.operator === '!')) return true;
  if (parent.type === 'LogicalExpression' && key === 'left') return true;
  return (parent.type === 'ConditionalExpression' || parent.type === 'IfStatement') && key === 'test';
}

/** The built-in rules, applied by the walk at identifiers, member expressions, calls and classes. */
export class BuiltinRules {
  private readonly guards: Guard[] = [];

  constructor(private readonly report: Report, private readonly scopes: Scopes, private readonly facts: FileFacts,
    private readonly typed: TypedArrays) {}

  /** Run `body` with the feature tests in `test` in force. */
  guarded(test: Node, body: () => void) {
    const found: Guard[] = [];
    const scan = (x: Node, viaTypeof: boolean) => {
      if (FUNCS.has(x.type)) return;
      if (x.type === 'UnaryExpression' && x.operator === 'typeof') {
        const p = pathOf(x.argument);
        if (p) found.push({ path: p, viaTypeof: true });
        return;
      }
      const p = x.type === 'Identifier' || x.type === 'MemberExpression' ? pathOf(x) : null;
      if (p) { found.push({ path: p, viaTypeof }); return; }
      eachChild(x, (c) => scan(c, viaTypeof), 'callee');
    };
    scan(test, false);
    this.guards.push(...found);
    try { body(); } finally { this.guards.length -= found.length; }
  }

  private isGuarded(path: string, needTypeof: boolean): boolean {
    return this.guards.some((g) => (!needTypeof || g.viaTypeof) && (g.path === path || g.path.startsWith(path + '.')));
  }

  /** Rule missing-global: identifier `n` (child of `parent`) names no declaration of the file. */
  global(n: Node, parent: Node) {
    const typeofOperand = parent && parent.type === 'UnaryExpression' && parent.operator === 'typeof';
    if (GLOBALS.has(n.name) && !typeofOperand && !this.isGuarded(n.name, true)) {
      this.report(n, 'missing-global', `'${n.name}' is not defined in Espruino: ReferenceError (guard with typeof ${n.name} if optional)`);
    }
  }

  /** Rules on member expression `n` (`parent[key]` is n): typed-array-slice, missing-static, fromcharcode-apply, builtin-prototype, static-inheritance. */
  member(n: Node, parent: Node, key: string) {
    const prop = propName(n);
    if (prop === null) return;
    if (TYPED_ONLY.has(prop)) {
      this.typed.use(n.object, n.property, prop === 'subarray' || prop === 'set' ? `\`.${prop}()\` fails ("Function \"${prop}\" not found")` : `\`.${prop}\` is undefined`);
    }
    const write = parent && ((parent.type === 'AssignmentExpression' && key === 'left') || (parent.type === 'UpdateExpression'));
    const obj = n.object;
    if (obj.type === 'Identifier' && !this.scopes.resolve(obj.name)) {
      const owner = obj.name;
      const list = own(MISSING_STATICS, owner) ? MISSING_STATICS[owner] : TYPED.has(owner) ? ['from', 'of'] : [];
      const missing = list.includes(prop) && !(owner === 'Math' && MATH_OK.has(prop));
      if (missing && !write && !isTestOnly(parent, key) && !this.isGuarded(owner + '.' + prop, false)) {
        this.report(n.property, 'missing-static', `${owner}.${prop} is undefined in Espruino`);
      }
      if (owner === 'String' && prop === 'fromCharCode' && parent && parent.type === 'MemberExpression' && propName(parent) === 'apply') {
        this.report(n, 'fromcharcode-apply', 'String.fromCharCode.apply fails in Espruino beyond 256 arguments ("Array passed to Function.apply is too big!"): use E.toString(bytes)');
      }
    }
    if (obj.type === 'MemberExpression' && propName(obj) === 'prototype' && obj.object.type === 'Identifier' &&
        PROTO_OWNERS.has(obj.object.name) && !this.scopes.resolve(obj.object.name) && !write) {
      const path = `${obj.object.name}.prototype.${prop}`;
      if (!PROTO_OK.has(path)) {
        // feature detection (`typeof X.prototype.m`, `if (X.prototype.m)`) runs, but takes the other branch on a board
        if (isTestOnly(parent, key)) this.report(n, 'builtin-prototype', `${path} is undefined on Espruino, so this test is always false there`, 'warning');
        else this.report(n, 'builtin-prototype', `${path} is undefined in Espruino (built-in methods exist only on instances): use e.g. [].slice.call / ''.charCodeAt.call`);
      }
    }
    if (obj.type === 'Identifier' && !write && this.facts.classes.has(obj.name) && !CLASS_OWN.includes(prop)) {
      const r = this.scopes.resolve(obj.name);
      const cls = this.facts.classes.get(obj.name)!;
      if (r && (r.decl.kind === 'class' || r.decl.kind === 'var' || r.decl.kind === 'let' || r.decl.kind === 'const') && !cls.statics.has(prop)) {
        const from = this.inheritedStatic(cls.superName, prop);
        if (from) this.report(n.property, 'static-inheritance', `${obj.name}.${prop} is a static of ${from}: Espruino does not inherit statics, so ${obj.name}.${prop} is undefined`);
      }
    }
  }

  /** The superclass (from `cls` up) that declares static `prop`, or null. */
  private inheritedStatic(cls: string | null, prop: string): string | null {
    for (let i = 0; cls && i < 32; i++) {
      const c = this.facts.classes.get(cls);
      if (!c) return null;
      if (c.statics.has(prop)) return cls;
      cls = c.superName;
    }
    return null;
  }

  /** Rules on call or `new` `n`: missing-method, typed-array-slice (new DataView), regex-flag and regex-feature (RegExp("…")). */
  call(n: Node) {
    const callee = n.callee;
    if (n.type === 'CallExpression' && callee.type === 'MemberExpression') {
      const name = propName(callee);
      const info = name !== null && own(MISSING_METHODS, name) ? MISSING_METHODS[name] : null;
      const onObject = callee.object.type === 'Identifier' && (callee.object.name === 'Object' || callee.object.name === 'Reflect');
      if (info && !onObject && !this.facts.defined.has(name!) && !((name === 'keys' || name === 'entries') && n.arguments.length)) {
        const msg = `.${name}() does not exist in Espruino${info.generic ? ` on ${info.protos.join('/')} (ignore if this is your own object's method)` : ''}: "Function ${name} not found"`;
        this.report(callee.property, 'missing-method', msg, info.generic ? 'warning' : 'error');
      }
    }
    if (n.type === 'NewExpression' && callee.type === 'Identifier' && callee.name === 'DataView' && n.arguments.length && !this.scopes.resolve('DataView')) {
      this.typed.use(n.arguments[0], n.arguments[0], 'new DataView(…) throws "Expecting ArrayBuffer, got Array"');
    }
    if (callee.type === 'Identifier' && callee.name === 'RegExp' && !this.scopes.resolve('RegExp')) {
      const [p, f] = n.arguments;
      if (p && p.type === 'Literal' && typeof p.value === 'string') {
        const flags = f && f.type === 'Literal' && typeof f.value === 'string' ? f.value : '';
        for (const is of regexIssues(p.value, flags, false)) this.report(is.at < 0 && f ? f : p, is.rule, `RegExp(${JSON.stringify(p.value)}): ${is.message}`, is.severity);
      }
    }
  }

  /** Rule extends-error: class `n` extends a built-in error class. */
  extendsError(n: Node) {
    const sup = n.superClass;
    if (sup && sup.type === 'Identifier' && ERRORS.has(sup.name) && !this.scopes.resolve(sup.name)) {
      this.report(sup, 'extends-error', `\`class … extends ${sup.name}\`: Espruino fails with "Calling 'super' outside of class" (use an ES5-style Object.create(Error.prototype) subclass)`);
    }
  }
}
