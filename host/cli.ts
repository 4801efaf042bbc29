// The espimp command line: every host/commands/*.ts registers one subcommand (listed in COMMANDS).
// Exit codes: 0 success, 1 failure, 2 usage error. User and usage errors print one line, no stack.
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { UserError } from '../build/user-error';
import * as boards from './commands/boards';
import * as build from './commands/build';
import * as check from './commands/check';
import * as consoleCmd from './commands/console';
import * as demo from './commands/demo';
import * as flash from './commands/flash';
import * as init from './commands/init';
import * as run from './commands/run';
import * as sim from './commands/sim';

export interface CommandModule {
  /** Add the subcommand to `program`; its action may throw UserError. */
  register(program: Command): void;
}

/** The subcommands, in the order `espimp --help` lists them: one module per host/commands/*.ts. */
export const COMMANDS: Record<string, CommandModule> = { boards, build, check, console: consoleCmd, demo, flash, init, run, sim };

/** The version in package.json. */
export function version(): string {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

/** Commander's error for `cmd` as one line: `espimp: <what> (espimp <cmd> --help for usage)`. */
function usageLine(cmd: Command, text: string): string {
  const what = text.trim().replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return `espimp: ${what} (${names.join(' ')} --help for usage)\n`;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('espimp')
    .description('The impOS local-networking (UDP) API on Espruino boards and the PC')
    .version(version(), '-V, --version', 'print the version and exit');
  for (const mod of Object.values(COMMANDS)) mod.register(program);
  for (const c of [program, ...program.commands]) {
    c.exitOverride().configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(usageLine(c, s)),
    });
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e: any) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return 0;
      return 2;
    }
    if (e instanceof UserError || (e && typeof e.code === 'string' && e.code.startsWith('ERR_'))) {
      process.stderr.write(`espimp: ${e.message}\n`);
      return e.exitCode ?? 1;
    }
    process.stderr.write(`espimp: internal error: ${e && e.stack || e}\n`);
    return 1;
  }
}
