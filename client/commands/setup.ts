/**
 * `scf-release setup`: prepares a real Temporal cluster for scf-release by registering the custom
 * search attributes (the dev stack and the tests do this at start). Safe to run any number of times.
 */
import type { Command } from 'commander';
import { ensureSearchAttributes } from '../audit/search-attributes';
import { withTemporal } from './shared';

export function registerSetupCommand(program: Command): void {
  program
    .command('setup')
    .description('register scf-release\'s search attributes in the Temporal namespace (idempotent)')
    .option('--json', 'print the outcome as JSON')
    .action(async (flags: { json?: boolean }) => {
      await withTemporal(async ({ client, namespace }) => {
        const outcome = await ensureSearchAttributes(client.connection, namespace);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ namespace, ...outcome }, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          `Namespace ${namespace}: ` +
            (outcome.added.length > 0 ? `added ${outcome.added.join(', ')}` : 'nothing to add') +
            (outcome.alreadyPresent.length > 0 ? `; already present: ${outcome.alreadyPresent.join(', ')}` : '') +
            '\n',
        );
      });
    });
}
