// Typed-array tracking for rule typed-array-slice. On Espruino `u8.slice()` and `u8.filter()`
// give a plain Array, so the checker follows, in source order, what each variable, function
// return and property holds — a typed array, or such an Array — and flags a typed-array-only
// use of the Array.
import { TYPED_ARRAYS } from './builtins';
import { propName, type Node } from './ast';
import { type Report } from './findings';
import { type Decl, type Scopes } from './scope';

/** What an expression holds, as far as typed-array tracking knows: a typed array, or an Array made by `.slice()`/`.filter()` of one. */
export type TypedKind = { kind: 'typed' } | { kind: 'sliced'; method: string; line: number; name: string | null; via?: string };

/** The typed array constructors. */
export const TYPED = new Set(TYPED_ARRAYS);

/** Members only a typed array has (a plain Array lacks them). */
export const TYPED_ONLY = new Set(['subarray', 'set', 'buffer', 'byteLength', 'byteOffset', 'BYTES_PER_ELEMENT']);

const COPY_HINT: { [method: string]: string } = {
  slice: 'copy natively with `new Uint8Array(x.subarray(a, b))` (or the matching typed array)',
  filter: 'wrap it: `new Uint8Array(x.filter(f))` (or the matching typed array)',
};

/** Syntactically a new typed array: `new Uint8Array(…)` (any typed array), `E.toUint8Array(…)`, `x.subarray(…)`. */
export function makesTyped(n: Node): boolean {
  if (n.type === 'NewExpression') return n.callee.type === 'Identifier' && TYPED.has(n.callee.name);
  if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression') {
    const m = propName(n.callee);
    return m === 'subarray' || (m === 'toUint8Array' && n.callee.object.type === 'Identifier' && n.callee.object.name === 'E');
  }
  if (n.type === 'ConditionalExpression') return makesTyped(n.consequent) && makesTyped(n.alternate);
  return false;
}

/** What variables, functions and properties hold, as the walk goes. */
export class TypedArrays {
  /** What each variable binding was last assigned, in source order. */
  private readonly held = new Map<Decl, TypedKind | null>();
  /** Functions and methods by name: what their returns give (null: unknown, or names that disagree). */
  private readonly returns = new Map<string, TypedKind | null>();
  /** The functions being visited: their name and the kinds their return statements gave. */
  private readonly fnStack: { name: string | null; kinds: (TypedKind | null)[] }[] = [];

  /** `typedProps`: the property names the file only ever assigns typed arrays to. */
  constructor(private readonly scopes: Scopes, private readonly typedProps: Set<string>, private readonly report: Report) {}

  /** What `n` holds: a typed array, an Array from `.slice()`/`.filter()` of one, or unknown (null). */
  kindOf(n: Node): TypedKind | null {
    if (!n) return null;
    switch (n.type) {
      case 'NewExpression':
        return n.callee.type === 'Identifier' && TYPED.has(n.callee.name) && !this.scopes.resolve(n.callee.name) ? { kind: 'typed' } : null;
      case 'CallExpression': {
        if (n.callee.type === 'Identifier') return this.returnsOf(n.callee.name);
        if (n.callee.type !== 'MemberExpression') return null;
        const m = propName(n.callee);
        const obj = n.callee.object;
        if (m === 'subarray') return { kind: 'typed' };
        if (m === 'toUint8Array' && obj.type === 'Identifier' && obj.name === 'E' && !this.scopes.resolve('E')) return { kind: 'typed' };
        if (m === 'slice' || m === 'filter' || m === 'map') {
          const k = this.kindOf(obj);
          if (!k || k.kind !== 'typed') return null;
          return m === 'map' ? k : { kind: 'sliced', method: m, line: n.loc.start.line, name: null };
        }
        return m === null ? null : this.returnsOf(m);
      }
      case 'Identifier': {
        const r = this.scopes.resolve(n.name);
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
  private returnsOf(name: string): TypedKind | null {
    const k = this.returns.get(name);
    if (!k) return null;
    return k.kind === 'sliced' ? { ...k, name: null, via: name } : k;
  }

  /** The walk enters function `n` (child of `parent`). */
  enterFunction(n: Node, parent: Node) {
    this.fnStack.push({ name: fnName(n, parent), kinds: [] });
  }

  /** A return (or an arrow's expression body) gives `value`. */
  returned(value: Node) {
    if (this.fnStack.length) this.fnStack[this.fnStack.length - 1].kinds.push(this.kindOf(value));
  }

  /** The walk leaves the function: record what its name returns, a sliced Array when any return gives one, typed when every return does. */
  leaveFunction() {
    const { name, kinds } = this.fnStack.pop()!;
    if (name === null) return;
    const sliced = kinds.find((k) => k && k.kind === 'sliced') || null;
    const k = sliced || (kinds.length && kinds.every((x) => x && x.kind === 'typed') ? { kind: 'typed' as const } : null);
    if (this.returns.has(name)) {
      const prev = this.returns.get(name);
      if (!prev || !k || prev.kind !== k.kind) this.returns.set(name, null);
    } else this.returns.set(name, k);
  }

  /** Note what variable `name` now holds (after `var name = value` or `name = value`). */
  assigned(name: string, value: Node | null) {
    const r = this.scopes.resolve(name);
    if (!r) return;
    const k = value ? this.kindOf(value) : null;
    if (k && k.kind === 'sliced') this.held.set(r.decl, { ...k, name: null });
    else this.held.set(r.decl, k);
  }

  /** Rule typed-array-slice: a typed-array-only use of `n` (the object of `.member`, or the argument of new DataView); flag it when `n` is a sliced Array. */
  use(n: Node, at: Node, use: string) {
    const k = this.kindOf(n);
    if (!k || k.kind !== 'sliced') return;
    const what = k.via ? `\`${k.via}()\` returns \`.${k.method}()\` of a typed array (line ${k.line}), which` : k.name ? `'${k.name}' holds the result of \`.${k.method}()\` of a typed array (line ${k.line}), which` : `\`.${k.method}()\` of a typed array`;
    this.report(at, 'typed-array-slice', `${what} is a plain Array on Espruino, so ${use}: ${COPY_HINT[k.method]}`);
  }
}

/** The name a function is known by: its own, or the variable, property or method it is assigned to. */
function fnName(n: Node, parent: Node): string | null {
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
