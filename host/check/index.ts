// espimp check: an Espruino compatibility checker. Parses JavaScript with acorn and reports,
// with line and column, every construct Espruino 2v2x cannot run (rules.ts), syntax and
// missing built-ins alike. Built for bundles (terser output at ecma 2019): zero findings on
// code that runs, and scope-aware so local names shadowing built-ins are not flagged.
// Suppress a finding with a comment on the line or the line before:
//   // espimp-check-ignore            (every rule)   // espimp-check-ignore hoisting spread
// The parts: ast.ts (parsing, children), walk.ts (the walk), scope.ts (scopes and hoisting),
// syntax-rules.ts (syntax as a table), builtin-rules.ts with facts.ts and typed-arrays.ts
// (built-ins), findings.ts (positions, ignore comments), rules.ts (the rule ids).
import { parse, type Node } from './ast';
import { fileFacts } from './facts';
import { Findings, type Finding } from './findings';
import { Walk } from './walk';

export { RULES, type RuleId, type Severity } from './rules';
export { type Finding } from './findings';

/**
 * Check JavaScript `code` for constructs Espruino cannot run. Returns the findings sorted by
 * position (1-based line and column); an empty array means the code is clean. A file that
 * does not parse gives one `parse-error` finding. `filename` is only used in messages.
 */
export function checkSource(code: string, filename = '<input>'): Finding[] {
  void filename; // reserved: findings carry no file name, the caller prints it
  const findings = new Findings(code);
  let ast: Node;
  try {
    const parsed = parse(code);
    ast = parsed.ast;
    for (const c of parsed.comments) findings.noteIgnore(c.value, c.start);
  } catch (e: any) {
    const loc = e.loc || { line: 1, column: 0 };
    const msg = String(e.message || e).replace(/\s*\(\d+:\d+\)$/, '');
    findings.add({ line: loc.line, column: loc.column + 1, rule: 'parse-error', severity: 'error',
      message: `${msg}: the file does not parse, so Espruino fails to load it` });
    return findings.sorted();
  }
  new Walk(code, findings.report, fileFacts(ast)).visit(ast);
  return findings.sorted();
}

/** One finding as the CLI prints it: `file:line:col  rule  message`. */
export function formatFinding(file: string, f: Finding): string {
  return `${file}:${f.line}:${f.column}  ${f.rule}  ${f.severity === 'warning' ? 'warning: ' : ''}${f.message}`;
}

/** Only the findings of severity error. */
export function errorsOf(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error');
}
