/**
 * Names shared by the client and the workflows: task queues, workflow ids, search attributes,
 * signals, queries and updates, and the release's input and result types. Workflow-safe: it
 * imports only from `@temporalio/workflow`'s definition helpers and `@temporalio/common`.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AliasWeight, CodePackage, FunctionRef, InvokeOutcome } from '../activities/contract';
import type { ReplicateTriggersOption, TriggerReplication } from './trigger-plan';
import type { GateRecord, MetricsGate } from './metrics-gate';
import type { NotificationRecord, NotifyEvent } from '../activities/notify';

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
  // One GetFunction (100/s) and one GetFunctionAddress per run.
  inspectLatest: 'GetFunctionAddress',
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
/** The fleet a release belongs to (set on the fleet and on each of its children): `FleetId = "<id>"` lists them. */
export const SA_FLEET_ID = defineSearchAttributeKey('FleetId', SearchAttributeType.KEYWORD);

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
  SA_FLEET_ID,
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

export type ReleaseKind = 'release' | 'sync' | 'rollback' | 'fleet';

/**
 * The ApplicationFailure type a release ends with when it is RollbackFailed (a person must act): the
 * workflow fails, so the Temporal UI's list shows it red without a filter; details[0] is the whole
 * ReleaseResult, which the client reads as it reads a completed release's (client/api.ts releaseResultOf).
 */
export const RELEASE_NEEDS_A_PERSON = 'ReleaseRollbackFailed';

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
    /** Judge each canary step by the new version's real traffic in Cloud Monitor (workflows/metrics-gate.ts). */
    gate?: MetricsGate;
    /**
     * How long the approval gate waits before the release aborts and compensates (status Aborted,
     * "the approval timed out"). Absent: APPROVAL_TIMEOUT_DEFAULT_SECONDS.
     */
    approvalTimeoutSeconds?: number;
  };
  /** CopyFunction with Override=true where the function already exists (deletes its versions and triggers). */
  overrideExisting?: boolean;
  /** Recreate the primary's triggers in regions the release creates by copy (workflows/trigger-plan.ts). */
  replicateTriggers?: ReplicateTriggersOption;
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
  /**
   * An instant rollback (kind `rollback`): instead of redeploying `pkg`, point `alias` in each region
   * back at the version that already holds `pkg.sha256` (the one the earlier release left it on), one
   * UpdateAlias per region, verified and baked as `verification` and `alias.steps` say. The workflow
   * checks each version still holds that code before anything moves.
   */
  aliasRollback?: AliasRollback;
  /** Who is told about which events (channel names the worker's SCF_NOTIFY_CHANNELS resolves). */
  notify?: NotifyRule[];
}

/** One manifest `notify` entry: the worker's channel and the events it gets. */
export interface NotifyRule {
  channel: string;
  events: NotifyEvent[];
}

export interface AliasRollback {
  alias: string;
  versions: Array<{ region: string; version: string }>;
}

/** What an instant rollback does (or, planned, would do) in one region. */
export interface AliasRollbackMove {
  region: string;
  alias: string;
  /** The version the alias serves now; absent where the alias does not exist. */
  fromVersion?: string;
  toVersion: string;
  /**
   * `alias`: one UpdateAlias to `toVersion`; `no-op`: it already serves only `toVersion`; `redeploy`:
   * `toVersion` is gone or holds other code (see `reason`), so only redeploying the package brings it back.
   */
  move: 'alias' | 'no-op' | 'redeploy';
  reason?: string;
}

/** How a rollback brought the earlier code back, in the result of a release of kind `rollback`. */
export interface RollbackRecord {
  /** The workflow id of the release whose code it brought back. */
  to: string;
  mode: 'alias' | 'redeploy';
  /** Instant rollbacks: per region the alias move. */
  moves?: AliasRollbackMove[];
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

/** `move-alias`: an instant rollback pointed the alias at a version already holding the code. */
export type RegionAction = 'update-in-place' | 'create-by-copy' | 'override-by-copy' | 'no-op' | 'move-alias';

export interface RegionResult {
  region: string;
  action: RegionAction;
  state: 'pending' | 'running' | 'done' | 'failed' | 'rolled-back';
  version?: string;
  codeSha256?: string;
  /**
   * How the published version was shown to hold the package: `read` (its CodeSha256 from
   * GetFunctionAddress) or `unchanged-since-update` ($LATEST still as the release's update left it,
   * BENCHMARKS.md "Every SCF call of a release"). Absent in releases recorded before this field.
   */
  codeCheck?: 'read' | 'unchanged-since-update';
  verification?: Array<{ case: string; passed: boolean; durationMs: number; detail?: string }>;
  /** What CopyFunction did not carry into a region the release created. */
  notCopied?: string[];
  /** With replicateTriggers, in a region the release created: each primary trigger created, mapped or left out. */
  triggers?: TriggerReplication[];
  /** With alias.gate: the figures the gate judged at each canary step. */
  gate?: GateRecord[];
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
  /** Who opened the approval gate and when (releases with `alias.requireApproval`). */
  approval?: ApprovalRecord;
  /** Set on a rollback: what it went back to and how (an alias move, or a redeploy of the package). */
  rollback?: RollbackRecord;
  /** Every notification sent (manifest `notify`), failed ones with their error: they never fail a release. */
  notifications?: NotificationRecord[];
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
    /** With replicateTriggers, where the release would create the function: what it would do with each primary trigger. */
    triggers?: TriggerReplication[];
  }>;
  aliasSteps?: TrafficStep[];
  warnings: string[];
  /** An instant rollback's plan: per region the alias move (any `redeploy` and the CLI redeploys instead). */
  rollback?: AliasRollbackMove[];
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
  /** Who opened the approval gate, and when, once someone did. */
  approval?: ApprovalRecord;
  /** Compensations run so far (while Compensating, and after). */
  compensations?: CompensationRecord[];
  /** While a canary step's metrics gate judges: per region, what it waits for or its verdict. */
  gate?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Signals, queries, updates.
// ---------------------------------------------------------------------------------------------

export const progressQuery = defineQuery<ReleaseProgress>('progress');
/** Aborts a running release: it compensates every completed step, then ends as Aborted. */
export const abortSignal = defineSignal<[{ reason: string; by: string }]>('abort');
/**
 * Lets a release waiting at its approval gate move traffic. Kept for releases started before
 * approveUpdate existed (and for clients that still signal): a signal cannot be refused, so an
 * approval sent before the gate waits is kept and used there.
 */
export const approveSignal = defineSignal<[{ by: string }]>('approve');
/** Who opened a release's approval gate, and when (workflow time, ISO). */
export interface ApprovalRecord {
  by: string;
  at: string;
}
/**
 * Approve as an update: its validator refuses, with the reason, a release with no approval gate
 * waiting (none in the manifest, not there yet, already past it) or one already approved; accepted,
 * it answers who approved and when, as the result and the memo record it.
 */
export const approveUpdate = defineUpdate<ApprovalRecord, [{ by: string }]>('approveRelease');
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
  /** Who is told that the sync started and how it ended (`--notify`; events: SYNC_NOTIFY_EVENTS). */
  notify?: NotifyRule[];
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
export interface SyncFunctionInput extends Omit<SyncInput, 'functions' | 'functionConcurrency' | 'functionsPerRun' | 'notify'> {
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
  /** Every notification sent (`notify`), failed ones with their error: they never change the sync's outcome. */
  notifications?: NotificationRecord[];
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

// ---------------------------------------------------------------------------------------------
// Fleet releases: one release per function, as child workflows of a fleet (workflows/fleet.ts).
// ---------------------------------------------------------------------------------------------

export function fleetWorkflowId(fleetId: string): string {
  return `fleet/${fleetId}`;
}

/** A fleet's child for one function: an ordinary release whose release id is the fleet id. */
export function fleetChildWorkflowId(fleetId: string, namespace: string, functionName: string): string {
  return releaseWorkflowId(namespace, functionName, fleetId);
}

/** The rollback release `rollbackAllOnFailure` starts for a child that had succeeded. */
export function fleetRollbackWorkflowId(fleetId: string, namespace: string, functionName: string): string {
  return releaseWorkflowId(namespace, functionName, `${fleetId}-rollback`);
}

/** Most functions one fleet may release (manifest limit; also what keeps its input small). */
export const MAX_FLEET_FUNCTIONS = 1000;
/** Most children one fleet may run at once. */
export const MAX_FLEET_CONCURRENCY = 100;
/** Failures the fleet's result lists in full; beyond, it counts them (the report query has them all). */
export const FLEET_RESULT_FAILURES = 50;

/** What every release of a group shares: a release input without the function. */
export type FleetReleaseTemplate = Omit<ReleaseInput, 'releaseId' | 'functionName' | 'startedBy' | 'kind' | 'rollbackTo'>;

/** One group of functions released with one package: named, or selected with ListFunctions in its primary region. */
export interface FleetGroup {
  functions: { names: string[] } | { match: string };
  release: FleetReleaseTemplate;
}

/**
 * A wave: how many more functions it covers (`functions`), the share of the fleet the waves so far
 * reach (`percent`, cumulative), or named functions (`names`, e.g. a canary). A wave starts only
 * when every release before it has ended and none failed.
 */
export type FleetWave = { functions: number } | { percent: number } | { names: string[] };

export interface FleetPolicy {
  maxConcurrency: number;
  /** Start no new release once this many have failed (absent: never stop). */
  stopAfterFailures?: number;
  /** When any release fails, roll back every release of the fleet that had succeeded. */
  rollbackAllOnFailure: boolean;
  waves: FleetWave[];
}

/** Where a function goes back to under rollbackAllOnFailure: its newest successful release before the fleet. */
export interface FleetRollbackTarget {
  workflowId: string;
  pkg: CodePackage;
  handler?: string;
}

export interface FleetInput {
  fleetId: string;
  startedBy: string;
  groups: FleetGroup[];
  policy: FleetPolicy;
  /** `<namespace>/<function>` → its rollback target (rollbackAllOnFailure only; the client finds them). */
  rollbackTargets?: Record<string, FleetRollbackTarget>;
  /** Children per workflow run before it continues as new (default FLEET_CHILDREN_PER_RUN; tests set it small). */
  childrenPerRun?: number;
}

/** A function of the fleet, in the order releases start: its group and name. */
export interface FleetMember {
  group: number;
  namespace: string;
  functionName: string;
}

/** How one function ended in the fleet; `Skipped`: never started (a policy stopped the fleet, or it was aborted). */
export type FleetMemberStatus = Exclude<ReleaseStatus, 'Running'> | 'Failed' | 'Skipped';

export type FleetStatus = 'Succeeded' | 'NoOp' | 'Failed' | 'RolledBack' | 'RollbackFailed' | 'Aborted';

export interface FleetTotals {
  total: number;
  done: number;
  running: number;
  succeeded: number;
  noOp: number;
  failed: number;
  skipped: number;
  rolledBack: number;
}

export interface FleetFailure {
  namespace: string;
  functionName: string;
  workflowId: string;
  status: FleetMemberStatus;
  error?: ReleaseError;
}

export interface FleetRollback {
  namespace: string;
  functionName: string;
  workflowId: string;
  status: Exclude<ReleaseStatus, 'Running'> | 'Failed';
}

export interface FleetResult {
  fleetId: string;
  status: FleetStatus;
  summary: string;
  totals: FleetTotals;
  /** The first FLEET_RESULT_FAILURES failures; `failuresOmitted` counts the rest. */
  failures: FleetFailure[];
  failuresOmitted: number;
  rollbacks: FleetRollback[];
  startedAt: string;
  endedAt: string;
}

export interface FleetProgress {
  fleetId: string;
  totals: FleetTotals;
  running: string[];
  /** The wave now running (0-based) and how many there are. */
  wave: number;
  waves: number;
  startedAt: string;
  aborted?: { reason: string; by: string };
  stopped?: string;
}

export interface FleetReportEntry {
  namespace: string;
  functionName: string;
  workflowId: string;
  wave: number;
  status: FleetMemberStatus | 'Running' | 'Pending';
}

export interface FleetReportPage {
  offset: number;
  total: number;
  entries: FleetReportEntry[];
}

export const fleetProgressQuery = defineQuery<FleetProgress>('fleetProgress');
/** The per-function report, a page at a time (at most FLEET_REPORT_PAGE_MAX entries). */
export const fleetReportQuery = defineQuery<FleetReportPage, [{ offset: number; limit: number }]>('fleetReport');
export const FLEET_REPORT_PAGE_MAX = 500;
/** The fleet's answer to an abort; `rollingBack`, with rollbackAllOnFailure: the releases that had succeeded, to be rolled back. */
export interface FleetAbortAnswer {
  accepted: boolean;
  running: number;
  skipped: number;
  rollingBack?: number;
}
/** Aborts a fleet: unstarted releases are skipped, running ones are aborted (they compensate). */
export const abortFleetUpdate = defineUpdate<FleetAbortAnswer, [{ reason: string; by: string }]>('abortFleet');

/** What a fleet's `--plan` shows: the functions in their waves, each with its release plan. */
export interface FleetPlan {
  fleetId: string;
  members: Array<FleetMember & { wave: number }>;
  waves: number;
  plans: ReleasePlan[];
  policy: FleetPolicy;
}
