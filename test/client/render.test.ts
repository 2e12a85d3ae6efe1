/**
 * The summary a release ends with, as a person reads it at 80 columns: verification counted as cases
 * with the bake probes apart, what the alias serves in each region, how long it took, each failure
 * once on one line, nothing wider than the terminal, and colour that shifts no column. Pure.
 */
import { renderRun } from '../../client/audit/render-run';
import { progressLines, progressRenderer } from '../../client/render/progress';
import { renderResult } from '../../client/render/summary';
import { styleFor } from '../../client/render/text';
import type { ReleaseProgress, ReleaseResult } from '../../workflows/definitions';
import type { GateRecord } from '../../workflows/metrics-gate';

const plain = styleFor({ isTTY: false } as unknown as NodeJS.WritableStream);
const colour = { bold: (s: string) => `\x1b[1m${s}\x1b[0m`, dim: (s: string) => `\x1b[2m${s}\x1b[0m`, green: (s: string) => `\x1b[32m${s}\x1b[0m`, red: (s: string) => `\x1b[31m${s}\x1b[0m`, yellow: (s: string) => `\x1b[33m${s}\x1b[0m` };
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

const figure = (passed = true) => ({ case: 'greets', passed, durationMs: 12 });
const LONG = 'the function answered {"errorCode":-1,"errorMessage":"Cannot read properties of undefined (reading \'name\')","stackTrace":"TypeError: at exports.main_handler (/var/user/index.js:3:22) at process.processTicksAndRejections"}';
const verificationError = { type: 'VerificationFailed', message: LONG, region: 'ap-shanghai', requestId: 'req-1234' };

function result(extra: Partial<ReleaseResult> = {}): ReleaseResult {
  return {
    releaseId: 'r-20261202-001500-ab12',
    status: 'Succeeded',
    summary: 'released sha256 0123456789ab to default/hello: ap-guangzhou:3, ap-shanghai:5',
    functionName: 'hello',
    namespace: 'default',
    sha256: '0123456789abcdef'.repeat(4),
    regions: [
      {
        region: 'ap-guangzhou', action: 'update-in-place', state: 'done', version: '3', codeSha256: 'ab'.repeat(32),
        // One case, then 18 bake probes: the new version with the case, the alias with its health part.
        verification: [figure(), ...Array.from({ length: 18 }, (_, i) => ({ ...figure(), case: i % 2 ? 'greets (health)' : 'greets' }))],
        alias: { name: 'live', functionVersion: '3', additionalVersionWeights: [], createdByRelease: false },
      },
      {
        region: 'ap-shanghai', action: 'update-in-place', state: 'done', version: '5', codeSha256: 'cd'.repeat(32),
        verification: [figure()],
        alias: { name: 'live', functionVersion: '4', additionalVersionWeights: [{ version: '5', weight: 0.1 }], createdByRelease: false },
      },
    ],
    steps: [
      { name: 'update-code', region: 'ap-guangzhou', startedAt: '2026-12-02T00:15:00.000Z', endedAt: '2026-12-02T00:15:02.000Z', outcome: 'ok' },
      { name: 'bake-100%', region: 'all', startedAt: '2026-12-02T00:15:02.000Z', endedAt: '2026-12-02T00:16:05.000Z', outcome: 'ok' },
    ],
    compensations: [],
    versionsLeftInPlace: [],
    ...extra,
  };
}

describe('the release summary', () => {
  it('when one case was baked through 18 probes, then it counts 1 case and the probes apart, not "19/19 passed"', () => {
    const text = renderResult(result(), plain).join('\n');
    expect(text).toMatch(/ap-guangzhou .*1\/1 case passed, bake probes 18\/18 ok/);
    expect(text).toMatch(/ap-shanghai .*1\/1 case passed$/m);
    expect(text).not.toContain('19/19');
  });

  it('when the release ended, then each region says what its alias serves and the heading says how long it took', () => {
    const text = renderResult(result(), plain).join('\n');
    expect(text).toMatch(/ap-guangzhou .*live → v3 100%/);
    expect(text).toMatch(/ap-shanghai .*live → v4 90%, v5 10%/);
    expect(text.split('\n')[0]).toBe('Release r-20261202-001500-ab12 of default/hello: Succeeded in 1m5s');
  });

  it('when a region failed, then its error is printed once, on one line that fits 80 columns, and show has the full text', () => {
    const failed = result({
      status: 'RolledBack',
      regions: [{ ...result().regions[1]!, state: 'failed', error: verificationError, verification: [figure(false)] }],
      error: verificationError,
      compensations: [{ name: 'restore-code', region: 'ap-guangzhou', outcome: 'ok' }],
    });
    const lines = renderResult(failed, plain, { width: 80 });
    expect(lines.filter((line) => line.includes('VerificationFailed'))).toHaveLength(1);
    const errorLine = lines.find((line) => line.includes('VerificationFailed'))!;
    expect(errorLine).toMatch(/^ {4}VerificationFailed in ap-shanghai: the function answered \{.*…$/);
    expect(lines).toContain('  Full error text: scf-release show r-20261202-001500-ab12');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    // In a pipe (no width) the error still takes one line, cut at a word.
    const piped = renderResult(failed, plain);
    expect(piped.filter((line) => line.includes('VerificationFailed'))).toHaveLength(1);
  });

  it('when coloured, then the columns are where they are without colour', () => {
    const failed = result({ status: 'RolledBack', error: verificationError });
    for (const width of [80, 160]) {
      const coloured = renderResult(failed, colour, { width }).map(stripAnsi);
      expect(coloured).toEqual(renderResult(failed, plain, { width }));
      for (const line of coloured) expect(line.length).toBeLessThanOrEqual(width);
    }
  });
});

describe('the metrics gate figures', () => {
  const window = { periodSeconds: 60, startMs: Date.parse('2026-12-02T00:15:00Z'), endMs: Date.parse('2026-12-02T00:17:00Z') };
  const pass: GateRecord = { ...window, percent: 10, version: '3', invocations: 120, errors: 0, errorRatePercent: 0, avgDurationMs: 41.5, verdict: 'pass' };
  const breach: GateRecord = {
    ...window, percent: 50, version: '3', invocations: 80, errors: 40, errorRatePercent: 50, avgDurationMs: 12.25, verdict: 'breach',
    detail: 'error rate 50% (40 of 80) is above 1%',
  };
  const gated = () => {
    const base = result({ status: 'RolledBack', error: { type: 'MetricsGateBreached', message: 'metrics gate at 50% in ap-guangzhou: error rate 50% (40 of 80) is above 1% on version 3', region: 'ap-guangzhou' } });
    base.regions[0] = { ...base.regions[0]!, gate: [pass, breach] };
    return base;
  };

  it('when a release had a gate, then the summary has one row per region and step with invocations, error rate, avg duration and verdict', () => {
    const lines = renderResult(gated(), plain);
    expect(lines).toContain('  Metrics gate (Cloud Monitor, the new version):');
    const header = lines.findIndex((line) => /REGION +STEP +VERSION +INVOCATIONS.*ERROR RATE.*AVG DURATION.*VERDICT/.test(line));
    expect(header).toBeGreaterThan(0);
    expect(lines[header + 2]).toMatch(/^ {4}ap-guangzhou +10% +v3 +120 +0 +0% +41\.5 ms +pass$/);
    expect(lines[header + 3]).toMatch(/^ {4}ap-guangzhou +50% +v3 +80 +40 +50% +12\.25 ms +breach: error rate 50% \(40 of 80\) is above 1%$/);
    // A region without a gate record has no row.
    expect(lines.filter((line) => /^ {4}ap-shanghai +\d+%/.test(line))).toHaveLength(0);
    for (const line of renderResult(gated(), plain, { width: 80 })) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('when the gate was relative to the previous version, then the verdict says what that version did over the same window', () => {
    const relative = gated();
    relative.regions[0] = { ...relative.regions[0]!, gate: [{ ...pass, previous: { version: '2', invocations: 300, errors: 1, errorRatePercent: 0.33, avgDurationMs: 40 } }] };
    expect(renderResult(relative, plain).some((line) => / +pass \(v2: 0\.33%, 40 ms\)$/.test(line))).toBe(true);
  });

  it('when a release had no gate, then the summary has no gate table', () => {
    expect(renderResult(result(), plain).some((line) => line.includes('INVOCATIONS'))).toBe(false);
  });

  it('when show prints a gated release, then its gate figures are there per region and step', () => {
    const text = renderRun({
      workflowId: 'r-1', runId: 'run', workflowType: 'releaseWorkflow', executionStatus: 'COMPLETED', releaseStatus: 'RolledBack',
      startTime: '2026-12-02T00:15:00.000Z', uiLink: 'http://ui', detail: { kind: 'release', state: 'closed', result: gated() },
    });
    expect(text).toMatch(/Metrics gate:\n.*INVOCATIONS.*VERDICT/);
    expect(text).toMatch(/ap-guangzhou +50% +v3 +80 +40 +50% +12\.25 ms +breach: error rate 50% \(40 of 80\) is above 1%/);
  });

  it('when a release bakes under its gate, then the progress says what the gate waits for', () => {
    const progress: ReleaseProgress = {
      releaseId: 'r-1', phase: 'ShiftingTraffic', status: 'Running', regions: gated().regions, steps: [], trafficPercent: 10, awaitingApproval: false,
      gate: { 'ap-guangzhou': 'waiting for 50 invocations of v3 (12 so far)' },
    };
    expect(progressLines(progress, 'r-1', plain)).toContain('  gate ap-guangzhou: waiting for 50 invocations of v3 (12 so far)');
    // In a pipe, the line renderer prints each new gate status once.
    const written: string[] = [];
    const pipe = { isTTY: false, write: (chunk: string) => written.push(chunk) } as unknown as NodeJS.WritableStream;
    const lines = progressRenderer(pipe, 'r-1');
    lines.update(progress);
    lines.update(progress);
    expect(written.filter((line) => line.endsWith(' gate ap-guangzhou: waiting for 50 invocations of v3 (12 so far)\n'))).toHaveLength(1);
    const text = renderRun({
      workflowId: 'r-1', runId: 'run', workflowType: 'releaseWorkflow', executionStatus: 'RUNNING',
      startTime: '2026-12-02T00:15:00.000Z', uiLink: 'http://ui', detail: { kind: 'release', state: 'running', progress },
    });
    expect(text).toContain('gate ap-guangzhou: waiting for 50 invocations of v3 (12 so far)');
  });
});
