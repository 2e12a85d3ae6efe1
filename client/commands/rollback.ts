/**
 * `scf-release rollback --function <fn>`: bring back the code of an earlier successful release (by
 * default the one before the current code), filed under ReleaseKind = rollback. For an alias release
 * it is instant: the alias goes back, per region, to the version that release left it on (one
 * UpdateAlias per region, verified and baked like the release). Only where that version is gone (or
 * with --redeploy) is the package redeployed through the release path, after the client checked the
 * zip still has its sha256.
 */
import type { Command } from 'commander';
import { findRollbackTarget, instantRollbackInput, planRelease, rollbackInput, type RollbackTarget } from '../api';
import { EXIT } from '../exit-codes';
import { newReleaseId, defaultStartedBy } from '../release-id';
import { renderPlan } from '../render/summary';
import { styleFor } from '../render/text';
import { checkRollbackPackage } from '../rollback-package';
import type { AliasRollbackMove, ReleaseInput, ReleasePlan } from '../../workflows/definitions';
import type { TemporalTarget } from '../connection';
import { startAndFollow, type RunOptions } from './release';
import { runCommand, withTemporal } from './shared';

interface RollbackOptions extends RunOptions {
  function: string;
  namespace: string;
  to?: string;
  by?: string;
  allAtOnce?: boolean;
  region?: string;
  redeploy?: boolean;
}

export function registerRollbackCommand(program: Command): void {
  program
    .command('rollback')
    .description('bring back the code of an earlier successful release (default: the one before the current code): instantly, by moving its alias back')
    .requiredOption('--function <name>', 'the function to roll back')
    .option('--namespace <ns>', 'its SCF namespace', 'default')
    .option('--to <id>', 'the release to go back to (workflow id or short release id); default: the last good one with other code')
    .option('--region <list>', 'roll back only these of its regions, comma-separated')
    .option('--all-at-once', 'no traffic steps and no bake (a redeploy moves the alias in one step)')
    .option('--redeploy', 'redeploy the earlier package instead of moving the alias back')
    .option('--by <who>', 'who rolls back (default: $SCF_RELEASE_USER or user@host)')
    .option('--task-queue <queue>', 'Temporal task queue of the scf-release worker')
    .option('--plan', 'print what the rollback would do in each region; change nothing')
    .option('--detach', 'print the id and return once it started')
    .option('--json', 'machine-readable result on stdout; progress goes to stderr')
    .addHelpText('after', '\nExit codes: as for `release` (0 Succeeded or NoOp, 2 RolledBack, 3 RollbackFailed, 4 Aborted, 5 busy, 64 bad input).')
    .action((options: RollbackOptions) => runCommand(() => withTemporal((target) => rollback(target, options))));
}

function moveText(m: AliasRollbackMove): string {
  if (m.move === 'redeploy') return `${m.region}: ${m.reason}`;
  if (m.move === 'no-op') return `${m.region}: alias ${m.alias} already serves version ${m.toVersion}`;
  return `${m.region}: alias ${m.alias} ${m.fromVersion} → ${m.toVersion}`;
}

async function rollback(target: TemporalTarget, options: RollbackOptions): Promise<number> {
  const say = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  const found = await findRollbackTarget(target.client, { functionName: options.function, namespace: options.namespace, to: options.to });
  const regions = options.region?.split(',').map((r) => r.trim()).filter(Boolean);
  const redeploy = rollbackInput(found, { releaseId: newReleaseId(), startedBy: options.by ?? defaultStartedBy(), allAtOnce: options.allAtOnce, regions });
  const what = `${redeploy.namespace}/${redeploy.functionName} back to ${found.workflowId} (sha256 ${redeploy.pkg.sha256.slice(0, 12)})`;
  const instant = options.redeploy ? undefined : instantRollbackInput(found, redeploy);

  let gone: AliasRollbackMove[] = [];
  if (instant) {
    const plan = await planRelease(target.client, instant, { taskQueue: options.taskQueue });
    gone = (plan.rollback ?? []).filter((m) => m.move === 'redeploy');
    if (gone.length === 0) {
      if (options.plan) return printPlan(plan, `Plan: roll ${what} by moving its alias; nothing was changed:`, options);
      say(`Rolling ${what} by moving its alias:\n${(plan.rollback ?? []).map((m) => `  ${moveText(m)}`).join('\n')}`);
      return startAndFollow(target, instant, { ...options, plan: false });
    }
  }
  return redeployRollback(target, found, redeploy, { ...options, gone, what });
}

async function redeployRollback(
  target: TemporalTarget,
  found: RollbackTarget,
  input: ReleaseInput,
  options: RollbackOptions & { gone: AliasRollbackMove[]; what: string },
): Promise<number> {
  const say = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  const why = options.gone.length ? ` (the alias cannot simply move back: ${options.gone.map(moveText).join('; ')})` : '';
  // Before anything starts: a zip rebuilt since would fail the redeploy's sha check half way.
  const checked = await checkRollbackPackage(input.pkg, found.workflowId);
  if (options.plan) {
    const plan = await planRelease(target.client, input, { taskQueue: options.taskQueue });
    return printPlan(plan, `Plan: roll ${options.what} by redeploying its package${why}; ${checked}; nothing was changed:`, options);
  }
  say(`Rolling ${options.what} by redeploying its package${why}; ${checked}`);
  return startAndFollow(target, input, options);
}

function printPlan(plan: ReleasePlan, heading: string, options: RunOptions): number {
  const lines = [heading, ...(plan.rollback?.every((m) => m.move !== 'redeploy') ? plan.rollback.map((m) => `  ${moveText(m)}`) : [])];
  (options.json ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
  else if (!plan.rollback) process.stdout.write(`${renderPlan(plan, styleFor(process.stdout)).join('\n')}\n`);
  return EXIT.OK;
}
