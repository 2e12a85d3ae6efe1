/**
 * One duration grammar (workflows/durations.ts) for the manifest, every flag and every
 * environment variable: the same text means the same time everywhere, and a bare number is seconds.
 */
import { loadScfConfig } from '../../activities/config';
import { parseSince } from '../../client/audit/visibility-query';
import { durationFlag } from '../../client/commands/shared';
import { checkDuration, formatDurationMs, parseDurationMs } from '../../workflows/durations';
import { loadWorkerConfig } from '../../worker/config';

describe('the duration grammar', () => {
  test.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1.5s', 1500],
    [' 1.5 s ', 1500],
    ['30', 30_000],
    ['0', 0],
    [30, 30_000],
    [0.5, 500],
  ])('when %j is read, then it is %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  test.each(['soon', '-1', '1e3', '5 seconds', 's', '', '1h-5m', '10y', 'Infinity', '0x10', '1,5s', '9'.repeat(400)])(
    'when %j is read, then it is not a duration',
    (text) => {
      expect(parseDurationMs(text)).toBeUndefined();
    },
  );

  test('when a duration is over the maximum, then the problem names both and reminds that a bare number is seconds', () => {
    expect(checkDuration('10000', 3_600_000)).toEqual({ kind: 'too-long', problem: expect.stringMatching(/is 2h46m40s, more than the maximum 1h \(a bare number is seconds/) });
    expect(checkDuration('1h', 3_600_000)).toEqual({ ms: 3_600_000 });
  });

  test('when a duration is under the field\'s minimum or unreadable, then the problem says which', () => {
    expect(checkDuration('400ms', 3_600_000, 60_000)).toEqual({ kind: 'too-short', problem: 'is 400ms, less than the minimum 1m' });
    expect(checkDuration(0, 3_600_000, 1)).toEqual({ kind: 'too-short', problem: 'is 0s, less than the minimum 1ms' });
    expect(checkDuration('1m', 3_600_000, 60_000)).toEqual({ ms: 60_000 });
    expect(checkDuration(0, 3_600_000)).toEqual({ ms: 0 });
    expect(checkDuration('soon', 3_600_000)).toEqual({ kind: 'unreadable', problem: expect.stringMatching(/"soon" is not a duration/) });
  });

  test('when durations are formatted, then they read back as the same time', () => {
    for (const ms of [0, 500, 1500, 30_000, 90_000, 5_400_000, 172_800_000]) expect(parseDurationMs(formatDurationMs(ms))).toBe(ms);
    expect([0, 500, 1500, 90_000].map(formatDurationMs)).toEqual(['0s', '500ms', '1.5s', '1m30s']);
  });
});

describe('the grammar is the same for manifest, flags and environment', () => {
  const now = new Date('2025-01-08T00:00:00Z');

  test('when --since is 90s, 90 or 7d, then it is that long before now', () => {
    expect(parseSince('90s', now).toISOString()).toBe('2025-01-07T23:58:30.000Z');
    expect(parseSince('90', now).toISOString()).toBe('2025-01-07T23:58:30.000Z');
    expect(parseSince('1h30m', now).toISOString()).toBe('2025-01-07T22:30:00.000Z');
    expect(parseSince('7d', now).toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(parseSince('2025-01-02T03:04:05Z', now).toISOString()).toBe('2025-01-02T03:04:05.000Z');
  });

  test('when SCF_RELEASE_SHUTDOWN_GRACE_TIME is 30, then the grace time is 30 seconds, as bake: 30 is', () => {
    expect(loadWorkerConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233', SCF_RELEASE_SHUTDOWN_GRACE_TIME: '30' }).shutdownGraceTime).toBe(30_000);
  });

  test('when SCF_REQUEST_TIMEOUT is 45 or 1m, then the per-request timeout is 45 s or 60 s', () => {
    expect(loadScfConfig({ SCF_REQUEST_TIMEOUT: '45' }).timeoutMs).toBe(45_000);
    expect(loadScfConfig({ SCF_REQUEST_TIMEOUT: '1m' }).timeoutMs).toBe(60_000);
    expect(loadScfConfig({}).timeoutMs).toBe(30_000);
  });

  test.each([
    [{ SCF_REQUEST_TIMEOUT: 'soon' }, /SCF_REQUEST_TIMEOUT: "soon" is not a duration/],
    [{ SCF_REQUEST_TIMEOUT: '30000' }, /SCF_REQUEST_TIMEOUT: is 8h20m, more than the maximum 10m/],
    [{ SCF_REQUEST_TIMEOUT: '0' }, /SCF_REQUEST_TIMEOUT: must be more than 0/],
    [{ SCF_TIMEOUT_MS: '30000' }, /SCF_TIMEOUT_MS was renamed SCF_REQUEST_TIMEOUT.*SCF_REQUEST_TIMEOUT=30000ms/],
  ])('when the activities get %j, then loading fails naming the variable', (env, message) => {
    expect(() => loadScfConfig(env)).toThrow(message);
  });

  test('when a flag takes a duration, then it reads the same grammar and refuses naming the flag', () => {
    expect(durationFlag('--jitter', '90', 3_600_000)).toBe(90_000);
    expect(() => durationFlag('--jitter', 'soon', 3_600_000)).toThrow(/--jitter takes a duration like 500ms, 30s, 5m, 1h30m, 2d \(a bare number is seconds\), not "soon"/);
    expect(() => durationFlag('--jitter', '2h', 3_600_000)).toThrow(/--jitter is 2h, more than the maximum 1h/);
  });
});
