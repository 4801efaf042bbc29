// What the board lacks, found in the app's own source at build time (issue 12): an NII the
// board does not have, a literal payload over the board's largest datagram, and imp.net.info()
// read at the app's top level (a board's app starts before its interface is up; the PC boots
// first: docs/decisions.md "Boot"). Each warning carries the app's file:line:col.
import * as acorn from 'acorn';
import { ancestor } from 'acorn-walk';
import type { Board } from './boards';
import { TYPES } from '../firmware/niis';

/** `file:line:col: message` for each thing in app source `src` that `board` cannot do. */
export function boardWarnings(src: string, file: string, board: Board): string[] {
  let ast: acorn.Node;
  try {
    ast = acorn.parse(src, { ecmaVersion: 'latest', locations: true, allowHashBang: true });
  } catch {
    // a syntax error is the build's to report
    return [];
  }
  const out: { at: number; text: string }[] = [];
  const at = (n: any, text: string) => out.push({ at: n.start, text: `${file}:${n.loc.start.line}:${n.loc.start.column + 1}: ${text}` });
  const has = Object.keys(board.niis);
  const known = (name: string) => Object.keys(TYPES).find((nii) => name === nii || name === TYPES[nii]);
  ancestor(ast, {
    Property(n: any) {
      const key = n.key && (n.key.name || n.key.value);
      if (key !== 'interface' || n.value.type !== 'Literal' || typeof n.value.value !== 'string') return;
      const nii = known(n.value.value);
      if (nii && !has.includes(nii)) {
        at(n.value, `${board.name} has no ${n.value.value} (it has ${has.join(', ')}): imp.net.open will throw ERR_NO_INTERFACE there; imp.net.info().interface[0].nii names the board's first interface`);
      }
    },
    CallExpression(n: any, _state: unknown, parents: any[]) {
      const c = n.callee;
      if (c.type !== 'MemberExpression') return;
      const name = c.property && (c.property.name || c.property.value);
      if (name === 'send' && n.arguments.length === 3 && n.arguments[2].type === 'Literal' && typeof n.arguments[2].value === 'string') {
        const bytes = Buffer.byteLength(n.arguments[2].value, 'utf8');
        if (bytes > board.maxDatagram) at(n.arguments[2], `a ${bytes}-byte payload: ${board.name} sends at most ${board.maxDatagram} bytes in a datagram`);
      }
      // its NII list does not depend on the link (examples/echo/echo.js picks interface[0].nii at the top)
      const parent = parents[parents.length - 2];
      const nameOnly = parent && parent.type === 'MemberExpression' && parent.object === n && (parent.property.name || parent.property.value) === 'interface';
      const top = !nameOnly && !parents.some((p) => /Function/.test(p.type));
      if (top && name === 'info' && c.object.type === 'MemberExpression' && c.object.object.name === 'imp' && (c.object.property.name || c.object.property.value) === 'net') {
        at(n, `imp.net.info() at the app's top level: on ${board.name} the app starts before its interface is up, so it has no address yet (read it in the imp.net.open callback, once the state is imp.net.CONNECTED)`);
      }
    },
  });
  return out.sort((a, b) => a.at - b.at).map((w) => w.text);
}
