// espimp sim: run apps as devices of the simulated LAN on a virtual clock and print a
// timeline and per-device counters. The engine is host/sim.ts; docs/sim.md explains it.
// --trace adds a line per datagram on the wire; each app is checked for Espruino compatibility first (warnings).
import { Command, InvalidArgumentError } from 'commander';
import { runSim, parseDevice, parseProbability, countersTable, clockText, DeviceSpec } from '../sim';
import { VIRTUAL_LAN } from '../../hal/loopback';
import { UserError } from '../../build/user-error';
import { colorWanted } from '../trace';
import { compatWarnings } from '../compat';

/** A commander argParser from a parser that throws UserError. */
function checked<T>(parse: (text: string) => T) {
  return (text: string) => {
    try { return parse(text); } catch (e: any) {
      if (e instanceof UserError) throw new InvalidArgumentError(e.message);
      throw e;
    }
  };
}

const HELP = `
Devices:
  Each <app> is FILE[@HOST][,NAME=VALUE]...
    FILE        the app (.js or .ts)
    @HOST       its address ${VIRTUAL_LAN}.HOST (1-254); without it devices take
                the lowest free host number from 1, in the order given
    NAME=VALUE  a global the app sees, e.g. SENSOR_ID=n2 (a decimal number
                becomes a number, true/false a boolean, the rest a string)
  Every device has eth0 and wl0 (already configured for the simulated Wi-Fi),
  a 4 KiB receive ring and impOS's rate limit (100 packets, 25/s).

Capture (--pcap FILE): every datagram put on the wire, as sent (before --loss, --dup
and --reorder act on its deliveries), as Ethernet/IPv4/UDP frames with the virtual
addresses; times are virtual, from 0 (tcpdump -tt: seconds since the start).
Read it with tcpdump -r FILE -n, or open it in Wireshark.

Trace (--trace): one line per datagram on the wire, in the timeline: virtual time,
from -> to, length, the first bytes (text in quotes, else hex), and marks: "lost -> HOST"
for a delivery --loss dropped, "no one listening" when no device holds the port,
"refused: outside the virtual LAN" for a send the LAN did not take. Colour on a terminal
unless NO_COLOR is set.

Example:
  espimp sim examples/sensor-hub/hub.js,HUB_POLL_SECONDS=60 \\
    examples/sensor-hub/node.js,SENSOR_ID=n2 examples/sensor-hub/node.js,SENSOR_ID=n3 \\
    --duration 86400 --loss 0.05 --quiet
`;

export function register(program: Command) {
  program.command('sim')
    .description('run apps as devices of the simulated LAN on a virtual clock; print a timeline and counters')
    .argument('<app...>', 'apps, each FILE[@HOST][,NAME=VALUE]... (see below)')
    .option('--duration <seconds>', 'virtual seconds to run (86400 = a day)', checked((t) => {
      const s = Number(t);
      if (!/\S/.test(t) || !(s > 0 && s <= 365 * 86400)) throw new UserError("must be a number of seconds > 0, at most a year");
      return s;
    }), 600)
    .option('--loss <p>', 'probability a delivery is lost (0-1)', checked((t) => parseProbability(t)), 0)
    .option('--dup <p>', 'probability a delivery is duplicated (0-1)', checked((t) => parseProbability(t)), 0)
    .option('--reorder <p>', 'probability a delivery is held back up to 50 ms (0-1)', checked((t) => parseProbability(t)), 0)
    .option('--seed <n>', 'seed for the faults: the same seed repeats a run exactly', checked((t) => {
      if (!/^\d+$/.test(t) || Number(t) > 0xffffffff) throw new UserError("must be an integer 0-4294967295");
      return Number(t);
    }), 1)
    .option('--quiet', 'print only the counters, not the timeline')
    .option('--pcap <file>', 'write every datagram on the wire to a pcap file (tcpdump -r, Wireshark), virtual time')
    .option('--trace', 'print one line per datagram on the wire (and per send the LAN refused), even with --quiet')
    .addHelpText('after', HELP)
    .action((apps: string[], opts) => {
      const devices: DeviceSpec[] = apps.map(parseDevice);
      // what would fail on a board, once per app file, before it runs here
      for (const f of new Set(devices.map((d) => d.file))) for (const w of compatWarnings(f)) process.stderr.write(w + '\n');
      const out = (line: string) => process.stdout.write(line + '\n');
      const r = runSim({
        devices, duration: opts.duration, loss: opts.loss, dup: opts.dup, reorder: opts.reorder, seed: opts.seed,
        print: opts.quiet ? undefined : out, pcap: opts.pcap, trace: opts.trace ? out : undefined, color: colorWanted(),
      });
      out(`-- after ${clockText(r.ms)} virtual: ${r.wire} datagrams on the wire` +
        ` (loss ${opts.loss}, dup ${opts.dup}, reorder ${opts.reorder}, seed ${opts.seed})`);
      for (const line of countersTable(r)) out(line);
      if (opts.pcap) out(`-- capture: ${r.captured} datagrams in ${opts.pcap}`);
    });
}
