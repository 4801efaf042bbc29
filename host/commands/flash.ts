// espimp flash --board <name> --port <path|tcp://host:port> [build flags] <app> [--save]:
// build the bundle (as `espimp build`), then upload it with the espruino package (host/flash.ts),
// showing a progress bar on stderr; --save stores it in Storage (.bootcde) so it starts at boot.
// --watch uploads again on every change to the app (host/watch.ts).
import type { Command } from 'commander';
import { needsStorage } from '../../build/size';
import { buildOptions, buildAndReport } from './build';
import { UserError } from '../../build/user-error';

/** A progress reporter on stderr: a redrawn bar on a terminal, a line per quarter otherwise. */
export function progressBar(out: NodeJS.WriteStream = process.stderr) {
  let shown = -1;
  return (sent: number, total: number) => {
    const pct = total ? Math.floor((sent * 100) / total) : 100;
    if (out.isTTY) {
      const w = 30, full = Math.round((pct * w) / 100);
      out.write(`\r  [${'#'.repeat(full)}${'-'.repeat(w - full)}] ${String(pct).padStart(3)}% ${sent}/${total} bytes${pct >= 100 ? '\n' : ''}`);
      return;
    }
    const step = Math.floor(pct / 25) * 25;
    if (step > shown) {
      shown = step;
      out.write(`  upload ${String(step).padStart(3)}% (${Math.min(sent, total)}/${total} bytes)\n`);
    }
  };
}

export function register(program: Command) {
  buildOptions(program.command('flash'))
    .description('build an app for a board and upload it over serial or tcp:// (espruino-cli\'s way)')
    .argument('<app>', 'the app, a .js or .ts file')
    .requiredOption('--port <port>', 'serial port path, or tcp://host[:port] (port 23 by default)')
    .option('--save', 'store it in Storage (.bootcde) so it starts at every boot')
    .option('--wifi <ssid>', 'also store these Wi-Fi credentials on the board (for wl0)')
    .option('--wifi-key <key>', 'the Wi-Fi password, with --wifi')
    .option('--baud <rate>', 'serial baud rate (default: the board file\'s, e.g. 115200 on ESP32/ESP8266, 9600 on the STM32 boards)')
    .option('--timeout <seconds>', 'how long to wait for the connection', '10')
    .option('--force', 'upload even if the board says it is another kind of board')
    .option('--verbose', 'show what the espruino package prints')
    .option('--watch', 'build and upload again whenever the app changes (as espruino-cli -w); Ctrl-C ends')
    .action(async (app: string, opts: any) => {
      if (opts.watch) return uploadOnChange(app, opts);
      await flashApp(app, opts);
    });
}

/**
 * --watch: flash now, then again after every change to the app (or a file it imports); a failed
 * build or upload is one line and waits for the next change. Ends on SIGINT/SIGTERM.
 */
async function uploadOnChange(app: string, opts: any) {
  const { watchUntilStopped, say } = await import('../watch');
  let busy = false, again = false, ended = false;
  const once = async () => {
    busy = true;
    try {
      await flashApp(app, opts);
    } catch (e: any) {
      process.stderr.write(`espimp: ${String(e && e.message || e).split('\n')[0]}\n`);
    }
    busy = false;
    if (ended) return;
    if (again) { again = false; return void once(); }
    say(`waiting for a change to ${app}`);
  };
  const watching = watchUntilStopped([app], (file) => {
    say(`${file} changed: uploading again`);
    if (busy) again = true; else void once();
  }, (end) => {
    ended = true;
    end();
  });
  void once();
  await watching;
}

/** Build `app` and upload it as the options say (one `espimp flash`). */
async function flashApp(app: string, opts: any) {
      const baud = opts.baud === undefined ? undefined : Number(opts.baud), timeout = Number(opts.timeout);
      if (baud !== undefined && (!Number.isInteger(baud) || baud <= 0)) throw new UserError(`--baud ${opts.baud} is not a baud rate`, 'ERR_BAD_OPTION');
      if (!(timeout > 0)) throw new UserError(`--timeout ${opts.timeout} is not a number of seconds`, 'ERR_BAD_OPTION');
      if (opts.wifiKey !== undefined && !opts.wifi) throw new UserError('--wifi-key needs --wifi <ssid>', 'ERR_BAD_OPTION');
      const { flash, checkPort } = await import('../flash');
      await checkPort(opts.port);
      // flash says itself what a bundle too big for RAM needs (ERR_TOO_BIG below)
      const r = await buildAndReport(app, opts, false);
      if (!opts.save && needsStorage(r.estimate)) {
        throw new UserError(`too big to send to ${r.board.name}'s RAM (about ${r.estimate.ram} blocks of ${r.estimate.blocks}): use --save`, 'ERR_TOO_BIG');
      }
      process.stderr.write(`uploading to ${opts.port}${opts.save ? ' (saving to Storage as .bootcde)' : ''}\n`);
      const res = await flash({
        port: opts.port, code: r.code, save: !!opts.save, expect: r.board.espruinoBoard, force: !!opts.force, baud: baud ?? r.board.baud,
        timeout: timeout * 1000, wifi: opts.wifi ? { ssid: opts.wifi, key: opts.wifiKey } : undefined,
        onProgress: progressBar(), log: opts.verbose ? (l) => process.stderr.write(`  espruino: ${l}\n`) : undefined,
      });
      const said = res.output.split('\n').map((l) => l.replace(/^>+/, '').trim()).filter((l) => l && l !== '=undefined');
      for (const l of said) process.stdout.write(`${l}\n`);
      process.stderr.write(`uploaded ${r.code.length} bytes to ${res.board} ${res.version} on ${opts.port}` +
        `${opts.save ? '; saved as .bootcde, starts at boot' : ' (RAM: lost at reset; --save keeps it)'}\n`);
}
