// espimp check <file...>: the Espruino compatibility checker on files. Prints
// `file:line:col  rule  message` per finding and a summary; exit 0 clean, 1 findings (or a
// file that cannot be read), 2 usage. A .ts file is type-checked against the app globals'
// declarations first (host/typecheck.ts: `file:line:col error TSnnnn: message` per error,
// each an error finding), then checked as the JavaScript it transpiles to, positions mapped
// back to the .ts lines (host/check/typescript.ts); an enum or namespace is a warning with
// its cost in bytes.
import type { Command } from 'commander';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { checkSource, formatFinding, RULES, type Finding } from '../check/index';
import { UserError } from '../../build/user-error';
import { loadBoard } from '../../build/boards';
import { boardWarnings } from '../../build/board-warnings';
import { byPosition } from '../check/findings';

interface CheckOptions { allowWarnings?: boolean; json?: boolean; rules?: boolean; typecheck?: boolean; board?: string }

/** Read a file to check, or throw a one-line UserError. */
function readSource(file: string): string {
  if (!existsSync(file)) throw new UserError(`file not found: ${file}`, 'ERR_FILE_NOT_FOUND');
  if (statSync(file).isDirectory()) throw new UserError(`not a file: ${file}`, 'ERR_NOT_A_FILE');
  return readFileSync(file, 'utf8');
}

/** What to print for a TypeScript file: its type errors, then the checker's findings and the emit costs. */
async function typescriptFindings(file: string, src: string, typecheck: boolean): Promise<{ typeErrors: string[]; json: object[]; findings: Finding[] }> {
  // the TypeScript compiler loads only for .ts files
  const { typecheckApp, formatTypeError, emitCosts, emitCostMessage } = await import('../typecheck');
  const { checkTypeScriptSource } = await import('../check/typescript');
  const errors = typecheck ? typecheckApp(file) : [];
  // a syntax error is among the type errors already
  const findings = checkTypeScriptSource(src, file).filter((f) => !(typecheck && f.rule === 'parse-error'));
  for (const c of await emitCosts(src, file)) findings.push({ line: c.line, column: c.column, rule: 'ts-emit', severity: 'warning', message: emitCostMessage(c) });
  findings.sort(byPosition);
  return {
    typeErrors: errors.map(formatTypeError),
    json: errors.map((e) => ({ file: e.file, line: e.line, column: e.column, rule: `TS${e.code}`, severity: 'error', message: e.message })),
    findings,
  };
}

export function register(program: Command) {
  program.command('check')
    .description('check JavaScript files (bundles) and TypeScript apps for constructs Espruino cannot run')
    .argument('[files...]', 'JavaScript files to check, or .ts apps')
    .option('--allow-warnings', 'exit 0 when there are only warnings')
    .option('--json', 'print the findings as JSON ({file, line, column, rule, severity, message} per line)')
    .option('--no-typecheck', 'do not type-check .ts apps against the app globals\' declarations')
    .option('--rules', 'list the rules and exit')
    .option('--board <name>', 'also warn about what that board lacks (an NII, datagram size, boot: build/board-warnings.ts)')
    .action(async (files: string[], opts: CheckOptions) => {
      if (opts.rules) {
        for (const r of RULES) console.log(`${r.id.padEnd(20)} ${r.severity.padEnd(8)} ${r.what} — ${r.why}`);
        return;
      }
      if (!files.length) throw new UserError('no files given (usage: espimp check <file...>)', 'ERR_USAGE', 2);
      const board = opts.board ? loadBoard(opts.board) : null;
      const sources = files.map((f) => [f, readSource(f)] as const);
      let errors = 0, warnings = 0;
      for (const [file, src] of sources) {
        let findings: Finding[];
        if (file.endsWith('.ts')) {
          const t = await typescriptFindings(file, src, opts.typecheck !== false);
          errors += t.typeErrors.length;
          for (let i = 0; i < t.typeErrors.length; i++) console.log(opts.json ? JSON.stringify(t.json[i]) : t.typeErrors[i]);
          findings = t.findings;
        } else {
          findings = checkSource(src, file);
        }
        for (const f of findings) {
          if (f.severity === 'error') errors++; else warnings++;
          console.log(opts.json ? JSON.stringify({ file, ...f }) : formatFinding(file, f));
        }
        for (const w of board ? boardWarnings(src, file, board) : []) {
          warnings++;
          console.log(opts.json ? JSON.stringify({ file, rule: 'board', severity: 'warning', message: w }) : `${w}  (board ${board!.name})`);
        }
      }
      const summary = `${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
      if (opts.json) process.stderr.write(summary + '\n'); else console.log(summary);
      process.exitCode = errors || (warnings && !opts.allowWarnings) ? 1 : 0;
    });
}
