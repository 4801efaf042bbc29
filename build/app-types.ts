// The app authors' declarations, types/espimp.d.ts, made from firmware/api.ts (the one place
// the API's types are written): every exported type there goes into the `espimp` namespace,
// `blob` stays a global interface, each member of `Globals` becomes a `declare var` (a
// readonly one a `declare const`), and the environment's globals (console, the timers) follow.
// `npm run types` writes the file; test/types.test.ts fails when the committed one differs.
import ts from 'typescript';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const API_FILE = ROOT + 'firmware/api.ts';
export const APP_TYPES_FILE = ROOT + 'types/espimp.d.ts';

const HEADER = `// The globals an espimp app sees (the impOS local-networking API, ../shared/spec/impos-udp.md),
// for TypeScript apps and editors. A global script (no import or export): every declaration
// here is a global once the file is in a program, through \`"types": ["espimp"]\` in a
// tsconfig.json or \`/// <reference types="espimp" />\` in the app.
// Generated from firmware/api.ts (the types the runtime implements) by build/app-types.ts:
// edit that file and run \`npm run types\`. test/types.test.ts fails when this file is not
// what it generates, or when the runtime drifts from the declarations.
// Helper types live in the \`espimp\` namespace (types only: it is no value at run time).
`;

const ENVIRONMENT = `// What JavaScript on Espruino and the PC runtime both give an app besides the impOS API.
// Declared so an app compiled with \`"lib": ["ES2019"]\` (no DOM, no Node) has them; they merge
// with the DOM's and Node's declarations of the same names.

interface Console {
  /** Print the arguments, joined by spaces, as one line (\`server.log\`). */
  log(...data: any[]): void;
  /** Print the arguments, joined by spaces, as one \`ERROR: \` line (\`server.error\`). */
  error(...data: any[]): void;
}
declare var console: Console;
/** Call \`callback(...args)\` after \`ms\` milliseconds. */
declare function setTimeout(callback: (...args: any[]) => void, ms?: number, ...args: any[]): espimp.TimerId;
/** Cancel a timer from \`setTimeout\`. */
declare function clearTimeout(id: espimp.TimerId): void;
/** Call \`callback(...args)\` every \`ms\` milliseconds. */
declare function setInterval(callback: (...args: any[]) => void, ms?: number, ...args: any[]): espimp.TimerId;
/** Cancel a timer from \`setInterval\`. */
declare function clearInterval(id: espimp.TimerId): void;
`;

/** types/espimp.d.ts's text for the API module source `api`. */
export function appTypes(api: string): string {
  const sf = ts.createSourceFile('api.ts', api, ts.ScriptTarget.ES2019, true);
  const statements = sf.statements.filter((s) => ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s));
  if (statements.length !== sf.statements.length) throw new Error('firmware/api.ts: only types belong there (an interface or a type alias at a time)');
  const spaced = new Set(statements.map((s) => s.name.text).filter((n) => n !== 'blob' && n !== 'Globals'));
  /** The text from `from` to node `n`'s end, with references to the namespace's types written `espimp.X`. */
  const qualified = (n: ts.Node, from: number) => {
    const refs: number[] = [];
    const visit = (c: ts.Node) => {
      if (ts.isTypeReferenceNode(c) && ts.isIdentifier(c.typeName) && spaced.has(c.typeName.text)) refs.push(c.typeName.getStart(sf));
      ts.forEachChild(c, visit);
    };
    visit(n);
    let text = api.slice(from, n.end);
    for (const at of refs.reverse()) text = text.slice(0, at - from) + 'espimp.' + text.slice(at - from);
    return text;
  };
  const inner: string[] = [], outer: string[] = [];
  statements.forEach((s, i) => {
    const name = s.name.text;
    // each with the blank lines and comments before it (the first: from its doc comment, past the file's header)
    const from = i === 0 ? s.getStart(sf, true) : s.getFullStart();
    if (name === 'Globals') {
      let last = '';
      for (const m of (s as ts.InterfaceDeclaration).members) {
        if (!ts.isPropertySignature(m) || !m.type) throw new Error('firmware/api.ts: Globals holds properties only');
        const kind = m.modifiers?.some((k) => k.kind === ts.SyntaxKind.ReadonlyKeyword) ? 'const' : 'var';
        if (last && kind !== last) outer.push('');
        last = kind;
        const doc = api.slice(m.getStart(sf, true), m.getStart(sf)).trim().replace(/\n\s*/g, '\n ');
        outer.push(`${doc ? doc + '\n' : ''}declare ${kind} ${m.name.getText(sf)}: ${qualified(m.type, m.type.getStart(sf))};`);
      }
      outer.push('');
    } else if (name === 'blob') {
      outer.push(qualified(s, from).replace(/^\n*/, '').replace(/^export /m, '') + '\n');
    } else {
      const text = api.slice(from, s.end).replace(/^export /m, '');
      inner.push(text.split('\n').map((l) => (l ? '  ' + l : l)).join('\n'));
    }
  });
  return `${HEADER}\ndeclare namespace espimp {\n${inner.join('').replace(/^\n*/, '')}\n}\n\n${outer.join('\n')}\n${ENVIRONMENT}`;
}

/** The declarations as firmware/api.ts makes them now. */
export function currentAppTypes(): string {
  return appTypes(readFileSync(API_FILE, 'utf8'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(APP_TYPES_FILE, currentAppTypes());
  console.log(`wrote ${APP_TYPES_FILE.slice(ROOT.length)} from firmware/api.ts`);
}
