/**
 * The SCF activities (see `ScfActivities` in contract.ts). Every SCF call goes through `ScfGateway`
 * (rate limiter, cancellation, one log line, error table). Every failure is an `ApplicationFailure`
 * whose `type` is the Tencent error code, or one of ours:
 *   InvalidPackage, WaitForActiveTimeout, FunctionCreateFailed/FunctionUpdateFailed/FunctionPublishFailed/
 *   FunctionDeleteFailed, SnapshotDigestMismatch, SnapshotMissing, DownloadFailed, InvalidAliasWeight.
 */
import { recordNotification } from './notify-telemetry';
import { sendNotifications, type NotificationRecord, type NotifyChannel, type NotifyInput } from './notify';
import { promises as fs } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { type ArtifactStore, artifactRef } from './artifact-store';
import { currentSignal, heartbeat, sleep } from './context';
import type {
  AliasInfo,
  AliasInput,
  CodeSnapshot,
  CopyFunctionInput,
  CopyFunctionResult,
  FunctionAddress,
  FunctionInfo,
  FunctionRef,
  FunctionStatus,
  FunctionSummary,
  InvokeInput,
  InvokeOutcome,
  LatestAfterUpdate,
  ListFunctionsInput,
  PublishVersionInput,
  PublishedAndChecked,
  PublishedVersion,
  ScfActivities,
  UpdateCodeInput,
  VersionInfo,
  WaitForActiveInput,
} from './contract';
import { DownloadError, downloadToFile } from './download';
import { PackageError, fitsZipFile, preparePackage, zipFileTooBigMessage } from './packages';
import { COS_HOST_PATTERNS, FetchPolicy, type LookupAll } from './url-policy';
import type { RateLimiter } from './rate-limiter';
import { type ScfClientFactory, ScfGateway } from './scf-client';
import { createCheckVerification, createVerifyCase } from './verification';
import { judgedInvokeResult } from './invoke-result';
import { FUNCTION_NOT_FOUND_CODES, failureType } from './error-table';
import { createTriggerActivities } from './triggers';
import { createMonitorActivities, type MonitorClientFactory } from './monitor';
import { listZipBufferEntries, zipContentsProblem } from './zip-contents';

export interface ActivityDeps {
  /** SDK clients per region, for one account. */
  scf: ScfClientFactory;
  /** Cloud Monitor SDK clients per region (readMonitorData); without it the metrics gate cannot read. */
  monitor?: MonitorClientFactory;
  /** Where snapshots (and nothing else) are kept. */
  store: ArtifactStore;
  logger: Logger;
  /** Shared by all activities of the worker; without it calls are not rate limited (tests). */
  limiter?: RateLimiter;
  packages?: {
    /** Cap on any download (snapshots, http(s) packages). Default 512 MiB. */
    maxDownloadBytes?: number;
    /** Host patterns http(s) packages may come from, over https (SCF_PACKAGE_HOSTS). Default: the COS domains. */
    hosts?: readonly string[];
    /** The directory local packages may come from (SCF_PACKAGE_DIR); without it they are refused. */
    localDir?: string;
    /** `host:port` of the simulator (SCF_ENDPOINT): packages and code URLs from it over http, any address. */
    simulatorHost?: string;
    /** DNS for the address checks; default the system's (tests inject one). */
    lookup?: LookupAll;
  };
  /** Where verifyCase and checkVerification read `${env:SCF_EVENT_...}` references; default the worker's process.env. */
  eventEnv?: Readonly<Record<string, string | undefined>>;
  /** Notification channels (SCF_NOTIFY_CHANNELS) and the hosts they may be on (SCF_NOTIFY_HOSTS). */
  notify?: { channels: Readonly<Record<string, NotifyChannel>>; hosts?: readonly string[]; trustedHosts?: readonly string[] };
  /**
   * waitForActive's polling: `firstPollMs` before the first GetFunction (default 0: at once), then
   * `initialMs` growing by `factor` up to `maxMs` (defaults 250 ms, 2500 ms, 1.6). The worker sets
   * `firstPollMs` to SCF's expected transition time (SCF_EXPECTED_TRANSITION): BENCHMARKS.md, "polling".
   */
  waitPolicy?: WaitPolicy;
}

export interface WaitPolicy {
  firstPollMs?: number;
  initialMs?: number;
  maxMs?: number;
  factor?: number;
}

const NOT_FOUND_FUNCTION = FUNCTION_NOT_FOUND_CODES;
const NOT_FOUND_ANY = new Set([
  ...NOT_FOUND_FUNCTION,
  'ResourceNotFound.Version',
  'ResourceNotFound.FunctionVersion',
  'ResourceNotFound.Qualifier',
]);
const TRANSITIONAL: ReadonlySet<string> = new Set(['Creating', 'Updating', 'Publishing', 'Deleting']);
const FAILED: ReadonlySet<string> = new Set(['CreateFailed', 'UpdateFailed', 'PublishFailed', 'DeleteFailed']);
const RELEASE_TAG = (releaseId: string) => `[scf-release:${releaseId}]`;
/** How much of RetMsg, ErrMsg and Log invokeFunction returns (characters; the log's last ones). */
export const INVOKE_TEXT_CAP = 4096;
/** SCF's Description limit. */
const MAX_DESCRIPTION = 1000;

function fnName(fn: FunctionRef, qualifier?: string): string {
  return `${fn.region}/${fn.namespace}/${fn.functionName}${qualifier ? `:${qualifier}` : ''}`;
}

/** Accepts SCF's CodeSha256 as hex (documented) or base64 of the digest; returns lowercase hex. */
export function normalizeSha256(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return v.toLowerCase();
  const b = Buffer.from(v, 'base64');
  if (b.length === 32) return b.toString('hex');
  return undefined;
}

/** `*` and `?` globs; without them, a prefix. */
export function nameMatcher(match: string | undefined): (name: string) => boolean {
  if (!match) return () => true;
  if (!/[*?]/.test(match)) return (name) => name.startsWith(match);
  const re = new RegExp(
    '^' +
      match
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
  );
  return (name) => re.test(name);
}

function invalidPackage(err: PackageError): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'InvalidPackage',
    message: err.message,
    nonRetryable: !err.retryable,
    details: [{ field: err.field }],
  });
}

/**
 * Refuses (non-retryable `InvalidPackage`, before any SCF call) a zip that SCF would refuse for the
 * handler the function runs with after the update: empty, nested in a folder, no handler file at the
 * root. Only zips the worker sends itself are seen; a cos:// package is read by SCF, not here.
 */
async function refuseZipWithoutHandler(zipBase64: string | undefined, input: UpdateCodeInput): Promise<void> {
  if (zipBase64 === undefined || input.runsHandler === undefined) return;
  let problem: string | undefined;
  try {
    problem = zipContentsProblem(await listZipBufferEntries(Buffer.from(zipBase64, 'base64')), input.runsHandler);
  } catch (err) {
    problem = `cannot be read as a zip (${(err as Error).message}); rebuild it`;
  }
  if (problem === undefined) return;
  const whose =
    input.handler === undefined
      ? ` (${input.runsHandler} is the function's current handler, kept because the manifest sets none: set handler in the manifest to the file the zip has, or rebuild the zip)`
      : '';
  throw invalidPackage(new PackageError('pkg.location', `the zip for ${fnName(input.fn)}: ${problem}${whose}`));
}

export function createActivities(deps: ActivityDeps) {
  const gw = new ScfGateway({ scf: deps.scf, logger: deps.logger, limiter: deps.limiter });
  const maxDownloadBytes = deps.packages?.maxDownloadBytes ?? 512 * 1024 * 1024;
  const trustedHosts = deps.packages?.simulatorHost ? [deps.packages.simulatorHost] : [];
  const packagePolicy = new FetchPolicy({
    hosts: deps.packages?.hosts ?? COS_HOST_PATTERNS,
    listName: 'SCF_PACKAGE_HOSTS',
    trustedHosts,
    lookup: deps.packages?.lookup,
  });
  // GetFunctionAddress's Url: only COS (over http too: the seed page's example is http://), or the simulator.
  const codeUrlPolicy = new FetchPolicy({ hosts: COS_HOST_PATTERNS, listName: 'the COS domains', allowHttp: true, trustedHosts, lookup: deps.packages?.lookup });
  // Webhooks: only SCF_NOTIFY_HOSTS over https; loopback only as an explicit trusted host (tests).
  const notifyPolicy = new FetchPolicy({ hosts: deps.notify?.hosts ?? [], listName: 'SCF_NOTIFY_HOSTS', trustedHosts: deps.notify?.trustedHosts ?? [], lookup: deps.packages?.lookup });
  const wait = { firstPollMs: 0, initialMs: 250, maxMs: 2500, factor: 1.6, ...deps.waitPolicy };
  const t = (fn: FunctionRef, qualifier?: string) => ({ region: fn.region, namespace: fn.namespace, functionName: fn.functionName, qualifier });
  const eventEnv = deps.eventEnv ?? process.env;

  async function downloadPackage(url: string, maxBytes: number, signal?: AbortSignal) {
    const file = await deps.store.tempPath();
    const cleanup = () => fs.rm(file, { force: true });
    try {
      const r = await downloadToFile(url, file, { maxBytes, signal, policy: packagePolicy });
      return { file, sha256: r.sha256, bytes: r.bytes, cleanup };
    } catch (err) {
      await cleanup();
      if (err instanceof DownloadError) {
        const hint = err.tooLarge ? ' (a ZipFile holds at most 20 MB after base64: use cos://bucket/key?region=... for bigger packages)' : '';
        throw new PackageError('pkg.location', `${err.message}${hint}`, err.retryable);
      }
      throw err;
    }
  }

  async function getFunctionInfo(fn: FunctionRef, qualifier?: string): Promise<FunctionInfo> {
    try {
      const r = await gw.call(
        'GetFunction',
        t(fn, qualifier),
        { FunctionName: fn.functionName, Namespace: fn.namespace, Qualifier: qualifier },
        { signal: currentSignal() },
      );
      return {
        exists: true,
        status: r.Status as FunctionStatus | undefined,
        statusReasons: (r.StatusReasons ?? []).map((s) => ({ errorCode: s.ErrorCode ?? '', errorMessage: s.ErrorMessage ?? '' })),
        handler: r.Handler,
        runtime: r.Runtime,
        memorySize: r.MemorySize,
        timeout: r.Timeout,
        description: r.Description,
        codeSize: r.CodeSize,
        ...(r.ModTime && { modTime: r.ModTime }),
        triggers: (r.Triggers ?? []).map((tr) => ({ type: tr.Type ?? '', name: tr.TriggerName ?? '' })),
      };
    } catch (err) {
      if (NOT_FOUND_FUNCTION.has(failureType(err) ?? '')) return { exists: false };
      throw err;
    }
  }

  /** The new version is the size our update left, and $LATEST is Active, still stamped as that update left it. */
  async function unchangedSinceUpdate(fn: FunctionRef, version: FunctionInfo, stamp: LatestAfterUpdate): Promise<boolean> {
    if (version.codeSize !== stamp.codeSize) return false;
    const latest = await getFunctionInfo(fn);
    return latest.status === 'Active' && latest.modTime === stamp.modTime && latest.codeSize === stamp.codeSize;
  }

  async function listAllVersions(fn: FunctionRef): Promise<VersionInfo[]> {
    const out: VersionInfo[] = [];
    const limit = 50;
    for (let offset = 0; ; offset += limit) {
      const r = await gw.call(
        'ListVersionByFunction',
        t(fn),
        { FunctionName: fn.functionName, Namespace: fn.namespace, Offset: offset, Limit: limit },
        { signal: currentSignal() },
      );
      const page: Array<{ Version: string; Description?: string; Status?: string; AddTime?: string }> =
        r.Versions ?? (r.FunctionVersion ?? []).map((v) => ({ Version: v }));
      for (const v of page) {
        out.push({ version: v.Version, description: v.Description ?? '', status: v.Status, addTime: v.AddTime });
      }
      const total = r.TotalCount ?? out.length;
      if (page.length < limit || out.length >= total) break;
    }
    return out;
  }

  /** GetFunctionAddress. The signed `url` stays inside the activity: `address()` drops it. */
  async function codeLocation(fn: FunctionRef, qualifier?: string): Promise<FunctionAddress & { url: string }> {
    const r = await gw.call(
      'GetFunctionAddress',
      t(fn, qualifier),
      { FunctionName: fn.functionName, Namespace: fn.namespace, Qualifier: qualifier },
      { signal: currentSignal() },
    );
    return { url: r.Url ?? '', codeSha256: normalizeSha256(r.CodeSha256) ?? (r.CodeSha256 ?? '') };
  }

  async function address(fn: FunctionRef, qualifier?: string): Promise<FunctionAddress> {
    return { codeSha256: (await codeLocation(fn, qualifier)).codeSha256 };
  }

  function toAliasInfo(r: { Name?: string; FunctionVersion?: string; RoutingConfig?: { AdditionalVersionWeights?: Array<{ Version: string; Weight: number }> }; Description?: string }, name: string): AliasInfo {
    return {
      name: r.Name ?? name,
      functionVersion: r.FunctionVersion ?? '',
      additionalVersionWeights: (r.RoutingConfig?.AdditionalVersionWeights ?? []).map((w) => ({ version: w.Version, weight: w.Weight })),
      description: r.Description,
    };
  }

  function aliasRequest(input: AliasInput) {
    for (const w of input.additionalVersionWeights ?? []) {
      if (!(w.weight >= 0 && w.weight <= 1)) {
        throw ApplicationFailure.create({
          type: 'InvalidAliasWeight',
          nonRetryable: true,
          message: `alias ${input.name} on ${fnName(input.fn)}: weight ${w.weight} for version ${w.version} must be a fraction in [0, 1] (SCF's RoutingConfig), e.g. 0.1 for 10%`,
        });
      }
    }
    return {
      FunctionName: input.fn.functionName,
      Namespace: input.fn.namespace,
      Name: input.name,
      FunctionVersion: input.functionVersion,
      RoutingConfig: { AdditionalVersionWeights: (input.additionalVersionWeights ?? []).map((w) => ({ Version: w.version, Weight: w.weight })) },
      Description: input.description,
    };
  }

  const sameRouting = (a: AliasInfo, input: AliasInput) => {
    const key = (ws: Array<{ version: string; weight: number }>) =>
      ws
        .filter((w) => w.weight > 0)
        .map((w) => `${w.version}=${w.weight}`)
        .sort()
        .join(',');
    return a.functionVersion === input.functionVersion && key(a.additionalVersionWeights) === key(input.additionalVersionWeights ?? []);
  };

  async function getAlias(input: { fn: FunctionRef; name: string }): Promise<AliasInfo | null> {
    try {
      const r = await gw.call(
        'GetAlias',
        t(input.fn, input.name),
        { FunctionName: input.fn.functionName, Namespace: input.fn.namespace, Name: input.name },
        { signal: currentSignal() },
      );
      return toAliasInfo(r, input.name);
    } catch (err) {
      if (failureType(err) === 'ResourceNotFound.Alias') return null;
      throw err;
    }
  }

  /** Deletes the function, or one version of it. Twice (or when absent): a success. */
  async function deleteFunction(input: { fn: FunctionRef; qualifier?: string }): Promise<void> {
    try {
      await gw.call(
        'DeleteFunction',
        t(input.fn, input.qualifier),
        { FunctionName: input.fn.functionName, Namespace: input.fn.namespace, Qualifier: input.qualifier },
        { signal: currentSignal() },
      );
    } catch (err) {
      if (NOT_FOUND_ANY.has(failureType(err) ?? '')) {
        deps.logger.info({ fn: input.fn, qualifier: input.qualifier }, 'delete: already absent');
        return;
      }
      throw err;
    }
  }

  /** InvokeFunction with the whole answer: for verifyCase, which keeps it in the worker. */
  async function invokeWhole(input: InvokeInput): Promise<InvokeOutcome> {
    const r = await gw.call(
      'InvokeFunction',
      t(input.fn, input.qualifier),
      {
        FunctionName: input.fn.functionName,
        Namespace: input.fn.namespace,
        Qualifier: input.qualifier,
        Event: input.event,
        LogType: 'Tail',
        RoutingKey: input.routingKey ? JSON.stringify(input.routingKey) : undefined,
      },
      { signal: currentSignal() },
    );
    const res = r.Result ?? {};
    return {
      invokeResult: judgedInvokeResult(res),
      retMsg: res.RetMsg ?? '',
      errMsg: res.ErrMsg ?? '',
      log: res.Log ?? '',
      durationMs: res.Duration ?? 0,
      billDurationMs: res.BillDuration ?? 0,
      memUsage: res.MemUsage ?? 0,
      functionRequestId: res.FunctionRequestId ?? '',
      requestId: r.RequestId ?? '',
    };
  }

  const activities = {
    /** Read-only. `exists: false` when SCF says the function does not exist. */
    async getFunction(input: { fn: FunctionRef; qualifier?: string }): Promise<FunctionInfo> {
      return getFunctionInfo(input.fn, input.qualifier);
    },

    /**
     * Polls GetFunction inside the activity (never in the workflow) with heartbeats: the first poll
     * after `waitPolicy.firstPollMs`, then backoff from `initialMs` capped at `maxMs`, until the function (or the version `qualifier`) is Active. Creating/
     * Updating/Publishing/Deleting: not yet. *Failed: non-retryable `Function<Status>` with the
     * StatusReasons in details. Past `maxWaitMs`: non-retryable `WaitForActiveTimeout` naming the state.
     * Cancellation (heartbeat-delivered) stops it between or during polls. Read-only: safe to repeat.
     */
    async waitForActive(input: WaitForActiveInput): Promise<FunctionInfo> {
      const signal = currentSignal();
      const started = Date.now();
      let delay = wait.initialMs;
      let polls = 0;
      // Right after a change the function is still transitional: a poll before the transition can end is wasted.
      if (wait.firstPollMs > 0) await sleep(Math.min(wait.firstPollMs, input.maxWaitMs), signal);
      for (;;) {
        const info = await getFunctionInfo(input.fn, input.qualifier);
        polls += 1;
        const elapsedMs = Date.now() - started;
        heartbeat({ status: info.status ?? null, polls, elapsedMs });
        if (!info.exists) {
          throw ApplicationFailure.create({
            type: 'ResourceNotFound.Function',
            nonRetryable: true,
            message: `waitForActive: ${fnName(input.fn, input.qualifier)} does not exist`,
            details: [{ fn: input.fn, qualifier: input.qualifier ?? null }],
          });
        }
        const status = info.status ?? 'Unknown';
        if (status === 'Active') return info;
        if (FAILED.has(status)) {
          const reasons = info.statusReasons ?? [];
          throw ApplicationFailure.create({
            type: `Function${status}`,
            nonRetryable: true,
            message:
              `${fnName(input.fn, input.qualifier)} is ${status}` +
              (reasons.length ? `: ${reasons.map((r) => `${r.errorCode}: ${r.errorMessage}`).join('; ')}` : ''),
            details: [{ status, statusReasons: reasons, fn: input.fn, qualifier: input.qualifier ?? null }],
          });
        }
        if (!TRANSITIONAL.has(status)) deps.logger.warn({ fn: input.fn, status }, 'waitForActive: unknown status, waiting');
        const remaining = input.maxWaitMs - elapsedMs;
        if (remaining <= 0) {
          throw ApplicationFailure.create({
            type: 'WaitForActiveTimeout',
            nonRetryable: true,
            message: `${fnName(input.fn, input.qualifier)} was still ${status} after ${elapsedMs} ms (maxWaitMs ${input.maxWaitMs})`,
            details: [{ status, elapsedMs, polls, fn: input.fn, qualifier: input.qualifier ?? null }],
          });
        }
        await sleep(Math.min(delay, remaining), signal);
        delay = Math.min(Math.round(delay * wait.factor), wait.maxMs);
      }
    },

    /**
     * A change and its wait as one activity (fewer activities and workflow tasks per release; the
     * workflow registers the undo before it, as before). A retry redoes the update (harmless, same
     * code) and waits again.
     */
    async updateCodeAndWait(input: UpdateCodeInput & { maxWaitMs: number }): Promise<FunctionInfo> {
      await activities.updateFunctionCode(input);
      return activities.waitForActive({ fn: input.fn, maxWaitMs: input.maxWaitMs });
    },

    /**
     * PublishVersion (tagged, idempotent: a retry reuses the version), the wait for it, and the check
     * that the version holds the package. With `latestAfterUpdate` (the release's own update of $LATEST
     * just before) that check is one GetFunction of $LATEST (100/s) instead of a GetFunctionAddress of
     * the version (20/s, the binding limit of a fleet): a version published from $LATEST holds what
     * $LATEST held, and $LATEST still showing the ModTime and CodeSize of our update means no other
     * write applied in between (a write in flight makes PublishVersion answer FunctionStatusError).
     * Anything else (no stamp, a reused version, another size, another ModTime, $LATEST busy) reads the
     * CodeSha256. A failure once the version exists carries `{ publishedVersion }` in its details.
     */
    async publishAndWait(input: PublishVersionInput & { maxWaitMs: number; latestAfterUpdate?: LatestAfterUpdate }): Promise<PublishedAndChecked> {
      const { latestAfterUpdate, maxWaitMs, ...publish } = input;
      const published = await activities.publishVersion(publish);
      try {
        const version = await activities.waitForActive({ fn: input.fn, qualifier: published.version, maxWaitMs });
        if (!published.reused && latestAfterUpdate && (await unchangedSinceUpdate(input.fn, version, latestAfterUpdate))) {
          return { ...published, codeCheck: 'unchanged-since-update' };
        }
        return { ...published, codeSha256: (await address(input.fn, published.version)).codeSha256, codeCheck: 'read' };
      } catch (err) {
        if (!(err instanceof ApplicationFailure)) throw err;
        throw ApplicationFailure.create({
          type: err.type ?? 'Error',
          message: err.message,
          nonRetryable: err.nonRetryable ?? undefined,
          details: [...(err.details ?? []), { publishedVersion: published.version }],
          ...(err.nextRetryDelay != null && { nextRetryDelay: err.nextRetryDelay }),
        });
      }
    },

    /**
     * Checks the package (sha256, zip, size) before any SCF call, then UpdateFunctionCode (ZipFile base64,
     * or COS bucket/object/region). Twice with the same package: harmless, the function ends with the same
     * code (SCF redeploys it; CodeSha256 is unchanged). While the function is busy SCF answers
     * FailedOperation.FunctionStatusError / UpdateFunctionCode: a retryable failure.
     */
    async updateFunctionCode(input: UpdateCodeInput): Promise<{ requestId: string }> {
      let prepared;
      try {
        prepared = await preparePackage(input.pkg, { maxDownloadBytes, signal: currentSignal(), download: downloadPackage, localDir: deps.packages?.localDir });
      } catch (err) {
        if (err instanceof PackageError) throw invalidPackage(err);
        throw err;
      }
      await refuseZipWithoutHandler(prepared.params.ZipFile, input);
      const r = await gw.call(
        'UpdateFunctionCode',
        t(input.fn),
        { FunctionName: input.fn.functionName, Namespace: input.fn.namespace, Handler: input.handler, ...prepared.params },
        { signal: currentSignal() },
      );
      return { requestId: r.RequestId ?? '' };
    },

    /**
     * Publishes a version whose Description starts with `[scf-release:<releaseId>]`. Before publishing it
     * looks for a version with that tag (ListVersionByFunction): a retry after a lost answer, or a second
     * run, returns the version already published with `reused: true` instead of publishing another.
     */
    async publishVersion(input: PublishVersionInput): Promise<PublishedVersion> {
      const tag = RELEASE_TAG(input.releaseId);
      const existing = (await listAllVersions(input.fn)).find((v) => v.version !== '$LATEST' && v.description.startsWith(tag));
      if (existing) {
        deps.logger.info({ fn: input.fn, releaseId: input.releaseId, version: existing.version }, 'publishVersion: reusing tagged version');
        return { version: existing.version, reused: true };
      }
      const description = `${tag} ${input.description ?? ''}`.trim().slice(0, MAX_DESCRIPTION);
      const r = await gw.call(
        'PublishVersion',
        t(input.fn),
        { FunctionName: input.fn.functionName, Namespace: input.fn.namespace, Description: description },
        { signal: currentSignal() },
      );
      return { version: r.FunctionVersion ?? '', reused: false };
    },

    /** Read-only: every version, $LATEST included when SCF lists it. */
    async listVersions(input: { fn: FunctionRef }): Promise<VersionInfo[]> {
      return listAllVersions(input.fn);
    },

    /**
     * CopyFunction from `source` to (targetRegion, targetNamespace, newFunctionName). Skipped when the
     * target already holds the expected code (`expectedSha256`, else the source's CodeSha256): a second
     * run, or a retry after a lost answer, returns `copied: false`. A target with other code is replaced
     * only with `override` (else non-retryable ResourceInUse.FunctionName).
     */
    async copyFunction(input: CopyFunctionInput): Promise<CopyFunctionResult> {
      const src = input.source;
      const target: FunctionRef = { region: input.targetRegion, namespace: input.targetNamespace, functionName: input.newFunctionName ?? src.functionName };
      const [srcInfo, expected] = await Promise.all([
        getFunctionInfo(src),
        input.expectedSha256
          ? Promise.resolve(normalizeSha256(input.expectedSha256) ?? input.expectedSha256)
          : address(src).then((a) => a.codeSha256),
      ]);
      if (!srcInfo.exists) {
        throw ApplicationFailure.create({ type: 'ResourceNotFound.Function', nonRetryable: true, message: `copyFunction: source ${fnName(src)} does not exist` });
      }
      const notCopied = [
        ...(srcInfo.triggers ?? []).map((tr) => `trigger ${tr.type}:${tr.name}`),
        'versions other than $LATEST',
        'aliases',
        'CLS log target',
      ];
      let targetSha: string | undefined;
      let targetExists = false;
      try {
        targetSha = (await address(target)).codeSha256;
        targetExists = true;
      } catch (err) {
        if (!NOT_FOUND_ANY.has(failureType(err) ?? '')) throw err;
      }
      if (targetExists && targetSha === expected) {
        deps.logger.info({ source: src, target, sha256: expected }, 'copyFunction: target already holds the code, skipped');
        return { copied: false, notCopied };
      }
      if (targetExists && !input.override) {
        throw ApplicationFailure.create({
          type: 'ResourceInUse.FunctionName',
          nonRetryable: true,
          message: `copyFunction: ${fnName(target)} exists with other code (CodeSha256 ${targetSha}, expected ${expected}); set override to replace it`,
          details: [{ target, targetSha256: targetSha ?? null, expectedSha256: expected }],
        });
      }
      await gw.call(
        'CopyFunction',
        t(src),
        {
          FunctionName: src.functionName,
          Namespace: src.namespace,
          NewFunctionName: target.functionName,
          TargetNamespace: target.namespace,
          TargetRegion: target.region,
          Override: input.override,
          CopyConfiguration: true,
        },
        { signal: currentSignal() },
      );
      return { copied: true, notCopied };
    },

    /**
     * Read-only. `codeSha256` as lowercase hex. SCF's `Url` is a signed download link (a credential
     * for the code): it is not returned, so it never reaches workflow history.
     */
    async getFunctionAddress(input: { fn: FunctionRef; qualifier?: string }): Promise<FunctionAddress> {
      return address(input.fn, input.qualifier);
    },

    /**
     * InvokeFunction (synchronous, LogType Tail), with RetMsg, ErrMsg and Log each cut to
     * INVOKE_TEXT_CAP characters: the result is recorded in history, and an answer may be megabytes.
     * Verification uses verifyCase, which judges the whole answer in the worker. Not idempotent by
     * nature: running twice invokes the function twice (verification events should be harmless to repeat).
     */
    async invokeFunction(input: InvokeInput): Promise<InvokeOutcome> {
      const outcome = await invokeWhole(input);
      const cut = (text: string) => (text.length > INVOKE_TEXT_CAP ? text.slice(0, INVOKE_TEXT_CAP) : text);
      return {
        ...outcome,
        retMsg: cut(outcome.retMsg),
        errMsg: cut(outcome.errMsg),
        log: outcome.log.length > INVOKE_TEXT_CAP ? outcome.log.slice(-INVOKE_TEXT_CAP) : outcome.log,
        ...(outcome.retMsg.length > INVOKE_TEXT_CAP ? { retMsgTruncatedFrom: outcome.retMsg.length } : {}),
      };
    },

    /** InvokeFunction and the case's expectations judged in the worker (activities/verification.ts). */
    verifyCase: createVerifyCase({ invoke: invokeWhole, env: eventEnv }),

    /** Read-only, no SCF call: whether this worker can run every case (activities/verification.ts). */
    checkVerification: createCheckVerification({ env: eventEnv }),

    /**
     * CreateAlias. Twice: when the alias already exists with the same routing, returns it; with other
     * routing, non-retryable ResourceInUse.Alias (use updateAlias). Weights are fractions in [0, 1].
     */
    async createAlias(input: AliasInput): Promise<AliasInfo> {
      const req = aliasRequest(input);
      try {
        await gw.call('CreateAlias', t(input.fn, input.name), req, { signal: currentSignal() });
      } catch (err) {
        if (failureType(err) !== 'ResourceInUse.Alias') throw err;
        const existing = await getAlias(input);
        if (existing && sameRouting(existing, input)) return existing;
        throw err;
      }
      return (await getAlias(input)) ?? toAliasInfo({ ...req, RoutingConfig: req.RoutingConfig }, input.name);
    },

    /** Read-only; null when the alias does not exist. */
    getAlias,

    /** UpdateAlias: sets the routing; twice sets the same routing (idempotent). */
    async updateAlias(input: AliasInput): Promise<AliasInfo> {
      const req = aliasRequest(input);
      await gw.call('UpdateAlias', t(input.fn, input.name), req, { signal: currentSignal() });
      return (await getAlias(input)) ?? toAliasInfo(req, input.name);
    },

    /**
     * DeleteAlias. Twice, or when the alias (or the whole function) is already gone: a success, so a
     * compensation can run it whether or not the CreateAlias it undoes took effect.
     */
    async deleteAlias(input: { fn: FunctionRef; name: string }): Promise<void> {
      try {
        await gw.call(
          'DeleteAlias',
          t(input.fn, input.name),
          { FunctionName: input.fn.functionName, Namespace: input.fn.namespace, Name: input.name },
          { signal: currentSignal() },
        );
      } catch (err) {
        const type = failureType(err) ?? '';
        if (type === 'ResourceNotFound.Alias' || NOT_FOUND_FUNCTION.has(type)) {
          deps.logger.info({ fn: input.fn, alias: input.name }, 'deleteAlias: already absent');
          return;
        }
        throw err;
      }
    },

    deleteFunction,

    /** Deletes one published version. Twice, or when absent: a success. $LATEST is refused. */
    async deleteVersion(input: { fn: FunctionRef; version: string }): Promise<void> {
      if (!input.version || input.version === '$LATEST') {
        throw ApplicationFailure.create({
          type: 'InvalidParameterValue.Qualifier',
          nonRetryable: true,
          message: `deleteVersion: "${input.version}" is not a published version of ${fnName(input.fn)} (use deleteFunction to delete the function)`,
        });
      }
      return deleteFunction({ fn: input.fn, qualifier: input.version });
    },

    /** Read-only: every function of the namespace (paged), filtered by prefix or glob. */
    async listFunctions(input: ListFunctionsInput): Promise<FunctionSummary[]> {
      const matches = nameMatcher(input.match);
      const searchKey = input.match?.split(/[*?]/)[0] ?? '';
      const out: FunctionSummary[] = [];
      const limit = 100;
      let seen = 0;
      for (let offset = 0; ; offset += limit) {
        const r = await gw.call(
          'ListFunctions',
          { region: input.region, namespace: input.namespace },
          // SearchKey (a substring match on the name) narrows the pages to the literal part before any wildcard;
          // the matcher keeps the exact prefix/glob meaning.
          { Namespace: input.namespace, Offset: offset, Limit: limit, ...(searchKey && { SearchKey: searchKey }) },
          { signal: currentSignal() },
        );
        const page = r.Functions ?? [];
        seen += page.length;
        for (const f of page) {
          const name = f.FunctionName ?? '';
          if (!matches(name)) continue;
          out.push({ functionName: name, namespace: f.Namespace ?? input.namespace, status: f.Status ?? '', runtime: f.Runtime, modTime: f.ModTime });
        }
        if (page.length < limit || seen >= (r.TotalCount ?? seen)) break;
      }
      return out;
    },

    /** One activity for a preflight: fewer activity and workflow tasks per region (GetFunction is 100/s, never the bottleneck). */
    async inspectLatest(input: { fn: FunctionRef }): Promise<{ info: FunctionInfo; snapshot?: CodeSnapshot }> {
      const info = await getFunctionInfo(input.fn);
      if (!info.exists) return { info };
      const snapshot = await activities.snapshotCode({ fn: input.fn, ...(info.handler !== undefined && { handler: info.handler }) });
      return { info, snapshot };
    },

    /**
     * GetFunctionAddress (and GetFunction for the handler, unless the caller just read it), then downloads the zip (only from a COS domain, or the simulator; public
     * addresses only; size-capped, streamed to disk), checks it against CodeSha256 and keeps it in the artifact store under its sha256. Twice:
     * the second run finds the artifact already stored and does not download again.
     */
    async snapshotCode(input: { fn: FunctionRef; qualifier?: string; handler?: string }): Promise<CodeSnapshot> {
      const qualifier = input.qualifier ?? '$LATEST';
      const [addr, info] = await Promise.all([
        codeLocation(input.fn, input.qualifier),
        input.handler !== undefined ? { handler: input.handler } : getFunctionInfo(input.fn, input.qualifier),
      ]);
      const sha = normalizeSha256(addr.codeSha256);
      if (!sha || !addr.url) {
        throw ApplicationFailure.create({
          type: 'FailedOperation.GetFunctionAddress',
          message: `snapshotCode: GetFunctionAddress for ${fnName(input.fn, qualifier)} returned no usable Url/CodeSha256`,
        });
      }
      if (!(await deps.store.has(sha))) {
        const tmp = await deps.store.tempPath();
        let got;
        try {
          got = await downloadToFile(addr.url, tmp, { maxBytes: maxDownloadBytes, signal: currentSignal(), policy: codeUrlPolicy });
          heartbeat({ downloadedBytes: got.bytes });
        } catch (err) {
          await fs.rm(tmp, { force: true });
          if (err instanceof DownloadError) {
            throw ApplicationFailure.create({
              type: 'DownloadFailed',
              nonRetryable: !err.retryable,
              message:
                `snapshotCode ${fnName(input.fn, qualifier)}: ${err.message}` +
                (err.tooLarge ? ' (raise SCF_MAX_DOWNLOAD_BYTES on the workers to snapshot bigger code)' : ''),
              details: [{ tooLarge: err.tooLarge, status: err.status ?? null }],
            });
          }
          throw err;
        }
        if (got.sha256 !== sha) {
          await fs.rm(tmp, { force: true });
          throw ApplicationFailure.create({
            type: 'SnapshotDigestMismatch',
            message: `snapshotCode ${fnName(input.fn, qualifier)}: downloaded zip has sha256 ${got.sha256}, GetFunctionAddress said ${sha}`,
          });
        }
        await deps.store.commit(tmp, sha, got.sha256);
      }
      return { fn: input.fn, qualifier, sha256: sha, artifact: artifactRef(sha), handler: info.handler };
    },

    /**
     * UpdateFunctionCode from a snapshot (ZipFile base64, handler from the snapshot). Twice: harmless,
     * same code again. The snapshot is read from the artifact store: with SCF_COS_BUCKET from COS (the
     * local SCF_ARTIFACT_DIR is a cache), so any worker can restore it; without, from this worker's disk.
     */
    async restoreCode(input: { snapshot: CodeSnapshot }): Promise<{ requestId: string }> {
      const s = input.snapshot;
      let bytes: Buffer;
      try {
        bytes = await deps.store.read(s.artifact);
      } catch (err) {
        throw ApplicationFailure.create({
          type: 'SnapshotMissing',
          nonRetryable: true,
          message: `restoreCode ${fnName(s.fn, s.qualifier)}: snapshot ${s.artifact} is not readable in this worker's artifact store (${(err as Error).message}); set SCF_COS_BUCKET/SCF_COS_REGION on the workers so snapshots are kept in COS (or share SCF_ARTIFACT_DIR)`,
        });
      }
      if (!fitsZipFile(bytes.length)) {
        throw ApplicationFailure.create({
          type: 'InvalidPackage',
          nonRetryable: true,
          message: `restoreCode ${fnName(s.fn, s.qualifier)}: ${zipFileTooBigMessage(bytes.length, `the snapshot (${bytes.length} bytes)`)} Restore it through COS by hand.`,
        });
      }
      const r = await gw.call(
        'UpdateFunctionCode',
        t(s.fn),
        { FunctionName: s.fn.functionName, Namespace: s.fn.namespace, Handler: s.handler, ZipFile: bytes.toString('base64') },
        { signal: currentSignal() },
      );
      return { requestId: r.RequestId ?? '' };
    },

    ...createTriggerActivities({ gw, logger: deps.logger }),
    ...createMonitorActivities({ monitor: deps.monitor }),
    /** One POST per channel; a failure is logged (warn, `notificationFailed`), counted (scf_release_notifications) and returned as a record, never thrown. */
    async notify(input: NotifyInput): Promise<NotificationRecord[]> {
      return sendNotifications(
        {
          channels: deps.notify?.channels ?? {},
          policy: notifyPolicy,
          onResult: (record) => {
            recordNotification(record);
            if (record.ok) deps.logger.info({ notification: record }, 'notification sent');
            else deps.logger.warn({ notification: record, notificationFailed: 1 }, 'notification failed');
          },
        },
        input,
      );
    },
  } satisfies ScfActivities;

  return activities;
}

export type Activities = ReturnType<typeof createActivities>;
