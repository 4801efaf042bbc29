// espimp check: an Espruino compatibility checker. Parses JavaScript with acorn and reports,
// with line and column, every construct Espruino 2v2x cannot run (rules.ts), syntax and
// missing built-ins alike. Built for bundles (terser output at ecma 2019): zero findings on
// code that runs, and scope-aware so local names shadowing built-ins are not flagged.
// Suppress a finding with a comment on the line or the line before:
//   // espimp-check-ignore            (every rule)   // espimp-check-ignore hoisting spread
import { Parser } from 'acorn';
import { MISSING_GLOBALS, MISSING_STATICS, ESPRUINO_MATH, TYPED_ARRAYS, MISSING_METHODS, PROTOTYPE_OWNERS,
  PROTOTYPE_OK, ERROR_CLASSES } from './builtins';
import { RULE, type Severity } from './rules';
import { regexIssues } from './regex';

export { RULES, type Severity } from './rules';

/** One problem: 1-based line and column, the rule id, its severity and what Espruino does. */
export interface Finding {
  line: number;
  column: number;
  rule: string;
  severity: Severity;
  message: string;
}

type Node = any;

/** A declared name: its kind and the index of the statement that declares it in its scope's list. */
interface Decl { kind: 'var' | 'function' | 'let' | 'const' | 'class' | 'param'; index: number; line: number }

/** A scope: names, the statement now running in its list (Infinity: not tracked), and its function depth. */
interface Scope { parent: Scope | null; names: Map<string, Decl>; current: number; depth: number }

/** What an expression holds, as far as typed-array tracking knows: a typed array, or an Array made by `.slice()`/`.filter()` of one. */
type TypedKind = { kind: 'typed' } | { kind: 'sliced'; method: string; line: number; name: string | null; via?: string };

/** A feature test in force: `path` was mentioned in a test, `viaTypeof` when as `typeof path`. */
interface Guard { path: string; viaTypeof: boolean }

const GLOBALS = new Set(MISSING_GLOBALS);
const MATH_OK = new Set(ESPRUINO_MATH);
const TYPED = new Set(TYPED_ARRAYS);
const PROTO_OWNERS = new Set(PROTOTYPE_OWNERS);
const PROTO_OK = new Set(PROTOTYPE_OK);
const ERRORS = new Set(ERROR_CLASSES);
const SKIP_KEYS = new Set(['type', 'start', 'end', 'loc', 'range', 'raw', 'regex', 'value', 'bigint', 'sourceType']);
const FUNCS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
const IGNORE_MARK = 'espimp-check-ignore';
/** Members only a typed array has (a plain Array lacks them). */
const TYPED_ONLY = new Set(['subarray', 'set', 'buffer', 'byteLength', 'byteOffset', 'BYTES_PER_ELEMENT']);
const COPY_HINT: { [method: string]: string } = {
  slice: 'copy natively with `new Uint8Array(x.subarray(a, b))` (or the matching typed array)',
  filter: 'wrap it: `new Uint8Array(x.filter(f))` (or the matching typed array)',
};

/** Whether `o` has its own property `k` (never inherited names like 'constructor'). */
function own(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Parse `code` the way a bundle is loaded: as a script, else as a module (whose syntax is then flagged). */
function parse(code: string): { ast: Node; comments: Node[] } {
  const attempt = (sourceType: 'script' | 'module') => {
    const comments: Node[] = [];
    const ast = Parser.parse(code, { ecmaVersion: 'latest', sourceType, locations: true, allowHashBang: true, onComment: comments });
    return { ast, comments };
  };
  try {
    return attempt('script');
  } catch (scriptErr) {
    try {
      return attempt('module');
    } catch {
      throw scriptErr;
    }
  }
}

/** The names a binding pattern declares. */
function patternNames(p: Node, out: string[] = []): string[] {
  if (!p) return out;
  switch (p.type) {
    case 'Identifier': out.push(p.name); break;
    case 'ObjectPattern': for (const q of p.properties) patternNames(q.type === 'RestElement' ? q.argument : q.value, out); break;
    case 'ArrayPattern': for (const q of p.elements) patternNames(q, out); break;
    case 'AssignmentPattern': patternNames(p.left, out); break;
    case 'RestElement': patternNames(p.argument, out); break;
  }
  return out;
}

/** `a.b.c` for a chain of identifiers and non-computed (or string-keyed) members, else null. */
function pathOf(n: Node): string | null {
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'ThisExpression') return 'this';
  if (n.type === 'MemberExpression') {
    const prop = propName(n);
    const obj = prop === null ? null : pathOf(n.object);
    return obj === null ? null : obj + '.' + prop;
  }
  return null;
}

/** The property name of a member expression when it is static (`a.b`, `a['b']`), else null. */
function propName(m: Node): string | null {
  if (!m.computed) return m.property.type === 'Identifier' ? m.property.name : null;
  return m.property.type === 'Literal' && typeof m.property.value === 'string' ? m.property.value : null;
}

/** Position of the first optional `?.` inside a chain expression. */
function optionalAt(n: Node): number {
  let found = -1;
  const dig = (x: Node) => {
    if (!x || found >= 0) return;
    if ((x.type === 'MemberExpression' || x.type === 'CallExpression') && x.optional) {
      dig(x.type === 'MemberExpression' ? x.object : x.callee);
      if (found < 0) found = (x.type === 'MemberExpression' ? x.object : x.callee).end;
    } else if (x.type === 'MemberExpression') dig(x.object);
    else if (x.type === 'CallExpression') dig(x.callee);
  };
  dig(n.expression);
  return found < 0 ? n.start : found;
}

/** Syntactically a new typed array: `new Uint8Array(…)` (any typed array), `E.toUint8Array(…)`, `x.subarray(…)`. */
function makesTyped(n: Node): boolean {
  if (n.type === 'NewExpression') return n.callee.type === 'Identifier' && TYPED.has(n.callee.name);
  if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression') {
    const m = propName(n.callee);
    return m === 'subarray' || (m === 'toUint8Array' && n.callee.object.type === 'Identifier' && n.callee.object.name === 'E');
  }
  if (n.type === 'ConditionalExpression') return makesTyped(n.consequent) && makesTyped(n.alternate);
  return false;
}

class Checker {
  readonly findings: Finding[] = [];
  private readonly code: string;
  private scope: Scope | null = null;
  private depth = 0;
  private readonly ancestors: Node[] = [];
  private readonly guards: Guard[] = [];
  private readonly ignores = new Map<number, Set<string> | null>();
  /** Method and property-function names the file defines itself (calls to them are not flagged). */
  private readonly defined = new Set<string>();
  /** Classes declared in the file: their superclass name and static members. */
  private readonly classes = new Map<string, { superName: string | null; statics: Set<string> }>();
  /** What each variable binding was last assigned, in source order (typed-array tracking). */
  private readonly held = new Map<Decl, TypedKind | null>();
  /** Functions and methods by name: what their returns give (null: unknown, or names that disagree). */
  private readonly returns = new Map<string, TypedKind | null>();
  /** The functions being visited: their name and the kinds their return statements gave. */
  private readonly fnStack: { name: string | null; kinds: (TypedKind | null)[] }[] = [];
  /** Property names the file only ever assigns typed arrays to (`this.buf = new Uint8Array(n)`). */
  private readonly typedProps = new Set<string>();
  private lineStarts: number[] | null = null;
  private readonly seen = new Set<string>();

  constructor(code: string) {
    this.code = code;
  }

  run() {
    let ast: Node;
    try {
      const parsed = parse(this.code);
      ast = parsed.ast;
      for (const c of parsed.comments) this.noteIgnore(c.value, c.start);
    } catch (e: any) {
      const loc = e.loc || { line: 1, column: 0 };
      const msg = String(e.message || e).replace(/\s*\(\d+:\d+\)$/, '');
      this.findings.push({ line: loc.line, column: loc.column + 1, rule: 'parse-error', severity: 'error',
        message: `${msg}: the file does not parse, so Espruino fails to load it` });
      return;
    }
    this.prepass(ast);
    this.visit(ast);
    this.findings.sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
  }

  // ---- reporting ------------------------------------------------------------------------

  private noteIgnore(text: string, start: number) {
    const i = text.indexOf(IGNORE_MARK);
    if (i < 0) return;
    const ids = text.slice(i + IGNORE_MARK.length).trim().split(/[\s,]+/).filter((s) => own(RULE, s));
    const line = this.lineOf(start).line;
    for (const l of [line, line + 1]) {
      const prev = this.ignores.get(l);
      this.ignores.set(l, prev === null || !ids.length ? null : new Set([...(prev || []), ...ids]));
    }
  }

  private lineOf(offset: number): { line: number; column: number } {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      const re = /\r\n?|\n|\u2028|\u2029/g;
      let m: RegExpExecArray | null;
      while ((m = re.exec(this.code))) this.lineStarts.push(m.index + m[0].length);
    }
    const ls = this.lineStarts;
    let lo = 0, hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ls[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - ls[lo] + 1 };
  }

  private report(at: Node | number, rule: string, message: string, severity: Severity = RULE[rule].severity) {
    const pos = typeof at === 'number' ? this.lineOf(at) : { line: at.loc.start.line, column: at.loc.start.column + 1 };
    const ign = this.ignores.get(pos.line);
    if (ign === null || (ign && ign.has(rule))) return;
    const key = `${pos.line}:${pos.column}:${rule}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push({ line: pos.line, column: pos.column, rule, severity, message });
  }

  // ---- whole-file facts -----------------------------------------------------------------

  /** Collect the names the file defines as methods, and its classes with their statics. */
  private prepass(ast: Node) {
    const staticAssigns: [string, string][] = [];
    const propKinds = new Map<string, boolean>();
    const noteProp = (p: string | null, value: Node) => {
      if (p === null) return;
      const typed = !!value && makesTyped(value);
      propKinds.set(p, (propKinds.has(p) ? propKinds.get(p)! : true) && typed);
    };
    const walk = (n: Node) => {
      if (!n || typeof n.type !== 'string') return;
      switch (n.type) {
        case 'MethodDefinition': case 'PropertyDefinition':
          if (!n.computed && n.key.type === 'Identifier') this.defined.add(n.key.name);
          if (n.type === 'PropertyDefinition' && !n.computed && n.key.type === 'Identifier') noteProp(n.key.name, n.value);
          break;
        case 'Property':
          if (!n.computed && n.kind === 'init' && !n.method) noteProp(n.key.type === 'Identifier' ? n.key.name : n.key.type === 'Literal' ? String(n.key.value) : null, n.value);
          if (!n.computed && (n.method || n.kind !== 'init' || (n.value && FUNCS.has(n.value.type)))) {
            if (n.key.type === 'Identifier') this.defined.add(n.key.name);
            else if (n.key.type === 'Literal') this.defined.add(String(n.key.value));
          }
          break;
        case 'AssignmentExpression':
          if (n.left.type === 'MemberExpression') {
            const p = propName(n.left);
            noteProp(p, n.operator === '=' ? n.right : null);
            if (p !== null && FUNCS.has(n.right.type)) this.defined.add(p);
            if (p !== null && n.left.object.type === 'Identifier') staticAssigns.push([n.left.object.name, p]);
          }
          break;
        case 'ClassDeclaration': case 'ClassExpression': {
          const name = n.id ? n.id.name : null;
          if (name) this.noteClass(name, n);
          break;
        }
        case 'VariableDeclarator':
          if (n.id.type === 'Identifier' && n.init && n.init.type === 'ClassExpression' && !n.init.id) this.noteClass(n.id.name, n.init);
          break;
      }
      for (const k in n) {
        if (SKIP_KEYS.has(k)) continue;
        const v = n[k];
        if (Array.isArray(v)) for (const c of v) walk(c);
        else if (v && typeof v === 'object') walk(v);
      }
    };
    walk(ast);
    for (const [p, typed] of propKinds) if (typed) this.typedProps.add(p);
    for (const [c, p] of staticAssigns) this.classes.get(c)?.statics.add(p);
  }

  private noteClass(name: string, cls: Node) {
    const statics = new Set<string>();
    for (const m of cls.body.body) {
      if (m.static && !m.computed && m.key && m.key.type === 'Identifier') statics.add(m.key.name);
    }
    const superName = cls.superClass && cls.superClass.type === 'Identifier' ? cls.superClass.name : null;
    this.classes.set(name, { superName, statics });
  }

  // ---- scopes ---------------------------------------------------------------------------

  private push(current = Infinity): Scope {
    this.scope = { parent: this.scope, names: new Map(), current, depth: this.depth };
    return this.scope;
  }

  private pop() {
    this.scope = this.scope!.parent;
  }

  private declare(s: Scope, name: string, kind: Decl['kind'], index: number, line: number) {
    const prev = s.names.get(name);
    if (prev && prev.kind === 'function' && kind === 'var') return;
    if (prev && prev.kind === kind && prev.index <= index) return;
    s.names.set(name, { kind, index, line });
  }

  /** Declare what a function body or the program declares: vars anywhere (not in nested functions), and its own list's declarations. */
  private hoist(s: Scope, list: Node[], fnLevel: boolean) {
    list.forEach((st, i) => {
      if (fnLevel) this.collectVars(st, s, i);
      this.declareLexical(s, st, i);
    });
  }

  private declareLexical(s: Scope, st: Node, i: number) {
    if (!st) return;
    if (st.type === 'FunctionDeclaration' && st.id) this.declare(s, st.id.name, 'function', i, st.loc.start.line);
    else if (st.type === 'ClassDeclaration' && st.id) this.declare(s, st.id.name, 'class', i, st.loc.start.line);
    else if (st.type === 'VariableDeclaration' && st.kind !== 'var') {
      for (const d of st.declarations) for (const nm of patternNames(d.id)) this.declare(s, nm, st.kind, i, st.loc.start.line);
    } else if (st.type === 'ExportNamedDeclaration' || st.type === 'ExportDefaultDeclaration') this.declareLexical(s, st.declaration, i);
  }

  private collectVars(st: Node, s: Scope, i: number) {
    if (!st || typeof st.type !== 'string' || FUNCS.has(st.type) || st.type.startsWith('Class')) return;
    if (st.type === 'VariableDeclaration' && st.kind === 'var') {
      for (const d of st.declarations) for (const nm of patternNames(d.id)) this.declare(s, nm, 'var', i, st.loc.start.line);
    }
    if (st.type.endsWith('Expression') || st.type === 'ExpressionStatement') return;
    for (const k of ['body', 'consequent', 'alternate', 'block', 'handler', 'finalizer', 'cases', 'init', 'left', 'declaration']) {
      const v = st[k];
      if (Array.isArray(v)) for (const c of v) this.collectVars(c, s, i);
      else if (v && typeof v === 'object') this.collectVars(v, s, i);
    }
  }

  private resolve(name: string): { decl: Decl; scope: Scope } | null {
    for (let s = this.scope; s; s = s.parent) {
      const d = s.names.get(name);
      if (d) return { decl: d, scope: s };
    }
    return null;
  }

  // ---- traversal ------------------------------------------------------------------------

  private get parent(): Node {
    return this.ancestors[this.ancestors.length - 1];
  }

  private children(n: Node) {
    for (const k in n) {
      if (SKIP_KEYS.has(k)) continue;
      const v = n[k];
      if (Array.isArray(v)) { for (const c of v) if (c) this.visit(c, k); }
      else if (v && typeof v === 'object' && typeof v.type === 'string') this.visit(v, k);
    }
  }

  private statements(list: Node[], s: Scope) {
    for (let i = 0; i < list.length; i++) {
      s.current = i;
      this.visit(list[i], 'body');
    }
    s.current = Infinity;
  }

  private visit(n: Node, key = '') {
    this.enter(n, key);
    this.ancestors.pop();
  }

  private enter(n: Node, key: string) {
    const parent = this.parent;
    this.ancestors.push(n);
    switch (n.type) {
      case 'Program': {
        const s = this.push(0);
        this.hoist(s, n.body, true);
        this.statements(n.body, s);
        this.pop();
        return;
      }
      case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression':
        return this.fn(n, parent, key);
      case 'BlockStatement': case 'StaticBlock': {
        if (n.type === 'StaticBlock') this.report(n, 'class-static-block', 'static blocks are not supported by Espruino: SyntaxError');
        const s = this.push(0);
        this.hoist(s, n.body, false);
        this.statements(n.body, s);
        this.pop();
        return;
      }
      case 'SwitchStatement': {
        this.visit(n.discriminant, 'discriminant');
        const s = this.push();
        for (const c of n.cases) for (const st of c.consequent) this.declareLexical(s, st, 0);
        for (const c of n.cases) this.visit(c, 'cases');
        this.pop();
        return;
      }
      case 'ForStatement': case 'ForInStatement': case 'ForOfStatement':
        return this.loop(n);
      case 'CatchClause': {
        if (n.param && n.param.type !== 'Identifier') this.report(n.param, 'destructuring', 'destructuring in catch: Espruino does not support destructuring');
        const s = this.push();
        for (const nm of patternNames(n.param)) this.declare(s, nm, 'param', 0, n.loc.start.line);
        this.visit(n.body, 'body');
        this.pop();
        return;
      }
      case 'ClassDeclaration': case 'ClassExpression':
        return this.cls(n);
      case 'VariableDeclaration':
        for (const d of n.declarations) {
          if (d.id.type !== 'Identifier') this.report(d.id, 'destructuring', 'destructuring declaration: `var {a}=o` is a ReferenceError in Espruino');
          this.patternDefaults(d.id);
          if (d.init) this.visit(d.init, 'init');
          if (d.id.type === 'Identifier') this.assigned(d.id.name, d.init);
        }
        return;
      case 'Identifier':
        this.identifier(n, parent, key);
        return;
      case 'MemberExpression':
        this.negativeIndex(n);
        this.member(n, parent, key);
        this.visit(n.object, 'object');
        if (n.computed || n.property.type === 'PrivateIdentifier') this.visit(n.property, 'property');
        return;
      case 'CallExpression': case 'NewExpression':
        this.call(n);
        break;
      case 'SpreadElement':
        this.report(n, 'spread', `spread '...' in ${parent && parent.type === 'ObjectExpression' ? 'an object' : parent && parent.type === 'ArrayExpression' ? 'an array' : 'a call'}: SyntaxError in Espruino`);
        break;
      case 'ObjectPattern': case 'ArrayPattern':
        this.report(n, 'destructuring', 'destructuring assignment: `[a,b]=[b,a]` fails in Espruino');
        this.patternDefaults(n);
        return;
      case 'AssignmentExpression':
        if (n.operator === '**=') this.report(this.operatorAt(n.left.end, '**='), 'exponent', "'**=' is a SyntaxError in Espruino: use Math.pow");
        if (n.operator === '??=' || n.operator === '||=' || n.operator === '&&=') {
          this.report(this.operatorAt(n.left.end, n.operator), 'logical-assignment', `'${n.operator}' is a SyntaxError in Espruino`);
        }
        if (n.left.type === 'Identifier') {
          this.writeRef(n.left);
          this.visit(n.right, 'right');
          this.assigned(n.left.name, n.operator === '=' ? n.right : null);
          return;
        }
        break;
      case 'UpdateExpression':
        if (n.argument.type === 'Identifier') { this.writeRef(n.argument); this.assigned(n.argument.name, null); return; }
        break;
      case 'BinaryExpression':
        if (n.operator === '**') this.report(this.operatorAt(n.left.end, '**'), 'exponent', "'**' is a SyntaxError in Espruino: use Math.pow");
        break;
      case 'LogicalExpression':
        this.visit(n.left, 'left');
        this.guarded(n.left, () => this.visit(n.right, 'right'));
        return;
      case 'ConditionalExpression': case 'IfStatement':
        this.visit(n.test, 'test');
        this.guarded(n.test, () => {
          this.visit(n.consequent, 'consequent');
          if (n.alternate) this.visit(n.alternate, 'alternate');
        });
        return;
      case 'ChainExpression':
        this.report(optionalAt(n), 'optional-chaining', "optional chaining '?.' is a SyntaxError in Espruino");
        break;
      case 'LabeledStatement':
        this.report(n, 'label', `label '${n.label.name}:': Espruino parses it as an identifier → ReferenceError`);
        this.visit(n.body, 'body');
        return;
      case 'BreakStatement': case 'ContinueStatement':
        if (n.label) this.report(n.label, 'label', `'${n.type === 'BreakStatement' ? 'break' : 'continue'} ${n.label.name}': labels are not supported by Espruino`);
        return;
      case 'PrivateIdentifier':
        this.report(n, 'private-member', `private member '#${n.name}' is a SyntaxError in Espruino`);
        return;
      case 'Property':
        if (n.computed && parent && parent.type === 'ObjectExpression') this.report(n.key, 'computed-key', 'computed object key `{[k]: v}` is a SyntaxError in Espruino');
        if (n.computed) this.visit(n.key, 'key');
        this.visit(n.value, 'value');
        return;
      case 'TaggedTemplateExpression':
        this.report(n, 'tagged-template', 'tagged template is a SyntaxError in Espruino');
        break;
      case 'MetaProperty':
        if (n.meta.name === 'new') this.report(n, 'new-target', '`new.target` is not supported by Espruino');
        else this.report(n, 'es-module', '`import.meta`: Espruino has no ES modules');
        return;
      case 'Literal':
        this.literal(n);
        return;
      case 'TemplateElement':
        this.stringEscapes(n.value.raw, n.start);
        return;
      case 'ImportDeclaration': case 'ExportNamedDeclaration': case 'ExportDefaultDeclaration': case 'ExportAllDeclaration':
        this.report(n, 'es-module', `${n.type.startsWith('Import') ? 'import' : 'export'} statement: Espruino has no ES modules (bundle to a script/IIFE)`);
        if (n.declaration) this.visit(n.declaration, 'declaration');
        return;
      case 'ImportExpression':
        this.report(n, 'es-module', 'dynamic import(): Espruino has no ES modules');
        break;
      case 'ReturnStatement':
        if (n.argument) this.visit(n.argument, 'argument');
        if (this.fnStack.length) this.fnStack[this.fnStack.length - 1].kinds.push(this.kindOf(n.argument));
        return;
      case 'AwaitExpression':
        this.report(n, 'async-await', '`await` is not supported by Espruino');
        break;
    }
    this.children(n);
  }

  /** Offset of `op` after `from` (skipping whitespace and comments). */
  private operatorAt(from: number, op: string): number {
    const i = this.code.indexOf(op, from);
    return i < 0 ? from : i;
  }

  /** Run `body` with the feature tests in `test` in force. */
  private guarded(test: Node, body: () => void) {
    const found: Guard[] = [];
    const scan = (x: Node, viaTypeof: boolean) => {
      if (!x || typeof x.type !== 'string' || FUNCS.has(x.type)) return;
      if (x.type === 'UnaryExpression' && x.operator === 'typeof') {
        const p = pathOf(x.argument);
        if (p) found.push({ path: p, viaTypeof: true });
        return;
      }
      const p = x.type === 'Identifier' || x.type === 'MemberExpression' ? pathOf(x) : null;
      if (p) { found.push({ path: p, viaTypeof }); return; }
      for (const k in x) {
        if (SKIP_KEYS.has(k) || k === 'callee') continue;
        const v = x[k];
        if (Array.isArray(v)) for (const c of v) scan(c, viaTypeof);
        else if (v && typeof v === 'object') scan(v, viaTypeof);
      }
    };
    scan(test, false);
    this.guards.push(...found);
    try { body(); } finally { this.guards.length -= found.length; }
  }

  private isGuarded(path: string, needTypeof: boolean): boolean {
    return this.guards.some((g) => (!needTypeof || g.viaTypeof) && (g.path === path || g.path.startsWith(path + '.')));
  }

  /** True when node (with parent/key) is only tested for truthiness or typeof'd, never used. */
  private isTestOnly(parent: Node, key: string): boolean {
    if (!parent) return false;
    if (parent.type === 'UnaryExpression' && (parent.operator === 'typeof' || parent.operator === '!')) return true;
    if (parent.type === 'LogicalExpression' && key === 'left') return true;
    return (parent.type === 'ConditionalExpression' || parent.type === 'IfStatement') && key === 'test';
  }

  // ---- typed arrays -------------------------------------------------------------------

  /** What `n` holds: a typed array, an Array from `.slice()`/`.filter()` of one, or unknown (null). */
  private kindOf(n: Node): TypedKind | null {
    if (!n) return null;
    switch (n.type) {
      case 'NewExpression':
        return n.callee.type === 'Identifier' && TYPED.has(n.callee.name) && !this.resolve(n.callee.name) ? { kind: 'typed' } : null;
      case 'CallExpression': {
        if (n.callee.type === 'Identifier') return this.returnsOf(n.callee.name, n);
        if (n.callee.type !== 'MemberExpression') return null;
        const m = propName(n.callee);
        const obj = n.callee.object;
        if (m === 'subarray') return { kind: 'typed' };
        if (m === 'toUint8Array' && obj.type === 'Identifier' && obj.name === 'E' && !this.resolve('E')) return { kind: 'typed' };
        if (m === 'slice' || m === 'filter' || m === 'map') {
          const k = this.kindOf(obj);
          if (!k || k.kind !== 'typed') return null;
          return m === 'map' ? k : { kind: 'sliced', method: m, line: n.loc.start.line, name: null };
        }
        return m === null ? null : this.returnsOf(m, n);
      }
      case 'Identifier': {
        const r = this.resolve(n.name);
        const k = r ? this.held.get(r.decl) : null;
        return k ? (k.kind === 'sliced' ? { ...k, name: n.name } : k) : null;
      }
      case 'MemberExpression': {
        const p = n.computed ? null : propName(n);
        return p !== null && this.typedProps.has(p) ? { kind: 'typed' } : null;
      }
      case 'ConditionalExpression': {
        const a = this.kindOf(n.consequent), b = this.kindOf(n.alternate);
        return a && b && a.kind === b.kind ? a : null;
      }
      case 'SequenceExpression':
        return this.kindOf(n.expressions[n.expressions.length - 1]);
      case 'AssignmentExpression':
        return n.operator === '=' ? this.kindOf(n.right) : null;
    }
    return null;
  }

  /** What a call of the file's function or method `name` gives, as its return statements say. */
  private returnsOf(name: string, call: Node): TypedKind | null {
    const k = this.returns.get(name);
    if (!k) return null;
    return k.kind === 'sliced' ? { ...k, name: null, via: name } : k;
  }

  /** The name a function is known by: its own, or the variable, property or method it is assigned to. */
  private fnName(n: Node, parent: Node): string | null {
    if (n.id) return n.id.name;
    if (!parent) return null;
    if (parent.type === 'VariableDeclaration') {
      const d = parent.declarations.find((x: Node) => x.init === n);
      return d && d.id.type === 'Identifier' ? d.id.name : null;
    }
    if ((parent.type === 'Property' || parent.type === 'MethodDefinition') && !parent.computed) return parent.key.type === 'Identifier' ? parent.key.name : null;
    if (parent.type === 'AssignmentExpression') return parent.left.type === 'Identifier' ? parent.left.name : parent.left.type === 'MemberExpression' ? propName(parent.left) : null;
    return null;
  }

  /** Record what function `name` returns: a sliced Array when any return gives one, typed when every return does. */
  private noteReturns(name: string | null, kinds: (TypedKind | null)[]) {
    if (name === null) return;
    const sliced = kinds.find((k) => k && k.kind === 'sliced') || null;
    const k = sliced || (kinds.length && kinds.every((x) => x && x.kind === 'typed') ? { kind: 'typed' as const } : null);
    if (this.returns.has(name)) {
      const prev = this.returns.get(name);
      if (!prev || !k || prev.kind !== k.kind) this.returns.set(name, null);
    } else this.returns.set(name, k);
  }

  /** Note what variable `name` now holds (after `var name = value` or `name = value`). */
  private assigned(name: string, value: Node | null) {
    const r = this.resolve(name);
    if (!r) return;
    const k = value ? this.kindOf(value) : null;
    if (k && k.kind === 'sliced') this.held.set(r.decl, { ...k, name: null });
    else this.held.set(r.decl, k);
  }

  /** A typed-array-only use of `n` (the object of `.member`, or the argument of new DataView): flag it when `n` is a sliced Array. */
  private typedUse(n: Node, at: Node, use: string) {
    const k = this.kindOf(n);
    if (!k || k.kind !== 'sliced') return;
    const what = k.via ? `\`${k.via}()\` returns \`.${k.method}()\` of a typed array (line ${k.line}), which` : k.name ? `'${k.name}' holds the result of \`.${k.method}()\` of a typed array (line ${k.line}), which` : `\`.${k.method}()\` of a typed array`;
    this.report(at, 'typed-array-slice', `${what} is a plain Array on Espruino, so ${use}: ${COPY_HINT[k.method]}`);
  }

  /** `x[-1]`, and `'…'[i - k]`. */
  private negativeIndex(n: Node) {
    if (!n.computed) return;
    const p = n.property;
    if (p.type === 'UnaryExpression' && p.operator === '-' && p.argument.type === 'Literal' && typeof p.argument.value === 'number' && p.argument.value !== 0) {
      this.report(p, 'negative-index', `negative index [-${p.argument.raw}]: Espruino throws on strings and typed arrays ("Field or method \"-${p.argument.raw}\" does not already exist"); use x[x.length - ${p.argument.raw}] or .charAt()`);
      return;
    }
    const str = n.object.type === 'Literal' && typeof n.object.value === 'string' ||
      (n.object.type === 'TemplateLiteral' && n.object.expressions.length === 0);
    if (str && p.type === 'BinaryExpression' && p.operator === '-') {
      const l = p.left, r = p.right;
      const num = (x: Node) => x.type === 'Literal' && typeof x.value === 'number';
      if (num(l) && num(r) && l.value - r.value >= 0) return;
      this.report(p, 'negative-index', 'a string literal indexed by a subtraction: if the index goes negative Espruino throws ("Field or method … does not already exist", V8 gives undefined); guard the index or use .charAt()', 'warning');
    }
  }

  // ---- functions, loops, classes --------------------------------------------------------

  /** Whether function `n` runs right where it is written (IIFE, `.call`/`.apply` of it, `new function`). */
  private immediate(n: Node, parent: Node, key: string): boolean {
    if (!parent) return false;
    if ((parent.type === 'CallExpression' || parent.type === 'NewExpression') && key === 'callee') return true;
    const gp = this.ancestors[this.ancestors.length - 3];
    return parent.type === 'MemberExpression' && key === 'object' && !parent.computed &&
      (parent.property.name === 'call' || parent.property.name === 'apply') && gp && gp.type === 'CallExpression' && gp.callee === parent;
  }

  private fn(n: Node, parent: Node, key: string) {
    const at = parent && (parent.type === 'MethodDefinition' || parent.type === 'Property') && parent.value === n ? parent : n;
    if (n.generator) this.report(at, 'generator', 'generator function: `function*` is a SyntaxError in Espruino');
    if (n.async) this.report(at, 'async-await', 'async function: not supported by Espruino');
    for (const p of n.params) {
      if (p.type === 'AssignmentPattern') this.report(p, 'default-param', 'default parameter value: SyntaxError in Espruino (test for undefined in the body)');
      else if (p.type === 'RestElement') this.report(p, 'rest-param', 'rest parameter: SyntaxError in Espruino (use arguments)');
      const target = p.type === 'AssignmentPattern' ? p.left : p;
      if (target.type === 'ObjectPattern' || target.type === 'ArrayPattern') this.report(target, 'destructuring', 'destructuring parameter: SyntaxError in Espruino');
    }
    const deferred = !this.immediate(n, parent, key);
    if (deferred) this.depth++;
    const frame = { name: this.fnName(n, parent), kinds: [] as (TypedKind | null)[] };
    this.fnStack.push(frame);
    const s = this.push(Infinity);
    if (n.type === 'FunctionExpression' && n.id) this.declare(s, n.id.name, 'param', 0, n.loc.start.line);
    if (n.type !== 'ArrowFunctionExpression') this.declare(s, 'arguments', 'param', 0, n.loc.start.line);
    for (const p of n.params) for (const nm of patternNames(p)) this.declare(s, nm, 'param', 0, n.loc.start.line);
    for (const p of n.params) this.patternDefaults(p);
    if (n.body.type === 'BlockStatement') {
      this.ancestors.push(n.body);
      this.hoist(s, n.body.body, true);
      this.statements(n.body.body, s);
      this.ancestors.pop();
    } else {
      this.visit(n.body, 'body');
      frame.kinds.push(this.kindOf(n.body));
    }
    this.pop();
    this.fnStack.pop();
    this.noteReturns(frame.name, frame.kinds);
    if (deferred) this.depth--;
  }

  /** Visit the expressions inside a binding pattern (defaults, computed keys). */
  private patternDefaults(p: Node) {
    if (!p) return;
    switch (p.type) {
      case 'AssignmentPattern': this.patternDefaults(p.left); this.visit(p.right, 'right'); break;
      case 'ObjectPattern':
        for (const q of p.properties) {
          if (q.type === 'RestElement') this.patternDefaults(q.argument);
          else { if (q.computed) this.visit(q.key, 'key'); this.patternDefaults(q.value); }
        }
        break;
      case 'ArrayPattern': for (const q of p.elements) this.patternDefaults(q); break;
      case 'RestElement': this.patternDefaults(p.argument); break;
      case 'MemberExpression': this.visit(p, 'left'); break;
    }
  }

  private loop(n: Node) {
    const head = n.type === 'ForStatement' ? n.init : n.left;
    const lexical = head && head.type === 'VariableDeclaration' && head.kind !== 'var';
    if (n.type === 'ForOfStatement' && n.await) this.report(n, 'async-await', '`for await` is not supported by Espruino');
    const s = this.push();
    if (lexical) {
      const names = head.declarations.flatMap((d: Node) => patternNames(d.id));
      for (const nm of names) this.declare(s, nm, head.kind, 0, n.loc.start.line);
      const cap = this.capture(n.body, new Set(names)) || (n.type === 'ForStatement' && (this.capture(n.update, new Set(names)) || this.capture(n.test, new Set(names))));
      if (cap) {
        this.report(cap.fn, 'for-let-closure', `closure over loop variable '${cap.name}' of \`for (${head.kind} …)\`: Espruino has no per-iteration binding, every closure sees the final value`);
      }
    }
    if (head) {
      if (head.type === 'VariableDeclaration' || n.type === 'ForStatement') this.visit(head, 'init');
      else if (head.type === 'Identifier') this.writeRef(head);
      else this.visit(head, 'left');
    }
    for (const k of ['test', 'update', 'right']) if (n[k]) this.visit(n[k], k);
    this.visit(n.body, 'body');
    this.pop();
  }

  /** The first function inside `body` that references one of `names`, and the name. */
  private capture(body: Node, names: Set<string>): { fn: Node; name: string } | null {
    let hit: { fn: Node; name: string } | null = null;
    const inFn = (x: Node, fn: Node | null, parentKey: string, parent: Node) => {
      if (hit || !x || typeof x.type !== 'string') return;
      if (FUNCS.has(x.type)) fn = fn || x;
      if (x.type === 'Identifier' && fn && names.has(x.name) &&
          !(parent && parent.type === 'MemberExpression' && parentKey === 'property' && !parent.computed) &&
          !(parent && parent.type === 'Property' && parentKey === 'key' && !parent.computed)) {
        hit = { fn, name: x.name };
        return;
      }
      for (const k in x) {
        if (SKIP_KEYS.has(k)) continue;
        const v = x[k];
        if (Array.isArray(v)) for (const c of v) inFn(c, fn, k, x);
        else if (v && typeof v === 'object') inFn(v, fn, k, x);
      }
    };
    inFn(body, null, '', null);
    return hit;
  }

  private cls(n: Node) {
    if (n.superClass) {
      if (n.superClass.type === 'Identifier' && ERRORS.has(n.superClass.name) && !this.resolve(n.superClass.name)) {
        this.report(n.superClass, 'extends-error', `\`class … extends ${n.superClass.name}\`: Espruino fails with "Calling 'super' outside of class" (use an ES5-style Object.create(Error.prototype) subclass)`);
      }
      this.visit(n.superClass, 'superClass');
    }
    const s = this.push();
    if (n.id) this.declare(s, n.id.name, 'class', 0, n.loc.start.line);
    this.ancestors.push(n.body);
    for (const m of n.body.body) {
      this.ancestors.push(m);
      if (m.type === 'StaticBlock') { this.ancestors.pop(); this.visit(m, 'body'); continue; }
      if (m.computed) this.report(m.key, 'computed-key', 'computed class member `[k](){}` is a SyntaxError in Espruino');
      if (m.computed || m.key.type === 'PrivateIdentifier') this.visit(m.key, 'key');
      if (m.value) {
        const deferred = m.type === 'PropertyDefinition' && !m.static;
        if (deferred) this.depth++;
        this.visit(m.value, 'value');
        if (deferred) this.depth--;
      }
      this.ancestors.pop();
    }
    this.ancestors.pop();
    this.pop();
  }

  // ---- references -----------------------------------------------------------------------

  /** Identifier in `n`'s position: is it a reference (not a key, label or declaration)? */
  private identifier(n: Node, parent: Node, key: string) {
    if (parent) {
      if ((parent.type === 'MemberExpression' && key === 'property' && !parent.computed) ||
          ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && key === 'key' && !parent.computed) ||
          parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement' ||
          parent.type === 'MetaProperty' || parent.type.startsWith('Import') || parent.type.startsWith('Export')) return;
    }
    this.readRef(n, parent, key);
  }

  private readRef(n: Node, parent: Node, key: string) {
    const r = this.resolve(n.name);
    if (!r) {
      const typeofOperand = parent && parent.type === 'UnaryExpression' && parent.operator === 'typeof';
      if (GLOBALS.has(n.name) && !typeofOperand && !this.isGuarded(n.name, true)) {
        this.report(n, 'missing-global', `'${n.name}' is not defined in Espruino: ReferenceError (guard with typeof ${n.name} if optional)`);
      }
      return;
    }
    this.order(n, r);
  }

  private writeRef(n: Node) {
    const r = this.resolve(n.name);
    if (r) this.order(n, r);
  }

  /** Flag a use that runs before its function/var declaration has run. */
  private order(n: Node, r: { decl: Decl; scope: Scope }) {
    const { decl, scope } = r;
    if (scope.depth !== this.depth || !(scope.current < decl.index)) return;
    if (decl.kind === 'function') {
      this.report(n, 'hoisting', `'${n.name}' is used before its function declaration (line ${decl.line}) has run: Espruino does not hoist functions → ReferenceError`);
    } else if (decl.kind === 'var') {
      this.report(n, 'var-hoisting', `'${n.name}' is used before its var declaration (line ${decl.line}) has run: Espruino does not hoist var`);
    }
  }

  private member(n: Node, parent: Node, key: string) {
    const prop = propName(n);
    if (prop === null) return;
    if (TYPED_ONLY.has(prop)) {
      this.typedUse(n.object, n.property, prop === 'subarray' || prop === 'set' ? `\`.${prop}()\` fails ("Function \"${prop}\" not found")` : `\`.${prop}\` is undefined`);
    }
    const write = parent && ((parent.type === 'AssignmentExpression' && key === 'left') || (parent.type === 'UpdateExpression'));
    const obj = n.object;
    if (obj.type === 'Identifier' && !this.resolve(obj.name)) {
      const owner = obj.name;
      const list = own(MISSING_STATICS, owner) ? MISSING_STATICS[owner] : TYPED.has(owner) ? ['from', 'of'] : [];
      const missing = list.includes(prop) && !(owner === 'Math' && MATH_OK.has(prop));
      if (missing && !write && !this.isTestOnly(parent, key) && !this.isGuarded(owner + '.' + prop, false)) {
        this.report(n.property, 'missing-static', `${owner}.${prop} is undefined in Espruino`);
      }
      if (owner === 'String' && prop === 'fromCharCode' && parent && parent.type === 'MemberExpression' && propName(parent) === 'apply') {
        this.report(n, 'fromcharcode-apply', 'String.fromCharCode.apply fails in Espruino beyond 256 arguments ("Array passed to Function.apply is too big!"): use E.toString(bytes)');
      }
    }
    if (obj.type === 'MemberExpression' && propName(obj) === 'prototype' && obj.object.type === 'Identifier' &&
        PROTO_OWNERS.has(obj.object.name) && !this.resolve(obj.object.name) && !write) {
      const path = `${obj.object.name}.prototype.${prop}`;
      if (!PROTO_OK.has(path)) {
        // feature detection (`typeof X.prototype.m`, `if (X.prototype.m)`) runs, but takes the other branch on a board
        if (this.isTestOnly(parent, key)) this.report(n, 'builtin-prototype', `${path} is undefined on Espruino, so this test is always false there`, 'warning');
        else this.report(n, 'builtin-prototype', `${path} is undefined in Espruino (built-in methods exist only on instances): use e.g. [].slice.call / ''.charCodeAt.call`);
      }
    }
    if (obj.type === 'Identifier' && !write && this.classes.has(obj.name) && !['prototype', 'name', 'length', 'call', 'apply', 'bind'].includes(prop)) {
      const r = this.resolve(obj.name);
      const own = this.classes.get(obj.name)!;
      if (r && (r.decl.kind === 'class' || r.decl.kind === 'var' || r.decl.kind === 'let' || r.decl.kind === 'const') && !own.statics.has(prop)) {
        const from = this.inheritedStatic(own.superName, prop);
        if (from) this.report(n.property, 'static-inheritance', `${obj.name}.${prop} is a static of ${from}: Espruino does not inherit statics, so ${obj.name}.${prop} is undefined`);
      }
    }
  }

  private inheritedStatic(cls: string | null, prop: string): string | null {
    for (let i = 0; cls && i < 32; i++) {
      const c = this.classes.get(cls);
      if (!c) return null;
      if (c.statics.has(prop)) return cls;
      cls = c.superName;
    }
    return null;
  }

  private call(n: Node) {
    const callee = n.callee;
    if (n.type === 'CallExpression' && callee.type === 'MemberExpression') {
      const name = propName(callee);
      const info = name !== null && own(MISSING_METHODS, name) ? MISSING_METHODS[name] : null;
      const onObject = callee.object.type === 'Identifier' && (callee.object.name === 'Object' || callee.object.name === 'Reflect');
      if (info && !onObject && !this.defined.has(name!) && !((name === 'keys' || name === 'entries') && n.arguments.length)) {
        const msg = `.${name}() does not exist in Espruino${info.generic ? ` on ${info.protos.join('/')} (ignore if this is your own object's method)` : ''}: "Function ${name} not found"`;
        this.report(callee.property, 'missing-method', msg, info.generic ? 'warning' : 'error');
      }
    }
    if (n.type === 'NewExpression' && callee.type === 'Identifier' && callee.name === 'DataView' && n.arguments.length && !this.resolve('DataView')) {
      this.typedUse(n.arguments[0], n.arguments[0], 'new DataView(…) throws "Expecting ArrayBuffer, got Array"');
    }
    if (n.type === 'NewExpression' || n.type === 'CallExpression') {
      if (callee.type === 'Identifier' && callee.name === 'RegExp' && !this.resolve('RegExp')) {
        const [p, f] = n.arguments;
        if (p && p.type === 'Literal' && typeof p.value === 'string') {
          const flags = f && f.type === 'Literal' && typeof f.value === 'string' ? f.value : '';
          for (const is of regexIssues(p.value, flags, false)) this.report(is.at < 0 && f ? f : p, is.rule, `RegExp(${JSON.stringify(p.value)}): ${is.message}`, is.severity);
        }
      }
    }
  }

  // ---- literals -------------------------------------------------------------------------

  private literal(n: Node) {
    if (typeof n.bigint === 'string') {
      this.report(n, 'bigint', `BigInt literal ${n.raw}: Espruino has no BigInt`);
    } else if (n.regex) {
      for (const is of regexIssues(n.regex.pattern, n.regex.flags, true)) {
        const at = is.at < 0 ? n.start + 2 + n.regex.pattern.length : n.start + 1 + is.at;
        this.report(at, is.rule, is.message, is.severity);
      }
    } else if (typeof n.value === 'string') {
      this.stringEscapes(n.raw, n.start);
    }
  }

  /** Check the raw text of a string or template chunk for escapes and characters Espruino mangles. */
  private stringEscapes(raw: string, start: number) {
    let wide = false;
    for (let i = 0; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c === 92) { // backslash
        const d = raw[i + 1];
        if (d === 'u') {
          // \uXXXX makes a UTF-8 string on 2v29 (measured, test/device-facts.test.ts); \u{…} does not parse
          if (raw[i + 2] === '{') this.report(start + i, 'unicode-escape', '`\\u{…}` escape: Espruino 2v29 stops with "Invalid escape sequence"; write a \\uXXXX pair');
        }
        i++;
      } else if (c > 0xff && !wide) {
        wide = true;
        this.report(start + i, 'non-latin1-string', `character U+${c.toString(16).toUpperCase().padStart(4, '0')} in a string: Espruino stores it as UTF-8 bytes (length and charCodeAt differ)`);
      }
    }
  }
}

/**
 * Check JavaScript `code` for constructs Espruino cannot run. Returns the findings sorted by
 * position (1-based line and column); an empty array means the code is clean. A file that
 * does not parse gives one `parse-error` finding. `filename` is only used in messages.
 */
export function checkSource(code: string, filename = '<input>'): Finding[] {
  void filename; // reserved: findings carry no file name, the caller prints it
  const c = new Checker(code);
  c.run();
  return c.findings;
}

/** One finding as the CLI prints it: `file:line:col  rule  message`. */
export function formatFinding(file: string, f: Finding): string {
  return `${file}:${f.line}:${f.column}  ${f.rule}  ${f.severity === 'warning' ? 'warning: ' : ''}${f.message}`;
}

/** Only the findings of severity error. */
export function errorsOf(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error');
}

