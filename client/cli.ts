#!/usr/bin/env node
/**
 * The `scf-release` command line. Each command lives in its own module under `commands/` and
 * registers itself here, so the entry point stays a table of contents.
 */
import { Command } from 'commander';
import { version } from '../package.json';
import { registerCommands } from './commands';
import { failWith } from './commands/shared';

async function main(): Promise<void> {
  const program = new Command('scf-release')
    .description('Durable multi-region releases for Tencent Cloud SCF, on Temporal')
    .version(version, '-V, --version', 'print the scf-release version')
    .showHelpAfterError()
    // Throw instead of exiting, so a bad flag ends with our exit code for bad input (64).
    .exitOverride();
  registerCommands(program);
  await program.parseAsync(process.argv);
}

// A command that throws (a CliError with its exit code, a ManifestError, Temporal unreachable...) ends
// here: the same message and exit code mapping as commands that use runCommand.
main().catch((err: unknown) => {
  process.exitCode = failWith(err);
});
