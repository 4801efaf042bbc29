// The espimp command line: every host/commands/*.ts registers one subcommand.
// Exit codes: 0 success, 1 failure, 2 usage error. User errors print one line, no stack.
import { Command, CommanderError } from 'commander';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UserError } from './cli-error';

export interface CommandModule {
  /** Add the subcommand to `program`; its action may throw UserError. */
  register(program: Command): void;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('espimp')
    .description('The impOS local-networking (UDP) API on Espruino boards and the PC')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const dir = fileURLToPath(new URL('./commands/', import.meta.url));
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts')).sort()) {
    const mod: CommandModule = await import(new URL(`./commands/${f}`, import.meta.url).href);
    mod.register(program);
  }
  for (const c of program.commands) c.exitOverride().showHelpAfterError('(run with --help for usage)');
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
