// The checker on a TypeScript app: it reads JavaScript, so the app is transpiled exactly as
// `espimp run` and `build` transpile it (host/app.ts transpileApp, ES2019: what the bundle
// holds), checked, and every finding's position mapped back to the .ts source through
// TypeScript's source map (lines exact; columns exact where TypeScript copied the text).
import { sourcePositions, transpileApp, typescript } from '../app';
import { checkSource, type Finding } from './index';
import { byPosition } from './findings';

/**
 * The Espruino-compatibility findings of TypeScript source `src` (file `file`), positions in
 * `src`. A syntax error TypeScript finds is one `parse-error` finding at its position.
 */
export function checkTypeScriptSource(src: string, file: string): Finding[] {
  const { code, map, errors } = transpileApp(src, file, true);
  if (errors.length) {
    const ts = typescript(), d = errors[0];
    const at = d.file ? d.file.getLineAndCharacterOfPosition(d.start || 0) : { line: 0, character: 0 };
    return [{ line: at.line + 1, column: at.character + 1, rule: 'parse-error', severity: 'error',
      message: `${ts.flattenDiagnosticMessageText(d.messageText, ' ').replace(/\.$/, '')}: the file does not parse` }];
  }
  const at = sourcePositions(map!);
  return checkSource(code, file).map((f) => ({ ...f, ...at(f.line, f.column) }))
    .sort(byPosition);
}
