// Boards as data: boards/<name>.json, read and checked. A board names its NIIs and the driver
// serving each, its pins, ring size, bucket settings, recvBufferSize, the largest datagram it
// can receive and its memory (blocks, budget). docs/boards.md describes every field.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BoardSettings } from '../hal/contract';
import { UserError } from './user-error';

/** The project root (where boards/ lives). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The drivers a board file may name (boards/host.json's "node" is the PC's, not a build target). */
const ESPRUINO_DRIVERS = ['wifi', 'wiznet', 'linux'];

/** A parsed boards/<name>.json of an Espruino board. */
export interface Board extends BoardSettings {
  name: string;
  description: string;
  /** process.env.BOARD values of the Espruino firmware this board runs (flash checks it). */
  espruinoBoard: string[];
  /** The console's serial baud rate (espimp flash over a serial adapter; USB and TCP ignore it). */
  baud: number;
  /** Pins and SPI device for wired stacks, e.g. {spi: "SPI2", sck: "B13", ..., chip: "W5500", poll: 1000}. */
  pins: { [name: string]: string | number };
  /** recvBufferSize given to every dgram socket (Espruino cuts datagrams to 528 bytes without it). */
  recvBufferSize: number;
  /** The largest datagram the board can receive, bytes. */
  maxDatagram: number;
  /**
   * blocks: the interpreter's JsVars; budget: the most the bundle may take (estimate, see build/size.ts);
   * reserve: blocks openudp keeps free beyond a socket's ring, or it throws ERR_NO_MEMORY (absent: the
   * interpreter grows its memory, as the Linux port does).
   */
  memory: { blocks: number; budget: number; reserve?: number };
}

/** Names of the boards `espimp build` can target, sorted. */
export function listBoards(): string[] {
  return readdirSync(join(ROOT, 'boards'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .filter((n) => n !== 'host')
    .sort();
}

const isInt = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

/** The board called `name`: unknown names and malformed files are one-line user errors. */
export function loadBoard(name: string): Board {
  const known = listBoards();
  const file = join(ROOT, 'boards', `${name}.json`);
  if (!known.includes(name) || !existsSync(file)) {
    throw new UserError(`unknown board "${name}" (known boards: ${known.join(', ')})`, 'ERR_UNKNOWN_BOARD');
  }
  let b: any;
  try {
    b = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e: any) {
    throw new UserError(`boards/${name}.json is not valid JSON: ${e.message}`, 'ERR_BAD_BOARD');
  }
  const bad = (what: string) => new UserError(`boards/${name}.json: ${what}`, 'ERR_BAD_BOARD');
  if (b.name !== name) throw bad(`"name" must be "${name}"`);
  if (!b.niis || typeof b.niis !== 'object' || !Object.keys(b.niis).length) throw bad('"niis" must map at least one NII to a driver');
  for (const [nii, drv] of Object.entries(b.niis)) {
    if (!['wl0', 'eth0'].includes(nii)) throw bad(`NII "${nii}" is not wl0 or eth0`);
    if (!ESPRUINO_DRIVERS.includes(drv as string)) throw bad(`driver "${drv}" for ${nii} is not one of ${ESPRUINO_DRIVERS.join(', ')}`);
  }
  if (!isInt(b.ring, 64, 1 << 20)) throw bad('"ring" must be an integer number of bytes, 64 .. 1048576');
  const k = b.bucket || {};
  if (!isInt(k.capacity, 1, 1e9) || !isInt(k.refill, 1, 1e9) || !isInt(k.cost, 1, 1e9)) throw bad('"bucket" needs integer capacity, refill and cost');
  if (!isInt(b.recvBufferSize, 1, 65507) || !isInt(b.maxDatagram, 1, 65507)) throw bad('"recvBufferSize" and "maxDatagram" must be integers 1 .. 65507');
  // Espruino reads a datagram into recvBufferSize bytes behind its own 8-byte header (JsNetUDPPacketHeader)
  if (b.maxDatagram + 8 > b.recvBufferSize) throw bad(`"recvBufferSize" (${b.recvBufferSize}) must hold the largest datagram and Espruino's 8-byte header (${b.maxDatagram + 8})`);
  if (b.ring < b.maxDatagram + 12) throw bad(`"ring" (${b.ring}) must hold the largest datagram and its 12-byte header (${b.maxDatagram + 12})`);
  if (!b.memory || !isInt(b.memory.blocks, 100, 1e7) || !isInt(b.memory.budget, 1, b.memory.blocks)) throw bad('"memory" needs integer blocks and a budget of at most that');
  if (b.memory.reserve !== undefined && !isInt(b.memory.reserve, 1, b.memory.blocks)) throw bad('"memory.reserve" must be an integer number of blocks');
  if (!Array.isArray(b.espruinoBoard) || !b.espruinoBoard.every((s: unknown) => typeof s === 'string')) throw bad('"espruinoBoard" must list process.env.BOARD names');
  if (!b.pins || typeof b.pins !== 'object') throw bad('"pins" must be an object');
  if (Object.values(b.niis).includes('wiznet')) {
    // written into the bundle as Espruino globals (build/entry.ts), so only names Espruino has
    const p = b.pins;
    if (typeof p.spi !== 'string' || !/^SPI[1-4]$/.test(p.spi)) throw bad('pins.spi must be SPI1 .. SPI4');
    for (const k of ['sck', 'miso', 'mosi', 'cs']) {
      if (typeof p[k] !== 'string' || !/^[A-H]\d{1,2}$/.test(p[k])) throw bad(`pins.${k} must be a pin name such as B13`);
    }
    if (p.poll != null && (typeof p.poll !== 'number' || !(p.poll >= 100))) throw bad('pins.poll must be at least 100 (ms)');
  }
  if (!isInt(b.baud, 300, 4000000)) throw bad('"baud" must be the console\'s baud rate');
  return b as Board;
}
