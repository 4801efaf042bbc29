// The Platform of an Espruino board: getTime() as the millisecond clock, setTimeout for
// timers, a resolved Promise's then() for what runs next from the event loop, console.log
// for the console and the Storage module for persistence.
// BOARD CODE: Espruino-safe syntax only (see README "Board code").
import type { Platform } from '../contract';

declare function getTime(): number;
declare var process: any;

/**
 * Blocks room() keeps free beyond what is asked for: the socket around a ring (its objects and
 * dgram's, about 60 blocks measured with the stand-ins) and a datagram in flight (dgram's
 * string and its copy, up to about 90 at ESP8266's 536-byte recvBufferSize). Under 10 % of the
 * 1600-block ESP8266 class.
 */
var RESERVE_BLOCKS = 150;
declare function require(name: string): any;

/**
 * The board's Platform. Storage.read gives undefined for a missing file (the contract allows it).
 * cancel() never passes undefined (clearTimeout() with no id clears every timer) and swallows
 * the "Unknown Timeout" some firmware versions throw for a timer that already fired.
 */
export function createEspruinoPlatform(): Platform {
  var S = require('Storage');
  return {
    now: function () { return Math.floor(getTime() * 1000); },
    timer: function (ms, cb) { return setTimeout(cb, ms); },
    later: function (cb) { Promise.resolve().then(cb); },
    // free blocks after a garbage collection (a closed socket's ring is free only then), less RESERVE_BLOCKS, as bytes
    room: function (bytes) { var m = process.memory(); return (m.free - RESERVE_BLOCKS) * m.blocksize > bytes; },
    // clearTimeout() without an id clears EVERY timer on Espruino: never pass one through
    cancel: function (id) { if (id != null) try { clearTimeout(id as any); } catch (e) { } },
    write: console.log,
    load: function (key) { return S.read(key); },
    save: function (key, value) { S.write(key, value); },
  };
}
