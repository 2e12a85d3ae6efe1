/**
 * The soak's invariant auditor: a pure function from what the soak collected (the simulator's final
 * state and request log, each release's result and lock window, the lock workflows still running)
 * to the list of violations. No I/O, no clocks: the unit tests feed it planted violations.
 *
 * The invariants (issue "Safe at the edges", "Proven by"):
 * - outcome: every release ended Succeeded, NoOp or RolledBack (Aborted only where the soak aborted
 *   it); a release of broken code never Succeeded;
 * - one-publish: at most one PublishVersion took effect per region per release (versions tagged
 *   `[scf-release:<id>]` counted in the state, and effective PublishVersion requests in the release's
 *   lock window), exactly one where the release Succeeded, none for a NoOp;
 * - alias-split: no alias is left with AdditionalVersionWeights;
 * - alias-target: no alias is left on a version published by a release that did not land (a
 *   rolled-back or aborted release leaves its versions in place; an alias must not serve them);
 * - orphan-copy: a function exists in a region only if it was seeded there or a release that
 *   Succeeded created it (and a rolled-back copy is gone when the next release of the function looks);
 * - latest-sha: after a release, a region's $LATEST is the package (Succeeded/NoOp) or what it was
 *   before (otherwise); checked against the next release's preflight, or the final state for the last;
 * - lock: every mutating request for a function arrived while exactly one release of it held the
 *   function's lock (windows from the histories), and no two windows of one function overlap;
 * - lingering-lock: no `lock/<namespace>/<function>` workflow is still running.
 */
import { MUTATING } from '../../simulator/actions';
import type { RequestLogEntry } from '../../simulator';
import type { ReleaseResult } from '../../workflows/definitions';

/** The parts of the simulator's `/_admin/state` (Store.snapshot) the auditor reads. */
export interface SimulatorStateSnapshot {
  accounts?: Array<{
    regions?: Record<
      string,
      {
        namespaces?: Record<
          string,
          {
            functions?: Record<
              string,
              {
                latest: { CodeSha256: string };
                versions?: Array<{ Version: string; CodeSha256: string; Description?: string }>;
                aliases?: Array<{ name: string; functionVersion: string; additionalVersionWeights: Array<{ Version: string; Weight: number }> }>;
              }
            >;
          }
        >;
      }
    >;
  }>;
}

export interface AuditedRelease {
  workflowId: string;
  releaseId: string;
  namespace: string;
  functionName: string;
  /** Every region the release targets, the primary first. */
  regions: string[];
  sha256: string;
  /** Broken code must never ship. */
  kind: 'good' | 'broken';
  /** The soak asked this release to abort, so Aborted is an allowed end. */
  abortedBySoak: boolean;
  /** When the soak started it (orders the releases of one function). */
  startedAt: number;
  /** The workflow's close status (COMPLETED, FAILED, TERMINATED, RUNNING, ...). */
  workflowStatus: string;
  result?: ReleaseResult;
  /** Epoch ms: the lock child started .. the release workflow closed; absent when it never took the lock. */
  lockWindow?: { from: number; to: number };
}

export interface AuditInput {
  state: SimulatorStateSnapshot;
  requestLog: RequestLogEntry[];
  releases: AuditedRelease[];
  /** Functions the soak created before the releases (through the admin API). */
  seeded: Array<{ region: string; namespace: string; functionName: string }>;
  /** Ids of lock workflows found running at the end. */
  runningLocks: string[];
}

/** `no-secret` is not judged here (it needs Temporal): the runner adds it from scanHistoryForSecrets. */
export type Invariant = 'outcome' | 'one-publish' | 'alias-split' | 'alias-target' | 'orphan-copy' | 'latest-sha' | 'lock' | 'lingering-lock' | 'no-secret';

export interface Violation {
  invariant: Invariant;
  detail: string;
  workflowId?: string;
  region?: string;
  functionName?: string;
}

const ALLOWED_ENDS = new Set(['Succeeded', 'NoOp', 'RolledBack']);
const LANDED = (status: string | undefined) => status === 'Succeeded' || status === 'NoOp';

interface FunctionView {
  latestSha: string;
  versions: Array<{ version: string; description: string }>;
  aliases: Array<{ name: string; versions: string[]; weights: number }>;
}

/** `region|namespace|function` → what the final state holds there. */
function functionsOf(state: SimulatorStateSnapshot): Map<string, FunctionView> {
  const out = new Map<string, FunctionView>();
  for (const account of state.accounts ?? []) {
    for (const [region, r] of Object.entries(account.regions ?? {})) {
      for (const [namespace, ns] of Object.entries(r.namespaces ?? {})) {
        for (const [name, f] of Object.entries(ns.functions ?? {})) {
          out.set(key(region, namespace, name), {
            latestSha: f.latest.CodeSha256,
            versions: (f.versions ?? []).map((v) => ({ version: v.Version, description: v.Description ?? '' })),
            aliases: (f.aliases ?? []).map((a) => ({
              name: a.name,
              versions: [a.functionVersion, ...a.additionalVersionWeights.map((w) => w.Version)],
              weights: a.additionalVersionWeights.length,
            })),
          });
        }
      }
    }
  }
  return out;
}

const key = (region: string, namespace: string, functionName: string) => `${region}|${namespace}|${functionName}`;
const fnKey = (namespace: string, functionName: string) => `${namespace}/${functionName}`;
const tag = (releaseId: string) => `[scf-release:${releaseId}]`;
/** The action ran: answered OK, or ran and its answer was destroyed. */
const tookEffect = (e: RequestLogEntry) => e.outcome === 'OK' || !!e.lost;
const inWindow = (t: number, w: { from: number; to: number }) => t >= w.from && t <= w.to;

function checkOutcome(r: AuditedRelease): Violation[] {
  const status = r.result?.status;
  const v = (detail: string): Violation[] => [{ invariant: 'outcome', detail, workflowId: r.workflowId, functionName: r.functionName }];
  if (!status) return v(`the workflow ended ${r.workflowStatus} without a release result`);
  if (r.kind === 'broken' && LANDED(status)) return v(`broken code ended ${status}: it must roll back`);
  if (ALLOWED_ENDS.has(status) || (status === 'Aborted' && r.abortedBySoak)) return [];
  return v(`ended ${status}${r.result?.error ? ` (${r.result.error.type}: ${r.result.error.message})` : ''}`);
}

function checkPublishes(r: AuditedRelease, functions: Map<string, FunctionView>, log: RequestLogEntry[]): Violation[] {
  const out: Violation[] = [];
  const status = r.result?.status;
  for (const region of r.regions) {
    const here = { workflowId: r.workflowId, region, functionName: r.functionName };
    const tagged = (functions.get(key(region, r.namespace, r.functionName))?.versions ?? []).filter((v) => v.description.includes(tag(r.releaseId)));
    const publishes = r.lockWindow
      ? log.filter(
          (e) =>
            e.action === 'PublishVersion' && e.region === region && e.function === r.functionName && (e.namespace ?? 'default') === r.namespace &&
            tookEffect(e) && inWindow(Date.parse(e.time), r.lockWindow!),
        ).length
      : 0;
    if (tagged.length > 1) out.push({ invariant: 'one-publish', detail: `${tagged.length} versions tagged ${tag(r.releaseId)}: ${tagged.map((v) => v.version).join(', ')}`, ...here });
    if (publishes > 1) out.push({ invariant: 'one-publish', detail: `${publishes} PublishVersion requests took effect in the release's lock window`, ...here });
    if (status === 'Succeeded') {
      const version = r.result!.regions.find((x) => x.region === region)?.version;
      if (tagged.length === 0) out.push({ invariant: 'one-publish', detail: `Succeeded but no version is tagged ${tag(r.releaseId)}`, ...here });
      else if (tagged.length === 1 && version !== undefined && tagged[0]!.version !== version) {
        out.push({ invariant: 'one-publish', detail: `the result names version ${version}, the tagged version is ${tagged[0]!.version}`, ...here });
      }
    }
    if (status === 'NoOp' && tagged.length > 0) out.push({ invariant: 'one-publish', detail: `NoOp but published version ${tagged[0]!.version}`, ...here });
  }
  return out;
}

function checkAliases(functions: Map<string, FunctionView>, releases: AuditedRelease[]): Violation[] {
  const out: Violation[] = [];
  const notLanded = releases.filter((r) => !LANDED(r.result?.status));
  for (const [k, f] of functions) {
    const [region, namespace, functionName] = k.split('|');
    for (const a of f.aliases) {
      if (a.weights > 0) out.push({ invariant: 'alias-split', detail: `alias ${a.name} of ${namespace}/${functionName} still has AdditionalVersionWeights`, region, functionName });
      for (const version of a.versions) {
        const description = f.versions.find((v) => v.version === version)?.description ?? '';
        const by = notLanded.find((r) => r.namespace === namespace && r.functionName === functionName && description.includes(tag(r.releaseId)));
        if (by) {
          out.push({
            invariant: 'alias-target',
            detail: `alias ${a.name} of ${namespace}/${functionName} serves version ${version}, published by ${by.workflowId} which ended ${by.result?.status ?? by.workflowStatus}`,
            region,
            functionName,
          });
        }
      }
    }
  }
  return out;
}

/** What a region must look like after release `r`: its $LATEST sha, or absent. */
function expectedAfter(r: AuditedRelease, region: string): { exists: boolean; sha?: string } | undefined {
  const result = r.result;
  const before = result?.regions.find((x) => x.region === region);
  if (!result || !before || before.existedBefore === undefined) return undefined;
  if (LANDED(result.status)) return { exists: true, sha: r.sha256 };
  return before.existedBefore ? { exists: true, sha: before.previousSha256 } : { exists: false };
}

/** What the next release of the function saw in its preflight there, or undefined when none looked. */
function seenNext(later: AuditedRelease[], region: string): { exists: boolean; sha?: string; by: string } | undefined {
  for (const next of later) {
    const seen = next.result?.regions.find((x) => x.region === region);
    if (seen?.existedBefore !== undefined) return { exists: seen.existedBefore, sha: seen.previousSha256, by: `the preflight of ${next.workflowId}` };
  }
  return undefined;
}

function checkStates(input: AuditInput, functions: Map<string, FunctionView>): Violation[] {
  const out: Violation[] = [];
  const byFunction = new Map<string, AuditedRelease[]>();
  for (const r of input.releases) byFunction.set(fnKey(r.namespace, r.functionName), [...(byFunction.get(fnKey(r.namespace, r.functionName)) ?? []), r]);
  for (const releases of byFunction.values()) {
    releases.sort((a, b) => a.startedAt - b.startedAt);
    releases.forEach((r, i) => {
      for (const region of r.regions) {
        const expected = expectedAfter(r, region);
        if (!expected) continue;
        const f = functions.get(key(region, r.namespace, r.functionName));
        const actual = seenNext(releases.slice(i + 1), region) ?? { exists: !!f, sha: f?.latestSha, by: 'the final state' };
        const here = { workflowId: r.workflowId, region, functionName: r.functionName };
        if (expected.exists !== actual.exists) {
          out.push(
            expected.exists
              ? { invariant: 'latest-sha', detail: `after ${r.result!.status} the function must exist, ${actual.by} found none`, ...here }
              : { invariant: 'orphan-copy', detail: `the release created the function by copy and ended ${r.result!.status}, yet ${actual.by} found it`, ...here },
          );
        } else if (expected.exists && expected.sha !== actual.sha) {
          out.push({ invariant: 'latest-sha', detail: `after ${r.result!.status} $LATEST must be ${expected.sha}, ${actual.by} found ${actual.sha}`, ...here });
        }
      }
    });
  }
  // Whatever exists now was seeded or created by a release that landed.
  const allowed = new Set(input.seeded.map((s) => key(s.region, s.namespace, s.functionName)));
  for (const r of input.releases) {
    if (!LANDED(r.result?.status)) continue;
    for (const region of r.regions) allowed.add(key(region, r.namespace, r.functionName));
  }
  for (const k of functions.keys()) {
    if (allowed.has(k)) continue;
    const [region, namespace, functionName] = k.split('|');
    out.push({ invariant: 'orphan-copy', detail: `${namespace}/${functionName} exists but was neither seeded nor created by a release that Succeeded`, region, functionName });
  }
  return out;
}

function checkLocks(input: AuditInput): Violation[] {
  const out: Violation[] = [];
  const windows = new Map<string, Array<{ workflowId: string; from: number; to: number }>>();
  for (const r of input.releases) {
    if (!r.lockWindow) continue;
    const k = fnKey(r.namespace, r.functionName);
    windows.set(k, [...(windows.get(k) ?? []), { workflowId: r.workflowId, ...r.lockWindow }]);
  }
  for (const [k, ws] of windows) {
    ws.sort((a, b) => a.from - b.from);
    for (let i = 1; i < ws.length; i++) {
      if (ws[i]!.from < ws[i - 1]!.to) {
        out.push({ invariant: 'lock', detail: `${ws[i - 1]!.workflowId} and ${ws[i]!.workflowId} both held the lock of ${k}`, functionName: k.split('/')[1] });
      }
    }
  }
  for (const e of input.requestLog) {
    if (!MUTATING.has(e.action) || !e.function) continue;
    const k = fnKey(e.namespace ?? 'default', e.function);
    const t = Date.parse(e.time);
    const holders = (windows.get(k) ?? []).filter((w) => inWindow(t, w));
    if (holders.length !== 1) {
      out.push({
        invariant: 'lock',
        detail: `${e.action} (${e.outcome}, request ${e.requestId}) at ${e.time} while ${holders.length === 0 ? 'no release' : holders.map((h) => h.workflowId).join(' and ')} held the lock of ${k}`,
        region: e.region,
        functionName: e.function,
      });
    }
  }
  for (const id of input.runningLocks) out.push({ invariant: 'lingering-lock', detail: `lock workflow ${id} is still running` });
  return out;
}

export function audit(input: AuditInput): Violation[] {
  const functions = functionsOf(input.state);
  return [
    ...input.releases.flatMap(checkOutcome),
    ...input.releases.flatMap((r) => checkPublishes(r, functions, input.requestLog)),
    ...checkAliases(functions, input.releases),
    ...checkStates(input, functions),
    ...checkLocks(input),
  ];
}
