// Boot like an imp on the PC (spec §2 "Boot"): `espimp run` and `sim` bring the device's
// default interface up and wait, within a limit, before the app's first line runs. The logic is
// firmware/boot.ts, shared with the board bundles that boot (build/boot-transform.ts).
import type { Platform } from '../hal/contract';
import type { Runtime } from '../firmware/runtime';
import { bootNet as bootCore, BOOT_LIMIT_MS } from '../firmware/boot';

export { BOOT_LIMIT_MS };

/**
 * The NII app source `src` names first in an `interface: "..."` literal, if the runtime `rt`
 * has it. A PC has eth0 and wl0 where a board has one: this is the interface the app's device
 * would be set up for (an imp that runs a wl0 app was given its Wi-Fi by BlinkUp), so boot
 * brings it up when nothing is persisted; a board boots its first NII.
 */
function namedNii(rt: Runtime, src: string): string | undefined {
  const m = /["']?\binterface["']?\s*:\s*["'](\w+)["']/.exec(src);
  return m && rt.imp.net.info().interface.some((i: { nii: string }) => i.nii === m[1]) ? m[1] : undefined;
}

/**
 * Open the default interface of runtime `rt` on platform `p` (the persisted NII, else the one
 * app source `src` names: namedNii, else the first); call `done(state)` once it is CONNECTED or
 * has stopped (the app then starts; its callbacks say what happens next). The caller's limit
 * ends the wait otherwise: call the returned function (done(-1)).
 */
export function bootNet(rt: Runtime, p: Platform, done: (state: number) => void, src = ''): () => void {
  return bootCore(rt.imp.net, p, done, namedNii(rt, src));
}
