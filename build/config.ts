// The Rollup configuration of every espimp bundle (rollup.config.js hands it to the Rollup
// CLI; build/bundle.ts uses it directly). Input: the generated entry (a virtual module).
// TypeScript through @rollup/plugin-typescript at target ES2019; output: a plain script, one
// IIFE (no `export`, no "use strict", no Object.freeze) followed by the app; then terser over
// the whole: ecma 2019, compress, mangle the IIFE's names (the runtime's top level is inside
// it) but not the app's top-level names (they are globals other code may use, like the
// agent link's `agentrx`) and never properties (apps use them), ASCII-only output
// (espruino-cli replaces characters above 255 with "?").
import type { RollupOptions, Plugin } from 'rollup';
import typescript from '@rollup/plugin-typescript';
import { minify, type MinifyOptions } from 'terser';
import * as acorn from 'acorn';
import { ROOT } from './boards';

/** The id of the generated entry module. */
export const ENTRY_ID = '\0espimp-entry';

/** terser options for bundles (also used alone to measure the app's share). */
export const TERSER: MinifyOptions = {
  ecma: 2019,
  module: false,
  toplevel: false,
  compress: { passes: 2, inline: 2 },
  mangle: { properties: false },
  format: { ascii_only: true, comments: false },
};

/** terser over the rendered chunk, in this thread (@rollup/plugin-terser's worker pool only adds start-up time here). */
function terserChunk(): Plugin {
  return {
    name: 'espimp-terser',
    async renderChunk(code) {
      const out = await minify(code, TERSER);
      return { code: out.code || '', map: null };
    },
  };
}

/** The id of the stand-in for firmware/agent.ts when the app never names the agent. */
export const AGENT_STUB_ID = '\0espimp-agent-stub';

/**
 * firmware/agent.ts replaced by a stub whose methods do nothing (send returns 0, as the real
 * one does): used when the app never mentions `agent`, so nothing can reach it. Saves the
 * framing code (~1.7 KB). The import is matched by what runtime.ts imports.
 */
function agentStub(): Plugin {
  return {
    name: 'espimp-agent-stub',
    resolveId: (source, importer) => (source === './agent' && importer && /[\\/]firmware[\\/]runtime\.ts$/.test(importer) ? AGENT_STUB_ID : null),
    load: (id) => (id === AGENT_STUB_ID
      ? 'export function createAgent() { var n = function () { return 0; }; return { on: n, send: n, tx: n, rx: n, stats: function () { return {}; } }; }\n'
      : null),
  };
}

/** True when app source `app` may use the agent: any name or string containing "agent" (comments do not count). */
export function usesAgent(app: string): boolean {
  try {
    for (const t of acorn.tokenizer(app, { ecmaVersion: 'latest', allowHashBang: true })) {
      const v = (t as { value?: unknown }).value;
      if (typeof v === 'string' && /agent/.test(v)) return true;
    }
    return false;
  } catch {
    return true;
  }
}

/** A plugin serving the entry source under ENTRY_ID. */
function virtualEntry(source: string): Plugin {
  return {
    name: 'espimp-entry',
    resolveId: (id) => (id === ENTRY_ID ? id : null),
    load: (id) => (id === ENTRY_ID ? source : null),
  };
}

/** Rollup options for one bundle: `entry` is the generated entry source, `app` the app's JavaScript, appended after it. */
export function rollupConfig(entry: string, app: string, opts: { minify?: boolean } = {}): RollupOptions & { output: any } {
  const stub = !usesAgent(app);
  return {
    input: ENTRY_ID,
    treeshake: true,
    onLog(level, log, handler) {
      // the entry assigns the app's globals on purpose; anything else is worth seeing
      if (log.code === 'CIRCULAR_DEPENDENCY' && level === 'warn') return;
      handler(level, log);
    },
    plugins: [
      virtualEntry(entry),
      ...(stub ? [agentStub()] : []),
      typescript({
        tsconfig: false,
        filterRoot: ROOT,
        include: ['firmware/**/*.ts', 'hal/**/*.ts'],
        exclude: ['hal/node/**', 'hal/mock/**'],
        noForceEmit: false,
        compilerOptions: {
          target: 'ES2019',
          module: 'ESNext',
          moduleResolution: 'bundler',
          lib: ['ES2019'],
          types: [],
          strict: false,
          skipLibCheck: true,
          removeComments: true,
          importHelpers: false,
          isolatedModules: true,
          sourceMap: false,
          declaration: false,
          noEmitOnError: false,
          noEmit: false,
          rootDir: ROOT,
          noCheck: true,
        },
      }),
      ...(opts.minify === false ? [] : [terserChunk()]),
    ],
    output: {
      format: 'iife',
      strict: false,
      freeze: false,
      generatedCode: { preset: 'es2015', constBindings: false, objectShorthand: false, arrowFunctions: false },
      footer: app,
      compact: true,
    },
  };
}
