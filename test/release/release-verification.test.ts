/**
 * Verification judged inside the verifyCase activity: a hostile pattern, a huge answer and an
 * `${env:...}` reference in an event, each in a real release (dev server + simulator).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { MUTATING } from '../../simulator/actions';
import type { VerificationCase } from '../../workflows/definitions';
import { scanHistoryForSecrets } from '../harness/history-secrets';
import { useScfWorld } from '../harness/use-scf-world';
import { CASES, OLD_CODE, PRIMARY, newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
import { countRequests, latestSha, startRelease } from './world-helpers';

describe('verification of a release', () => {
  const t = useScfWorld();
  afterEach(() => t.world.sim.admin.clearFaults());

  /** Seeds the primary only (no alias, no targets) and releases `code` there with `cases`. */
  async function releasePrimary(functionName: string, code: string, cases: VerificationCase[], environment?: Record<string, string>) {
    const { env, world } = t;
    world.sim.admin.seedFunction({ region: PRIMARY, functionName, files: OLD_CODE, handler: 'index.main_handler', runtime: 'Nodejs18.15', publishVersions: 1, environment });
    const input = releaseInput(functionName, world.makePackage({ 'index.js': code }), { regions: [], alias: undefined, verification: cases });
    const handle = await startRelease(env, world, input);
    const result = await world.runWorker(() => handle.result());
    return { handle, result };
  }

  it('when a pattern backtracks catastrophically in JavaScript, then the release ends as the expectation demands and the worker keeps running', async () => {
    const code = "exports.main_handler = async () => 'a'.repeat(40) + '!';\n";
    const failing = await releasePrimary(uniqueFunctionName('redos-fail'), code, [
      { name: 'hostile', event: '{}', expect: { retMsgPattern: '^"(a+)+"$' } },
    ]);
    expect(failing.result.status).toBe('RolledBack');
    expect(failing.result.error).toMatchObject({ type: 'VerificationFailed', region: PRIMARY });
    expect(failing.result.error?.message).toContain('verification case "hostile" failed');
    expect(t.world.worker!.getState()).toBe('RUNNING');

    const passing = await releasePrimary(uniqueFunctionName('redos-pass'), code, [
      { name: 'hostile but true', event: '{}', expect: { retMsgPattern: '^"(a+)+!"$' } },
    ]);
    expect(passing.result.error).toBeUndefined();
    expect(passing.result.status).toBe('Succeeded');
    expect(t.world.worker!.getState()).toBe('RUNNING');
  });

  it('when the function answers about 6 MB, then the release ends normally and no history payload holds the answer', async () => {
    const code = "exports.main_handler = async () => 'x'.repeat(6 * 1024 * 1024 - 1024);\n";
    const { handle, result } = await releasePrimary(uniqueFunctionName('big-answer'), code, [
      { name: 'healthy', event: '{}', expect: { invokeResult: 0 } },
    ]);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('Succeeded');
    expect(result.regions[0].verification).toEqual([expect.objectContaining({ case: 'healthy', passed: true })]);
    const { payloads } = await scanHistoryForSecrets(t.env.client, handle.workflowId);
    expect(payloads.some((p) => p.includes(result.functionName))).toBe(true); // the decoding really reads the payloads
    expect(payloads.filter((p) => p.includes('x'.repeat(4096)))).toEqual([]);
    expect(Math.max(...payloads.map((p) => p.length))).toBeLessThan(64 * 1024);
  });

  describe('an ${env:NAME} reference in an event', () => {
    const secret = `hush-${randomUUID()}`;
    let dir: string;
    beforeAll(() => {
      process.env.SCF_EVENT_TEST_GREETING = secret;
      dir = mkdtempSync(path.join(tmpdir(), 'scf-event-'));
    });
    afterAll(() => {
      delete process.env.SCF_EVENT_TEST_GREETING;
      rmSync(dir, { recursive: true, force: true });
    });

    it('when it names an SCF_EVENT_ variable of the worker, then the function sees its value and neither history nor the result does', async () => {
      const seen = path.join(dir, 'event.json');
      // The function keeps what it received, and echoes it: the second case fails, so its detail quotes the answer.
      const code =
        "exports.main_handler = async (event) => { require('fs').writeFileSync(process.env.SEEN_FILE, JSON.stringify(event)); return { ok: true, echo: event }; };\n";
      const functionName = uniqueFunctionName('env-ref');
      const { handle, result } = await releasePrimary(
        functionName,
        code,
        [
          { name: 'greets', event: '{"greeting":"${env:SCF_EVENT_TEST_GREETING}"}', expect: { retMsgJsonSubset: { ok: true } } },
          { name: 'quotes it', event: '{"again":"say ${env:SCF_EVENT_TEST_GREETING}!"}', expect: { retMsgPattern: '^never$' } },
        ],
        { SEEN_FILE: seen },
      );
      expect(JSON.parse(readFileSync(seen, 'utf8'))).toEqual({ again: `say ${secret}!` });
      expect(result.status).toBe('RolledBack');
      expect(result.regions[0].verification?.[0]).toMatchObject({ case: 'greets', passed: true });
      expect(result.error?.message).toContain('quotes it');
      expect(JSON.stringify(result)).not.toContain(secret);
      const { payloads } = await scanHistoryForSecrets(t.env.client, handle.workflowId);
      expect(payloads.some((p) => p.includes('${env:SCF_EVENT_TEST_GREETING}'))).toBe(true);
      expect(payloads.filter((p) => p.includes(secret))).toEqual([]);
    });

    it('when it names TENCENTCLOUD_SECRET_KEY, or an SCF_EVENT_ variable the worker lacks, then the case fails non-retryably naming the variable, and the function is not invoked', async () => {
      for (const [name, words] of [
        ['TENCENTCLOUD_SECRET_KEY', 'SCF_EVENT_'],
        ['SCF_EVENT_NOT_SET_ANYWHERE', 'set SCF_EVENT_NOT_SET_ANYWHERE'],
      ] as const) {
        const functionName = uniqueFunctionName('env-refused');
        const { result } = await releasePrimary(functionName, newCode()['index.js'], [
          { name: 'leaks', event: `{"key":"\${env:${name}}"}`, expect: {} },
        ]);
        expect(result.status).toBe('RolledBack');
        expect(result.error?.type).toBe('EventReferenceRefused');
        expect(result.error?.message).toContain(name);
        expect(result.error?.message).toContain(words);
        expect(result.error?.message).toContain('"leaks"');
        expect(countRequests(t.world, 'InvokeFunction', functionName)).toEqual({});
      }
    });

    /** Every request (whatever its outcome) that changes the function (the simulator's list), or invokes it. */
    const changesTo = (functionName: string, since: number) =>
      t.world.sim.admin
        .requestLog()
        .slice(since)
        .filter((e) => e.function === functionName && (MUTATING.has(e.action) || e.action === 'InvokeFunction' || e.action === 'Invoke'))
        .map((e) => `${e.action} ${e.region}`);

    it('when a case of a release with targets and an alias references an SCF_EVENT_ variable no worker has, then the release ends in preflight naming it, before any change', async () => {
      const { env, world } = t;
      const functionName = uniqueFunctionName('env-preflight');
      await seedWorld(world, functionName);
      const before = latestSha(world, PRIMARY, functionName);
      const seeded = world.sim.admin.requestLog().length;
      const cases = [...CASES, { name: 'with token', event: '{"token":"${env:SCF_EVENT_PREFLIGHT_ABSENT}"}', expect: { invokeResult: 0 } }];
      const handle = await startRelease(env, world, releaseInput(functionName, world.makePackage(newCode()), { verification: cases }));
      const result = await world.runWorker(() => handle.result());
      expect(result.error).toMatchObject({ type: 'EventReferenceRefused' });
      expect(result.error?.message).toContain('verification case "with token"');
      expect(result.error?.message).toContain('set SCF_EVENT_PREFLIGHT_ABSENT');
      expect(result.summary).toContain('SCF_EVENT_PREFLIGHT_ABSENT');
      expect(result.status).toBe('RolledBack');
      expect(result.compensations).toEqual([]);
      expect(result.versionsLeftInPlace).toEqual([]);
      expect(changesTo(functionName, seeded)).toEqual([]);
      expect(latestSha(world, PRIMARY, functionName)).toBe(before);
    });

    it('when the variable a case of a release with targets and an alias references is set on the worker, then the release proceeds and succeeds', async () => {
      const { env, world } = t;
      const functionName = uniqueFunctionName('env-preflight-set');
      await seedWorld(world, functionName);
      const seeded = world.sim.admin.requestLog().length;
      const cases = [...CASES, { name: 'with greeting', event: '{"greeting":"${env:SCF_EVENT_TEST_GREETING}"}', expect: { invokeResult: 0 } }];
      const pkg = world.makePackage(newCode());
      const handle = await startRelease(env, world, releaseInput(functionName, pkg, { verification: cases }));
      const result = await world.runWorker(() => handle.result());
      expect(result.error).toBeUndefined();
      expect(result.status).toBe('Succeeded');
      expect(latestSha(world, PRIMARY, functionName)).toBe(pkg.sha256);
      expect(changesTo(functionName, seeded)).toEqual(expect.arrayContaining([`UpdateFunctionCode ${PRIMARY}`, `PublishVersion ${PRIMARY}`, `InvokeFunction ${PRIMARY}`]));
    });
  });
});
