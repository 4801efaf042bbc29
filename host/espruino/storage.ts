// require('Storage') over a plain {file: content} object (contents are binary strings, as
// Espruino's flash files). Names are at most 28 characters (Espruino 2v2x); the free space
// is the board's storage size minus what the files use.
import { type Core, stringBytes } from './core';
import { flatString } from './globals';

const MAX_NAME = 28;

/** The Storage module for `files` (mutated in place); `capacity` is the flash area in bytes. */
export function makeStorage(core: Core, files: { [name: string]: string }, capacity: number) {
  const { R } = core;
  const name = (n: unknown): string => {
    const s = String(n);
    if (!s.length || s.length > MAX_NAME) throw core.error(`Invalid filename ${JSON.stringify(s)} (1 to ${MAX_NAME} characters)`);
    return s;
  };
  const asString = (d: unknown): string => {
    if (typeof d === 'string') return d;
    if (d && typeof d === 'object' && (ArrayBuffer.isView(d) || Array.isArray(d))) return flatString([d]);
    return String(d);
  };
  const used = () => Object.values(files).reduce((n, s) => n + s.length + 32, 0);
  const S: any = new R.Object();
  Object.assign(S, {
    read: (n: unknown, offset?: number, length?: number) => {
      const f = name(n);
      if (!Object.prototype.hasOwnProperty.call(files, f)) return undefined;
      const s = files[f];
      const o = offset || 0;
      return length === undefined ? s.slice(o) : s.slice(o, o + length);
    },
    readJSON: (n: unknown, noExceptions?: boolean) => {
      const s = S.read(n);
      if (s === undefined) return undefined;
      try { return R.JSON.parse(s); } catch (e: any) {
        if (noExceptions) return undefined;
        throw core.error(`JSON parse error: ${e.message}`);
      }
    },
    readArrayBuffer: (n: unknown) => {
      const s = S.read(n);
      if (s === undefined) return undefined;
      const u = new R.Uint8Array(s.length);
      u.set(stringBytes(s));
      return u.buffer;
    },
    write: (n: unknown, data: unknown, offset?: number, size?: number) => {
      const f = name(n);
      const d = asString(data);
      if (offset === undefined && size === undefined) {
        if (used() - (files[f] ? files[f].length + 32 : 0) + d.length + 32 > capacity) throw core.error('Not enough free space in Storage');
        files[f] = d;
        return true;
      }
      const o = offset || 0;
      if (size !== undefined && o === 0) files[f] = '\xff'.repeat(size); // a new file of `size` bytes, unwritten flash is 0xFF
      if (!Object.prototype.hasOwnProperty.call(files, f)) throw core.error(`File ${JSON.stringify(f)} does not exist: write it first with a size`);
      const cur = files[f];
      if (o + d.length > cur.length) throw core.error(`Too much data for file size (${cur.length})`);
      files[f] = cur.slice(0, o) + d + cur.slice(o + d.length);
      return true;
    },
    writeJSON: (n: unknown, v: unknown) => S.write(n, JSON.stringify(v)),
    erase: (n: unknown) => { delete files[name(n)]; },
    eraseAll: () => { for (const k of Object.keys(files)) delete files[k]; },
    list: (re?: RegExp) => {
      const out = new R.Array();
      for (const k of Object.keys(files)) if (!re || re.test(k)) out.push(k);
      return out;
    },
    getFree: () => capacity - used(),
    compact: () => undefined,
  });
  return S;
}
