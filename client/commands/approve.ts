/** `scf-release approve <id|--function>`: opens a release's approval gate before traffic moves. */
import type { Command } from 'commander';
import { approveRelease, getRelease, resolveRelease } from '../api';
import { EXIT } from '../exit-codes';
import { defaultStartedBy } from '../release-id';
import { addReleaseRefOptions, releaseRef, runCommand, withTemporal, type ReleaseRefOptions } from './shared';

export function registerApproveCommand(program: Command): void {
  addReleaseRefOptions(program.command('approve').description('let a release waiting for approval shift traffic'))
    .option('--by <who>', 'who approves (default: user@host)')
    .action((id: string | undefined, options: ReleaseRefOptions & { by?: string }) =>
      runCommand(() => {
        const ref = releaseRef(id, options);
        return withTemporal(async (target) => {
          const workflowId = await resolveRelease(target.client, ref);
          const view = await getRelease(target.client, workflowId);
          if (view.state !== 'running') {
            process.stderr.write(`${workflowId} has already ended; nothing to approve\n`);
            return EXIT.ERROR;
          }
          await approveRelease(target.client, workflowId, options.by ?? defaultStartedBy());
          const note = view.progress?.awaitingApproval ? '' : ' (it is not at its approval gate yet; the approval will be used when it gets there)';
          process.stdout.write(`${workflowId}: approved${note}\n`);
          return EXIT.OK;
        });
      }),
    );
}
