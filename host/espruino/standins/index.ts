// Stand-ins that let every board's bundle run on the real Espruino interpreter (Linux port,
// host/espruino/interpreter.ts), which has the host's real `dgram` but no `Wifi` or `WIZnet`:
//
//   const dev = await startDevice({ boot: standinsFor('esp8266', { ip: '192.168.77.5' }), app: bundle,
//     files: netFile({ ssid: 'espimp', key: 'secret' }) });
//   await dev.call('STANDIN.radio(false)');          // test hooks: radio(on), cable(on), dhcp(on); onfault('dhcp')
//   await dev.call('STANDIN.real')                   // every address handed to the real dgram
//
// The scripts are Espruino JavaScript (the *.js files beside this one), loaded from `.boot0`, so
// they run again at every load(): first a `var STANDIN={...}` config line, then the dgram
// stand-in (a wrapper around the real dgram that maps the virtual LAN 192.168.77.0/24 onto
// 127.77.0.0/24 and refuses every other destination), then the board's network module:
//  - esp32, esp8266, espruino-wifi: wifi.js (that board's Wifi flavour);
//  - pico-w5500, original-wiznet: wiznet.js (WIZnet with a W5500 on SPI, pin globals);
//  - linux: the dgram stand-in only, in recording mode (map false): its bundle maps addresses
//    itself, the stand-in passes 127.0.0.0/8 unchanged, refuses the rest and records both.
// Modules.addCached takes module SOURCE TEXT on 2v29 (a function is turned into its text and
// run as a block: measured), so each stand-in registers `module.exports=STANDIN_X;` for an
// object it puts in a global.
import { readFileSync } from 'node:fs';

const DIR = new URL('./', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, DIR), 'utf8');

/** Which network module each board's bundle requires. */
const KIND: { [board: string]: 'wifi' | 'wiznet' | 'linux' } = {
  esp32: 'wifi', esp8266: 'wifi', 'espruino-wifi': 'wifi',
  'pico-w5500': 'wiznet', 'original-wiznet': 'wiznet',
  linux: 'linux',
};

/** Payload limit of the ESP8266's native UDP stack (bytes). */
export const ESP8266_MAX_UDP = 268;

export interface StandinOptions {
  /** The device's virtual address (default 192.168.77.2): what DHCP gives it. */
  ip?: string;
  netmask?: string;
  /** Gateway (and DNS) of the virtual LAN (default 192.168.77.1). */
  gw?: string;
  /** The access point's SSID and key (Wi-Fi boards; default 'espimp' / 'secret'). */
  ssid?: string;
  key?: string;
  /** The AP in range at start (Wi-Fi boards; default true). */
  radio?: boolean;
  /** The cable in at start (WIZnet boards; default true). */
  cable?: boolean;
  /** Make the Wi-Fi stand-in's DHCP-failure hook, STANDIN.dhcp(on) (default false: it costs blocks; WIZnet's is always there). */
  faults?: boolean;
  /** ms of one association and of DHCP (Wi-Fi; default 50 each); ms the Espruino WiFi's module boots (default 300). */
  joinMs?: number;
  dhcpMs?: number;
  bootMs?: number;
}

/** The boards there are stand-ins for. */
export const STANDIN_BOARDS = Object.keys(KIND);

/** The `.boot0` scripts (for startDevice's `boot`) that stand in for board `board`'s network modules. */
export function standinsFor(board: string, o: StandinOptions = {}): string[] {
  const kind = KIND[board];
  if (!kind) throw new Error(`no stand-ins for board ${board} (known: ${STANDIN_BOARDS.join(', ')})`);
  const cfg = {
    board, flavor: kind === 'wifi' ? board : kind, map: kind !== 'linux',
    ip: o.ip ?? '192.168.77.2', netmask: o.netmask ?? '255.255.255.0', gw: o.gw ?? '192.168.77.1',
    ssid: o.ssid ?? 'espimp', key: o.key ?? 'secret', radioOn: o.radio ?? true, cableIn: o.cable ?? true,
    joinMs: o.joinMs ?? 50, dhcpMs: o.dhcpMs ?? 50, bootMs: o.bootMs ?? 300,
    maxUdp: board === 'esp8266' ? ESP8266_MAX_UDP : 0,
    ...(o.faults ? { faults: true } : {}),
  };
  const scripts = [`var STANDIN=${JSON.stringify(cfg)};`, read('dgram.js')];
  if (kind === 'wifi') scripts.push(read('wifi.js'));
  if (kind === 'wiznet') scripts.push(read('wiznet.js'));
  return scripts;
}

/** Storage files holding the saved network config the bundles read ("espimp.net"): the Wi-Fi credentials. */
export function netFile(o: { ssid?: string; key?: string } = {}): { [name: string]: string } {
  return { 'espimp.net': JSON.stringify({ wificonfig: { ssid: o.ssid ?? 'espimp', key: o.key ?? 'secret' } }) };
}
