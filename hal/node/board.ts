// The PC as a board: boards/host.json (eth0 and wl0 both served by the node driver).
import { readFileSync } from 'node:fs';
import type { BoardSettings } from '../contract';

/** The board data of `espimp run`: NIIs, receive ring, rate limit. */
export const HOST_BOARD: BoardSettings = JSON.parse(readFileSync(new URL('../../boards/host.json', import.meta.url), 'utf8'));
