// The checker's view of a syntax tree: parsing with acorn the way a bundle is loaded, each
// child of a node, and the names and paths a node stands for. Shared by every part of it.
import { Parser } from 'acorn';

/** An acorn (ESTree) node. */
export type Node = any;

/** Node types that make a function. */
export const FUNCS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Node fields that never hold a child node. */
const SKIP_KEYS = new Set(['type', 'start', 'end', 'loc', 'range', 'raw', 'regex', 'value', 'bigint', 'sourceType']);

/** Whether `o` has its own property `k` (never inherited names like 'constructor'). */
export function own(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Parse `code` the way a bundle is loaded: as a script, else as a module (whose syntax is then flagged). */
export function parse(code: string): { ast: Node; comments: Node[] } {
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

/** Call `each` with every child node of `n` and the field holding it, in source order; `skip`: a field to leave out. */
export function eachChild(n: Node, each: (child: Node, key: string) => void, skip?: string) {
  for (const k in n) {
    if (SKIP_KEYS.has(k) || k === skip) continue;
    const v = n[k];
    if (Array.isArray(v)) { for (const c of v) if (c) each(c, k); }
    else if (v && typeof v === 'object' && typeof v.type === 'string') each(v, k);
  }
}

/** The names a binding pattern declares. */
export function patternNames(p: Node, out: string[] = []): string[] {
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
export function pathOf(n: Node): string | null {
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
export function propName(m: Node): string | null {
  if (!m.computed) return m.property.type === 'Identifier' ? m.property.name : null;
  return m.property.type === 'Literal' && typeof m.property.value === 'string' ? m.property.value : null;
}
