/**
 * The CLI's exit codes. Scripts branch on them, so they are part of the interface: change none.
 * 64 is EX_USAGE from sysexits.h, the conventional code for "your input is wrong".
 */
import type { ReleaseStatus } from '../workflows/definitions';

export const EXIT = {
  /** The release Succeeded, or was a NoOp (the package was already live everywhere). */
  OK: 0,
  /** Anything unexpected: Temporal unreachable, the workflow failed or was terminated. */
  ERROR: 1,
  /** The release failed and every change was undone. */
  ROLLED_BACK: 2,
  /** The release failed and at least one compensation failed: a person must act (see the summary). */
  ROLLBACK_FAILED: 3,
  /** Someone aborted the release; completed steps were compensated. */
  ABORTED: 4,
  /** Another release holds the function's lock; nothing was started. */
  BUSY: 5,
  /** The manifest or flags are invalid; nothing was started and no SCF call was made. */
  INVALID_INPUT: 64,
  /** Ctrl-C while following a release: only the watching stopped, the release keeps running (128 + SIGINT). */
  INTERRUPTED: 130,
} as const;

export function exitCodeForStatus(status: Exclude<ReleaseStatus, 'Running'>): number {
  switch (status) {
    case 'Succeeded':
    case 'NoOp':
      return EXIT.OK;
    case 'RolledBack':
      return EXIT.ROLLED_BACK;
    case 'RollbackFailed':
      return EXIT.ROLLBACK_FAILED;
    case 'Aborted':
      return EXIT.ABORTED;
  }
}

/** An error that carries the exit code the CLI should end with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
