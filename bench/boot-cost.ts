// What booting like an imp costs a board bundle (issue 12 item 1, docs/decisions.md "Boot"):
// the impOS guide's echo server (examples/guide-echo, imp.net.info() at its top level) built
// with and without the boot (build/boot-transform.ts), per board: bundle bytes, and blocks in
// use on the 32-bit espruino32-8190 interpreter once the echo socket is open (host/espruino/
// memory.ts, run from Storage with the board's stand-ins). `npx tsx bench/boot-cost.ts`
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle } from '../host/bundle';
import { measureBundle } from '../host/espruino/memory';

const BOARDS = ['esp32', 'esp8266', 'espruino-wifi', 'pico-w5500', 'original-wiznet'];
const NII: { [board: string]: string } = { esp32: 'wl0', esp8266: 'wl0', 'espruino-wifi': 'wl0', 'pico-w5500': 'eth0', 'original-wiznet': 'eth0' };

// the guide's echo with one line once its socket is open (what the measurement waits for), on the board's NII
const guide = readFileSync(new URL('../examples/guide-echo/echo.js', import.meta.url), 'utf8')
  .replace('udpsocket = interface.openudp(dataReceived, 2001);', 'udpsocket = interface.openudp(dataReceived, 2001);\n    server.log("echo up " + ucastIP);');

console.log('| board | bytes without | bytes with boot | + bytes | blocks without | blocks with boot | + blocks |');
console.log('|---|---|---|---|---|---|---|');
const dir = mkdtempSync(join(tmpdir(), 'espimp-boot-cost-'));
for (const board of BOARDS) {
  const app = join(dir, `${board}.js`);
  writeFileSync(app, guide.replace('"eth0"', JSON.stringify(NII[board])));
  const [off, on] = await Promise.all([false, true].map((boot) => buildBundle({ board, app, budget: false, boot })));
  const [a, b] = [await measureBundle(board, off.code, /^echo up /, { kind: '8190' }), await measureBundle(board, on.code, /^echo up 192\.168\.77\.2$/, { kind: '8190' })];
  console.log(`| ${board} | ${off.code.length} | ${on.code.length} | ${on.code.length - off.code.length} | ${a.blocks} | ${b.blocks} | ${b.blocks - a.blocks} |`);
}
