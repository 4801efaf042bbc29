// What the board lacks, found in the app's own source at build time (issue 12): an NII the
// board does not have and a literal payload over the board's largest datagram. Each warning
// carries the app's file:line:col. (An app that reads imp.net.info() at its top level needs no
// warning: its bundle boots like an imp first, build/boot-transform.ts.)
import { ancestor } from 'acorn-walk';
import type { Board } from './boards';
import { parseApp } from './boot-transform';
import { TYPES } from '../firmware/niis';

/** `file:line:col: message` for each thing in app source `src` that `board` cannot do. */
export function boardWarnings(src: string, file: string, board: Board): string[] {
  const ast = parseApp(src);
  // a syntax error is the build's to report
  if (!ast) return [];
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
    CallExpression(n: any) {
      const c = n.callee;
      if (c.type !== 'MemberExpression') return;
      const name = c.property && (c.property.name || c.property.value);
      if (name === 'send' && n.arguments.length === 3 && n.arguments[2].type === 'Literal' && typeof n.arguments[2].value === 'string') {
        const bytes = Buffer.byteLength(n.arguments[2].value, 'utf8');
        if (bytes > board.maxDatagram) at(n.arguments[2], `a ${bytes}-byte payload: ${board.name} sends at most ${board.maxDatagram} bytes in a datagram`);
      }
    },
  });
  return out.sort((a, b) => a.at - b.at).map((w) => w.text);
}
