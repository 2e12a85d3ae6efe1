/**
 * A compensation stack (Saga). A step registers its undo *before* its side-effecting call runs:
 * an SCF update can succeed even when its activity times out, so "did it happen?" is unknowable and
 * every undo must be safe to run whether or not its step took effect.
 *
 * `compensate()` runs the undos in reverse order inside `CancellationScope.nonCancellable`, so an
 * abort or a cancelled workflow cannot interrupt a rollback half way. Each undo's outcome is
 * recorded; a failed undo does not stop the ones after it, and it is never swallowed: it comes back
 * as a failed CompensationRecord carrying the error and what a person must do.
 */
import { CancellationScope } from '@temporalio/workflow';
import type { CompensationRecord } from './definitions';
import { toReleaseError } from './failures';

export interface Undo {
  /** What the undo does, e.g. `restore-code`, `alias-back`, `delete-copied-function`. */
  name: string;
  region: string;
  /** Resolves 'skipped' when it found nothing to undo (recorded as such). */
  run: () => Promise<void | 'skipped'>;
  /** What a person must do if this undo fails. */
  manualAction: string;
}

export interface CompensationOutcome {
  records: CompensationRecord[];
  /** The failed undos' manual actions, in the order they ran; any at all and the caller must end as RollbackFailed. */
  manualActions: string[];
}

export class Compensations {
  private readonly stack: Undo[] = [];

  add(undo: Undo): void {
    this.stack.push(undo);
  }

  /** Runs every registered undo, last first; `onRecord` sees each outcome as it happens (progress). */
  async compensate(onRecord?: (record: CompensationRecord) => void): Promise<CompensationOutcome> {
    return CancellationScope.nonCancellable(async () => {
      const records: CompensationRecord[] = [];
      for (let undo = this.stack.pop(); undo; undo = this.stack.pop()) {
        let record: CompensationRecord;
        try {
          const ran = await undo.run();
          record = { name: undo.name, region: undo.region, outcome: ran === 'skipped' ? 'skipped' : 'ok' };
        } catch (err) {
          record = {
            name: undo.name,
            region: undo.region,
            outcome: 'failed',
            error: toReleaseError(err, undo.region),
            manualAction: undo.manualAction,
          };
        }
        records.push(record);
        onRecord?.(record);
      }
      const manualActions = records.filter((r) => r.outcome === 'failed').map((r) => r.manualAction!);
      return { records, manualActions };
    });
  }
}
