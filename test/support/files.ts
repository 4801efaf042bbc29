// A new temp folder per test file, and files written into it (apps, agents, state files).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new temp folder named espimp-`prefix`-…: its path, and file(name, text) writing `text` there and giving the file's path. */
export function tempFolder(prefix: string): { dir: string; file(name: string, text: string): string } {
  const dir = mkdtempSync(join(tmpdir(), `espimp-${prefix}-`));
  return {
    dir,
    file(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
}
