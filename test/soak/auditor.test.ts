/**
 * The auditor reports each planted violation, and nothing on a clean run: a soak whose auditor
 * cannot fail proves nothing.
 */
import type { RequestLogEntry } from '../../simulator';
import type { RegionResult, ReleaseResult } from '../../workflows/definitions';
import { audit, type AuditedRelease, type AuditInput, type SimulatorStateSnapshot } from './auditor';

const OLD = 'a'.repeat(64);
const NEW = 'b'.repeat(64);
const BROKEN = 'c'.repeat(64);
const PRIMARY = 'ap-guangzhou';
const COPY = 'ap-singapore';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function region(region: string, extra: Partial<RegionResult>): RegionResult {
  return { region, action: 'update-in-place', state: 'done', ...extra };
}

function result(releaseId: string, status: ReleaseResult['status'], sha256: string, regions: RegionResult[]): ReleaseResult {
  return { releaseId, status, summary: '', functionName: 'fn', namespace: 'default', sha256, regions, steps: [], compensations: [], versionsLeftInPlace: [] };
}

function release(id: string, from: number, to: number, extra: Partial<AuditedRelease>): AuditedRelease {
  return {
    workflowId: `release/default/fn/${id}`, releaseId: id, namespace: 'default', functionName: 'fn', regions: [PRIMARY, COPY], sha256: NEW,
    kind: 'good', abortedBySoak: false, startedAt: T0 + from * 1000, workflowStatus: 'COMPLETED', lockWindow: { from: T0 + from * 1000, to: T0 + to * 1000 },
    ...extra,
  };
}

const entry = (action: string, region: string, s: number, extra: Partial<RequestLogEntry> = {}): RequestLogEntry => ({
  time: at(s), action, region, namespace: 'default', function: 'fn', outcome: 'OK', requestId: `req-${action}-${region}-${s}`, durationMs: 5, ...extra,
});

const version = (v: string, sha: string, releaseId?: string) => ({ Version: v, CodeSha256: sha, Description: releaseId ? `[scf-release:${releaseId}] v` : '' });

/**
 * A clean run: r1 (good) released NEW to the primary and created the function in COPY; r2 (broken)
 * published in the primary, failed in COPY, and rolled back to NEW everywhere.
 */
function cleanRun(): AuditInput {
  const state: SimulatorStateSnapshot = {
    accounts: [
      {
        regions: {
          [PRIMARY]: {
            namespaces: {
              default: {
                functions: {
                  fn: {
                    latest: { CodeSha256: NEW },
                    versions: [version('1', OLD), version('2', NEW, 'r1'), version('3', BROKEN, 'r2')],
                    aliases: [{ name: 'live', functionVersion: '2', additionalVersionWeights: [] }],
                  },
                },
              },
            },
          },
          [COPY]: { namespaces: { default: { functions: { fn: { latest: { CodeSha256: NEW }, versions: [version('1', NEW, 'r1')], aliases: [] } } } } },
        },
      },
    ],
  };
  const r1 = release('r1', 10, 30, {
    result: result('r1', 'Succeeded', NEW, [
      region(PRIMARY, { existedBefore: true, previousSha256: OLD, version: '2' }),
      region(COPY, { action: 'create-by-copy', existedBefore: false, version: '1' }),
    ]),
  });
  const r2 = release('r2', 40, 60, {
    sha256: BROKEN,
    kind: 'broken',
    result: result('r2', 'RolledBack', BROKEN, [
      region(PRIMARY, { existedBefore: true, previousSha256: NEW, version: '3', state: 'rolled-back' }),
      region(COPY, { existedBefore: true, previousSha256: NEW, state: 'rolled-back' }),
    ]),
  });
  const requestLog = [
    entry('UpdateFunctionCode', PRIMARY, 11),
    entry('PublishVersion', PRIMARY, 12, { lost: true }),
    entry('PublishVersion', PRIMARY, 13, { outcome: 'RequestLimitExceeded' }),
    entry('CopyFunction', PRIMARY, 14),
    entry('PublishVersion', COPY, 15),
    entry('GetFunction', PRIMARY, 35), // reads may come at any time
    entry('UpdateFunctionCode', PRIMARY, 41),
    entry('PublishVersion', PRIMARY, 42),
    entry('UpdateFunctionCode', COPY, 43),
    entry('UpdateFunctionCode', COPY, 50),
    entry('UpdateFunctionCode', PRIMARY, 51),
  ];
  return {
    state,
    requestLog,
    releases: [r1, r2],
    seeded: [{ region: PRIMARY, namespace: 'default', functionName: 'fn' }],
    runningLocks: [],
  };
}

type FnState = NonNullable<NonNullable<NonNullable<NonNullable<SimulatorStateSnapshot['accounts']>[number]['regions']>[string]['namespaces']>[string]['functions']>[string];
const fnIn = (input: AuditInput, r: string): FnState => input.state.accounts![0]!.regions![r]!.namespaces!['default']!.functions!['fn']!;

describe('the soak auditor', () => {
  it('when the run is clean, then it reports nothing', () => {
    expect(audit(cleanRun())).toEqual([]);
  });

  it('when a release published twice in a region, then one-publish is reported (versions and requests)', () => {
    const input = cleanRun();
    fnIn(input, COPY).versions!.push(version('2', NEW, 'r1'));
    input.requestLog.push(entry('PublishVersion', COPY, 16));
    const found = audit(input);
    expect(found.filter((v) => v.invariant === 'one-publish')).toEqual([
      expect.objectContaining({ workflowId: 'release/default/fn/r1', region: COPY, detail: expect.stringContaining('2 versions tagged') }),
      expect.objectContaining({ workflowId: 'release/default/fn/r1', region: COPY, detail: expect.stringContaining('2 PublishVersion requests') }),
    ]);
  });

  it('when a release Succeeded without its version in a region, then one-publish is reported', () => {
    const input = cleanRun();
    fnIn(input, COPY).versions = [];
    expect(audit(input)).toEqual([expect.objectContaining({ invariant: 'one-publish', region: COPY, detail: expect.stringContaining('no version is tagged') })]);
  });

  it('when an alias is left split, then alias-split is reported', () => {
    const input = cleanRun();
    fnIn(input, PRIMARY).aliases![0]!.additionalVersionWeights = [{ Version: '1', Weight: 0.1 }];
    expect(audit(input)).toEqual([expect.objectContaining({ invariant: 'alias-split', region: PRIMARY, functionName: 'fn' })]);
  });

  it('when an alias is left on the version a rolled-back release published, then alias-target is reported', () => {
    const input = cleanRun();
    fnIn(input, PRIMARY).aliases![0]!.functionVersion = '3';
    expect(audit(input)).toEqual([
      expect.objectContaining({ invariant: 'alias-target', region: PRIMARY, detail: expect.stringContaining('serves version 3, published by release/default/fn/r2 which ended RolledBack') }),
    ]);
  });

  it('when a rolled-back release left the copy it created, then orphan-copy is reported', () => {
    const input = cleanRun();
    // r1 rolled back instead (it had created COPY by copy), yet the copy is still there for r2 to see.
    input.releases[0]!.result!.status = 'RolledBack';
    fnIn(input, PRIMARY).latest.CodeSha256 = OLD;
    input.releases[1]!.result!.regions[0]!.previousSha256 = OLD;
    fnIn(input, COPY).versions = [];
    fnIn(input, PRIMARY).aliases![0]!.functionVersion = '1';
    const found = audit(input);
    expect(found).toEqual([
      expect.objectContaining({ invariant: 'orphan-copy', workflowId: 'release/default/fn/r1', region: COPY, detail: expect.stringContaining('the preflight of release/default/fn/r2') }),
      expect.objectContaining({ invariant: 'orphan-copy', region: COPY, detail: expect.stringContaining('neither seeded nor created') }),
    ]);
  });

  it('when a rolled-back region does not hold its pre-release code, then latest-sha is reported', () => {
    const input = cleanRun();
    fnIn(input, COPY).latest.CodeSha256 = BROKEN;
    expect(audit(input)).toEqual([
      expect.objectContaining({ invariant: 'latest-sha', workflowId: 'release/default/fn/r2', region: COPY, detail: expect.stringContaining(`found ${BROKEN}`) }),
    ]);
  });

  it('when a succeeded region does not hold the package (seen by the next release), then latest-sha is reported', () => {
    const input = cleanRun();
    input.releases[1]!.result!.regions[0]!.previousSha256 = OLD;
    fnIn(input, PRIMARY).latest.CodeSha256 = OLD;
    const found = audit(input);
    expect(found).toContainEqual(expect.objectContaining({ invariant: 'latest-sha', workflowId: 'release/default/fn/r1', region: PRIMARY }));
  });

  it('when a function is mutated outside every lock window, then lock is reported', () => {
    const input = cleanRun();
    input.requestLog.push(entry('UpdateAlias', PRIMARY, 35));
    expect(audit(input)).toEqual([expect.objectContaining({ invariant: 'lock', region: PRIMARY, detail: expect.stringContaining('UpdateAlias (OK') })]);
  });

  it('when a failed mutating request is sent after the release closed, then lock is reported too', () => {
    const input = cleanRun();
    input.requestLog.push(entry('DeleteFunction', COPY, 61, { outcome: 'RequestLimitExceeded' }));
    expect(audit(input)).toEqual([expect.objectContaining({ invariant: 'lock', detail: expect.stringContaining('while no release held') })]);
  });

  it('when two releases of a function hold the lock at once, then lock is reported', () => {
    const input = cleanRun();
    input.releases[1]!.lockWindow = { from: T0 + 25_000, to: T0 + 60_000 };
    const found = audit(input);
    expect(found).toContainEqual(expect.objectContaining({ invariant: 'lock', detail: expect.stringContaining('both held the lock') }));
  });

  it('when a lock workflow is still running, then lingering-lock is reported', () => {
    const input = cleanRun();
    input.runningLocks = ['lock/default/fn'];
    expect(audit(input)).toEqual([expect.objectContaining({ invariant: 'lingering-lock', detail: 'lock workflow lock/default/fn is still running' })]);
  });

  it('when a release ends Aborted, RollbackFailed or without a result, then outcome is reported (Aborted is fine where the soak aborted it)', () => {
    const input = cleanRun();
    input.releases[1]!.result!.status = 'Aborted';
    expect(audit(input)).toEqual([expect.objectContaining({ invariant: 'outcome', detail: 'ended Aborted' })]);
    input.releases[1]!.abortedBySoak = true;
    expect(audit(input)).toEqual([]);
    input.releases[1]!.result!.status = 'RollbackFailed';
    expect(audit(input)).toEqual([expect.objectContaining({ invariant: 'outcome', detail: 'ended RollbackFailed' })]);
    input.releases[1] = { ...input.releases[1]!, result: undefined, workflowStatus: 'TERMINATED' };
    expect(audit(input)).toContainEqual(expect.objectContaining({ invariant: 'outcome', detail: 'the workflow ended TERMINATED without a release result' }));
  });

  it('when broken code ends Succeeded, then outcome is reported', () => {
    const input = cleanRun();
    input.releases[0]!.kind = 'broken';
    expect(audit(input)).toEqual([expect.objectContaining({ invariant: 'outcome', workflowId: 'release/default/fn/r1', detail: 'broken code ended Succeeded: it must roll back' })]);
  });
});
