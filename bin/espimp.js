#!/usr/bin/env node
// The espimp command. Runs the CLI compiled ahead of time (dist/cli.js, made by build/compile.js
// at `npm install` / `npm ci` / `npm pack`) while it is up to date with the sources it was
// compiled from; else (no dist/, or a source edited since) the TypeScript through tsx, which is
// correct but takes seconds to start.
// ESPIMP_TSX=1: always the sources through tsx; ESPIMP_TSX=0: only dist/ (exit 1 when it is
// missing or out of date).
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

/** Whether dist/ holds the CLI compiled from the sources as they are now. */
function compiledIsCurrent() {
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(new URL('dist/inputs.json', root), 'utf8'));
  } catch {
    return false;
  }
  for (const [file, sha1] of Object.entries(inputs.files)) {
    const url = new URL(file, root);
    try {
      // Last written well before the compile started (file times can lag the clock by a few ms):
      // current. Else (edited since, a copy of the tree, an installed package): compare contents.
      if (statSync(url).mtimeMs < inputs.started - 2000) continue;
      if (createHash('sha1').update(readFileSync(url)).digest('hex') !== sha1) return false;
    } catch {
      return false;
    }
  }
  return true;
}

const mode = process.env.ESPIMP_TSX;
let main;
if (mode !== '1' && compiledIsCurrent()) {
  ({ main } = await import('../dist/cli.js'));
} else if (mode === '0') {
  process.stderr.write('espimp: dist/ is missing or older than the sources (npm run compile), and ESPIMP_TSX=0\n');
  process.exit(1);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../host/cli.ts'));
}
process.exitCode = await main(process.argv);
