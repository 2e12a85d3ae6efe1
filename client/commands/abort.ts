/** `scf-release abort <id|--function> --reason ...`: the release compensates and ends Aborted. */
import type { Command } from 'commander';
import { ABORT_WAIT_DEFAULT_MS, abortFleet, abortRelease, resolveRelease } from '../api';
import { formatDurationMs } from '../../workflows/durations';
import { EXIT } from '../exit-codes';
import { defaultStartedBy } from '../release-id';
import { addReleaseRefOptions, durationFlag, releaseRef, runCommand, withTemporal, type ReleaseRefOptions } from './shared';

/** Longer than this, and a typo is likelier than a wish. */
const MAX_ABORT_WAIT_MS = 3_600_000;

export function registerAbortCommand(program: Command): void {
  addReleaseRefOptions(program.command('abort').description('abort a running release (it undoes what it did, then ends Aborted) or fleet (fleet/<id>: nothing new starts, running releases abort)'))
    .requiredOption('--reason <text>', 'why (recorded in the workflow history)')
    .option('--by <who>', 'who aborts (default: user@host)')
    .option('--wait <duration>', 'how long to wait for the release to answer', formatDurationMs(ABORT_WAIT_DEFAULT_MS))
    .action((id: string | undefined, options: ReleaseRefOptions & { reason: string; by?: string; wait: string }) =>
      runCommand(() => {
        const ref = releaseRef(id, options);
        const waitMs = durationFlag('--wait', options.wait, MAX_ABORT_WAIT_MS);
        return withTemporal(async (target) => {
          const request = { reason: options.reason, by: options.by ?? defaultStartedBy() };
          if ('id' in ref && ref.id.startsWith('fleet/')) {
            const fleet = await abortFleet(target.client, ref.id, request);
            if (!fleet.accepted) {
              process.stderr.write(`${ref.id} did not accept the abort; it is already finishing\n`);
              return EXIT.ERROR;
            }
            const rollback = fleet.rollingBack !== undefined ? `; rollbackAllOnFailure: the ${fleet.rollingBack} that succeeded will be rolled back` : '';
            process.stdout.write(
              `${ref.id}: abort accepted; ${fleet.skipped} release(s) will not start, ${fleet.running} running one(s) are aborting${rollback}. ` +
                `Follow it with \`scf-release watch ${ref.id}\`\n`,
            );
            return EXIT.OK;
          }
          const workflowId = await resolveRelease(target.client, ref);
          const answer = await abortRelease(target.client, workflowId, request, { waitMs });
          if (!answer.accepted) {
            process.stderr.write(`${workflowId} did not accept the abort${answer.phase ? ` (phase ${answer.phase})` : ''}; it is already finishing\n`);
            return EXIT.ERROR;
          }
          process.stdout.write(
            `${workflowId}: abort accepted${answer.phase ? ` in phase ${answer.phase}` : ''}; it is compensating. ` +
              `Follow it with \`scf-release watch ${workflowId}\`\n`,
          );
          return EXIT.OK;
        });
      }),
    );
}
