#!/usr/bin/env node
/**
 * The `scf-release` command line. Each command lives in its own module under `commands/` and
 * registers itself here, so the entry point stays a table of contents.
 */
import { Command } from 'commander';
import { registerCommands } from './commands';

async function main(): Promise<void> {
  const program = new Command('scf-release')
    .description('Durable multi-region releases for Tencent Cloud SCF, on Temporal')
    .showHelpAfterError();
  registerCommands(program);
  await program.parseAsync(process.argv);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`scf-release: ${message}\n`);
  process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
});
