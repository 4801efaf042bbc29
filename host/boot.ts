// Boot like an imp (spec §2 "Boot"): before an app's first line runs, bring the device's
// default interface (the persisted one, else the board's first NII) up and wait, within a
// limit, for it to connect, so imp.net.info() has the address at the app's top level, as the
// impOS guide's examples expect. Boot persists nothing: what imp.net.open would have saved is
// put back. The app's own imp.net.open() of a connected interface then gets its state once,
// asynchronously; one with extended config restarts the link with it.
// On the PC only (run, sim); a board's bundle starts its app at once (docs/decisions.md "Boot").
import type { Platform } from '../hal/contract';
import type { Runtime } from '../firmware/runtime';
import { CONFIG_KEY } from '../firmware/net';
import { CONNECTED, isDown } from '../firmware/states';

/** How long boot waits for the link before the app starts anyway (virtual ms in sim). */
export const BOOT_LIMIT_MS = 10_000;

/**
 * Open the default interface of runtime `rt` on platform `p`; call `done(state)` once it is
 * CONNECTED or has stopped (the app then starts; its callbacks say what happens next). The
 * caller's limit ends the wait otherwise: call the returned function.
 */
export function bootNet(rt: Runtime, p: Platform, done: (state: number) => void): () => void {
  const net = rt.imp.net;
  const before = p.load(CONFIG_KEY);
  let saved: { nii?: string } = {};
  try { saved = JSON.parse(before || '{}') || {}; } catch { /* a damaged file: the board's first NII */ }
  const niis: string[] = net.info().interface.map((i: { nii: string }) => i.nii);
  const nii = saved.nii && niis.includes(saved.nii) ? saved.nii : niis[0];
  let finished = false;
  const finish = (state: number) => {
    if (finished) return;
    finished = true;
    done(state);
  };
  net.open({ interface: nii }, (s: number) => { if (s === CONNECTED || isDown(nii, s)) finish(s); });
  if (p.load(CONFIG_KEY) !== before) p.save(CONFIG_KEY, before ?? '{}');
  return () => finish(net.info().interface.find((i: { nii: string }) => i.nii === nii).state);
}
