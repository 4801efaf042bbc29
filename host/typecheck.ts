// TypeScript apps: type-checking a .ts app against the declarations of the globals it sees
// (types/espimp.d.ts), for `espimp run`, `build` and `check`, and what its TypeScript-only
// constructs cost on a board (an enum or namespace emits code; the rest of TypeScript erases).
//
// Compiler options: those of the tsconfig.json nearest the app (up from its folder), as an
// editor would use, else strict ES2019 with no other types. Either way `espimp` (in a
// tsconfig's "types" or a `/// <reference types="espimp" />`) means this package's
// declarations, which are always in the program.
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TS from 'typescript';
import { readApp, transpileApp, typescript } from './app';
import { UserError } from '../build/user-error';

/** The declarations of every global an app sees. */
export const DECLARATIONS = fileURLToPath(new URL('../types/espimp.d.ts', import.meta.url));

/** One type error: where (line and column from 1; 0 when it has no position) and TypeScript's code and message. */
export interface AppTypeError { file: string; line: number; column: number; code: number; message: string }

/** `app.ts:3:7 error TS2322: Type 'string' is not assignable to type 'number'.` (as tsc --pretty false prints it, with colons). */
export function formatTypeError(e: AppTypeError): string {
  const at = e.line ? `${e.file}:${e.line}:${e.column} ` : e.file ? `${e.file}: ` : '';
  return `${at}error TS${e.code}: ${e.message}`;
}

/** Options when no tsconfig.json is found: strict, ES2019 (what the bundles run), no types but the app's globals. */
function defaults(ts: typeof TS): TS.CompilerOptions {
  return { strict: true, target: ts.ScriptTarget.ES2019, lib: ['lib.es2019.d.ts'], types: [], skipLibCheck: true };
}

/** The compiler options for app `abs` and the problems reading its tsconfig.json. */
function optionsFor(ts: typeof TS, abs: string): { options: TS.CompilerOptions; errors: TS.Diagnostic[] } {
  const config = ts.findConfigFile(dirname(abs), ts.sys.fileExists);
  const errors: TS.Diagnostic[] = [];
  let options = defaults(ts);
  if (config) {
    const parsed = ts.getParsedCommandLineOfConfigFile(config, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => errors.push(d) });
    if (parsed) {
      options = parsed.options;
      // TS18003: its files/include match nothing (the app is given here, not found there)
      errors.push(...parsed.errors.filter((d) => d.code !== 18003));
    }
  }
  // only checking: nothing is written, no project bookkeeping
  return { options: { ...options, noEmit: true, composite: false, incremental: false, declaration: false, emitDeclarationOnly: false }, errors };
}

/** Parsed .d.ts files (the libs, the declarations), shared by every program this process makes. */
const parsed = new Map<string, TS.SourceFile>();

/** A compiler host that parses each .d.ts file once and resolves the type reference `espimp` to DECLARATIONS. */
function hostFor(ts: typeof TS, options: TS.CompilerOptions): TS.CompilerHost {
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, fresh) => {
    if (!name.endsWith('.d.ts')) return read(name, lang, onError, fresh);
    const key = `${typeof lang === 'object' ? lang.languageVersion : lang}:${name}`;
    let f = parsed.get(key);
    if (!f) {
      f = read(name, lang, onError, fresh);
      if (f) parsed.set(key, f);
    }
    return f;
  };
  host.resolveTypeReferenceDirectiveReferences = (refs, containingFile, redirected, opts, containing) => refs.map((ref) => {
    const name = (typeof ref === 'string' ? ref : ref.fileName).toLowerCase();
    if (name === 'espimp') return { resolvedTypeReferenceDirective: { primary: true, resolvedFileName: DECLARATIONS, isExternalLibraryImport: false } };
    const mode = typeof ref === 'string' ? undefined : ts.getModeForFileReference(ref, containing && containing.impliedNodeFormat);
    return ts.resolveTypeReferenceDirective(name, containingFile, opts, host, redirected, undefined, mode);
  });
  return host;
}

/** A diagnostic as an AppTypeError, its file named as the user named the app (`shown`), others relative to here. */
function toTypeError(ts: typeof TS, d: TS.Diagnostic, abs: string, shown: string): AppTypeError {
  const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
  if (!d.file) return { file: '', line: 0, column: 0, code: d.code, message };
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start || 0);
  const file = resolve(d.file.fileName) === abs ? shown : relative(process.cwd(), d.file.fileName);
  return { file, line: line + 1, column: character + 1, code: d.code, message };
}

/**
 * The type errors of .ts app `file` against the declarations: its syntax, its types, and its
 * tsconfig.json's problems. Empty when it is clean.
 */
export function typecheckApp(file: string): AppTypeError[] {
  readApp(file); // a missing file is the usual one-line error
  const ts = typescript();
  const abs = resolve(file);
  const { options, errors } = optionsFor(ts, abs);
  const program = ts.createProgram({ rootNames: [DECLARATIONS, abs], options, host: hostFor(ts, options) });
  const app = program.getSourceFile(abs)!;
  const syntax = program.getSyntacticDiagnostics(app);
  const all = [...errors, ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...syntax,
    ...(syntax.length ? [] : program.getSemanticDiagnostics(app))];
  return all.filter((d) => d.category === ts.DiagnosticCategory.Error).map((d) => toTypeError(ts, d, abs, file));
}

/**
 * Type-check .ts app `file` (typecheckApp): each error as one `file:line:col error TSnnnn:
 * message` line on stderr, then a UserError (exit 1) whose message ends with `hint`.
 */
export function typecheckOrFail(file: string, hint: string): void {
  const errors = typecheckApp(file);
  if (!errors.length) return;
  for (const e of errors) process.stderr.write(formatTypeError(e) + '\n');
  throw new UserError(`${errors.length} type error${errors.length === 1 ? '' : 's'} in ${file} (${hint})`, 'ERR_TYPES');
}

/**
 * What a TypeScript construct that emits code costs: where, what, its minified JavaScript in
 * bytes, and for an enum whether its reverse mapping (`E[E["A"] = 0] = "A"`, computed member
 * access) is what keeps the build from leaving out the runtime the app never names.
 */
export interface EmitCost { line: number; column: number; what: string; bytes: number; keepsAll: boolean }

/** `app.ts:4:1 enum Color costs 61 bytes of JavaScript on the board (...)`. */
export function formatEmitCost(file: string, c: EmitCost): string {
  return `${file}:${c.line}:${c.column} ${emitCostMessage(c)}`;
}

/** The message of an EmitCost, without its position. */
export function emitCostMessage(c: EmitCost): string {
  return `${c.what} costs ${c.bytes} bytes of JavaScript on the board (its emitted code, minified as the bundle is)` +
    (c.keepsAll ? ', and its reverse mapping is computed member access, so `espimp build` keeps all of the runtime it would otherwise leave out' : '') +
    (c.what.startsWith('namespace') ? '' : '; plain numeric constants cost less');
}

/** The emitting declarations of TypeScript source `src`: enums and namespaces, not under `declare`. */
function emitters(ts: typeof TS, sf: TS.SourceFile): { node: TS.EnumDeclaration | TS.ModuleDeclaration; what: string }[] {
  const found: { node: TS.EnumDeclaration | TS.ModuleDeclaration; what: string }[] = [];
  const ambient = (n: TS.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) || []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
  const visit = (n: TS.Node) => {
    if (ambient(n) || ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n)) return;
    if (ts.isEnumDeclaration(n)) found.push({ node: n, what: `${n.modifiers?.some((m) => m.kind === ts.SyntaxKind.ConstKeyword) ? 'const enum' : 'enum'} ${n.name.text}` });
    else if (ts.isModuleDeclaration(n) && ts.isIdentifier(n.name)) {
      // a namespace's inner ones are part of its own emit
      found.push({ node: n, what: `namespace ${n.name.text}` });
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

/**
 * The build's scan (build/config.ts appNames) of .ts source `src` as if its enums were not
 * there: each enum whose members are all literal (or implicit) is blanked, since its emit
 * touches nothing but the enum's own object; one with a computed member stays. Null when the
 * source has no such enum.
 */
export async function scanWithoutEnums(src: string, file: string) {
  const ts = typescript();
  const sf = ts.createSourceFile(file, src, ts.ScriptTarget.ES2019, true, ts.ScriptKind.TS);
  const literal = (e: TS.Expression | undefined): boolean => !e || ts.isNumericLiteral(e) || ts.isStringLiteral(e) ||
    (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand));
  let blank = src, any = false;
  for (const { node } of emitters(ts, sf)) {
    if (!ts.isEnumDeclaration(node) || !node.members.every((m) => literal(m.initializer))) continue;
    const at = node.getStart(sf);
    blank = blank.slice(0, at) + blank.slice(at, node.end).replace(/[^\n]/g, ' ') + blank.slice(node.end);
    any = true;
  }
  if (!any) return null;
  const { appNames } = await import('../build/config');
  return appNames(transpileApp(blank, file).code);
}

/**
 * The enums (const ones too: an app is transpiled file by file, so they are emitted, not
 * inlined) and instantiated namespaces of TypeScript source `src`, each with its cost: the
 * declaration alone transpiled as the app is (host/app.ts) and minified with the bundle's
 * terser options. Declarations under `declare` emit nothing and are not listed.
 */
export async function emitCosts(src: string, file: string): Promise<EmitCost[]> {
  const ts = typescript();
  const sf = ts.createSourceFile(file, src, ts.ScriptTarget.ES2019, true, ts.ScriptKind.TS);
  const found = emitters(ts, sf);
  if (!found.length) return [];
  const { minify } = await import('terser');
  const { TERSER, appNames, usesAll } = await import('../build/config');
  // the enums alone make the app's scan give up: with them it cannot narrow, without them it can
  const without = await scanWithoutEnums(src, file);
  const keepsAll = !!without && !usesAll(without) && usesAll(appNames(transpileApp(src, file).code));
  // string members have no reverse mapping
  const reverse = (e: TS.EnumDeclaration) => e.members.some((m) => !m.initializer || !ts.isStringLiteral(m.initializer));
  const out: EmitCost[] = [];
  for (const { node, what } of found) {
    // `export enum E` alone would be an ES module; the app's script has it as `var E`
    const js = transpileApp(node.getText(sf).replace(/^export\s+/, ''), file).code.trim();
    const bytes = js ? ((await minify(js, TERSER)).code || '').length : 0;
    if (!bytes) continue; // a namespace of types only
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    out.push({ line: line + 1, column: character + 1, what, bytes, keepsAll: keepsAll && ts.isEnumDeclaration(node) && reverse(node) });
  }
  return out;
}
