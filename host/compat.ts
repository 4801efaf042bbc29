// The Espruino compatibility checker (host/check) on an app before `espimp run` or `sim` runs
// it on the PC: what would fail on a board is said first, as warnings in the app's own
// file:line:col (a .ts app's lines through its source map), and the app still runs.
import { readFileSync } from 'node:fs';
import { checkSource, formatFinding } from './check/index';
import { checkTypeScriptSource } from './check/typescript';

/**
 * One `warning: FILE:LINE:COL  RULE  MESSAGE (on a board)` line per finding in app `file`;
 * none for a syntax error (loading the app reports that, at its position) or a file that
 * cannot be read (loading says so).
 */
export function compatWarnings(file: string): string[] {
  let src: string;
  try { src = readFileSync(file, 'utf8'); } catch { return []; }
  const findings = file.endsWith('.ts') ? checkTypeScriptSource(src, file) : checkSource(src, file);
  return findings.filter((f) => f.rule !== 'parse-error').map((f) => `warning: ${formatFinding(file, f)} (runs here, not on a board)`);
}
