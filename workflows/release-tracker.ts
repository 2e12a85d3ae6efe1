/**
 * The live state of one release: phase, per-region progress, steps with timings, the last error and
 * the compensations run. The progress query reads it; the result is built from it.
 */
import { setCurrentDetails } from '@temporalio/workflow';
import type { AliasInfo } from '../activities/contract';
import type { NotificationRecord } from '../activities/notify';
import {
  releaseRegions,
  type ApprovalRecord,
  type RollbackRecord,
  type CompensationRecord,
  type ReleaseError,
  type ReleaseInput,
  type ReleasePhase,
  type ReleaseProgress,
  type ReleaseResult,
  type ReleaseStatus,
  type RegionResult,
  type StepRecord,
} from './definitions';
import { toReleaseError } from './failures';
import type { StepRunner } from './replicate-region';
import type { CaseFigure } from './verify';

export class ReleaseTracker {
  status: ReleaseStatus = 'Running';
  private current = { phase: 'Preflight' as ReleasePhase, trafficPercent: undefined as number | undefined, approvalDeadline: undefined as string | undefined };
  lastError?: ReleaseError;
  /** Who opened the approval gate, and when. */
  approval?: ApprovalRecord;
  /** A rollback: what it goes back to and how. */
  rollback?: RollbackRecord;
  /** Notifications sent so far (manifest `notify`). */
  readonly notifications: NotificationRecord[] = [];
  readonly steps: StepRecord[] = [];
  readonly compensations: CompensationRecord[] = [];
  readonly versionsPublished: Array<{ region: string; version: string }> = [];
  readonly warnings: string[] = [];
  private readonly regions = new Map<string, RegionResult>();
  /** Per region, what its metrics gate waits for or its last verdict (progress and current details). */
  private readonly gateStatus: Record<string, string> = {};
  /** The ReleaseError noted for each thrown failure, so the release reports the one that ended it, with its region. */
  private readonly noted = new WeakMap<object, ReleaseError>();

  constructor(private readonly input: ReleaseInput) {
    for (const region of releaseRegions(input)) {
      this.regions.set(region, { region, action: 'update-in-place', state: 'pending' });
    }
    this.showDetails();
  }

  get phase(): ReleasePhase {
    return this.current.phase;
  }
  set phase(phase: ReleasePhase) {
    this.current.phase = phase;
    this.showDetails();
  }
  get trafficPercent(): number | undefined {
    return this.current.trafficPercent;
  }
  set trafficPercent(percent: number | undefined) {
    this.current.trafficPercent = percent;
    this.showDetails();
  }
  /** While the approval gate waits: when it gives up (ISO). */
  get approvalDeadline(): string | undefined {
    return this.current.approvalDeadline;
  }
  set approvalDeadline(deadline: string | undefined) {
    this.current.approvalDeadline = deadline;
    this.showDetails();
  }

  /**
   * The phase as the workflow's current details (the Temporal UI shows them on the run's page, and
   * `temporal workflow describe` prints them): no history event, so no patch.
   */
  private showDetails(): void {
    const { phase, trafficPercent, approvalDeadline } = this.current;
    const what = `${this.input.kind === 'rollback' ? 'rollback' : 'release'} ${this.input.releaseId} of ${this.input.namespace}/${this.input.functionName}`;
    const lines = [`**${phase}**: ${what}`];
    if (phase === 'AwaitingApproval' && approvalDeadline) {
      lines.push(`Waiting for approval until ${approvalDeadline} (alias.approvalTimeout); then it aborts. Approve: \`scf-release approve ${this.input.releaseId}\``);
    }
    if (phase === 'ShiftingTraffic' && trafficPercent !== undefined) lines.push(`Traffic: ${trafficPercent}% on the new version`);
    if (phase === 'ShiftingTraffic') lines.push(...Object.entries(this.gateStatus).map(([region, status]) => `Gate ${region}: ${status}`));
    if (phase === 'Compensating') lines.push(`Undoing completed steps: ${this.compensations.length} run so far`);
    if (phase === 'Done') lines.push(`Ended ${this.status}`);
    setCurrentDetails(lines.join('\n\n'));
  }

  region(region: string): RegionResult {
    const r = this.regions.get(region);
    if (!r) throw new Error(`region ${region} is not part of this release`);
    return r;
  }

  /** Runs a step and records its timing and outcome; a failure is kept as the region's and the last error. */
  readonly step: StepRunner = async (name, region, fn) => {
    const record: StepRecord = { name, ...(region !== 'all' ? { region } : {}), startedAt: now(), outcome: 'ok' };
    this.steps.push(record);
    try {
      return await fn();
    } catch (err) {
      record.outcome = 'failed';
      this.noteError(err, region !== 'all' ? region : undefined);
      throw err;
    } finally {
      record.endedAt = now();
    }
  };

  noteError(err: unknown, region?: string): ReleaseError {
    const known = typeof err === 'object' && err !== null ? this.noted.get(err) : undefined;
    if (known) return (this.lastError = known);
    const error = toReleaseError(err, region);
    if (typeof err === 'object' && err !== null) this.noted.set(err, error);
    this.lastError = error;
    if (region && this.regions.has(region)) {
      const r = this.region(region);
      r.state = 'failed';
      r.error ??= error;
    }
    return error;
  }

  noteGateStatus(region: string, status: string): void {
    this.gateStatus[region] = status;
    this.showDetails();
  }

  noteFigures(region: string, figures: CaseFigure[]): void {
    const r = this.region(region);
    r.verification = [...(r.verification ?? []), ...figures];
  }

  noteAlias(region: string, alias: AliasInfo, createdByRelease: boolean): void {
    const r = this.region(region);
    r.alias = {
      name: alias.name,
      functionVersion: alias.functionVersion,
      additionalVersionWeights: alias.additionalVersionWeights,
      createdByRelease,
    };
  }

  progress(): ReleaseProgress {
    return {
      releaseId: this.input.releaseId,
      phase: this.phase,
      status: this.status,
      regions: [...this.regions.values()],
      steps: this.steps,
      ...(this.trafficPercent !== undefined ? { trafficPercent: this.trafficPercent } : {}),
      // Derived, not stored: an abort at the gate moves the phase on, and the flag with it.
      awaitingApproval: this.phase === 'AwaitingApproval',
      ...(this.phase === 'AwaitingApproval' && this.approvalDeadline ? { approvalDeadline: this.approvalDeadline } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.approval ? { approval: this.approval } : {}),
      compensations: this.compensations,
      ...(Object.keys(this.gateStatus).length ? { gate: { ...this.gateStatus } } : {}),
    };
  }

  result(status: ReleaseResult['status'], summary: string, extra: Partial<ReleaseResult> = {}): ReleaseResult {
    this.status = status;
    this.phase = 'Done';
    return {
      releaseId: this.input.releaseId,
      status,
      summary,
      functionName: this.input.functionName,
      namespace: this.input.namespace,
      sha256: this.input.pkg.sha256,
      regions: [...this.regions.values()],
      steps: this.steps,
      compensations: this.compensations,
      versionsLeftInPlace: status === 'Succeeded' || status === 'NoOp' ? [] : this.versionsPublished,
      ...(this.warnings.length ? { warnings: this.warnings } : {}),
      ...(this.approval ? { approval: this.approval } : {}),
      ...(this.rollback ? { rollback: this.rollback } : {}),
      ...(this.notifications.length ? { notifications: this.notifications } : {}),
      ...extra,
    };
  }
}

/** Workflow time (deterministic: the SDK replaces Date in workflows). */
function now(): string {
  return new Date().toISOString();
}
