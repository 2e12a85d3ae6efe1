/** `scf-release abort <id|--function> --reason ...`: the release compensates and ends Aborted. */
import type { Command } from 'commander';
import { abortFleet, abortRelease, resolveRelease } from '../api';
import { EXIT } from '../exit-codes';
import { defaultStartedBy } from '../release-id';
import { addReleaseRefOptions, releaseRef, runCommand, withTemporal, type ReleaseRefOptions } from './shared';

export function registerAbortCommand(program: Command): void {
  addReleaseRefOptions(program.command('abort').description('abort a running release (it undoes what it did, then ends Aborted) or fleet (fleet/<id>: nothing new starts, running releases abort)'))
    .requiredOption('--reason <text>', 'why (recorded in the workflow history)')
    .option('--by <who>', 'who aborts (default: user@host)')
    .action((id: string | undefined, options: ReleaseRefOptions & { reason: string; by?: string }) =>
      runCommand(() => {
        const ref = releaseRef(id, options);
        return withTemporal(async (target) => {
          const request = { reason: options.reason, by: options.by ?? defaultStartedBy() };
          if ('id' in ref && ref.id.startsWith('fleet/')) {
            const fleet = await abortFleet(target.client, ref.id, request);
            if (!fleet.accepted) {
              process.stderr.write(`${ref.id} did not accept the abort; it is already finishing\n`);
              return EXIT.ERROR;
            }
            process.stdout.write(`${ref.id}: abort accepted; ${fleet.skipped} release(s) will not start, ${fleet.running} running one(s) are aborting\n`);
            return EXIT.OK;
          }
          const workflowId = await resolveRelease(target.client, ref);
          const answer = await abortRelease(target.client, workflowId, request);
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
