/**
 * `scf-release rollback --function <fn>`: bring back the code of an earlier successful release (by
 * default the one before the current code) through the same safe path as a release (update, publish,
 * verify, replicate, stepped alias, compensation), filed under ReleaseKind = rollback.
 */
import type { Command } from 'commander';
import { findRollbackTarget, rollbackInput } from '../api';
import { newReleaseId, defaultStartedBy } from '../release-id';
import { startAndFollow, type RunOptions } from './release';
import { runCommand, withTemporal } from './shared';

interface RollbackOptions extends RunOptions {
  function: string;
  namespace: string;
  to?: string;
  by?: string;
  allAtOnce?: boolean;
}

export function registerRollbackCommand(program: Command): void {
  program
    .command('rollback')
    .description('release the code of an earlier successful release again (default: the one before the current code)')
    .requiredOption('--function <name>', 'the function to roll back')
    .option('--namespace <ns>', 'its SCF namespace', 'default')
    .option('--to <id>', 'the release to go back to (workflow id or short release id); default: the last good one with other code')
    .option('--all-at-once', 'move the alias in one step instead of the earlier release\'s traffic steps')
    .option('--by <who>', 'who rolls back (default: $SCF_RELEASE_USER or user@host)')
    .option('--task-queue <queue>', 'Temporal task queue of the scf-release worker')
    .option('--plan', 'print what the rollback would do in each region; change nothing')
    .option('--detach', 'print the id and return once it started')
    .option('--json', 'machine-readable result on stdout; progress goes to stderr')
    .addHelpText('after', '\nExit codes: as for `release` (0 Succeeded or NoOp, 2 RolledBack, 3 RollbackFailed, 4 Aborted, 5 busy, 64 bad input).')
    .action((options: RollbackOptions) =>
      runCommand(() =>
        withTemporal(async (target) => {
          const found = await findRollbackTarget(target.client, { functionName: options.function, namespace: options.namespace, to: options.to });
          const input = rollbackInput(found, { releaseId: newReleaseId(), startedBy: options.by ?? defaultStartedBy(), allAtOnce: options.allAtOnce });
          (options.json ? process.stderr : process.stdout).write(
            `Rolling ${input.namespace}/${input.functionName} back to ${found.workflowId} (sha256 ${input.pkg.sha256.slice(0, 12)})\n`,
          );
          return startAndFollow(target, input, options);
        }),
      ),
    );
}
