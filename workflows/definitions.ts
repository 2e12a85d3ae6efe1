/**
 * Names shared by the client and the workflows: task queues, workflow ids, search attributes,
 * signals, queries and updates, and the release's input and result types. Workflow-safe: it
 * imports only from `@temporalio/workflow`'s definition helpers and `@temporalio/common`.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AliasWeight, CodePackage, FunctionRef, InvokeOutcome } from '../activities/contract';

/** The task queue that hosts the workflows and most activities. */
export const TASK_QUEUE = 'scf-release';

/**
 * Rate-limited task queues. An activity whose SCF call is one of the account's tight limits runs on a
 * task queue of its own, `<task queue>-rl-<Action>`, whose workers all ask the server for the same
 * `maxTaskQueueActivitiesPerSecond` (the action's documented limit, worker/create-worker.ts): the
 * Temporal server hands out at most that many of those activities per second in total, however many
 * worker processes poll, so N workers hold the account's limit without being told N. An activity
 * waiting for that rate waits on the server, holding no worker slot.
 */
export const RATE_LIMITED_ACTIONS = ['PublishVersion', 'GetFunctionAddress', 'CopyFunction', 'CreateAlias', 'GetAlias', 'UpdateAlias', 'DeleteAlias', 'ListVersionByFunction'] as const;
export type RateLimitedAction = (typeof RATE_LIMITED_ACTIONS)[number];

/**
 * The activity → the rate-limited SCF action it calls once per run. Others stay on the main queue:
 * they call 100/s actions (GetFunction, UpdateFunctionCode), poll several times (waitForActive) or
 * call none.
 */
export const ACTIVITY_RATE_LIMITED_ACTION: Readonly<Record<string, RateLimitedAction>> = {
  getFunctionAddress: 'GetFunctionAddress',
  snapshotCode: 'GetFunctionAddress',
  publishVersion: 'PublishVersion',
  // One PublishVersion, one GetFunctionAddress (20/s both) and one ListVersionByFunction per run.
  publishAndWait: 'PublishVersion',
  copyFunction: 'CopyFunction',
  createAlias: 'CreateAlias',
  getAlias: 'GetAlias',
  updateAlias: 'UpdateAlias',
  deleteAlias: 'DeleteAlias',
  listVersions: 'ListVersionByFunction',
};

export function rateLimitedTaskQueue(taskQueue: string, action: RateLimitedAction): string {
  return `${taskQueue}-rl-${action}`;
}

// ---------------------------------------------------------------------------------------------
// Workflow ids. They read as what they are in the Temporal UI's list.
// ---------------------------------------------------------------------------------------------

export function releaseWorkflowId(namespace: string, functionName: string, releaseId: string): string {
  return `release/${namespace}/${functionName}/${releaseId}`;
}

export function syncWorkflowId(syncId: string): string {
  return `sync/${syncId}`;
}

/**
 * The per-function lock: a child workflow with this id runs exactly as long as the release or sync
 * that holds it (parent close policy TERMINATE), so two workflows never mutate one function at once.
 * The lock's parent is the holder.
 */
export function functionLockId(namespace: string, functionName: string): string {
  return `lock/${namespace}/${functionName}`;
}

// ---------------------------------------------------------------------------------------------
// Search attributes (registered by `scf-release dev`, the test harness and `scf-release setup`).
// Never put a secret in one: search attributes bypass payload codecs.
// ---------------------------------------------------------------------------------------------

export const SA_FUNCTION = defineSearchAttributeKey('ScfFunction', SearchAttributeType.KEYWORD);
export const SA_NAMESPACE = defineSearchAttributeKey('ScfNamespace', SearchAttributeType.KEYWORD);
export const SA_REGIONS = defineSearchAttributeKey('ScfRegions', SearchAttributeType.KEYWORD_LIST);
export const SA_KIND = defineSearchAttributeKey('ReleaseKind', SearchAttributeType.KEYWORD);
export const SA_STATUS = defineSearchAttributeKey('ReleaseStatus', SearchAttributeType.KEYWORD);
export const SA_VERSION = defineSearchAttributeKey('ScfVersion', SearchAttributeType.KEYWORD);
export const SA_CODE_SHA256 = defineSearchAttributeKey('CodeSha256', SearchAttributeType.KEYWORD);
export const SA_STARTED_BY = defineSearchAttributeKey('StartedBy', SearchAttributeType.KEYWORD);

/** Every custom search attribute key, for registering them (dev server, tests, `scf-release setup`). */
export const SEARCH_ATTRIBUTE_KEYS = [
  SA_FUNCTION,
  SA_NAMESPACE,
  SA_REGIONS,
  SA_KIND,
  SA_STATUS,
  SA_VERSION,
  SA_CODE_SHA256,
  SA_STARTED_BY,
] as const;

/** Type names as `temporal server start-dev --search-attribute` takes them. */
const SEARCH_ATTRIBUTE_TYPE_NAMES = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
} as const;

/** Every custom search attribute with its type name, as `temporal server start-dev --search-attribute` takes it. */
export const SEARCH_ATTRIBUTES: ReadonlyArray<{ name: string; type: 'Keyword' | 'KeywordList' }> = SEARCH_ATTRIBUTE_KEYS.map(
  (key) => ({ name: key.name, type: SEARCH_ATTRIBUTE_TYPE_NAMES[key.type] }),
);

export type ReleaseKind = 'release' | 'sync' | 'rollback';

export type ReleaseStatus = 'Running' | 'Succeeded' | 'NoOp' | 'RolledBack' | 'RollbackFailed' | 'Aborted';

// ---------------------------------------------------------------------------------------------
// The release: input and result.
// ---------------------------------------------------------------------------------------------

export interface VerificationCase {
  name: string;
  /** JSON text passed to InvokeFunction as Event. */
  event: string;
  expect: {
    /** Defaults to 0 (success). */
    invokeResult?: number;
    /** RetMsg, parsed as JSON, must contain this subset. */
    retMsgJsonSubset?: unknown;
    /** RetMsg must match this regular expression (source text). */
    retMsgPattern?: string;
    maxDurationMs?: number;
  };
}

export interface TrafficStep {
  /** Share of traffic on the new version, 1..100. The last step is 100. */
  percent: number;
  /** How long to bake at this share while invoking through the alias. */
  bakeSeconds: number;
}

/** The validated release, as the client hands it to the workflow. No secrets, no code bytes. */
export interface ReleaseInput {
  releaseId: string;
  functionName: string;
  namespace: string;
  primaryRegion: string;
  /** Target regions besides the primary. */
  regions: string[];
  pkg: CodePackage;
  handler?: string;
  description?: string;
  verification: VerificationCase[];
  alias?: {
    name: string;
    steps: TrafficStep[];
    /** Wait for the approve signal before the first traffic step. */
    requireApproval?: boolean;
    /**
     * How long the approval gate waits before the release aborts and compensates (status Aborted,
     * "the approval timed out"). Absent: APPROVAL_TIMEOUT_DEFAULT_SECONDS.
     */
    approvalTimeoutSeconds?: number;
  };
  /** CopyFunction with Override=true where the function already exists (deletes its versions and triggers). */
  overrideExisting?: boolean;
  /** How many regions are replicated at once. */
  regionConcurrency?: number;
  startedBy: string;
  /**
   * `rollback`: this release brings back the package of an earlier release (`scf-release rollback`);
   * it runs exactly like a release and is filed under ReleaseKind = rollback. Default `release`.
   */
  kind?: Extract<ReleaseKind, 'release' | 'rollback'>;
  /** For a rollback: the workflow id of the earlier release whose package it brings back. */
  rollbackTo?: string;
}

/** The approval gate's timeout when the input names none (the manifest's `alias.approvalTimeout` default): a day. */
export const APPROVAL_TIMEOUT_DEFAULT_SECONDS = 24 * 3600;
/** The longest approval wait a manifest may ask for: a week. */
export const APPROVAL_TIMEOUT_MAX_SECONDS = 7 * 24 * 3600;

/** The regions a release touches: the primary first, then the targets, without duplicates. */
export function releaseRegions(input: Pick<ReleaseInput, 'primaryRegion' | 'regions'>): string[] {
  return [input.primaryRegion, ...input.regions.filter((r, i, all) => r !== input.primaryRegion && all.indexOf(r) === i)];
}

export type ReleasePhase =
  | 'Preflight'
  | 'UpdatingPrimary'
  | 'Publishing'
  | 'VerifyingPrimary'
  | 'Replicating'
  | 'VerifyingRegions'
  | 'AwaitingApproval'
  | 'ShiftingTraffic'
  | 'Compensating'
  | 'Done';

export type RegionAction = 'update-in-place' | 'create-by-copy' | 'override-by-copy' | 'no-op';

export interface RegionResult {
  region: string;
  action: RegionAction;
  state: 'pending' | 'running' | 'done' | 'failed' | 'rolled-back';
  version?: string;
  codeSha256?: string;
  verification?: Array<{ case: string; passed: boolean; durationMs: number; detail?: string }>;
  /** What CopyFunction did not carry into a region the release created. */
  notCopied?: string[];
  error?: ReleaseError;
  /** Whether the function existed in the region before the release (preflight). */
  existedBefore?: boolean;
  /** $LATEST CodeSha256 before the release (preflight); absent where the function did not exist. */
  previousSha256?: string;
  /** The version the alias served before the release; absent without an alias or where it did not exist. */
  aliasVersionBefore?: string;
  /** The alias' state after the release's last traffic move in this region. */
  alias?: { name: string; functionVersion: string; additionalVersionWeights: AliasWeight[]; createdByRelease: boolean };
}

export interface ReleaseError {
  /** The Tencent error code, or our own failure type. */
  type: string;
  message: string;
  requestId?: string;
  region?: string;
}

export interface StepRecord {
  name: string;
  region?: string;
  startedAt: string;
  endedAt?: string;
  outcome: 'ok' | 'failed';
}

export interface CompensationRecord {
  name: string;
  region: string;
  /** `skipped`: there was nothing to undo (e.g. restore-code where $LATEST still had the snapshot's code). */
  outcome: 'ok' | 'failed' | 'skipped';
  error?: ReleaseError;
  /** What a person must do when it failed. */
  manualAction?: string;
}

export interface ReleaseResult {
  releaseId: string;
  status: Exclude<ReleaseStatus, 'Running'>;
  summary: string;
  functionName: string;
  namespace: string;
  sha256: string;
  regions: RegionResult[];
  steps: StepRecord[];
  compensations: CompensationRecord[];
  /** Versions published by a release that was rolled back: left in place, named here. */
  versionsLeftInPlace: Array<{ region: string; version: string }>;
  error?: ReleaseError;
  /** Every failed compensation's manual action, joined: what a person must do (RollbackFailed only). */
  manualAction?: string;
  /** Things worth a look that did not fail the release (e.g. an alias that was already split). */
  warnings?: string[];
}

/** What `--plan` prints: per region what the release would do, computed by read-only calls. */
export interface ReleasePlan {
  releaseId: string;
  functionName: string;
  namespace: string;
  sha256: string;
  /** The package's sha256 is already live everywhere: the release would finish as NoOp. */
  noOp: boolean;
  regions: Array<{
    region: string;
    exists: boolean;
    action: RegionAction;
    currentSha256?: string;
    /** The version the alias serves there now, when the manifest names an alias. */
    aliasVersion?: string;
  }>;
  aliasSteps?: TrafficStep[];
  warnings: string[];
}

/** What the progress query returns while a release runs. */
export interface ReleaseProgress {
  releaseId: string;
  phase: ReleasePhase;
  status: ReleaseStatus;
  regions: RegionResult[];
  steps: StepRecord[];
  trafficPercent?: number;
  awaitingApproval: boolean;
  /** While awaiting approval: when the gate gives up and the release aborts (ISO time). */
  approvalDeadline?: string;
  lastError?: ReleaseError;
  /** Compensations run so far (while Compensating, and after). */
  compensations?: CompensationRecord[];
}

// ---------------------------------------------------------------------------------------------
// Signals, queries, updates.
// ---------------------------------------------------------------------------------------------

export const progressQuery = defineQuery<ReleaseProgress>('progress');
/** Aborts a running release: it compensates every completed step, then ends as Aborted. */
export const abortSignal = defineSignal<[{ reason: string; by: string }]>('abort');
/** Lets a release waiting at its approval gate move traffic. */
export const approveSignal = defineSignal<[{ by: string }]>('approve');
/** Abort as an update, so the caller learns whether the release accepted it. */
export const abortUpdate = defineUpdate<{ accepted: boolean; phase: ReleasePhase }, [{ reason: string; by: string }]>(
  'abortRelease',
);

// ---------------------------------------------------------------------------------------------
// The per-function lock (see functionLockId).
// ---------------------------------------------------------------------------------------------

/** ApplicationFailure type (and ReleaseError type) when another workflow holds the function's lock. */
export const FUNCTION_LOCKED = 'FunctionLocked';

export interface FunctionLockInput {
  namespace: string;
  functionName: string;
  /** The workflow id of the release or sync that holds the lock (also its parent). */
  holderWorkflowId: string;
  kind: ReleaseKind;
}

/** Who holds a function's lock: query the running `lock/<ns>/<fn>` workflow. */
export const lockHolderQuery = defineQuery<FunctionLockInput & { since: string }>('lockHolder');

export type { AliasWeight, CodePackage, FunctionRef, InvokeOutcome };

// ---------------------------------------------------------------------------------------------
// Region sync: input, per-function outcome and the drift report.
// ---------------------------------------------------------------------------------------------

/** Which code of the source function is the truth a sync copies to the targets. */
export type SyncSelector =
  /** The version an alias serves (its main version, not a canary weight). */
  | { kind: 'alias'; alias: string }
  /** The highest published version holding $LATEST's code (else the highest): see sync-drift.ts. */
  | { kind: 'latest-version' }
  /** The unpublished head. */
  | { kind: '$LATEST' };

/** Which functions a sync covers: explicit names, or a name prefix / `*`,`?` glob for ListFunctions. */
export type SyncFunctionSet = { names: string[] } | { match: string };

export interface SyncInput {
  sourceRegion: string;
  namespace: string;
  functions: SyncFunctionSet;
  targetRegions: string[];
  what: SyncSelector;
  /** Report the drift without changing anything. */
  dryRun: boolean;
  /** How many per-function child workflows run at once. */
  functionConcurrency?: number;
  /** Children per workflow run before it continues as new (default 200). */
  functionsPerRun?: number;
  /** Cases run against each version the sync publishes in a target; a failing case undoes that region. */
  verification?: VerificationCase[];
  startedBy: string;
}

/**
 * What a sync is filed under in visibility: kind, the status while it runs (`running`), the function
 * (a per-function child), namespace, regions (the source first), who started it. The client sets
 * these when it starts a sync, the workflows upsert the same list (a schedule leaves the status to
 * the run it starts).
 */
export function syncSearchAttributes(
  input: Pick<SyncInput, 'namespace' | 'sourceRegion' | 'targetRegions' | 'startedBy'>,
  options: { running?: boolean; functionName?: string } = {},
): SearchAttributePair[] {
  return [
    { key: SA_KIND, value: 'sync' },
    ...(options.running ? [{ key: SA_STATUS, value: 'Running' }] : []),
    ...(options.functionName !== undefined ? [{ key: SA_FUNCTION, value: options.functionName }] : []),
    { key: SA_NAMESPACE, value: input.namespace },
    { key: SA_REGIONS, value: [input.sourceRegion, ...input.targetRegions] },
    { key: SA_STARTED_BY, value: input.startedBy },
  ];
}

/** The per-function child's input: one function, every target region. */
export interface SyncFunctionInput extends Omit<SyncInput, 'functions' | 'functionConcurrency' | 'functionsPerRun'> {
  syncId: string;
  functionName: string;
}

/** Children read as what they are: `sync/<syncId>/<namespace>/<function>`. */
export function syncFunctionWorkflowId(syncId: string, namespace: string, functionName: string): string {
  return `${syncWorkflowId(syncId)}/${namespace}/${functionName}`;
}

export type SyncOutcome = 'in-sync' | 'synced' | 'would-sync' | 'skipped-locked' | 'failed';

/** One function in one target region. */
export interface SyncRegionReport {
  region: string;
  outcome: SyncOutcome;
  /** What the sync did or (dry run) would do; `no-op` when in sync. */
  action: RegionAction;
  sourceSha256?: string;
  /** Absent when the function does not exist in the target. */
  targetSha256?: string;
  /** The version published in the target by this sync. */
  version?: string;
  error?: ReleaseError;
}

export interface SyncFunctionReport {
  functionName: string;
  namespace: string;
  /** The source qualifier the selector resolved to (a version number or `$LATEST`). */
  sourceQualifier?: string;
  sourceSha256?: string;
  regions: SyncRegionReport[];
  compensations: CompensationRecord[];
  /** Set when the function failed before any region was compared (e.g. the source alias is missing). */
  error?: ReleaseError;
}

export type SyncTotals = Record<SyncOutcome, number>;

export interface SyncReport {
  syncId: string;
  dryRun: boolean;
  sourceRegion: string;
  namespace: string;
  targetRegions: string[];
  what: SyncSelector;
  functions: SyncFunctionReport[];
  /** Counted per function and target region. */
  totals: SyncTotals;
  summary: string;
  startedAt: string;
  endedAt: string;
}

/** What the sync's progress query returns while it runs. */
export interface SyncProgress {
  syncId: string;
  dryRun: boolean;
  /** Functions found in the source (across continue-as-new runs). */
  functionsTotal: number;
  functionsDone: number;
  running: string[];
  totals: SyncTotals;
}

export const syncProgressQuery = defineQuery<SyncProgress>('syncProgress');
