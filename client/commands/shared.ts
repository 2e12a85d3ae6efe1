/** What every command needs: a Temporal connection, error-to-exit-code mapping, release references. */
import { ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import { CommanderError, type Command } from 'commander';
import { FunctionBusyError, ReleaseNotFoundError, type ReleaseRef } from '../api';
import { connectTemporal, type TemporalTarget } from '../connection';
import { CliError, EXIT } from '../exit-codes';
import { ManifestError } from '../manifest';
import { checkDuration, DURATION_GRAMMAR } from '../../workflows/durations';

/** The exit code for an error a command let escape; prints it to stderr (commander prints its own). */
export function failWith(err: unknown): number {
  // Commander already printed its message; help and --version are not errors, a bad flag is input.
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT.INVALID_INPUT;
  // An id that names nothing is the caller's input, whichever command it was given to.
  const message =
    err instanceof WorkflowNotFoundError
      ? `no workflow with id ${err.workflowId}`
      : err instanceof ScheduleNotFoundError
        ? `no schedule with id ${err.scheduleId}`
        : err instanceof Error
          ? err.message
          : String(err);
  process.stderr.write(`scf-release: ${message}\n`);
  if (err instanceof ManifestError) return EXIT.INVALID_INPUT;
  if (err instanceof FunctionBusyError) return EXIT.BUSY;
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof ReleaseNotFoundError || err instanceof WorkflowNotFoundError || err instanceof ScheduleNotFoundError) {
    return EXIT.INVALID_INPUT;
  }
  return EXIT.ERROR;
}

/** Runs a command body; its return value (or the error's) becomes the process exit code. */
export async function runCommand(body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (err) {
    process.exitCode = failWith(err);
  }
}

export async function withTemporal<T>(body: (target: TemporalTarget) => Promise<T>): Promise<T> {
  const target = await connectTemporal();
  try {
    return await body(target);
  } finally {
    await target.close();
  }
}

export interface ReleaseRefOptions {
  function?: string;
  namespace?: string;
}

/** `<id>` or `--function <name> [--namespace <ns>]` on status, watch, abort and approve. */
export function addReleaseRefOptions(command: Command): Command {
  return command
    .argument('[id]', 'release workflow id (release/<ns>/<fn>/<id>) or short release id (r-...)')
    .option('--function <name>', 'the function whose running release to act on (instead of an id)')
    .option('--namespace <ns>', 'the function\'s SCF namespace', 'default');
}

/** The release `<id>` or `--function` names; refuses neither or both before anything connects. */
export function releaseRef(id: string | undefined, options: ReleaseRefOptions): ReleaseRef {
  if (id && options.function) throw new CliError('give a release id or --function, not both', EXIT.INVALID_INPUT);
  if (id) return { id };
  if (options.function) return { functionName: options.function, namespace: options.namespace };
  throw new CliError('name the release: an id, or --function <name>', EXIT.INVALID_INPUT);
}

/** A flag's duration in the one grammar (workflows/durations.ts), in ms; refused (64) naming the flag. */
export function durationFlag(flag: string, text: string, maxMs: number): number {
  const checked = checkDuration(text, maxMs);
  if ('problem' in checked) {
    throw new CliError(checked.kind === 'unreadable' ? `${flag} takes ${DURATION_GRAMMAR}, not "${text}"` : `${flag} ${checked.problem}`, EXIT.INVALID_INPUT);
  }
  return checked.ms;
}
