// espimp console: the board's serial (or TCP) console, kept open all day: live output with
// timestamps, server.error lines highlighted, keystrokes to the REPL, reconnection, a
// transcript, and the PC as the imp's agent. The session is host/console/session.ts;
// docs/console.md describes it and the agent link's frame format.
import type { Command } from 'commander';
import { ConsoleSession } from '../console/session';
import { parsePort } from '../console/link';
import { colorWanted } from '../trace';

/** Milliseconds between attempts to reopen a board that went away. */
const RETRY_MS = 250;

export function register(program: Command) {
  program.command('console')
    .description("open a board's console (serial port or tcp://host[:port]): live log, REPL, agent link")
    .requiredOption('--port <path|tcp://host[:port]>', 'serial device (e.g. /dev/ttyACM0) or tcp://host[:port] (Espruino telnet, port 23 by default)')
    .option('--baud <rate>', 'serial baud rate', '115200')
    .option('--log <file>', 'append a plain-text transcript to this file')
    .option('--agent <module>', "play the imp's agent: a module whose default export is function(device)")
    .option('--stats', 'show the board\'s live status once a second (a bundle built with --stats): counters, rate limit, rings, free memory')
    .option('--color', 'highlight ERROR lines even when stdout is not a terminal')
    .option('--no-color', 'never use colour')
    .action(async (opts) => {
      const port = parsePort(opts.port, opts.baud);
      const color: boolean = opts.color ?? colorWanted();
      const session = new ConsoleSession({
        port, log: opts.log, agent: opts.agent, color, stats: !!opts.stats, retryMs: RETRY_MS,
        stdin: process.stdin, stdout: process.stdout, stderr: process.stderr,
      });
      await session.start();
      const stop = () => session.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.once('SIGHUP', stop);
      await session.done;
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      process.removeListener('SIGHUP', stop);
    });
}
