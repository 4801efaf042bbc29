// The virtual entry module of one build: imports the runtime, the Espruino platform and only
// the drivers the board names (so no other driver enters the bundle), creates the runtime
// with the board's data and installs the app's globals. The app itself runs after it (the
// bundle appends it, see build/config.ts), so every global exists before the first app line.
import { join } from 'node:path';
import { isVirtualHost } from '../hal/loopback';
import { UserError } from './user-error';
import { ROOT, type Board } from './boards';

/**
 * Build-time choices beyond the board: the loopback LAN of the linux board, `statics`:
 * false when the app can never give a staticconfig (build/config.ts usesExtended), so the
 * drivers' static-address code is left out; `boot`: the app starts through imp._boot
 * (build/boot-transform.ts), so the entry adds it (firmware/boot.ts); `stats`: add the live
 * view's reporter, the global `espimpstats` (firmware/reporter.ts; off unless asked, so other
 * bundles stay as they were).
 */
export interface EntryOptions { lan?: string; ip?: string; statics?: boolean; boot?: boolean; stats?: boolean }

/** Where each driver lives and how its options are written from the board data. */
const DRIVERS: { [name: string]: { file: string; factory: string; options(b: Board, o: EntryOptions): string } } = {
  wifi: { file: 'hal/espruino/wifi.ts', factory: 'createWifiDriver', options: (b, o) => `{_recvBufferSize:${b.recvBufferSize},_statics:${o.statics !== false}}` },
  wiznet: { file: 'hal/espruino/wiznet.ts', factory: 'createWiznetDriver', options: wiznetOptions },
  linux: { file: 'hal/espruino/linux.ts', factory: 'createLinuxDriver', options: (b, o) => `{ip:${JSON.stringify(o.ip)},_recvBufferSize:${b.recvBufferSize}}` },
};

/** WIZnet options: the SPI device and pins are written as Espruino globals (SPI2, B13, ...), checked by loadBoard. */
function wiznetOptions(b: Board, o: EntryOptions): string {
  const p = b.pins;
  return `{spi:${p.spi},sck:${p.sck},miso:${p.miso},mosi:${p.mosi},cs:${p.cs},w5500:${p.chip === 'W5500'},poll:${p.poll ?? 1000},_recvBufferSize:${b.recvBufferSize},_statics:${o.statics !== false}}`;
}

/** Check the build options against the board: --lan/--ip belong to the linux board, which needs them. */
function checkEntryOptions(b: Board, o: EntryOptions) {
  const linux = Object.values(b.niis).includes('linux');
  if (!linux) {
    if (o.lan || o.ip) throw new UserError(`--lan and --ip apply to the linux board only (board ${b.name} gets its address from its network)`, 'ERR_BAD_OPTION');
    return;
  }
  if ((o.lan ?? 'loopback') !== 'loopback') throw new UserError(`--lan ${o.lan}: the linux board supports only --lan loopback`, 'ERR_BAD_OPTION');
  if (!o.ip) throw new UserError('the linux board needs --ip 192.168.77.N (its address on the loopback LAN)', 'ERR_BAD_OPTION');
  if (!isVirtualHost(o.ip)) throw new UserError(`--ip ${o.ip} is not a host of the loopback LAN (192.168.77.1 .. 192.168.77.254)`, 'ERR_BAD_OPTION');
}

/** The entry module's source for board `b`. */
export function entrySource(b: Board, o: EntryOptions): string {
  checkEntryOptions(b, o);
  const names = [...new Set(Object.values(b.niis))];
  const imp = (file: string, what: string) => `import { ${what} } from ${JSON.stringify(join(ROOT, file))};`;
  const settings = { niis: b.niis, ring: b.ring, bucket: b.bucket };
  const platform = `createEspruinoPlatform(${b.memory.reserve || 0})`;
  return [
    imp('firmware/runtime.ts', 'createRuntime'),
    imp('hal/espruino/platform.ts', 'createEspruinoPlatform'),
    ...(o.boot ? [imp('firmware/boot.ts', 'bootThen')] : []),
    ...names.map((n) => imp(DRIVERS[n].file, DRIVERS[n].factory)),
    ...(o.stats ? [imp('firmware/reporter.ts', 'createReporter')] : []),
    ...(o.boot || o.stats ? [`var p = ${platform};`] : []),
    // every runtime key becomes a global (Espruino's `global` object); the runtime object itself
    // is not kept in a variable, which would hold it (and its keys) for as long as the bundle runs
    `Object.assign(global, createRuntime(${o.boot || o.stats ? 'p' : platform}, {${names.map((n) => `${n}: ${DRIVERS[n].factory}(${DRIVERS[n].options(b, o)})`).join(', ')}}, ${JSON.stringify(settings)}));`,
    // boot like an imp before the app runs (its statements are handed to imp._boot)
    ...(o.boot ? ['imp._boot = bootThen(imp.net, p);'] : []),
    ...(o.stats ? ['global.espimpstats = createReporter(imp.net, p);'] : []),
    '',
  ].join('\n');
}
