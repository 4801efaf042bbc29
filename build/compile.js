// Compiles the espimp command ahead of time: host/cli.ts and everything it imports, bundled by
// esbuild into dist/ (gitignored), so that `espimp` starts without compiling TypeScript.
// bin/espimp.js runs dist/cli.js while it is up to date, else the sources through tsx.
// Run by the `prepare` script (npm install, npm ci, npm pack, npm install -g from a checkout)
// and by `npm run compile`.
//
// - One ES module per part the CLI loads lazily (code splitting), all in dist/ itself;
//   packages stay in node_modules, imported by name.
// - Every module's `import.meta.url` is its source file's URL (host/flash.ts, ...), not the
//   bundle's: what the sources read beside themselves (boards/*.json, the firmware and hal
//   sources Rollup builds, host/espruino/standins/*.js, examples/, package.json) is found
//   exactly as it is when they run from TypeScript.
// - dist/inputs.json: {started, files: {path: sha1}} for bin/espimp.js's up-to-date check.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Each source's import.meta.url, as a URL relative to the dist/ file it lands in. */
const sourceUrls = {
  name: 'espimp-source-urls',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(join(ROOT, 'dist'), args.path).split(sep).join('/');
      // On the first line, so line numbers stay the source's. `define` below turns every
      // `import.meta.url` of the module into __espimp_url (this line reads it as meta.url).
      const head = `const __espimp_meta = import.meta; const __espimp_url = new URL(${JSON.stringify(rel)}, __espimp_meta.url).href; `;
      return { contents: head + text, loader: 'ts' };
    });
  },
};

/** Compile into dist/ (built beside it, then swapped in). Returns the number of input files. */
export async function compile() {
  const { build } = await import('esbuild');
  const started = Date.now();
  const tmp = join(ROOT, `dist.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: { cli: 'host/cli.ts' },
      outdir: tmp,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      chunkNames: '[name]-[hash]',
      define: { 'import.meta.url': '__espimp_url' },
      plugins: [sourceUrls],
      metafile: true,
      logLevel: 'warning',
      legalComments: 'none',
    });
    const files = {};
    for (const p of [...Object.keys(result.metafile.inputs), 'build/compile.js'].sort()) {
      files[p] = createHash('sha1').update(readFileSync(join(ROOT, p))).digest('hex');
    }
    writeFileSync(join(tmp, 'inputs.json'), JSON.stringify({ started, files }, null, 1) + '\n');
    rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
    renameSync(tmp, join(ROOT, 'dist'));
    return Object.keys(files).length;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  compile().then(
    (n) => console.log(`espimp: compiled the command into dist/ (${n} source files)`),
    (e) => { process.stderr.write(`espimp: compile failed: ${e && e.message || e}\n`); process.exitCode = 1; },
  );
}
