// Boot like an imp on a board (spec §2 "Boot", issue 12): an app that reads imp.net.info() at
// its top level is started after the default interface is up. The app stays in the bundle's
// global scope: its function declarations stay at the top, its top-level `var`/`let`/`const`/
// `class` names are declared there (`var a, b;`), and every statement, declarations turned
// into assignments, moves into one function handed to imp._boot (firmware/boot.ts bootThen),
// which runs it once the link is connected or stopped (at most BOOT_LIMIT_MS later). A plain
// wrapper would make the app's globals local (the agent link, a REPL and other code reach them).
import * as acorn from 'acorn';
import { ancestor } from 'acorn-walk';

/** The syntax tree of app source `src`, or null when it does not parse (the build reports that). */
export function parseApp(src: string): acorn.Node | null {
  try {
    return acorn.parse(src, { ecmaVersion: 'latest', locations: true, allowHashBang: true });
  } catch {
    return null;
  }
}

/**
 * The `imp.net.info()` calls of `ast` that run at the app's top level (outside every function)
 * and read more than the NII list (`imp.net.info().interface...` does not depend on the link).
 */
export function topLevelInfoCalls(ast: acorn.Node): any[] {
  const found: any[] = [];
  ancestor(ast, {
    CallExpression(n: any, _s: unknown, parents: any[]) {
      const c = n.callee;
      if (c.type !== 'MemberExpression' || c.object.type !== 'MemberExpression') return;
      const prop = (m: any) => m.property && (m.property.name || m.property.value);
      if (prop(c) !== 'info' || c.object.object.name !== 'imp' || prop(c.object) !== 'net') return;
      const parent = parents[parents.length - 2];
      if (parent && parent.type === 'MemberExpression' && parent.object === n && prop(parent) === 'interface') return;
      if (!parents.some((p) => /Function|Class/.test(p.type))) found.push(n);
    },
  });
  return found;
}

const FUNCTION = /^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression|ClassBody)$/;

/** App source `src` (which parses) rewritten to start through imp._boot, its globals kept global. */
export function bootTransform(src: string): string {
  const ast: any = parseApp(src);
  if (!ast) throw new Error('bootTransform: the app does not parse');
  const names: string[] = [];
  const edits: { start: number; end: number; text: string }[] = [];
  const text = (n: any) => src.slice(n.start, n.end);
  const hoisted: string[] = [];
  const visit = (n: any, parent: any) => {
    if (!n || typeof n.type !== 'string') return;
    if (FUNCTION.test(n.type) && !(n.type === 'FunctionDeclaration' && parent === ast)) return;
    if (n.type === 'FunctionDeclaration') {
      // a top-level function: stays at the top (it runs nothing)
      hoisted.push(text(n));
      edits.push({ start: n.start, end: n.end, text: '' });
      return;
    }
    if (n.type === 'ClassDeclaration' && parent === ast) {
      names.push(n.id.name);
      edits.push({ start: n.start, end: n.end, text: `${n.id.name} = ${text(n)};` });
      return;
    }
    if (n.type === 'VariableDeclaration') {
      for (const d of n.declarations) names.push(d.id.name);
      const sets = n.declarations.filter((d: any) => d.init).map((d: any) => `${d.id.name} = ${text(d.init)}`).join(', ');
      let out: string;
      if ((parent.type === 'ForInStatement' || parent.type === 'ForOfStatement') && parent.left === n) out = n.declarations[0].id.name;
      else if (parent.type === 'ForStatement' && parent.init === n) out = sets;
      else out = (sets || '') + ';';
      edits.push({ start: n.start, end: n.end, text: out });
      // initialisers are expressions: functions inside them are left alone above
      return;
    }
    for (const k of Object.keys(n)) {
      const v = n[k];
      if (Array.isArray(v)) v.forEach((c) => visit(c, n));
      else if (v && typeof v.type === 'string' && k !== 'loc') visit(v, n);
    }
  };
  for (const s of ast.body) visit(s, ast);
  let body = src;
  for (const e of edits.sort((a, b) => b.start - a.start)) body = body.slice(0, e.start) + e.text + body.slice(e.end);
  body = body.replace(/^#!.*/, '');
  const unique = [...new Set(names)];
  return [
    ...hoisted,
    ...(unique.length ? [`var ${unique.join(', ')};`] : []),
    `imp._boot(function () {\n${body}\n});`,
    '',
  ].join('\n');
}
