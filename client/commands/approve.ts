/** `scf-release approve <id|--function>`: opens a release's approval gate before traffic moves. */
import type { Command } from 'commander';
import { ApprovalDeadlineError, ApprovalRefusedError, approveRelease, getRelease, resolveRelease } from '../api';
import { CliError, EXIT } from '../exit-codes';
import { defaultStartedBy } from '../release-id';
import { addReleaseRefOptions, durationFlag, releaseRef, runCommand, withTemporal, type ReleaseRefOptions } from './shared';

interface ApproveOptions extends ReleaseRefOptions {
  by?: string;
  wait?: string;
}

export function registerApproveCommand(program: Command): void {
  addReleaseRefOptions(program.command('approve').description('let a release waiting for approval shift traffic'))
    .option('--by <who>', 'who approves (default: $SCF_RELEASE_USER or user@host)')
    .option('--wait <duration>', 'how long to wait for the release to answer', '30s')
    .action((id: string | undefined, options: ApproveOptions) =>
      runCommand(() => {
        const ref = releaseRef(id, options);
        const deadlineMs = durationFlag('--wait', options.wait ?? '30s', 3600_000);
        return withTemporal(async (target) => {
          const workflowId = await resolveRelease(target.client, ref);
          const view = await getRelease(target.client, workflowId);
          if (view.state !== 'running') {
            process.stderr.write(`${workflowId} has already ended; nothing to approve\n`);
            return EXIT.ERROR;
          }
          try {
            const approval = await approveRelease(target.client, workflowId, options.by ?? defaultStartedBy(), { deadlineMs });
            process.stdout.write(`${workflowId}: approved by ${approval.by} at ${approval.at}\n`);
            return EXIT.OK;
          } catch (err) {
            if (err instanceof ApprovalRefusedError) throw new CliError(`approval refused: ${err.message}`, EXIT.INVALID_INPUT);
            if (err instanceof ApprovalDeadlineError) {
              throw new CliError(
                `${err.message}; nothing was approved as far as this command knows. Is a worker polling its task queue ` +
                  `(start one with \`npm run worker\`)? Check with \`scf-release status ${workflowId}\`, then approve again.`,
                EXIT.ERROR,
              );
            }
            throw err;
          }
        });
      }),
    );
}
