// Uploading a bundle to a board with the `espruino` npm package (EspruinoTools, what
// espruino-cli runs): connect (a serial path serialport lists, or tcp://host[:port]), let it
// ask the board for process.env, reset it and type the code into the REPL, or with `save`
// write it to Storage as .bootcde (chunks of require("Storage").write) and load() it, so the
// app starts at every boot. The package works through globals (Espruino, $, ...) and prints
// freely: it is loaded once per process, its console output is captured (see `log`), and
// everything that would reach the Internet is switched off (board JSON, module downloads,
// the online compiler): the code is sent exactly as built.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../build/user-error';
import { parsePort } from './console/link';
import { CONFIG_KEY } from '../firmware/net';

export interface FlashOptions {
  /** A serial port path (as `serialport` lists it) or tcp://host[:port] (port 23 by default). */
  port: string;
  /** The code to upload, e.g. a bundle from `espimp build`. */
  code: string;
  /** Write to Storage as .bootcde and load() it (starts at boot), instead of sending it to RAM. */
  save?: boolean;
  /** process.env.BOARD values the code is built for; another board fails unless `force`. */
  expect?: string[];
  force?: boolean;
  /** Serial baud rate (default 115200; no effect on USB or TCP). */
  baud?: number;
  /** How long to wait for the connection, ms (default 10000). */
  timeout?: number;
  /** Wi-Fi credentials to persist on the board (Storage "espimp.net"), sent before the code. */
  wifi?: { ssid: string; key?: string };
  /** Upload progress, in bytes of what is typed into the REPL. */
  onProgress?: (sent: number, total: number) => void;
  /** Every line the package printed (for --verbose). */
  log?: (line: string) => void;
}

export interface FlashResult {
  /** process.env.BOARD and VERSION of the board. */
  board: string;
  version: string;
  /** Bytes typed into the REPL. */
  sent: number;
  /** What the board printed after the upload started (prompt echoes removed). */
  output: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let loaded: Promise<any> | null = null;

/** Send console output to `sink` until the returned function is called (the package prints from its callbacks too). */
function capture(sink: (line: string) => void): () => void {
  const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info };
  const put = (...a: unknown[]) => sink(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' '));
  console.log = console.warn = console.error = console.info = put;
  return () => { Object.assign(console, saved); };
}

/** The Espruino global of the package, initialised once. */
function espruino(): Promise<any> {
  if (!loaded) {
    loaded = new Promise((resolve) => {
      createRequire(import.meta.url)('espruino').init(() => resolve((globalThis as any).Espruino));
    });
  }
  return loaded;
}

/** Check a port before anything else (the package retries an unknown path for seconds): a UserError if it cannot be one. */
export async function checkPort(port: string) {
  if (port.startsWith('tcp://')) {
    // the console's parser: a host (or [IPv6]) and a port 1-65535 (23 when left out)
    try { parsePort(port, 0); } catch { throw new UserError(`bad port ${port}: use tcp://host or tcp://host:port (port 1-65535)`, 'ERR_BAD_PORT'); }
    return;
  }
  const { SerialPort } = await import('serialport');
  const paths = (await SerialPort.list().catch(() => [])).map((p) => p.path);
  if (!existsSync(port)) {
    throw new UserError(`serial port ${port} not found (serial ports here: ${paths.join(', ') || 'none'}; or use tcp://host:port)`, 'ERR_NO_PORT');
  }
  if (!paths.includes(port)) {
    throw new UserError(`${port} is not a serial port that serialport lists (espruino-cli opens only those: ${paths.join(', ') || 'none'}); or use tcp://host:port`, 'ERR_NO_PORT');
  }
}

/** Upload `o.code` to a port checkPort() accepted; resolves when the board has taken it, rejects with a UserError on any failure. */
export async function flash(o: FlashOptions): Promise<FlashResult> {
  const lines: string[] = [];
  const restore = capture((l: string) => { lines.push(l); if (o.log) o.log(l); });
  try {
    return await upload(o, lines);
  } finally {
    // what the package still prints after closing goes to the same place for a moment
    setTimeout(restore, 600).unref();
  }
}

/** flash() with the package's output already captured into `lines`. */
async function upload(o: FlashOptions, lines: string[]): Promise<FlashResult> {
  const sink = (l: string) => { lines.push(l); };
  const E = await espruino();
  const C = E.Config;
  Object.assign(C, {
    BAUD_RATE: o.baud || 115200, RESET_BEFORE_SEND: true, STORE_LINE_NUMBERS: false, SET_TIME_ON_WRITE: false,
    SAVE_ON_SEND: o.save ? 1 : 0, LOAD_STORAGE_FILE: 1, MINIFICATION_LEVEL: '', PRETOKENISE: 0, COMPILATION: false,
    MODULE_URL: '', BOARD_JSON_URL: join(ROOT, 'build', 'no-board-json'), ENV_ON_CONNECT: true,
    BLUETOOTH_LOW_ENERGY: false, BLUETOOTH_LOW_ENERGY_DBUS: false, WEB_BLUETOOTH: false, WEB_SERIAL: false,
    SERIAL_TCPIP: o.port.startsWith('tcp://') ? [o.port] : [],
  });
  let failure: string | null = null;
  let total = 0, sent = 0, uploading = false;
  const notify = (level: string) => (m: unknown) => {
    sink(`${level}: ${m}`);
    if (level === 'error' && !failure) failure = String(m);
  };
  E.Core.Notifications = { success: notify('success'), error: notify('error'), warning: notify('warning'), info: notify('info') };
  E.Core.Status = {
    setStatus: (_text: string, max?: number) => { if (max) { total = max; sent = 0; } },
    hasProgress: () => total > 0,
    incrementProgress: (n: number) => { sent = Math.min(total, sent + n); if (uploading && o.onProgress) o.onProgress(sent, total); },
  };
  let output = '';
  let lastData = Date.now();
  const S = E.Core.Serial;
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const timeout = o.timeout ?? 10000;
  try {
    // connect: the "connected" processors ask the board for process.env before this resolves
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new UserError(`no connection to ${o.port} within ${timeout / 1000} s${refused(lines)}`, 'ERR_NO_CONNECTION')), timeout);
      S.startListening((buf: ArrayBuffer) => { output += Buffer.from(buf).toString('latin1'); lastData = Date.now(); });
      const watch = setInterval(() => {
        const why = refused(lines);
        if (why) { clearInterval(watch); clearTimeout(timer); reject(new UserError(`cannot connect to ${o.port}${why}`, 'ERR_NO_CONNECTION')); }
      }, 50);
      S.open(o.port, (status: unknown) => {
        clearTimeout(timer);
        clearInterval(watch);
        if (status === undefined) reject(new UserError(`cannot open ${o.port}${refused(lines)}`, 'ERR_NO_CONNECTION'));
        else resolve();
      }, () => {});
    });
    const env = E.Core.Env.getData();
    if (!env.BOARD) throw new UserError(`no answer from the board on ${o.port} (it did not reply to process.env in time)`, 'ERR_NO_ANSWER');
    if (o.expect && o.expect.length && !o.expect.includes(env.BOARD) && !o.force) {
      throw new UserError(`the board on ${o.port} is a ${env.BOARD}, but the code is built for ${o.expect.join(' / ')} (--force uploads anyway)`, 'ERR_WRONG_BOARD');
    }
    failure = null;
    let code: string = await new Promise((r) => E.callProcessor('transformForEspruino', o.code, r));
    if (o.wifi) code = E.Core.Utils.getUploadFileCode(CONFIG_KEY, JSON.stringify({ wificonfig: o.wifi })) + '\n' + code;
    output = '';
    uploading = true;
    await new Promise<void>((resolve) => E.Core.CodeWriter.writeToEspruino(code, resolve));
    if (o.onProgress && total) o.onProgress(total, total);
    // let the board finish what it prints (load() restarts it with the saved code)
    const quietSince = Date.now();
    while (Date.now() - lastData < 500 && Date.now() - quietSince < 3000) await wait(100);
    if (failure) throw new UserError(`upload to ${o.port} failed: ${failure}`, 'ERR_UPLOAD');
    return { board: env.BOARD, version: env.VERSION || '?', sent: total, output: output.replace(/\r/g, '') };
  } finally {
    if (S.isConnected()) S.close();
    S.startListening(undefined);
  }
}

/** Why a connection attempt failed, from what the package printed ("" if nothing says). */
function refused(lines: string[]): string {
  for (const l of lines) {
    const m = /RECEIVE ERROR:.*"code":"(\w+)"/.exec(l);
    if (m) return `: ${m[1] === 'ECONNREFUSED' ? 'connection refused' : m[1]}`;
  }
  return '';
}
