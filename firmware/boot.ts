// Boot like an imp (spec §2 "Boot"): bring the device's default interface (the persisted one,
// else the board's first NII) up before the app's first line, and call back once it is
// connected or has stopped, so imp.net.info() has the address at the app's top level. Boot
// persists nothing: what its imp.net.open() saved is put back. Shared by the PC (host/boot.ts:
// run, sim) and the board bundles of apps that read imp.net.info() at their top level
// (build/boot-transform.ts starts such an app through imp._boot, build/entry.ts).
// BOARD CODE: Espruino-safe syntax only (see README "Board code").
import type { Platform } from '../hal/contract';
import { CONFIG_KEY, savedConfig } from './net';
import { CONNECTED, isDown } from './states';

/** How long boot waits for the link before the app starts anyway (ms; virtual in sim). */
export var BOOT_LIMIT_MS = 10000;

/**
 * Open the default interface of `net` (a device's imp.net) on platform `p`: the persisted NII,
 * else `first` (an NII of the device), else the board's first; call `done(state)` once, when it
 * is CONNECTED or has stopped. The caller's limit ends the wait otherwise: it calls the
 * returned function, which calls `done(-1)` unless done was called already.
 */
export var bootNet = function (net: any, p: Platform, done: (state: number) => void, first?: string): () => void {
  var before = p.load(CONFIG_KEY), saved = savedConfig(p), list = net.info().interface, nii = first || list[0].nii, over = 0;
  for (var i = 0; i < list.length; i++) if (list[i].nii == saved.nii) nii = saved.nii;
  var finish = function (s: number) {
    if (!over) {
      over = 1;
      done(s);
    }
  };
  net.open({ interface: nii }, function (s: number) { if (s == CONNECTED || isDown(nii, s)) finish(s); });
  if (p.load(CONFIG_KEY) !== before) p.save(CONFIG_KEY, before == null ? '{}' : before);
  return function () { finish(-1); };
};

/** imp._boot(app) of a board bundle: boot, then run `app` (at most BOOT_LIMIT_MS later). */
export var bootThen = function (net: any, p: Platform) {
  return function (app: () => void) {
    var t: unknown, giveUp = bootNet(net, p, function () {
      p.cancel(t);
      app();
    });
    t = p.timer(BOOT_LIMIT_MS, giveUp);
  };
};
