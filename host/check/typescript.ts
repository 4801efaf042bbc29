// The checker on a TypeScript app: it reads JavaScript, so the app is transpiled exactly as
// `espimp run` and `build` transpile it (host/app.ts transpileApp, ES2019: what the bundle
// holds), checked, and every finding's position mapped back to the .ts source through
// TypeScript's source map (lines exact; columns exact where TypeScript copied the text).
import { SourceMap } from 'node:module';
import { transpileApp, typescript } from '../app';
import { checkSource, type Finding } from './index';

/** The generated position (line, column from 1) -> the source's, through source map `map` (JSON text). */
function positions(map: string): (line: number, column: number) => { line: number; column: number } {
  const sm = new SourceMap(JSON.parse(map));
  return (line, column) => {
    const e: any = sm.findEntry(line - 1, column - 1);
    if (!e || typeof e.originalLine !== 'number') return { line, column };
    // within the mapped segment the text is TypeScript's own, so the offset carries over
    const offset = e.generatedLine === line - 1 ? column - 1 - e.generatedColumn : 0;
    return { line: e.originalLine + 1, column: e.originalColumn + 1 + offset };
  };
}

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
  const at = positions(map!);
  return checkSource(code, file).map((f) => ({ ...f, ...at(f.line, f.column) }))
    .sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}
