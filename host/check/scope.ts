// Scope and hoisting analysis. Espruino hoists neither function declarations nor var, and a
// `for (let …)` has no per-iteration binding, so the checker tracks, per scope, which names
// are declared by which statement and which statement is running (the walk advances it), and
// how many not-yet-running function bodies deep a use is. Local names found here also shadow
// built-ins for the built-in rules.
import { eachChild, FUNCS, patternNames, type Node } from './ast';
import { type Report } from './findings';

/** A declared name: its kind and the index of the statement that declares it in its scope's list. */
export interface Decl { kind: 'var' | 'function' | 'let' | 'const' | 'class' | 'param'; index: number; line: number }

/** A scope: names, the statement now running in its list (Infinity: not tracked), and its function depth. */
export interface Scope { parent: Scope | null; names: Map<string, Decl>; current: number; depth: number }

/** A name found in a scope. */
export interface Resolved { decl: Decl; scope: Scope }

/** The scope chain at the walk's position. */
export class Scopes {
  private scope: Scope | null = null;
  /** How many function bodies deep the walk is that do not run where they are written. */
  depth = 0;

  constructor(private readonly report: Report) {}

  /** Open a scope; `current`: the statement running in it (Infinity: order not tracked). */
  push(current = Infinity): Scope {
    this.scope = { parent: this.scope, names: new Map(), current, depth: this.depth };
    return this.scope;
  }

  pop() {
    this.scope = this.scope!.parent;
  }

  declare(s: Scope, name: string, kind: Decl['kind'], index: number, line: number) {
    const prev = s.names.get(name);
    if (prev && prev.kind === 'function' && kind === 'var') return;
    if (prev && prev.kind === kind && prev.index <= index) return;
    s.names.set(name, { kind, index, line });
  }

  /** Declare what a function body or the program declares: vars anywhere (not in nested functions), and its own list's declarations. */
  hoist(s: Scope, list: Node[], fnLevel: boolean) {
    list.forEach((st, i) => {
      if (fnLevel) this.collectVars(st, s, i);
      this.declareLexical(s, st, i);
    });
  }

  /** Declare the function, class, let and const names statement `st` (number `i` of the list) declares. */
  declareLexical(s: Scope, st: Node, i: number) {
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

  /** Visit statement list `list` of scope `s` with `visit`, keeping the running statement's index. */
  statements(list: Node[], s: Scope, visit: (st: Node) => void) {
    for (let i = 0; i < list.length; i++) {
      s.current = i;
      visit(list[i]);
    }
    s.current = Infinity;
  }

  /** The declaration `name` refers to here, or null for a global. */
  resolve(name: string): Resolved | null {
    for (let s = this.scope; s; s = s.parent) {
      const d = s.names.get(name);
      if (d) return { decl: d, scope: s };
    }
    return null;
  }

  /** Rules hoisting, var-hoisting: flag a use of identifier `n` that runs before its function/var declaration has run. */
  order(n: Node, r: Resolved) {
    const { decl, scope } = r;
    if (scope.depth !== this.depth || !(scope.current < decl.index)) return;
    if (decl.kind === 'function') {
      this.report(n, 'hoisting', `'${n.name}' is used before its function declaration (line ${decl.line}) has run: Espruino does not hoist functions → ReferenceError`);
    } else if (decl.kind === 'var') {
      this.report(n, 'var-hoisting', `'${n.name}' is used before its var declaration (line ${decl.line}) has run: Espruino does not hoist var`);
    }
  }

  /** Rule for-let-closure: loop `n` declares `names` with `kind` in its head; flag the first closure over one. */
  loopClosure(n: Node, kind: string, names: string[]) {
    const set = new Set(names);
    const cap = capture(n.body, set) || (n.type === 'ForStatement' && (capture(n.update, set) || capture(n.test, set)));
    if (cap) {
      this.report(cap.fn, 'for-let-closure', `closure over loop variable '${cap.name}' of \`for (${kind} …)\`: Espruino has no per-iteration binding, every closure sees the final value`);
    }
  }
}

/** The first function inside `body` that references one of `names`, and the name. */
function capture(body: Node, names: Set<string>): { fn: Node; name: string } | null {
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
    eachChild(x, (c, k) => inFn(c, fn, k, x));
  };
  inFn(body, null, '', null);
  return hit;
}
