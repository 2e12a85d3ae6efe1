/**
 * The contract between workflows and the SCF activities: every input and output type, and the
 * activity signatures. Workflows import this file for *types only*
 * (`proxyActivities<ScfActivities>`), so it must stay free of runtime imports.
 *
 * Every input is plain JSON (it is recorded in workflow history): no secrets, no code bytes.
 */
import type { NotificationRecord, NotifyInput } from './notify';
import type { VerificationCase } from '../workflows/definitions';
import type { TriggerActivities } from './trigger-contract';
import type { MonitorActivities } from './monitor-contract';

/** Where a function lives. `namespace` defaults to `default` at the edges (manifest, CLI), never here. */
export interface FunctionRef {
  region: string;
  namespace: string;
  functionName: string;
}

/** SCF function states, as GetFunction's `Status` reports them. */
export type FunctionStatus =
  | 'Creating'
  | 'CreateFailed'
  | 'Active'
  | 'Updating'
  | 'UpdateFailed'
  | 'Publishing'
  | 'PublishFailed'
  | 'Deleting'
  | 'DeleteFailed';

export interface StatusReason {
  errorCode: string;
  errorMessage: string;
}

export interface FunctionInfo {
  /** false when SCF answered ResourceNotFound.Function / ResourceNotFound.FunctionName. */
  exists: boolean;
  status?: FunctionStatus;
  statusReasons?: StatusReason[];
  handler?: string;
  runtime?: string;
  memorySize?: number;
  timeout?: number;
  description?: string;
  codeSize?: number;
  /** GetFunction's ModTime ("2026-12-02 03:04:05", SCF's last modification of the function: second resolution). */
  modTime?: string;
  /** Trigger type and name, as GetFunction lists them (CopyFunction does not carry them). */
  triggers?: Array<{ type: string; name: string }>;
}

/**
 * A code package, by reference. `location` is one of:
 * - a local path (absolute, or `file:///...`), read by the worker;
 * - an `http://` or `https://` URL, downloaded by the worker (size-capped, streamed);
 * - `cos://<bucket>/<key>?region=<region>`: passed to UpdateFunctionCode as
 *   CosBucketName/CosObjectName/CosBucketRegion, so no bytes pass through the worker.
 * `sha256` is the lowercase hex digest of the zip; the activity refuses a package that does not match.
 */
export interface CodePackage {
  location: string;
  sha256: string;
}

export interface UpdateCodeInput {
  fn: FunctionRef;
  pkg: CodePackage;
  /** e.g. `index.main_handler`; omitted keeps the function's handler. */
  handler?: string;
  /**
   * The handler the function runs with after the update: `handler`, else the function's current one
   * (read just before, by the snapshot). A zip whose root lacks its file is refused (`InvalidPackage`)
   * before the SCF call. Absent in inputs recorded before this field: then nothing is checked.
   */
  runsHandler?: string;
}

export interface PublishVersionInput {
  fn: FunctionRef;
  /** Tagged into the version Description so a retry finds the version it already published. */
  releaseId: string;
  description?: string;
}

/**
 * $LATEST as the release's own update left it (updateCodeAndWait's last GetFunction): what
 * publishAndWait compares $LATEST and the new version against to know, without a GetFunctionAddress,
 * that nobody changed $LATEST between that update and the publish.
 */
export interface LatestAfterUpdate {
  modTime: string;
  codeSize: number;
}

/**
 * How publishAndWait knows the new version holds the package: `read` = the version's CodeSha256 from
 * GetFunctionAddress; `unchanged-since-update` = not a new version reused, its CodeSize is the update's,
 * and $LATEST is Active with the ModTime and CodeSize the release's own update left (BENCHMARKS.md).
 */
export type PublishedCodeCheck = 'read' | 'unchanged-since-update';

export interface PublishedAndChecked extends PublishedVersion {
  /** Present when `codeCheck` is `read`: the version's CodeSha256 as SCF answered it. */
  codeSha256?: string;
  codeCheck: PublishedCodeCheck;
}

export interface PublishedVersion {
  version: string;
  /** true when a version tagged with this release id already existed (a retried call). */
  reused: boolean;
}

export interface VersionInfo {
  version: string;
  description: string;
  status?: string;
  addTime?: string;
}

export interface CopyFunctionInput {
  source: FunctionRef;
  targetRegion: string;
  targetNamespace: string;
  /** Defaults to the source's name. */
  newFunctionName?: string;
  /** Deletes the target and all its versions first (SCF semantics). Only when a manifest says so. */
  override: boolean;
  /** When the target already holds this code, the copy is skipped (idempotent retry). */
  expectedSha256?: string;
}

export interface CopyFunctionResult {
  copied: boolean;
  /** What CopyFunction does not carry, for the release result. */
  notCopied: string[];
}

/**
 * GetFunctionAddress as workflows see it: the CodeSha256 only. SCF's `Url` is a signed download link,
 * a credential for the code; it stays inside the activity (snapshotCode) and never reaches history.
 */
export interface FunctionAddress {
  codeSha256: string;
}

export interface InvokeInput {
  fn: FunctionRef;
  /** A version number, `$LATEST`, or an alias name. */
  qualifier: string;
  /** JSON text passed as the function's event. */
  event: string;
  routingKey?: Record<string, string>;
}

/** What invokeFunction returns: RetMsg, ErrMsg and Log each cut to INVOKE_TEXT_CAP characters (see activities.ts). */
export interface InvokeOutcome {
  invokeResult: number;
  retMsg: string;
  errMsg: string;
  log: string;
  /** The answer's length when `retMsg` holds only its first part. */
  retMsgTruncatedFrom?: number;
  durationMs: number;
  billDurationMs: number;
  memUsage: number;
  functionRequestId: string;
  requestId: string;
}

export interface VerifyCaseInput {
  fn: FunctionRef;
  /** A version number, `$LATEST`, or an alias name. */
  qualifier: string;
  /** The case as the manifest gave it; `${env:SCF_EVENT_...}` references in its event are resolved by the activity. */
  case: VerificationCase;
  /** Judge only the health part (InvokeResult, duration): through a split alias (see `healthPart`). */
  healthOnly?: boolean;
}

export interface CheckVerificationInput {
  /** The cases as the manifest gave them (their `${env:...}` references unresolved). */
  cases: VerificationCase[];
}

/** A judged case: figures and a short scrubbed detail, never the answer or the log. */
export interface CaseVerdict {
  /** The case's name (with ` (health)` when only its health part was judged). */
  case: string;
  passed: boolean;
  durationMs: number;
  memUsage: number;
  invokeResult: number;
  functionRequestId: string;
  /**
   * Why it failed, at most 1 KB (MAX_DETAIL_BYTES), credentials and signed URLs' queries scrubbed;
   * absent when it passed. The workflow's figure of the case appends ` (FunctionRequestId: <id>)` to it.
   */
  detail?: string;
}

export interface AliasWeight {
  version: string;
  weight: number;
}

export interface AliasInfo {
  name: string;
  functionVersion: string;
  additionalVersionWeights: AliasWeight[];
  description?: string;
}

export interface AliasInput {
  fn: FunctionRef;
  name: string;
  functionVersion: string;
  additionalVersionWeights?: AliasWeight[];
  description?: string;
}

export interface WaitForActiveInput {
  fn: FunctionRef;
  /** A version to wait for; omitted means $LATEST. */
  qualifier?: string;
  /** Gives up (non-retryable `WaitForActiveTimeout`) after this long, naming the state it was stuck in. */
  maxWaitMs: number;
}

/** A copy of a function's code kept in the worker's artifact store, to restore it later. */
export interface CodeSnapshot {
  fn: FunctionRef;
  qualifier: string;
  sha256: string;
  /** Opaque reference into the artifact store (never the bytes). */
  artifact: string;
  handler?: string;
}

export interface ListFunctionsInput {
  region: string;
  namespace: string;
  /** A name prefix, or a glob with `*` and `?`. */
  match?: string;
}

export interface FunctionSummary {
  functionName: string;
  namespace: string;
  status: string;
  runtime?: string;
  modTime?: string;
}

/**
 * The activities. Each mutating one says in its implementation's doc comment what happens when it
 * runs twice. Every failure is an ApplicationFailure whose `type` is the Tencent error code.
 */
export interface ScfActivities extends TriggerActivities, MonitorActivities {
  /** Sends a release or sync event to the channels it names (activities/notify.ts); never fails, each outcome is a record (and counted: scf_release_notifications). */
  notify(input: NotifyInput): Promise<NotificationRecord[]>;
  getFunction(input: { fn: FunctionRef; qualifier?: string }): Promise<FunctionInfo>;
  /**
   * A release's preflight of one region as one activity: GetFunction of $LATEST and, when it exists,
   * snapshotCode with the handler that answer gave (one GetFunctionAddress answers the CodeSha256 and
   * where the undo's snapshot comes from).
   */
  inspectLatest(input: { fn: FunctionRef }): Promise<{ info: FunctionInfo; snapshot?: CodeSnapshot }>;
  waitForActive(input: WaitForActiveInput): Promise<FunctionInfo>;
  /** updateFunctionCode, then waitForActive of $LATEST: one activity, one workflow task. */
  updateCodeAndWait(input: UpdateCodeInput & { maxWaitMs: number }): Promise<FunctionInfo>;
  /**
   * publishVersion, waitForActive of the new version, then the check that it holds the package: its
   * CodeSha256 (GetFunctionAddress), or, given `latestAfterUpdate`, $LATEST unchanged since that
   * update (one GetFunction; GetFunctionAddress only when that is not shown). A failure after the
   * publish carries `{ publishedVersion }` in its details, so a rollback names it.
   */
  publishAndWait(input: PublishVersionInput & { maxWaitMs: number; latestAfterUpdate?: LatestAfterUpdate }): Promise<PublishedAndChecked>;
  updateFunctionCode(input: UpdateCodeInput): Promise<{ requestId: string }>;
  publishVersion(input: PublishVersionInput): Promise<PublishedVersion>;
  listVersions(input: { fn: FunctionRef }): Promise<VersionInfo[]>;
  copyFunction(input: CopyFunctionInput): Promise<CopyFunctionResult>;
  getFunctionAddress(input: { fn: FunctionRef; qualifier?: string }): Promise<FunctionAddress>;
  invokeFunction(input: InvokeInput): Promise<InvokeOutcome>;
  /** Invokes the qualifier with the case's event and judges its expectations (activities/verification.ts). */
  verifyCase(input: VerifyCaseInput): Promise<CaseVerdict>;
  /** No SCF call: fails as verifyCase would on a case this worker cannot run (activities/verification.ts). */
  checkVerification(input: CheckVerificationInput): Promise<void>;
  createAlias(input: AliasInput): Promise<AliasInfo>;
  /** null when the alias does not exist. */
  getAlias(input: { fn: FunctionRef; name: string }): Promise<AliasInfo | null>;
  updateAlias(input: AliasInput): Promise<AliasInfo>;
  /** An alias already gone (or a function already gone) is a success (idempotent). */
  deleteAlias(input: { fn: FunctionRef; name: string }): Promise<void>;
  /** Without a qualifier deletes the function; absent functions are a success (idempotent). */
  deleteFunction(input: { fn: FunctionRef; qualifier?: string }): Promise<void>;
  deleteVersion(input: { fn: FunctionRef; version: string }): Promise<void>;
  listFunctions(input: ListFunctionsInput): Promise<FunctionSummary[]>;
  /** `handler`: what GetFunction just answered for the same qualifier (the preflight's), so it is not read again. */
  snapshotCode(input: { fn: FunctionRef; qualifier?: string; handler?: string }): Promise<CodeSnapshot>;
  restoreCode(input: { snapshot: CodeSnapshot }): Promise<{ requestId: string }>;
}
