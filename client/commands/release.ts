/**
 * `scf-release release -f release.yaml`: validate, start, follow, summarise. `--plan` asks the
 * read-only plan workflow instead, `--detach` returns once started, `--json` is for scripts.
 */
import type { Command } from 'commander';
import { planRelease, startRelease } from '../api';
import { CliError, EXIT } from '../exit-codes';
import { followRelease, reportOutcome, uiLink } from '../follow';
import { buildRelease, readManifestFile, simulatorHostOf, type ManifestFlags } from '../manifest';
import { isFleetManifest } from '../manifest/fleet';
import { packageStagingFromEnv, unstagedPathWarning } from '../package/stage';
import { releaseFleet } from './fleet-release';
import { renderPlan } from '../render/summary';
import { printWarning } from '../render/warning';
import { styleFor, terminalWidth } from '../render/text';
import type { TemporalTarget } from '../connection';
import { TASK_QUEUE, type ReleaseInput } from '../../workflows/definitions';
import { noWorkerWarning } from '../worker-presence';
import { runCommand, withTemporal } from './shared';

interface ReleaseOptions extends ManifestFlags, RunOptions {
  file?: string;
  by?: string;
}

export function registerReleaseCommand(program: Command): void {
  program
    .command('release')
    .description('release a new version of a function to its regions, verify it, shift traffic; roll back on failure')
    .option('-f, --file <manifest>', 'release manifest (YAML or JSON); flags override its fields. A fleet manifest (functions/select/policy) releases many functions')
    .option('--function <name>', 'function name')
    .option('--namespace <ns>', 'SCF namespace (default: default)')
    .option('--region <region>', 'primary region')
    .option('--regions <list>', 'other target regions, comma-separated')
    .option('--package <ref>', 'code zip: path, https:// URL or cos://bucket/key?region=...')
    .option('--sha256 <hex>', 'the zip\'s sha256 (required for URL and COS packages)')
    .option('--handler <handler>', 'handler, e.g. index.main_handler')
    .option('--alias <name>', 'alias to shift traffic on')
    .option('--description <text>', 'version description')
    .option('--override', 'let CopyFunction overwrite the function where it exists (deletes its versions and triggers)')
    .option('--by <who>', 'who is releasing (default: user@host)')
    .option('--task-queue <queue>', 'Temporal task queue of the scf-release worker')
    .option('--plan', 'print what the release would do in each region; change nothing')
    .option('--detach', 'print the release id and return once it started')
    .option('--json', 'machine-readable result on stdout; progress goes to stderr')
    .addHelpText(
      'after',
      '\nExit codes: 0 Succeeded or NoOp, 1 unexpected error, 2 RolledBack, 3 RollbackFailed (manual action needed),\n' +
        '4 Aborted, 5 function busy (another release holds it), 64 invalid manifest or flags.',
    )
    .action((options: ReleaseOptions) => runCommand(() => release(options)));
}

/** Flags that name one release's fields: a fleet manifest has its own, per group. */
const RELEASE_FIELD_FLAGS = ['function', 'namespace', 'region', 'regions', 'package', 'sha256', 'handler', 'alias', 'description', 'override'] as const;

async function release(options: ReleaseOptions): Promise<number> {
  const scfEndpoint = process.env.SCF_ENDPOINT;
  // Local packages (package.path, package.dir) are staged in COS when the client has a bucket (or the simulator's).
  const staging = packageStagingFromEnv(process.env, simulatorHostOf(scfEndpoint));
  const raw = options.file ? await readManifestFile(options.file) : undefined;
  if (options.file && isFleetManifest(raw)) {
    const given = RELEASE_FIELD_FLAGS.filter((flag) => options[flag] !== undefined).map((flag) => `--${flag}`);
    if (given.length > 0) throw new CliError(`${given.join(', ')} cannot be used with a fleet manifest (${options.file}); set the fields in the manifest`, EXIT.INVALID_INPUT);
    return releaseFleet(options.file, raw, options, staging);
  }
  const built = await buildRelease({ file: options.file, raw, flags: options, startedBy: options.by, scfEndpoint, staging });
  const unstaged = staging ? undefined : unstagedPathWarning(built.input.pkg.location);
  for (const warning of [...built.warnings, ...(unstaged ? [unstaged] : [])]) printWarning(warning);
  return withTemporal((target) => startAndFollow(target, built.input, options));
}

export interface RunOptions {
  taskQueue?: string;
  plan?: boolean;
  detach?: boolean;
  json?: boolean;
}

/** Plans, or starts and follows (or detaches from), a release: what `release` and `rollback` share. */
export async function startAndFollow(target: TemporalTarget, input: ReleaseInput, options: RunOptions): Promise<number> {
  const say = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  if (options.plan) {
    const plan = await planRelease(target.client, input, { taskQueue: options.taskQueue });
    if (options.json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    else say(renderPlan(plan, styleFor(process.stdout), { width: terminalWidth(process.stdout) }).join('\n'));
    return EXIT.OK;
  }

  const started = await startRelease(target.client, input, { taskQueue: options.taskQueue });
  const link = uiLink(target, started);
  if (options.detach) {
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ ...started, releaseId: input.releaseId, uiUrl: link }, null, 2)}\n`);
    } else {
      say(started.workflowId);
      process.stderr.write(`started; follow it with \`scf-release watch ${started.workflowId}\`\n  Temporal UI: ${link}\n`);
    }
    return EXIT.OK;
  }

  say(`Started ${started.workflowId} (by ${input.startedBy})\n  Temporal UI: ${link}`);
  await warnIfNoWorker(target, options.taskQueue ?? TASK_QUEUE);
  detachOnInterrupt(started.workflowId);
  const ended = await followRelease(target, started.workflowId, options.json ? process.stderr : process.stdout);
  return reportOutcome(target, ended, Boolean(options.json));
}

/** Says so on stderr when no worker polls `taskQueue` (the release would wait, silently, for one). */
export async function warnIfNoWorker(target: TemporalTarget, taskQueue: string): Promise<void> {
  const warning = await noWorkerWarning(target.client, taskQueue);
  if (warning) printWarning(warning);
}

/** Ctrl-C stops watching, not the release: it is durable and keeps going on the worker. */
export function detachOnInterrupt(workflowId: string): void {
  process.once('SIGINT', () => {
    process.stderr.write(`\nstopped watching; the release keeps running. Resume with \`scf-release watch ${workflowId}\`\n`);
    process.exit(EXIT.INTERRUPTED);
  });
}
