// The Platform of an Espruino board: getTime() as the millisecond clock, setTimeout for
// timers, a resolved Promise's then() for what runs next from the event loop, console.log
// for the console and the Storage module for persistence.
// BOARD CODE: Espruino-safe syntax only (see README "Board code").
import type { Platform } from '../contract';

declare function getTime(): number;
declare var process: any;

declare function require(name: string): any;

/**
 * The board's Platform. Storage.read gives undefined for a missing file (the contract allows it).
 * cancel() never passes undefined (clearTimeout() with no id clears every timer) and swallows
 * the "Unknown Timeout" some firmware versions throw for a timer that already fired.
 * `reserve`: blocks room() keeps free beyond what is asked for (board data memory.reserve: the
 * socket around a ring, about 150 blocks with the stand-ins, and a datagram in flight); 0 for a board whose interpreter grows its
 * memory (the Linux port): no room().
 */
export function createEspruinoPlatform(reserve: number): Platform {
  var S = require('Storage');
  return {
    now: function () { return Math.floor(getTime() * 1000); },
    timer: function (ms, cb) { return setTimeout(cb, ms); },
    later: function (cb) { Promise.resolve().then(cb); },
    // free blocks less the reserve, as bytes: read without a garbage collection first (cheap, for
    // every send), then after one (a closed socket's ring is free only then) when that says no
    room: reserve ? function (bytes) {
      var m = process.memory(false);
      if ((m.free - reserve) * m.blocksize > bytes) return true;
      m = process.memory();
      return (m.free - reserve) * m.blocksize > bytes;
    } : undefined,
    // clearTimeout() without an id clears EVERY timer on Espruino: never pass one through
    cancel: function (id) { if (id != null) try { clearTimeout(id as any); } catch (e) { } },
    write: console.log,
    load: function (key) { return S.read(key); },
    save: function (key, value) { S.write(key, value); },
  };
}
