// Types for app authors: types/espimp.d.ts declares every global an app sees, generated from
// firmware/api.ts (build/app-types.ts; the committed file must be what it generates). A strict app
// using all of it compiles (and runs on a simulated device); the declarations and the runtime
// cannot drift (type level: test/types/drift.ts; run time: the runtime's objects against the
// declared members and constants); an app project finds them through `"types": ["espimp"]` or
// `/// <reference types="espimp" />`; `espimp run`, `build` and `check` report a .ts app's type
// errors at its file:line:col and fail; an enum is a warning with its cost in bytes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import ts from 'typescript';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lan } from '../hal/mock/lan';
import { boot } from './support/runtime';
import { appGlobals, appSource, guarded, startApp } from '../host/app';
import { buildBundle } from '../host/bundle';
import { checkTypeScriptSource } from '../host/check/typescript';
import { INTERNAL } from './types/internal';
import { cli } from './support/cli';
import { appTypes, currentAppTypes } from '../build/app-types';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DTS = join(ROOT, 'types/espimp.d.ts');
const APP = join(ROOT, 'test/types/app.ts');
const tmp = mkdtempSync(join(tmpdir(), 'espimp-types-'));

// The commands run in their own processes while the rest of the file runs.
const BAD = join(tmp, 'bad.ts');
writeFileSync(BAD, [
  '// a sensor\'s reading count',
  'interface Reading { id: string; value: number }',
  'const count: number = \'three\';',
  'const seen = new Map<string, Reading>();',
  'enum Kind { Hello, Data }',
  'server.log(count + \' \' + seen.size + \' \' + Kind.Data);',
  '',
].join('\n'));
const commands = {
  run: cli('run', BAD, '--ip', '192.168.77.62', '--duration', '5', '--state', join(tmp, 'run.json')),
  build: cli('build', '--board', 'esp32', BAD, '-o', join(tmp, 'bad.out.js')),
  check: cli('check', BAD),
  unchecked: cli('run', BAD, '--no-typecheck', '--ip', '192.168.77.63', '--duration', '0.3', '--state', join(tmp, 'unchecked.json')),
};

/** Parsed .d.ts files under node_modules (the libs, @types/node), shared by every program here. */
const parsed = new Map<string, ts.SourceFile>();

/** A compiler host reading `texts` (absolute path -> text) in place of those files. */
function hostWith(options: ts.CompilerOptions, texts: { [abs: string]: string } = {}): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const get = host.getSourceFile.bind(host), read = host.readFile.bind(host);
  host.readFile = (f) => texts[resolve(f)] ?? read(f);
  host.getSourceFile = (name, lang, onError, fresh) => {
    const text = texts[resolve(name)];
    if (text !== undefined) return ts.createSourceFile(name, text, lang, true);
    if (!name.includes('/node_modules/')) return get(name, lang, onError, fresh);
    const key = `${typeof lang === 'object' ? lang.languageVersion : lang}:${name}`;
    let f = parsed.get(key);
    if (!f) {
      f = get(name, lang, onError, fresh);
      if (f) parsed.set(key, f);
    }
    return f;
  };
  return host;
}

/** Every diagnostic of `p`, one line each. */
function problems(p: ts.Program): string[] {
  return ts.getPreEmitDiagnostics(p).map((d) => {
    const at = d.file ? `${d.file.fileName.replace(ROOT, '')}:${d.file.getLineAndCharacterOfPosition(d.start || 0).line + 1}: ` : '';
    return `${at}TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

/** The drift check's program (test/types/tsconfig.json), with the declarations' text replaced by `dts` if given. */
function driftProgram(dts?: string): ts.Program {
  const cfg = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'test/types/tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  return ts.createProgram({ rootNames: cfg.fileNames, options: cfg.options, host: hostWith(cfg.options, dts === undefined ? {} : { [DTS]: dts }) });
}

/** Members by path ('imp.net', 'udpsocket', ...): name -> its literal number value, or null for any other type. */
type Surface = { [path: string]: { [member: string]: number | null } };

/** The namespace types whose members are compared with a runtime object, by the path the runtime side uses. */
const DECLARED: [string, string][] = [['imp', 'Imp'], ['imp.net', 'Net'], ['interface', 'Interface'], ['udpsocket', 'UdpSocket'],
  ['server', 'Server'], ['agent', 'Agent'], ['counters', 'Counters'], ['agent.stats()', 'AgentStats'], ['imp.net.info()', 'NetInfo'],
  ['imp.net.info().interface[i]', 'InterfaceInfo']];

/** What the declarations in `p` say: the globals, and the members of each type of DECLARED, of `blob` and of `console` (only what types/espimp.d.ts itself declares). */
function declaredSurface(p: ts.Program): Surface {
  const checker = p.getTypeChecker(), sf = p.getSourceFile(DTS)!;
  const ours = (s: ts.Symbol) => (s.declarations || []).some((d) => d.getSourceFile() === sf);
  const value = (t: ts.Type) => (t.isNumberLiteral() ? t.value : null);
  const members = (t: ts.Type) => Object.fromEntries(checker.getPropertiesOfType(t).filter(ours).map((m) => [m.name, value(checker.getTypeOfSymbol(m))]));
  const out: Surface = { globals: {} };
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const name = d.name.getText(sf), t = checker.getTypeAtLocation(d.name);
        out.globals[name] = value(t);
        if (name === 'console') out.console = members(t);
      }
    } else if (ts.isFunctionDeclaration(st) && st.name) out.globals[st.name.text] = null;
    else if (ts.isInterfaceDeclaration(st) && st.name.text === 'blob') out.blob = members(checker.getDeclaredTypeOfSymbol(checker.getSymbolAtLocation(st.name)!));
    else if (ts.isModuleDeclaration(st) && st.body && ts.isModuleBlock(st.body)) {
      for (const inner of st.body.statements) {
        if (!ts.isInterfaceDeclaration(inner)) continue;
        const path = DECLARED.find(([, name]) => name === inner.name.text);
        if (path) out[path[0]] = members(checker.getDeclaredTypeOfSymbol(checker.getSymbolAtLocation(inner.name)!));
      }
    }
  }
  return out;
}

/** The public members of runtime object `o`: own and inherited, not `constructor`, not `_x`, not `internal`. */
function members(o: any, internal: readonly string[] = []): { [member: string]: number | null } {
  const names = new Set<string>();
  for (let p = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) for (const k of Object.getOwnPropertyNames(p)) names.add(k);
  const keep = [...names].filter((k) => k !== 'constructor' && !k.startsWith('_') && !internal.includes(k)).sort();
  return Object.fromEntries(keep.map((k) => [k, typeof o[k] === 'number' ? o[k] : null]));
}

/** The runtime's objects, as a device on the simulated LAN has them, and the globals the PC gives an app (host/app.ts). */
function runtimeSurface(): { surface: Surface; board: string[] } {
  const lan = new Lan();
  const b = boot(lan, 2);
  const f = b.rt.imp.net.open({ interface: 'eth0' });
  lan.run(200);
  const s = f.openudp(null, 2001);
  const g: any = appGlobals(b.rt, b.dev.platform);
  const surface: Surface = {
    globals: members(g), imp: members(b.rt.imp), 'imp.net': members(b.rt.imp.net), interface: members(f, INTERNAL.iface),
    udpsocket: members(s, INTERNAL.sock), server: members(b.rt.server), agent: members(b.rt.agent, INTERNAL.agent),
    counters: members(s.stats()), 'agent.stats()': members(b.rt.agent.stats()), 'imp.net.info()': members(b.rt.imp.net.info()),
    'imp.net.info().interface[i]': members(b.rt.imp.net.info().interface[0]), blob: members(b.rt.blob(1), INTERNAL.blob), console: members(g.console),
  };
  // a board's globals: what createRuntime returns (build/entry.ts assigns them all to `global`)
  return { surface, board: Object.keys(b.rt).filter((k) => !(INTERNAL.runtime as readonly string[]).includes(k)).sort() };
}

/** What Espruino itself gives an app, and the PC's runtime adds (host/app.ts): declared, but not a board runtime's. */
const ENVIRONMENT = ['console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'];

/** Where the declarations and the runtime disagree, one line each. */
function drift(declared: Surface, runtime: { surface: Surface; board: string[] }): string[] {
  const out: string[] = [];
  for (const [path, r] of Object.entries(runtime.surface)) {
    const d = declared[path] || {};
    for (const k of Object.keys(d)) {
      if (!(k in r)) out.push(`${path}.${k}: declared, not in the runtime`);
      else if (d[k] !== null && d[k] !== r[k]) out.push(`${path}.${k}: declared as ${d[k]}, the runtime has ${r[k]}`);
    }
    for (const k of Object.keys(r)) if (!(k in d)) out.push(`${path}.${k}: in the runtime, not declared`);
  }
  const boardDeclared = Object.keys(declared.globals).filter((k) => !ENVIRONMENT.includes(k)).sort();
  if (boardDeclared.join() !== runtime.board.join()) out.push(`board globals: declared ${boardDeclared.join(' ')}, the runtime makes ${runtime.board.join(' ')}`);
  return out;
}

const strictOptions: ts.CompilerOptions = {
  strict: true, noEmit: true, target: ts.ScriptTarget.ES2019, lib: ['lib.es2019.d.ts'], types: [], skipDefaultLibCheck: true,
};
const strictApp = ts.createProgram({ rootNames: [DTS, APP], options: strictOptions, host: hostWith(strictOptions) });
const runtime = runtimeSurface();

const decl = suite('declarations');

decl('a strict app using every global compiles against the declarations alone (lib ES2019, no other types), the declarations checked too', () => {
  assert.equal(problems(strictApp), []);
});

decl('that app runs on a simulated device: it echoes a datagram, using every blob method on the way, with no error', () => {
  const lan = new Lan();
  const b = boot(lan, 2, { niis: { eth0: 'mock', wl0: 'mock' } });
  startApp(appSource(APP), APP, b.rt, guarded(b.dev.platform, (l) => b.dev.platform.write('ERROR: ' + l)));
  lan.run(500);
  const peer = boot(lan, 3, { niis: { eth0: 'mock' } });
  const pf = peer.rt.imp.net.open({ interface: 'eth0' });
  lan.run(200);
  const got: string[] = [];
  pf.openudp((_from, _port, _to, _toPort, data) => got.push(data.tostring()), 3000).send('192.168.1.2', 2001, 'ping');
  lan.run(6000);
  assert.ok(b.dev.console.some((l) => l.startsWith('192.168.1.3:3000 -> 192.168.1.2:2001 ')), b.dev.console.join('\n'));
  assert.equal(got, ['ping']);
  assert.equal(b.dev.console.filter((l) => l.startsWith('ERROR')), []);
});

decl('they are generated from firmware/api.ts: the committed file is what `npm run types` writes, and a change there shows here', () => {
  assert.fixture(readFileSync(DTS, 'utf8'), currentAppTypes());
  const api = readFileSync(join(ROOT, 'firmware/api.ts'), 'utf8');
  assert.ok(api.includes('  isopen(): boolean;'));
  const renamed = appTypes(api.replace('  isopen(): boolean;', '  isOpen(): boolean;'));
  assert.ok(renamed.includes('    isOpen(): boolean;') && !renamed.includes('isopen()'));
});

decl('package.json points at them and ships them', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.is(pkg.types, 'types/espimp.d.ts');
  assert.ok(pkg.files.includes('types/') && pkg.files.includes('dist/'));
});

decl('an app project finds them: "types": ["espimp"] (node10, node16, bundler resolution) or /// <reference types="espimp" />', () => {
  const proj = join(tmp, 'project');
  mkdirSync(join(proj, 'node_modules'), { recursive: true });
  symlinkSync(ROOT, join(proj, 'node_modules/espimp'), 'dir');
  const body = "const s: espimp.UdpSocket | null = null;\nimp.net.open({ interface: 'eth0' }, function (state) { server.log('state ' + state + ' ' + s); });\n";
  writeFileSync(join(proj, 'app.ts'), body);
  writeFileSync(join(proj, 'ref.ts'), '/// <reference types="espimp" />\n' + body.replace('const s', 'const t').replace(' + s)', ' + t)'));
  const cases: [string, object, string][] = [
    ['node10', { moduleResolution: 'node10', types: ['espimp'] }, 'app.ts'],
    ['node16', { module: 'node16', moduleResolution: 'node16', types: ['espimp'] }, 'app.ts'],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler', types: ['espimp'] }, 'app.ts'],
    ['reference', { moduleResolution: 'bundler', module: 'esnext', types: [] }, 'ref.ts'],
  ];
  for (const [label, extra, file] of cases) {
    const config = join(proj, `tsconfig.${label}.json`);
    writeFileSync(config, JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2019', lib: ['ES2019'], skipLibCheck: true, ...extra }, files: [file] }));
    const cfg = ts.getParsedCommandLineOfConfigFile(config, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const p = ts.createProgram({ rootNames: cfg.fileNames, options: cfg.options, host: hostWith(cfg.options) });
    assert.equal(problems(p), [], label);
    assert.ok(p.getSourceFiles().some((f) => f.fileName.endsWith('types/espimp.d.ts')), label);
  }
});

const drifting = suite('declarations against the runtime (drift)');

drifting('type level: the runtime\'s objects are assignable to the declared types, and their public members are declared (tsc -p test/types)', () => {
  assert.equal(problems(driftProgram()), []);
});

drifting('run time: every declared member exists, every public runtime member is declared, constants have their values, the globals match', () => {
  assert.equal(drift(declaredSurface(strictApp), runtime), []);
  assert.is(runtime.surface['imp.net'].ETHERNET_STOPPED_NO_LINK, 204);
  assert.is(runtime.surface.globals.SEND_ERROR_WOULDBLOCK, 4);
});

drifting('both go red when a method is renamed in the declarations (udpsocket.isopen -> isOpen)', () => {
  const text = readFileSync(DTS, 'utf8');
  assert.ok(text.includes('    isopen(): boolean;'));
  const p = driftProgram(text.replace('    isopen(): boolean;', '    isOpen(): boolean;'));
  const types = problems(p);
  assert.ok(types.some((l) => l.includes("'\"isopen\"' does not satisfy the constraint 'never'")), types.join('\n'));
  assert.ok(types.some((l) => l.includes("Property 'isOpen' is missing in type 'Sock'")), types.join('\n'));
  const found = drift(declaredSurface(p), runtime);
  assert.ok(found.includes('udpsocket.isOpen: declared, not in the runtime'), found.join('\n'));
  assert.ok(found.includes('udpsocket.isopen: in the runtime, not declared'), found.join('\n'));
});

drifting('red too when a constant\'s value or a global changes in the declarations', () => {
  const text = readFileSync(DTS, 'utf8')
    .replace('readonly ETHERNET_STOPPED_NO_LINK: 204;', 'readonly ETHERNET_STOPPED_NO_LINK: 205;')
    .replace('declare const SEND_ERROR_TIMEOUT: 2;', '');
  const found = drift(declaredSurface(driftProgram(text)), runtime);
  assert.ok(found.includes('imp.net.ETHERNET_STOPPED_NO_LINK: declared as 205, the runtime has 204'), found.join('\n'));
  assert.ok(found.includes('globals.SEND_ERROR_TIMEOUT: in the runtime, not declared'), found.join('\n'));
});

const commandsSuite = suite('espimp run, build and check on a .ts app');
const TYPE_ERROR = `${BAD}:3:7 error TS2322: Type 'string' is not assignable to type 'number'.`;

commandsSuite('run refuses an app with a type error: the error at its file:line:col, exit 1', async () => {
  const r = await commands.run;
  assert.is(r.code, 1, r.err);
  assert.equal(r.err.trim().split('\n'), [TYPE_ERROR, `espimp: 1 type error in ${BAD} (--no-typecheck runs it anyway)`]);
  assert.is(r.out, '');
});

commandsSuite('run --no-typecheck runs it anyway', async () => {
  const r = await commands.unchecked;
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /three 0 1$/m);
});

commandsSuite('build fails on it before building, with the error at its line', async () => {
  const r = await commands.build;
  assert.is(r.code, 1, r.err);
  assert.equal(r.err.trim().split('\n'), [TYPE_ERROR, `espimp: 1 type error in ${BAD} (--no-typecheck builds it anyway)`]);
});

commandsSuite('check: the type error, the Espruino finding and the enum\'s cost, all at the .ts lines; exit 1', async () => {
  const r = await commands.check;
  assert.is(r.code, 1, r.err);
  const lines = r.out.trim().split('\n');
  assert.is(lines.length, 4, r.out);
  assert.is(lines[0], TYPE_ERROR);
  assert.match(lines[1], `${BAD}:4:18  missing-global  'Map' is not defined`);
  assert.match(lines[2], new RegExp(`^${BAD.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:1  ts-emit  warning: enum Kind costs \\d+ bytes of JavaScript on the board`));
  assert.is(lines[3], '1 file checked: 2 errors, 1 warning');
});

commandsSuite('check maps findings to the .ts lines past type-only lines', () => {
  const src = 'interface A {\n  x: number;\n}\ntype B = A;\nconst a: B = { x: 1 };\nconst m = new Map<string, B>();\nlet y = a.x ** 2;\n';
  assert.equal(checkTypeScriptSource(src, 'm.ts').map((f) => `${f.rule}@${f.line}:${f.column}`), ['missing-global@6:15', 'exponent@7:13']);
});

commandsSuite('an enum: the build warns with its bytes, and with what its reverse mapping keeps; the figures add up to the bundle\'s growth', async () => {
  const withEnum = join(tmp, 'enum.ts'), plain = join(tmp, 'plain.ts');
  writeFileSync(withEnum, "enum Kind { Hello, Data }\nserver.log('k' + Kind.Data);\n");
  writeFileSync(plain, "server.log('k' + 1);\n");
  const [a, b] = await Promise.all([buildBundle({ board: 'esp32', app: withEnum }), buildBundle({ board: 'esp32', app: plain })]);
  assert.is(b.warnings.length, 0);
  const own = Number((a.warnings.join('\n').match(/enum Kind costs (\d+) bytes/) || [])[1]);
  const kept = Number((a.warnings.join('\n').match(/reverse mappings keep (\d+) bytes of runtime/) || [])[1]);
  assert.ok(own > 40 && kept > 1000, a.warnings.join('\n'));
  // the rest is the use: `Kind.Data` for `1`
  const rest = a.code.length - b.code.length - own - kept;
  assert.ok(rest >= 0 && rest <= 12, `${a.code.length} - ${b.code.length} - ${own} - ${kept} = ${rest}`);
});

decl.run();
drifting.run();
commandsSuite.run();
