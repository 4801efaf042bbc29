// The runtime's top level, out of its IIFE (after terser): Espruino gives every function made
// inside a function a link to that scope (one block each), and a function made at the top
// level none. So the minified bundle `!function(){BODY}();APP` becomes `BODY;APP` with every
// name BODY declares at its top level renamed `$name` (`$t`, `$rt`): globals an app's or a REPL
// user's `t` cannot reach. Measured on the espruino-wifi echo (Espruino 2v29, 32-bit, from
// Storage): 887 -> 813 blocks. The renaming resolves every identifier through its scopes
// (functions, blocks, catch clauses), so an inner `t` that shadows the top-level one stays `t`.
import * as acorn from 'acorn';

/** One change flatten made, in the coordinates of its input: `removed` characters at `at` replaced by `inserted`. */
export interface Edit { at: number; removed: number; inserted: string }

/** The flattened code and the edits that made it (an input it cannot flatten comes back as it is, with no edits). */
export interface Flattened { code: string; edits: Edit[] }

type Node = acorn.Node & Record<string, any>;

const FUNCTION = /^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression)$/;

/** Every child node of `node`. */
function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const key of Object.keys(node)) {
    const v = node[key];
    if (Array.isArray(v)) for (const x of v) { if (x && typeof x.type === 'string') out.push(x); }
    else if (v && typeof v.type === 'string') out.push(v);
  }
  return out;
}

/** The names a binding pattern (a parameter, a declarator's id) binds. */
function boundNames(p: Node | null, into: Set<string>): void {
  if (!p) return;
  if (p.type === 'Identifier') into.add(p.name);
  else if (p.type === 'AssignmentPattern') boundNames(p.left, into);
  else if (p.type === 'RestElement') boundNames(p.argument, into);
  else if (p.type === 'ArrayPattern') p.elements.forEach((e: Node) => boundNames(e, into));
  else if (p.type === 'ObjectPattern') p.properties.forEach((e: Node) => boundNames(e.type === 'Property' ? e.value : e, into));
}

/** let/const/class declared directly in a statement list. */
function lexical(statements: Node[], into: Set<string>): void {
  for (const s of statements) {
    if (s.type === 'VariableDeclaration' && s.kind !== 'var') s.declarations.forEach((d: Node) => boundNames(d.id, into));
    if (s.type === 'ClassDeclaration' && s.id) into.add(s.id.name);
  }
}

/** `var` and function declarations anywhere in `node`, not inside nested functions. */
function hoisted(node: Node, into: Set<string>): void {
  for (const c of children(node)) {
    if (c.type === 'FunctionDeclaration') { into.add(c.id.name); continue; }
    if (FUNCTION.test(c.type)) continue;
    if (c.type === 'VariableDeclaration' && c.kind === 'var') c.declarations.forEach((d: Node) => boundNames(d.id, into));
    hoisted(c, into);
  }
}

/** The names a scope-making node declares for the code inside it (null: it makes no scope). */
function declared(node: Node, parent: Node | undefined): Set<string> | null {
  const names = new Set<string>();
  if (FUNCTION.test(node.type)) {
    node.params.forEach((p: Node) => boundNames(p, names));
    if (node.type === 'FunctionExpression' && node.id) names.add(node.id.name);
    if (node.body.type === 'BlockStatement') { hoisted(node.body, names); lexical(node.body.body, names); }
    return names;
  }
  if (node.type === 'BlockStatement' && !(parent && FUNCTION.test(parent.type))) lexical(node.body, names);
  else if (node.type === 'SwitchStatement') node.cases.forEach((c: Node) => lexical(c.consequent, names));
  else if (/^For(In|Of)?Statement$/.test(node.type)) { const d = node.init || node.left; if (d && d.type === 'VariableDeclaration' && d.kind !== 'var') lexical([d], names); }
  else if (node.type === 'CatchClause') boundNames(node.param, names);
  else if (node.type === 'ClassExpression' && node.id) names.add(node.id.name);
  else return null;
  return names;
}

/** Whether identifier `id` under `parent` names a member or a label, not a variable. */
function notVariable(id: Node, parent: Node): boolean {
  if (parent.type === 'MemberExpression') return parent.property === id && !parent.computed;
  if (/^(Property|MethodDefinition|PropertyDefinition)$/.test(parent.type)) return parent.key === id && !parent.computed;
  return /^(LabeledStatement|BreakStatement|ContinueStatement|MetaProperty)$/.test(parent.type);
}

/** Whether `node` uses what a top level does not have the same: `this`, `arguments` or (outside arrows) `return`, not inside nested functions. */
function needsItsFunction(node: Node, inArrow: boolean): boolean {
  for (const c of children(node)) {
    if (c.type === 'ThisExpression' || (c.type === 'ReturnStatement' && !inArrow) || (c.type === 'Identifier' && c.name === 'arguments')) return true;
    if (c.type === 'FunctionDeclaration' || c.type === 'FunctionExpression') continue;
    if (needsItsFunction(c, inArrow || c.type === 'ArrowFunctionExpression')) return true;
  }
  return false;
}

/** The IIFE statement `!function(){…}()` or `(function(){…})()` without parameters or arguments, if `s` is one. */
function iifeOf(s: Node): Node | null {
  if (s.type !== 'ExpressionStatement') return null;
  let e = s.expression;
  if (e.type === 'UnaryExpression' && e.operator === '!') e = e.argument;
  if (e.type !== 'CallExpression' || e.arguments.length) return null;
  const f = e.callee;
  return f.type === 'FunctionExpression' && !f.params.length && !f.id && !f.async && !f.generator ? f : null;
}

/**
 * `code` (a script that starts with the runtime's IIFE) with that IIFE's body at the top level,
 * every name it declares there renamed `prefix + name`; the prefix is `$`, or `$$`, `_$`… when
 * the code already uses such a name.
 */
export function flatten(code: string): Flattened {
  const program = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script' }) as Node;
  const first = program.body[0] as Node | undefined;
  const iife = first && iifeOf(first);
  if (!first || !iife || needsItsFunction(iife.body, false)) return { code, edits: [] };
  const top = declared(iife, undefined)!;
  const used = new Set<string>();
  const renames: { id: Node; shorthand: boolean }[] = [];
  const scopes = new Map<Node, Set<string> | null>();
  const visit = (node: Node, parents: Node[]) => {
    if (node.type === 'Identifier') {
      used.add(node.name);
      const parent = parents[parents.length - 1];
      if (top.has(node.name) && !notVariable(node, parent)) {
        // a declaration's own name belongs to the scope around it
        const own = (parent.type === 'FunctionDeclaration' || parent.type === 'ClassDeclaration') && parent.id === node;
        for (let i = parents.length - (own ? 2 : 1); i >= 0; i--) {
          const p = parents[i];
          if (!scopes.has(p)) scopes.set(p, declared(p, parents[i - 1]));
          const names = scopes.get(p);
          if (names && names.has(node.name)) {
            if (p === iife) renames.push({ id: node, shorthand: parent.type === 'Property' && parent.shorthand });
            break;
          }
        }
      }
    }
    parents.push(node);
    for (const c of children(node)) visit(c, parents);
    parents.pop();
  };
  visit(program, []);
  const prefix = ['$', '$$', '_$', '$_'].find((p) => [...top].every((n) => !used.has(p + n)));
  if (!prefix) return { code, edits: [] };
  const body = iife.body as Node;
  const seen = new Set<number>();
  const edits: Edit[] = [{ at: first.start, removed: body.start + 1 - first.start, inserted: '' }];
  for (const r of renames.sort((a, b) => a.id.start - b.id.start)) {
    if (seen.has(r.id.start)) continue;
    seen.add(r.id.start);
    edits.push({ at: r.id.start, removed: 0, inserted: r.shorthand ? `${r.id.name}:${prefix}` : prefix });
  }
  edits.push({ at: body.end - 1, removed: first.end - (body.end - 1), inserted: ';' });
  let out = '', at = 0;
  for (const e of edits) { out += code.slice(at, e.at) + e.inserted; at = e.at + e.removed; }
  return { code: out + code.slice(at), edits };
}

/** Where `offset` in flattened code was in its input (`edits` as flatten gave them). */
export function beforeFlatten(offset: number, edits: Edit[]): number {
  let shift = 0;
  for (const e of edits) {
    const at = e.at + shift;
    if (offset < at) break;
    if (offset < at + e.inserted.length) return e.at;
    shift += e.inserted.length - e.removed;
  }
  return offset - shift;
}
