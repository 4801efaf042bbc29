// The Platform of an Espruino board: getTime() as the millisecond clock, setTimeout for
// timers, a resolved Promise's then() for what runs next from the event loop, console.log
// for the console and the Storage module for persistence.
// It is one object at the top of the module, not made inside createEspruinoPlatform: on
// Espruino a function defined inside another costs 3 more blocks for as long as it lives (its
// scope chain), and a board runs one platform.
// BOARD CODE: Espruino-safe syntax only (see README "Board code").
import type { Platform } from '../contract';

declare function getTime(): number;
declare var process: any;

declare function require(name: string): any;

/** The Storage module, and the blocks room() keeps free (createEspruinoPlatform's `reserve`). */
var storage: any, reserve = 0;

var platform: Platform = {
  now: () => Math.floor(getTime() * 1000),
  timer: (ms, cb) => setTimeout(cb, ms),
  later: (cb) => { Promise.resolve().then(cb); },
  // free blocks less the reserve, as bytes: read without a garbage collection first (cheap, for
  // every send), then after one (a closed socket's ring is free only then) when that says no
  room: (bytes) => {
    var m = process.memory(false);
    if ((m.free - reserve) * m.blocksize > bytes) return true;
    m = process.memory();
    return (m.free - reserve) * m.blocksize > bytes;
  },
  // clearTimeout() without an id clears EVERY timer on Espruino: never pass one through
  cancel: (id) => { if (id != null) try { clearTimeout(id as any); } catch (e) { } },
  write: console.log,
  load: (key) => storage.read(key),
  save: (key, value) => { storage.write(key, value); },
};

/**
 * The board's Platform. Storage.read gives undefined for a missing file (the contract allows it).
 * cancel() never passes undefined and swallows the "Unknown Timeout" some firmware versions
 * throw for a timer that already fired.
 * `r`: blocks room() keeps free beyond what is asked for (board data memory.reserve: the
 * socket around a ring, about 180 blocks with the stand-ins, and a datagram in flight); 0 for a
 * board whose interpreter grows its memory (the Linux port): no room().
 */
export function createEspruinoPlatform(r: number): Platform {
  storage = require('Storage');
  reserve = r;
  if (!r) platform.room = undefined;
  return platform;
}
