/**
 * Secrets stay in the worker's environment: the keys the activities sign with, and anything shaped
 * like a credential, never reach workflow input, history (payloads decoded), memo, search attributes,
 * heartbeats, signals or the activities' log, on a good release nor on a rolled-back one (whose
 * failures carry SCF's error messages). A control run with planted secrets proves the scan can fail.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import YAML from 'yaml';
import { buildRelease } from '../../client/manifest';
import { DEFAULT_CREDENTIALS } from '../../simulator';
import { approveSignal, progressQuery, releaseWorkflowId } from '../../workflows/definitions';
import { eventually } from '../harness/eventually';
import { scanHistoryForSecrets } from '../harness/history-secrets';
import { useScfWorld } from '../harness/use-scf-world';
import { ALIAS, PRIMARY, newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
import { startRelease } from './world-helpers';

describe('secrets in a release', () => {
  const logLines: string[] = [];
  const t = useScfWorld({
    logStream: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    }),
  });

  it('when a release succeeds and another rolls back, then no secret is in their histories (payloads decoded), memo, search attributes or the log', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('secrets');
    await seedWorld(world, functionName, { targetEnv: { BROKEN: '1' } });
    const good = releaseInput(functionName, world.makePackage(newCode()), { regions: [] });
    const broken = releaseInput(functionName, world.makePackage(newCode('v3')));

    const goodResult = await world.runWorker(async () => (await startRelease(env, world, good)).result());
    const brokenHandle = await startRelease(env, world, broken);
    const brokenResult = await world.runWorker(() => brokenHandle.result());

    expect(goodResult.status).toBe('Succeeded');
    expect(brokenResult.status).toBe('RolledBack');
    for (const workflowId of [releaseWorkflowId('default', functionName, good.releaseId), brokenHandle.workflowId]) {
      const scan = await scanHistoryForSecrets(env.client, workflowId);
      // The scan really read the runs: decoded payloads that hold the function and the failure's words.
      expect(scan.payloadsDecoded).toBeGreaterThan(10);
      expect(scan.decodedText).toContain(functionName);
      expect(scan.findings).toEqual([]);
    }
    const log = logLines.join('');
    expect(log).toContain(functionName); // the log really has the SCF calls
    for (const secret of [DEFAULT_CREDENTIALS.secretKey, DEFAULT_CREDENTIALS.secretId]) expect(log).not.toContain(secret);
  });

  it('when secrets are planted in the input (marked as intended) and in a signal, then the scan finds each where it was planted', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('planted');
    await seedWorld(world, functionName);
    const pkg = world.makePackage(newCode());
    const plantedId = 'AKIDplanted0000000000000000000000000';
    const dir = mkdtempSync(path.join(os.tmpdir(), 'planted-'));
    const file = path.join(dir, 'release.yaml');
    writeFileSync(
      file,
      YAML.stringify({
        function: functionName,
        region: PRIMARY,
        package: { path: pkg.location },
        verification: [{ name: 'answers', event: { SecretId: plantedId } }],
        alias: { name: ALIAS, requireApproval: true },
        notSecrets: ['verification[0].event.SecretId'],
      }),
    );
    const { input } = await buildRelease({ file, startedBy: 'jest' });
    const handle = await startRelease(env, world, input);

    const result = await world.runWorker(async () => {
      await eventually(() => handle.query(progressQuery), (p) => p.awaitingApproval);
      await handle.signal(approveSignal, { by: `someone ${DEFAULT_CREDENTIALS.secretKey}` });
      return handle.result();
    });
    expect(result.status).toBe('Succeeded');

    const scan = await scanHistoryForSecrets(env.client, handle.workflowId);
    const found = (where: RegExp, looksLike: RegExp) => scan.findings.filter((f) => where.test(f.where) && looksLike.test(f.looksLike));
    expect(found(/WorkflowExecutionStarted$/, /Tencent SecretId/)).toEqual([
      expect.objectContaining({ path: expect.stringMatching(/\.input\.payloads\[0\]\.verification\[0\]\.event\.SecretId$/) }),
    ]);
    expect(found(/ActivityTaskScheduled$/, /Tencent SecretId/).length).toBeGreaterThan(0);
    expect(found(/WorkflowExecutionSignaled$/, /known secret/)).toEqual([
      expect.objectContaining({ path: expect.stringMatching(/\.input\.payloads\[0\]\.by$/) }),
    ]);
    // What this test searched before, the history serialised as text, shows none of them: the payloads' bytes are not text there.
    const { events } = await env.client.workflow.getHandle(handle.workflowId).fetchHistory();
    expect(JSON.stringify(events, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value))).not.toContain(plantedId);
  });
});
