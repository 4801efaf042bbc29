// espimp init [dir] [--board NAME] [--ts] [--no-install]: a new project in a new or empty
// folder, from templates/init/: the guide's echo server and a client that broadcasts pings to
// it (echo.js/client.js, or .ts with --ts), package.json scripts for start (espimp run), sim,
// check, build, flash and test, the app globals' declarations wired up for the editor
// (tsconfig.json, or jsconfig.json for JavaScript, with "types": ["espimp"]), and a test of
// the two apps on the simulated LAN (node --test, no other dependency). The project depends
// on this espimp through a `file:` dependency on the folder it runs from (the checkout, or
// the installed package): `npm install` then links it, with no download. Then `npm install`
// runs there, unless --no-install.
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBoard, ROOT } from '../../build/boards';
import { UserError } from '../../build/user-error';

/** Where the project's files come from. */
const TEMPLATES = fileURLToPath(new URL('../../templates/init/', import.meta.url));

/** The board a project targets without --board. */
const DEFAULT_BOARD = 'espruino-wifi';

export interface InitOptions {
  /** boards/<name>.json the build and flash scripts target. */
  board?: string;
  /** TypeScript apps (else JavaScript). */
  ts?: boolean;
  /** false: do not run `npm install` in the new project. */
  install?: boolean;
  /** Where progress lines go (default stdout). */
  print?: (line: string) => void;
}

/** A package name from a folder name: lower case, letters, digits, `-`, `_`, `.`; else `espimp-app`. */
export function packageName(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|[-]+$/g, '');
  return name.slice(0, 214) || 'espimp-app';
}

/** Refuse anything but a new or empty folder: one line, exit 1. */
function checkTarget(dir: string, shown: string) {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UserError(`${shown} exists and is not a folder: espimp init makes a project in a new or empty folder`, 'ERR_NOT_EMPTY');
  if (readdirSync(dir).length) throw new UserError(`${shown} is not empty: espimp init makes a project in a new or empty folder`, 'ERR_NOT_EMPTY');
}

/** The files of the new project, path -> contents. */
export function projectFiles(name: string, board: string, ts: boolean, espimpSpec: string): Map<string, string> {
  const ext = ts ? 'ts' : 'js';
  const wifi = Object.keys(loadBoard(board).niis).includes('wl0');
  const fill = (text: string) => text
    .replace(/\{\{NAME\}\}/g, name)
    .replace(/\{\{EXT\}\}/g, ext)
    .replace(/\{\{BOARD\}\}/g, board)
    .replace(/\{\{CHECK_TS\}\}/g, ts ? ', and type errors' : '')
    .replace(/\{\{EDITOR\}\}/g, ts ? '`tsconfig.json` ("types": ["espimp"])' : '`jsconfig.json` ("types": ["espimp"], "checkJs")')
    .replace(/\{\{WIFI\}\}/g, wifi
      ? `${board} joins a Wi-Fi network: give it once, saved on the board with the app:\n\`npm run flash -- /dev/ttyACM0 --wifi MyNet --wifi-key secret\`.\n\n`
      : '');
  const template = (file: string) => fill(readFileSync(join(TEMPLATES, file), 'utf8'));
  const apps = `echo.${ext} client.${ext}`;
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    description: `A UDP echo server for ${board}, on the impOS API (espimp)`,
    scripts: {
      start: `espimp run echo.${ext}`,
      sim: `espimp sim ${apps} --duration 60`,
      check: `espimp check ${apps}`,
      build: `espimp build --board ${board} echo.${ext} -o echo.bundle.js`,
      flash: `espimp flash --board ${board} echo.${ext} --save --port`,
      test: 'node --test test/app.test.js',
    },
    devDependencies: { espimp: espimpSpec },
  };
  // ES2019 is what the boards run; "types": ["espimp"] declares the globals the app sees;
  // each app is a device of its own, so moduleDetection "force" gives each file its own scope
  // (as scripts they would share one: echo's `iface` and client's would be one variable)
  const compilerOptions = { target: 'ES2019', lib: ['ES2019'], types: ['espimp'], moduleDetection: 'force', strict: true, noEmit: true, skipLibCheck: true };
  const files = new Map<string, string>([
    ['package.json', JSON.stringify(pkg, null, 2) + '\n'],
    [`echo.${ext}`, template(`echo.${ext}`)],
    [`client.${ext}`, template(`client.${ext}`)],
    ['test/app.test.js', template('test/app.test.js')],
    ['README.md', template('README.md')],
    ['.gitignore', template('gitignore')],
  ]);
  if (ts) files.set('tsconfig.json', JSON.stringify({ compilerOptions, include: ['*.ts'] }, null, 2) + '\n');
  // JavaScript: checked against the declarations (a misspelt imp.net.CONECTED is flagged), not strict (no annotations)
  else files.set('jsconfig.json', JSON.stringify({ compilerOptions: { ...compilerOptions, strict: false, checkJs: true }, include: ['*.js'], exclude: ['*.bundle.js'] }, null, 2) + '\n');
  return files;
}

/**
 * The `file:` spec of this espimp from `dir`: a relative path (forward slashes) when they are
 * near each other (a project beside or inside the checkout keeps working when both move),
 * else the absolute path.
 */
export function fileSpec(dir: string, root = ROOT): string {
  const rel = relative(dir, root).split(sep).join('/') || '.';
  const ups = rel.split('/').filter((p) => p === '..').length;
  return `file:${ups <= 2 ? rel : root.replace(/[\\/]+$/, '').split(sep).join('/')}`;
}

/** Make the project in `target` (created if missing); returns the files written, relative to it. */
export function initProject(target: string, opts: InitOptions = {}): string[] {
  const print = opts.print ?? ((line: string) => process.stdout.write(line + '\n'));
  const dir = resolve(target);
  checkTarget(dir, target === '.' ? `this folder (${dir})` : target);
  const board = opts.board ?? DEFAULT_BOARD;
  loadBoard(board); // an unknown board is a one-line error before anything is written
  const files = projectFiles(packageName(basename(dir)), board, !!opts.ts, fileSpec(dir));
  for (const [file, text] of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  const written = [...files.keys()];
  print(`created ${target}: ${opts.ts ? 'TypeScript' : 'JavaScript'} echo server and client for ${board} (${written.join(', ')})`);
  if (opts.install !== false) {
    print(`npm install in ${target} (espimp as ${JSON.parse(files.get('package.json')!).devDependencies.espimp})`);
    const npm = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install', '--no-audit', '--no-fund'],
      { cwd: dir, encoding: 'utf8', shell: process.platform === 'win32' });
    if (npm.status !== 0) {
      const why = npm.error ? npm.error.message : (npm.stderr || '').trim().split('\n').pop();
      throw new UserError(`npm install failed in ${target} (${why}); the project is there: run npm install in it`, 'ERR_NPM_INSTALL');
    }
  }
  const cd = relative(process.cwd(), dir) || '.';
  print(`next: ${cd === '.' ? '' : `cd ${cd} && `}${opts.install === false ? 'npm install && ' : ''}npm test`);
  return written;
}

const HELP = `
Makes a new project in DIR (default: this folder), which must be new or empty:
  echo.js, client.js     the impOS guide's UDP echo server (port 2001) and a client that
                         broadcasts pings to it (echo.ts, client.ts with --ts)
  test/app.test.js       both apps on the simulated LAN (espimp sim), run by npm test
  package.json           scripts: start (espimp run), sim, check, build, flash, test;
                         espimp as a file: dependency on this espimp's folder
  jsconfig.json          the app globals (imp, server, agent, blob) known to the editor
                         (tsconfig.json with --ts, which espimp run/build/check also use)
  README.md, .gitignore
then runs npm install there (a link to this espimp: nothing is downloaded).

Example:
  espimp init demo --ts && cd demo && npm test
`;

export function register(program: Command) {
  program.command('init')
    .description('make a new project: an echo server and its client, npm scripts, editor types, a test')
    .argument('[dir]', 'the project folder, new or empty', '.')
    .option('--board <name>', `the board the build and flash scripts target (espimp boards lists them; default ${DEFAULT_BOARD})`)
    .option('--ts', 'TypeScript apps, with a tsconfig.json')
    .option('--no-install', 'do not run npm install in the new project')
    .addHelpText('after', HELP)
    .action((dir: string, opts: { board?: string; ts?: boolean; install?: boolean }) => { initProject(dir, opts); });
}
