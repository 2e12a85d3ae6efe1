/**
 * The one place that decides whether a Tencent Cloud error is worth retrying.
 *
 * `ERROR_TABLE` is data: every error code listed in the five seed API pages (CopyFunction,
 * UpdateFunctionCode, PublishVersion, GetFunctionAddress, InvokeFunction) and every API 3.0 common
 * error code, each with a class. `FAMILY_RULES` decides codes that are not in the table by their
 * dotted prefix (the part before the first `.`), so a code Tencent adds later still gets a
 * deliberate answer. `toApplicationFailure()` turns any error an SCF call can raise into the
 * `ApplicationFailure` the workflows see: `type` = the Tencent code, `nonRetryable` from here.
 *
 * Decisions worth knowing:
 * - "State does not allow this, try again when it is normal" codes (`FailedOperation.FunctionStatusError`,
 *   `.UpdateFunctionCode`, `.PublishVersion`, `.OperationConflict`, ...) are retryable: the function is
 *   busy (Updating/Publishing) and the same call succeeds once it is Active again.
 * - `AuthFailure.SignatureExpire` is retryable: the SDK signs every attempt with a fresh timestamp, so a
 *   request that sat in a queue, or a transient clock step, succeeds on the next attempt. A clock that is
 *   really off by > 5 minutes fails every attempt until the retry policy gives up; the message says to
 *   check the worker's clock. Every other `AuthFailure.*` needs a person (wrong, deleted or expired keys).
 * - Unknown `FailedOperation.*` codes are retryable (SCF uses the family for "could not do it now");
 *   the permanent ones we know of are listed as not retryable. Unknown `InternalError.*`,
 *   `RequestLimitExceeded.*` and `ServiceUnavailable*` are retryable. Every other unknown family is NOT
 *   retryable (parameter, permission, quota, missing-resource and unsupported families need a change,
 *   not a retry), and a code with an unknown family altogether is not retryable either: retrying
 *   something we do not understand hides it for the whole retry schedule.
 * - Errors without a code: network failures (ECONNRESET, socket hang up, timeouts, refused connections)
 *   and non-200 HTTP answers are retryable (type `NetworkError` / `HttpError`).
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { scrubSecrets } from './credentials';

export type ErrorClass =
  /** The request was refused for its rate; retried after a delay, and the limiter slows down. */
  | 'throttle'
  /** The function (or the service) is busy; the same call works later. */
  | 'busy'
  /** A server-side failure; the same call probably works later. */
  | 'internal'
  /** Signature timestamp; see the module comment. */
  | 'clock'
  /** The request itself is wrong: fix the input. */
  | 'invalid'
  /** Something named in the request does not exist. */
  | 'not-found'
  /** Something that must not exist does (or is in use). */
  | 'conflict'
  /** Credentials or permissions: a person must act. */
  | 'auth'
  /** Quota or size limit. */
  | 'limit'
  /** SCF cannot do this at all (region, function kind, ...). */
  | 'unsupported'
  /** The account cannot use the service (arrears, suspended). */
  | 'account';

export interface ErrorRule {
  retryable: boolean;
  class: ErrorClass;
  /** Why, when the class alone does not say it. */
  note?: string;
}

const R = (cls: ErrorClass, note?: string): ErrorRule => ({ retryable: true, class: cls, note });
const N = (cls: ErrorClass, note?: string): ErrorRule => ({ retryable: false, class: cls, note });

/** Every code from the seed pages and the API 3.0 common error codes. */
export const ERROR_TABLE: Readonly<Record<string, ErrorRule>> = {
  // ---- API 3.0 common error codes -------------------------------------------------------------
  ActionOffline: N('unsupported', 'the API was retired'),
  'AuthFailure.InvalidAuthorization': N('auth'),
  'AuthFailure.InvalidSecretId': N('auth'),
  'AuthFailure.MFAFailure': N('auth'),
  'AuthFailure.SecretIdNotFound': N('auth'),
  'AuthFailure.SignatureExpire': R('clock', 'fresh signature on retry; check the worker clock if it persists'),
  'AuthFailure.SignatureFailure': N('auth'),
  'AuthFailure.TokenFailure': N('auth'),
  'AuthFailure.UnauthorizedOperation': N('auth'),
  AuthFailure: N('auth'),
  DryRunOperation: N('invalid'),
  FailedOperation: R('busy', 'generic "operation failed"; SCF returns it for transient state'),
  InternalError: R('internal'),
  InvalidAction: N('invalid'),
  InvalidParameter: N('invalid'),
  InvalidParameterValue: N('invalid'),
  InvalidRequest: N('invalid'),
  IpInBlacklist: N('auth'),
  IpNotInWhitelist: N('auth'),
  LimitExceeded: N('limit'),
  MissingParameter: N('invalid'),
  NoSuchProduct: N('unsupported'),
  NoSuchVersion: N('unsupported'),
  RequestLimitExceeded: R('throttle'),
  'RequestLimitExceeded.GlobalRegionUinLimitExceeded': R('throttle'),
  'RequestLimitExceeded.IPLimitExceeded': R('throttle'),
  'RequestLimitExceeded.UinLimitExceeded': R('throttle'),
  RequestSizeLimitExceeded: N('limit', 'use a COS package for large code'),
  ResourceInUse: N('conflict'),
  ResourceInsufficient: R('internal', 'capacity on the provider side'),
  ResourceNotFound: N('not-found'),
  ResourceUnavailable: N('account'),
  ResponseSizeLimitExceeded: N('limit'),
  ServiceUnavailable: R('internal'),
  UnauthorizedOperation: N('auth'),
  UnknownParameter: N('invalid'),
  UnsupportedOperation: N('unsupported'),
  UnsupportedProtocol: N('unsupported'),
  UnsupportedRegion: N('unsupported'),

  // ---- CopyFunction ---------------------------------------------------------------------------
  'FailedOperation.CopyAsyncRun': N('invalid', 'CopyAsyncRun parameter error'),
  'FailedOperation.CopyFailed': R('busy', 'replication failed; a retry with the same input is safe'),
  'FailedOperation.CopyFunction': N('unsupported', 'replication to this region is not supported'),
  'InternalError.Exception': R('internal'),
  'InternalError.System': R('internal'),
  'InvalidParameterValue.Code': N('invalid'),
  'InvalidParameterValue.Description': N('invalid'),
  'InvalidParameterValue.Environment': N('invalid'),
  'InvalidParameterValue.FunctionName': N('not-found', 'SCF uses it for "the function does not exist"'),
  'InvalidParameterValue.Handler': N('invalid'),
  'InvalidParameterValue.Runtime': N('invalid'),
  'LimitExceeded.Function': N('limit'),
  'LimitExceeded.Memory': N('limit'),
  'LimitExceeded.Timeout': N('limit'),
  'ResourceInUse.FunctionName': N('conflict'),
  'ResourceNotFound.Function': N('not-found'),
  'ResourceNotFound.FunctionName': N('not-found'),
  'ResourceNotFound.Namespace': N('not-found'),
  'UnauthorizedOperation.CAM': N('auth'),
  'UnauthorizedOperation.Region': N('auth'),
  'UnsupportedOperation.CopyFunction': N('unsupported'),
  'UnsupportedOperation.Region': N('unsupported'),

  // ---- UpdateFunctionCode ---------------------------------------------------------------------
  'FailedOperation.CallRoleFailed': R('internal', 'role lookup failed on the provider side'),
  'FailedOperation.FunctionStatusError': R('busy', 'the function is deploying'),
  'FailedOperation.OperationConflict': R('busy'),
  'FailedOperation.UpdateFunctionCode': R('busy', 'retry when the function state is normal'),
  'InvalidParameter.Payload': N('invalid'),
  'InvalidParameterValue.Args': N('invalid'),
  'InvalidParameterValue.CodeSecret': N('invalid'),
  'InvalidParameterValue.CodeSource': N('invalid'),
  'InvalidParameterValue.Command': N('invalid'),
  'InvalidParameterValue.Cos': N('invalid'),
  'InvalidParameterValue.CosBucketName': N('invalid'),
  'InvalidParameterValue.CosBucketRegion': N('invalid'),
  'InvalidParameterValue.CosObjectName': N('invalid'),
  'InvalidParameterValue.Demo': N('invalid'),
  'InvalidParameterValue.DemoId': N('invalid'),
  'InvalidParameterValue.DnsInfo': N('invalid'),
  'InvalidParameterValue.GitBranch': N('invalid'),
  'InvalidParameterValue.GitDirectory': N('invalid'),
  'InvalidParameterValue.GitPassword': N('invalid'),
  'InvalidParameterValue.GitUrl': N('invalid'),
  'InvalidParameterValue.GitUserName': N('invalid'),
  'InvalidParameterValue.ImageType': N('invalid'),
  'InvalidParameterValue.ImageUri': N('invalid'),
  'InvalidParameterValue.InlineZipFile': N('invalid'),
  'InvalidParameterValue.Namespace': N('invalid'),
  'InvalidParameterValue.RegistryId': N('invalid'),
  'InvalidParameterValue.TempCosObjectName': N('invalid'),
  'InvalidParameterValue.ZipFile': N('invalid', 'not a standard zip'),
  'InvalidParameterValue.ZipFileBase64BinasciiError': N('invalid'),
  'LimitExceeded.ContainerImageAccelerateQuota': N('limit'),
  'ResourceNotFound.ImageConfig': N('not-found'),
  'UnauthorizedOperation.TempCosAppid': N('auth'),
  'UnauthorizedOperation.UpdateFunctionCode': N('auth'),

  // ---- PublishVersion -------------------------------------------------------------------------
  'FailedOperation.PublishVersion': R('busy', 'retry when the function state is normal'),
  'LimitExceeded.ContainerImageAccelerate': N('limit'),
  'UnsupportedOperation.PublishVersion': N('unsupported'),

  // ---- GetFunctionAddress ---------------------------------------------------------------------
  'FailedOperation.GetFunctionAddress': R('internal'),
  'InvalidParameterValue.Action': N('invalid'),
  'InvalidParameterValue.Qualifier': N('invalid'),
  'ResourceNotFound.FunctionVersion': N('not-found'),
  'ResourceNotFound.Version': N('not-found'),
  'UnauthorizedOperation.CodeSecret': N('auth'),

  // ---- InvokeFunction -------------------------------------------------------------------------
  'FailedOperation.InvokeFunction': R('busy'),
  'InvalidParameter.FunctionName': N('invalid'),
  'InvalidParameter.RequestTooLarge': N('limit'),
  'InvalidParameterValue.ClientContext': N('invalid'),
  'InvalidParameterValue.FunctionType': N('invalid'),
  'InvalidParameterValue.Param': N('invalid'),
  'LimitExceeded.Quota': N('limit'),
  'ResourceNotFound.Qualifier': N('not-found'),
  'ResourceUnavailable.InsufficientBalance': N('account'),
  'ResourceUnavailable.ServiceSuspended': N('account'),

  // ---- Other SCF actions the activities call (state codes of the same kind) -------------------
  'FailedOperation.FunctionNameStatusError': R('busy'),
  'FailedOperation.DeleteFunction': R('busy'),
  'FailedOperation.UpdateAlias': R('busy'),
  'FailedOperation.CreateAlias': R('busy'),
  'FailedOperation.DeleteAlias': R('busy'),
  'FailedOperation.FunctionVersionStatusNotActive': R('busy'),
  'FailedOperation.DeleteFunctionVersion': R('busy'),
  'ResourceInUse.Alias': N('conflict'),
  // Documented answers the simulator gives as Tencent does (issue 12).
  'FailedOperation.UpdateFunctionConfiguration': R('busy', 'UpdateFunctionConfiguration: retry when the function state is normal'),
  'UnsupportedOperation.AliasBind': N('conflict', 'the version is bound to an alias: move or delete the alias first'),
  'InvalidParameterValue.RoutingConfig': N('invalid', 'an alias takes at most one additional version, by weight or by rule'),
  // ---- Trigger actions (CreateTrigger, DeleteTrigger, UpdateTriggerStatus, ListTriggers) ------
  'ResourceInUse.Trigger': N('conflict', 'createTrigger reads it as "already there" and compares'),
  'ResourceNotFound.Trigger': N('not-found', 'deleteTrigger reads it as "already gone"'),
  'LimitExceeded.Trigger': N('limit', 'the function has as many triggers as SCF allows'),
  'ResourceNotFound.Cos': N('not-found', 'a COS trigger names a bucket that does not exist in that region'),
  'InvalidParameterValue.TriggerDesc': N('invalid'),
  'InvalidParameterValue.TriggerName': N('invalid'),
  'ResourceInUse.Function': N('conflict'),
  'ResourceNotFound.Alias': N('not-found'),

  // ---- Our own, for errors without a Tencent code --------------------------------------------
  MissingCredentials: N('auth', 'no credential provider answered: configure the worker'),
  NetworkError: R('internal', 'connection reset, socket hang up, timeout: the request may or may not have run'),
  HttpError: R('internal', 'a non-200 HTTP answer (proxy or gateway)'),
};

/** For codes not in the table: decided by the family (text before the first dot). */
export const FAMILY_RULES: Readonly<Record<string, ErrorRule>> = {
  FailedOperation: R('busy', 'unknown FailedOperation.* codes: SCF uses the family for "not now"'),
  InternalError: R('internal'),
  RequestLimitExceeded: R('throttle'),
  ServiceUnavailable: R('internal'),
  ResourceInsufficient: R('internal'),
  AuthFailure: N('auth'),
  UnauthorizedOperation: N('auth'),
  InvalidParameter: N('invalid'),
  InvalidParameterValue: N('invalid'),
  MissingParameter: N('invalid'),
  UnknownParameter: N('invalid'),
  InvalidAction: N('invalid'),
  InvalidRequest: N('invalid'),
  ResourceNotFound: N('not-found'),
  ResourceInUse: N('conflict'),
  LimitExceeded: N('limit'),
  RequestSizeLimitExceeded: N('limit'),
  ResourceUnavailable: N('account'),
  UnsupportedOperation: N('unsupported'),
  UnsupportedRegion: N('unsupported'),
  UnsupportedProtocol: N('unsupported'),
  OperationDenied: N('auth'),
};

/** Unknown family: not retryable (see the module comment). */
export const UNKNOWN_RULE: ErrorRule = N('invalid', 'unknown error family: not retried, so it surfaces at once');

export function classifyCode(code: string): ErrorRule & { source: 'table' | 'family' | 'unknown' } {
  const exact = ERROR_TABLE[code];
  if (exact) return { ...exact, source: 'table' };
  const family = code.split('.')[0];
  const byFamily = FAMILY_RULES[family];
  if (byFamily) return { ...byFamily, source: 'family' };
  return { ...UNKNOWN_RULE, source: 'unknown' };
}

/** The Tencent code of a failure an SCF call raised (its ApplicationFailure type); undefined for anything else. */
export function failureType(err: unknown): string | undefined {
  return err instanceof ApplicationFailure ? (err.type ?? undefined) : undefined;
}

/** The codes SCF answers for "this function does not exist". */
export const FUNCTION_NOT_FOUND_CODES: ReadonlySet<string> = new Set(['ResourceNotFound.Function', 'ResourceNotFound.FunctionName']);

export function isThrottleCode(code: string | undefined): boolean {
  return !!code && classifyCode(code).class === 'throttle';
}

/** What an SCF call is about, for messages and details. */
export interface CallTarget {
  action: string;
  region: string;
  namespace?: string;
  functionName?: string;
  qualifier?: string;
}

/** The normalised view of anything the SDK (or the network under it) can throw. */
export interface ScfErrorInfo {
  code: string;
  /** The error's message with credentials scrubbed (credentials.ts `scrubSecrets`): safe to log and to record. */
  message: string;
  requestId?: string;
  httpCode?: number;
}

/**
 * Reads the code, message, RequestId and HTTP status from an SDK error (TencentCloudSDKHttpException).
 * The message is scrubbed of anything that looks like a credential, so every consumer (the gateway's log
 * line, `toApplicationFailure`) gets the same safe text.
 */
export function describeScfError(err: unknown): ScfErrorInfo {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; requestId?: unknown; httpCode?: unknown };
  const message = scrubSecrets(typeof e.message === 'string' ? e.message : String(err));
  const requestId = typeof e.requestId === 'string' && e.requestId ? e.requestId : undefined;
  const httpCode = typeof e.httpCode === 'number' ? e.httpCode : undefined;
  // Our own errors raised inside the SDK (credential chain) lose their `code`; they keep a `[Code]` prefix.
  const own = /^\[([A-Z][A-Za-z]+)\] /.exec(message);
  if (own) return { code: own[1], message: message.slice(own[0].length), requestId, httpCode };
  // SDK errors carry the Tencent code in `code`; Node system errors carry 'ECONNRESET' etc. there.
  if (typeof e.code === 'string' && /^[A-Z][A-Za-z]+(\.[A-Za-z0-9]+)*$/.test(e.code) && !/^E[A-Z]+$/.test(e.code)) {
    return { code: e.code, message, requestId, httpCode };
  }
  if (httpCode !== undefined && httpCode !== 200) {
    return { code: 'HttpError', message: `HTTP ${httpCode} ${message}`.trim(), requestId, httpCode };
  }
  return { code: 'NetworkError', message, requestId, httpCode };
}

/** Delay before the next attempt after a throttled answer: exponential in the attempt, with full jitter. */
export function throttleRetryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(500 * 2 ** Math.max(0, attempt - 1), 8000);
  return Math.round(base / 2 + random() * base);
}

/**
 * Any error from an SCF call → an `ApplicationFailure`:
 * - `type`: the Tencent code (`NetworkError` / `HttpError` when there is none);
 * - `nonRetryable`: from the table;
 * - message naming the action, region, namespace, function and the RequestId;
 * - `details[0]`: `{ code, requestId, action, region, namespace, functionName, qualifier, httpCode, errorClass }`;
 * - throttling: `nextRetryDelay` with jitter.
 * `ApplicationFailure`s and `CancelledFailure`s pass through unchanged.
 */
export function toApplicationFailure(
  err: unknown,
  target: CallTarget,
  opts: { attempt?: number; random?: () => number } = {},
): ApplicationFailure | CancelledFailure {
  if (err instanceof ApplicationFailure || err instanceof CancelledFailure) return err;
  const info = describeScfError(err);
  const rule = classifyCode(info.code);
  const where = [target.region, target.namespace ?? 'default', target.functionName].filter(Boolean).join('/');
  const qualifier = target.qualifier ? `:${target.qualifier}` : '';
  const clockHint = info.code === 'AuthFailure.SignatureExpire' ? ' (check the worker clock: NTP)' : '';
  const message =
    `${target.action} on ${where}${qualifier} failed: ${info.code}: ${info.message}${clockHint}` +
    ` (RequestId: ${info.requestId ?? 'none'})`;
  const details = {
    code: info.code,
    requestId: info.requestId ?? null,
    action: target.action,
    region: target.region,
    namespace: target.namespace ?? null,
    functionName: target.functionName ?? null,
    qualifier: target.qualifier ?? null,
    httpCode: info.httpCode ?? null,
    errorClass: rule.class,
  };
  return ApplicationFailure.create({
    message,
    type: info.code,
    nonRetryable: !rule.retryable,
    details: [details],
    nextRetryDelay: rule.class === 'throttle' ? throttleRetryDelayMs(opts.attempt ?? 1, opts.random) : undefined,
  });
}

/** Every code of the five seed pages, for the tests (and for anyone wondering what the seeds list). */
export const SEED_CODES: readonly string[] = [
  // CopyFunction
  'FailedOperation.CopyAsyncRun', 'FailedOperation.CopyFailed', 'FailedOperation.CopyFunction', 'InternalError',
  'InternalError.Exception', 'InternalError.System', 'InvalidParameterValue.Code', 'InvalidParameterValue.Description',
  'InvalidParameterValue.Environment', 'InvalidParameterValue.FunctionName', 'InvalidParameterValue.Handler',
  'InvalidParameterValue.Runtime', 'LimitExceeded.Function', 'LimitExceeded.Memory', 'LimitExceeded.Timeout',
  'ResourceInUse.FunctionName', 'ResourceNotFound.Function', 'ResourceNotFound.FunctionName',
  'ResourceNotFound.Namespace', 'UnauthorizedOperation.CAM', 'UnauthorizedOperation.Region',
  'UnsupportedOperation.CopyFunction', 'UnsupportedOperation.Region',
  // UpdateFunctionCode
  'FailedOperation', 'FailedOperation.CallRoleFailed', 'FailedOperation.FunctionStatusError',
  'FailedOperation.OperationConflict', 'FailedOperation.UpdateFunctionCode', 'InvalidParameter.Payload',
  'InvalidParameterValue', 'InvalidParameterValue.Args', 'InvalidParameterValue.CodeSecret',
  'InvalidParameterValue.CodeSource', 'InvalidParameterValue.Command', 'InvalidParameterValue.Cos',
  'InvalidParameterValue.CosBucketName', 'InvalidParameterValue.CosBucketRegion', 'InvalidParameterValue.CosObjectName',
  'InvalidParameterValue.Demo', 'InvalidParameterValue.DemoId', 'InvalidParameterValue.DnsInfo',
  'InvalidParameterValue.GitBranch', 'InvalidParameterValue.GitDirectory', 'InvalidParameterValue.GitPassword',
  'InvalidParameterValue.GitUrl', 'InvalidParameterValue.GitUserName', 'InvalidParameterValue.ImageType',
  'InvalidParameterValue.ImageUri', 'InvalidParameterValue.InlineZipFile', 'InvalidParameterValue.Namespace',
  'InvalidParameterValue.RegistryId', 'InvalidParameterValue.TempCosObjectName', 'InvalidParameterValue.ZipFile',
  'InvalidParameterValue.ZipFileBase64BinasciiError', 'LimitExceeded.ContainerImageAccelerateQuota',
  'ResourceNotFound.ImageConfig', 'UnauthorizedOperation.TempCosAppid', 'UnauthorizedOperation.UpdateFunctionCode',
  'UnsupportedOperation',
  // PublishVersion
  'FailedOperation.PublishVersion', 'LimitExceeded.ContainerImageAccelerate', 'ResourceInUse',
  'UnsupportedOperation.PublishVersion',
  // GetFunctionAddress
  'FailedOperation.GetFunctionAddress', 'InvalidParameterValue.Action', 'InvalidParameterValue.Qualifier',
  'ResourceNotFound.FunctionVersion', 'ResourceNotFound.Version', 'UnauthorizedOperation.CodeSecret',
  // InvokeFunction
  'FailedOperation.InvokeFunction', 'InvalidParameter.FunctionName', 'InvalidParameter.RequestTooLarge',
  'InvalidParameterValue.ClientContext', 'InvalidParameterValue.FunctionType', 'InvalidParameterValue.Param',
  'LimitExceeded.Quota', 'ResourceNotFound.Qualifier', 'ResourceUnavailable.InsufficientBalance',
  'ResourceUnavailable.ServiceSuspended',
];

/** The API 3.0 common error codes. */
export const COMMON_CODES: readonly string[] = [
  'ActionOffline', 'AuthFailure.InvalidAuthorization', 'AuthFailure.InvalidSecretId', 'AuthFailure.MFAFailure',
  'AuthFailure.SecretIdNotFound', 'AuthFailure.SignatureExpire', 'AuthFailure.SignatureFailure',
  'AuthFailure.TokenFailure', 'AuthFailure.UnauthorizedOperation', 'DryRunOperation', 'FailedOperation',
  'InternalError', 'InvalidAction', 'InvalidParameter', 'InvalidParameterValue', 'InvalidRequest', 'IpInBlacklist',
  'IpNotInWhitelist', 'LimitExceeded', 'MissingParameter', 'NoSuchProduct', 'NoSuchVersion', 'RequestLimitExceeded',
  'RequestLimitExceeded.GlobalRegionUinLimitExceeded', 'RequestLimitExceeded.IPLimitExceeded',
  'RequestLimitExceeded.UinLimitExceeded', 'RequestSizeLimitExceeded', 'ResourceInUse', 'ResourceInsufficient',
  'ResourceNotFound', 'ResourceUnavailable', 'ResponseSizeLimitExceeded', 'ServiceUnavailable',
  'UnauthorizedOperation', 'UnknownParameter', 'UnsupportedOperation', 'UnsupportedProtocol', 'UnsupportedRegion',
];
