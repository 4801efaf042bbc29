// espimp run: one app on this PC as an imp, through the node driver with real UDP sockets,
// on the loopback LAN (default; 192.168.77.N <-> 127.77.0.N) or the PC's real network.
// server.log lines go to stdout and server.error lines to stderr, each with a timestamp.
// Ends after --duration seconds or on SIGINT/SIGTERM (sockets closed, exit 0); a port that
// another process holds, or any user error, is one line on stderr and exit 1 (bad options: 2).
// --pcap FILE writes what the device sends and receives to a pcap file (host/pcap.ts).
// --trace prints a line per datagram from the same driver tap (host/trace.ts); --watch restarts
// the app in a child process on a change (host/watch.ts). Errors name the app's file:line:col.
// --stats shows the device's live status once a second (firmware/reporter.ts through the agent
// link's frames, as on a board): a bottom bar on a terminal, else a `stats: ` line on stdout.
import { bootNet, BOOT_LIMIT_MS } from '../boot';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Platform } from '../../hal/contract';
import { createNodeDriver } from '../../hal/node/driver';
import { createHostPlatform } from '../../hal/node/platform';
import { HOST_BOARD } from '../../hal/node/board';
import { isVirtualHost, VIRTUAL_LAN } from '../../hal/loopback';
import { createRuntime } from '../../firmware/runtime';
import { setMessages } from '../../firmware/errors';
import { MESSAGES } from '../messages';
import { appCode, guarded, startApp, tracked } from '../app';
import { compatWarnings } from '../compat';
import { UserError } from '../../build/user-error';
import { LiveCapture, type DriverTap } from '../pcap';
import { colorWanted, traceLine } from '../trace';
import { typecheckOrFail } from '../typecheck';
import { CONFIG_KEY, savedConfig } from '../../firmware/net';
import { join, basename, extname } from 'node:path';
import type { Runtime } from '../../firmware/runtime';

/**
 * One line on stderr the first time the app opens wl0 with no Wi-Fi network to join (it would
 * go to WIFI_STOPPED_UNHAPPY, 106, with nothing said): how to give one.
 */
function noticeMissingWifi(rt: Runtime, p: Platform) {
  const net = rt.imp.net, open = net.open;
  let told = false;
  net.open = function (nic: any, onstate?: any) {
    const wl0 = nic && (nic.interface === 'wl0' || nic.interface === 'wifi');
    if (wl0 && !told && !(nic.wificonfig && nic.wificonfig.ssid) && !(savedConfig(p).wificonfig || {}).ssid) {
      told = true;
      process.stderr.write('notice: wl0 has no Wi-Fi network to join (state 106): give one with espimp run --wifi SSID[:KEY] (the loopback LAN joins any)\n');
    }
    return open.call(this, nic, onstate);
  };
}

const HELP = `
The app sees the impOS globals (imp, server, agent, blob). The board is "host": eth0 and
wl0 are both this PC. With --lan loopback (the default) the device is --ip on the virtual
LAN ${VIRTUAL_LAN}.0/24, which lives on 127.77.0.0/24 of this machine: host N is 127.77.0.N,
broadcasts go to 127.255.255.255, and a destination outside the virtual LAN is refused
(send returns 1; the first such send of a socket prints "ERROR: 192.168.0.1 is outside
the virtual LAN 192.168.77.0/24: not sent"). Any program can talk to the device: bind to 127.77.0.9 and send to
127.77.0.2, and the app sees ${VIRTUAL_LAN}.9. With --lan real the device is this PC's
first non-loopback IPv4 interface; datagrams go out with TTL 1 (they stay on the subnet).

With --pcap FILE, every datagram the device sends (as handed to the kernel) and receives
is written to FILE as a classic pcap capture, Ethernet/IPv4/UDP with the addresses the app
sees, on the real clock: tcpdump -r FILE -n.

With --trace, every datagram the device sends or receives is one line on stdout: time,
from -> to (the addresses the app sees), length, the first bytes (text in quotes, else
hex); a send not handed to the network (outside the virtual LAN) is marked "refused".
Colour on a terminal unless NO_COLOR is set.

With --watch, the app runs in a child espimp run that is stopped and started again when
the app, the --agent module, or a file either imports by relative path changes (one line
"watch: FILE changed: restarting" on stderr); an app that ends or fails waits for the
next change. Ctrl-C ends both.

A .ts app is type-checked first against the declarations of the globals it sees
(types/espimp.d.ts; the options of the tsconfig.json nearest the app, else strict): each
error is one file:line:col line on stderr and the app does not run (exit 1) unless
--no-typecheck.

Example:
  espimp run examples/echo/echo.js --ip ${VIRTUAL_LAN}.2 --duration 60
`;

/** The firmware binds unbound sockets to ports from here up (spec section 4). */
const EPHEMERAL = 49152;

/** --ip: a host of the virtual LAN. */
function parseIp(text: string): string {
  if (!isVirtualHost(text)) throw new InvalidArgumentError(`must be a host address ${VIRTUAL_LAN}.1-254.`);
  return text;
}

/** --duration: seconds > 0. */
function parseDuration(text: string): number {
  const s = Number(text);
  if (!/\S/.test(text) || !(s > 0 && s <= 2147483)) throw new InvalidArgumentError('must be a number of seconds > 0 (at most 2147483).');
  return s;
}

export interface RunOptions {
  lan: 'loopback' | 'real';
  ip?: string;
  duration?: number;
  agent?: string;
  state?: string;
  /** SSID[:KEY] of the network wl0 joins (persisted). */
  wifi?: string;
  /** Write every datagram the device sends and receives to this pcap file (host/pcap.ts). */
  pcap?: string;
  /** false: run a .ts app without type-checking it first. */
  typecheck?: boolean;
  /** Print one line per datagram the device sends, receives or has refused (host/trace.ts). */
  trace?: boolean;
  /** Show the device's live status once a second (docs/console.md "Live status"). */
  stats?: boolean;
}

/**
 * The --trace observer of the node driver: a line on stdout per datagram sent or received, and
 * per send refused (outside the virtual LAN), timestamped as the console lines are.
 */
function traceTap(write: (line: string) => void): DriverTap {
  const color = colorWanted();
  return (received, from, fromPort, to, toPort, data, broadcast, refused) => {
    write(traceLine(`[${new Date().toISOString()}]`, {
      from, fromPort, to, toPort, data,
      marks: refused ? ['refused: not sent'] : [], bad: refused,
    }, color));
  };
}

/**
 * Start the device's reporter (firmware/reporter.ts) with its frames going through the agent
 * link's decoder, as a board's do on the console: each report becomes the status bar (a
 * terminal) or a `stats: ` line on the device's console. Returns what takes the bar away.
 */
async function startStats(rt: Runtime, platform: Platform): Promise<() => void> {
  const [{ createReporter }, { FrameDecoder }, { STATS_MESSAGE, StatusBar, formatStats }] = await Promise.all([
    import('../../firmware/reporter'), import('../agent-link'), import('../console/status')]);
  const bar = process.stdout.isTTY ? new StatusBar(process.stdout) : null;
  const decoder = new FrameDecoder({
    text: (line) => { if (line) platform.write(line); },
    message: (name, data) => {
      const text = name === STATS_MESSAGE ? formatStats(data) : null;
      if (text === null) return;
      if (bar) bar.show(text); else platform.write(`stats: ${text}`);
    },
  });
  createReporter(rt.imp.net, { ...platform, write: (line) => decoder.push(line + '\n') })(true);
  return () => { if (bar) bar.clear(); };
}

/** Run `file` until --duration has passed or a signal comes; rejects with a UserError on failure. */
export async function runApp(file: string, opts: RunOptions): Promise<void> {
  if (opts.lan === 'real' && opts.ip) throw new UserError('--ip applies to --lan loopback only (with --lan real the PC\'s address is used)', 'ERR_USAGE', 2);
  if (file.endsWith('.ts') && opts.typecheck !== false) typecheckOrFail(file, '--no-typecheck runs it anyway');
  const src = appCode(file);
  for (const w of compatWarnings(file)) process.stderr.write(w + '\n');
  const capture = opts.pcap ? new LiveCapture(opts.pcap) : null;
  setMessages(MESSAGES);
  // the device's settings live in the project, one file per device (app) name
  const base = createHostPlatform({ stateFile: opts.state || join(process.cwd(), '.espimp', `${basename(file, extname(file))}.json`) });
  // --wifi: the network wl0 joins, persisted as an imp's BlinkUp leaves it
  if (opts.wifi) {
    const [ssid, ...key] = opts.wifi.split(':');
    base.save(CONFIG_KEY, JSON.stringify({ ...savedConfig(base), wificonfig: key.length ? { ssid, key: key.join(':') } : { ssid } }));
  }
  let stopped = false;
  // Once stopped the device is off: nothing more on its console.
  const quiet: Platform = { ...base, write: (line) => { if (!stopped) base.write(line); } };
  const timers = tracked(quiet);
  const platform = guarded(timers.platform, (line) => quiet.write('ERROR: ' + line));
  let fatal: Error | undefined;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => { finish = resolve; });
  // the capture leaves out what this device receives from itself; with --lan real the driver already does
  const pcapTap = capture ? capture.tap(opts.lan === 'real' ? '' : opts.ip ?? VIRTUAL_LAN + '.2') : undefined;
  const trace = opts.trace ? traceTap((line) => { if (!stopped) process.stdout.write(line + '\n'); }) : undefined;
  const driver = createNodeDriver({
    lan: opts.lan,
    ip: opts.ip,
    tap: pcapTap && trace ? (...a) => { pcapTap(...a); trace(...a); } : pcapTap || trace,
    onfault: (code, detail, port) => {
      // A port the app asked for cannot be had: fatal. The firmware's ephemeral tries (49152+) move on.
      if ((code === 'ERR_PORT_IN_USE' || code === 'ERR_BIND') && port < EPHEMERAL) stop(new UserError(detail, code));
      else quiet.write('ERROR: ' + detail);
    },
  });
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const onSignal = () => stop();
  let duration: NodeJS.Timeout | undefined;
  let endStats = () => {};
  // A device runs until it is stopped, even when the app has nothing pending.
  const alive = setInterval(() => {}, 1 << 30);
  function stop(err?: Error) {
    if (stopped) return;
    stopped = true;
    clearInterval(alive);
    if (duration) clearTimeout(duration);
    for (const s of signals) process.off(s, onSignal);
    fatal = err;
    driver.shutdown();
    timers.stopAll();
    endStats();
    if (capture) capture.close();
    finish();
  }
  for (const s of signals) process.on(s, onSignal);
  // a child of `run --watch` (host/watch.ts): its parent gone (even killed), it stops too
  if (process.channel) {
    process.channel.unref();
    process.once('disconnect', onSignal);
  }
  try {
    const rt = createRuntime(platform, { node: driver }, HOST_BOARD);
    noticeMissingWifi(rt, base);
    if (opts.stats) endStats = await startStats(rt, platform);
    if (opts.agent) {
      const { attachAgent } = await import('../agent-host');
      await attachAgent(rt, opts.agent, platform);
    }
    // boot like an imp: the default interface connected (or given up on) before the app's first line
    await new Promise<void>((resolve) => {
      const limit = setTimeout(() => giveUp(), BOOT_LIMIT_MS);
      const giveUp = bootNet(rt, platform, () => { clearTimeout(limit); resolve(); }, src.code);
    });
    if (!stopped) startApp(src, file, rt, platform);
  } catch (e) {
    stop(e as Error); // after a fatal fault, the fault is what is reported
  }
  if (opts.duration && !stopped) duration = setTimeout(() => stop(), Math.round(opts.duration * 1000));
  await done;
  // Sockets and timers are gone; anything else holding the event loop (say a module the
  // agent loaded) must not keep the process alive.
  setTimeout(() => process.exit(), 2000).unref();
  if (fatal) throw fatal;
  if (capture && capture.writer.failed) throw new UserError(capture.writer.failed, 'ERR_PCAP');
}

export function register(program: Command) {
  program.command('run')
    .description('run one app on this PC with real UDP sockets (loopback LAN by default)')
    .argument('<app>', 'the app, a .js or .ts file')
    .addOption(new Option('--lan <lan>', 'which network: the loopback LAN or this PC\'s real one').choices(['loopback', 'real']).default('loopback'))
    .option('--ip <address>', `the device's address on the loopback LAN (default ${VIRTUAL_LAN}.2)`, parseIp)
    .option('--duration <seconds>', 'stop after this many seconds (default: run until interrupted)', parseDuration)
    .option('--agent <module>', 'a JavaScript module that plays the imp\'s agent')
    .option('--state <file>', 'where the device persists its settings (default .espimp/APP.json in this folder)')
    .option('--wifi <ssid[:key]>', 'the Wi-Fi network wl0 joins, persisted (the loopback LAN joins any)')
    .option('--pcap <file>', 'write every datagram the device sends and receives to a pcap file (tcpdump -r, Wireshark)')
    .option('--trace', 'print one line per datagram the device sends, receives or has refused')
    .option('--watch', 'restart the app when it, the agent module or a file they import changes')
    .option('--no-typecheck', 'run a .ts app without type-checking it against the app globals\' declarations first')
    .option('--stats', 'show the device\'s live status once a second: counters, rate limit, rings (a bottom line on a terminal, else "stats: " lines)')
    .addHelpText('after', HELP)
    .action(async (app: string, opts: RunOptions & { watch?: boolean }) => {
      if (!opts.watch) return runApp(app, opts);
      // each run a fresh `espimp run` (the same arguments): agent modules load anew, ports are freed
      const { restartOnChange } = await import('../watch');
      await restartOnChange([app, ...(opts.agent ? [opts.agent] : [])], process.argv.slice(2).filter((a) => a !== '--watch'));
    });
}
