/**
 * Secrets stay in the worker's environment: the keys the activities sign with never reach workflow
 * input, history, memo, search attributes or the activities' log, on a good release nor on a
 * rolled-back one (whose failures carry SCF's error messages).
 */
import { Writable } from 'node:stream';
import { DEFAULT_CREDENTIALS } from '../../simulator';
import { useScfWorld } from '../harness/use-scf-world';
import { newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
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

  /** Everything Temporal keeps about a run, as text: history (payloads decoded), memo, search attributes. */
  async function recordedText(workflowId: string): Promise<string> {
    const handle = t.env.client.workflow.getHandle(workflowId);
    const { events } = await handle.fetchHistory();
    const history = JSON.stringify(events, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value));
    const described = await handle.describe();
    return [history, JSON.stringify(await described.memo), JSON.stringify(described.searchAttributes)].join('\n');
  }

  it('when a release succeeds and another rolls back, then neither the SecretKey nor the SecretId is in history, memo, search attributes or the log', async () => {
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
    const recorded = (await recordedText(`release/default/${functionName}/${good.releaseId}`)) + (await recordedText(brokenHandle.workflowId));
    expect(recorded).toContain(functionName); // the text is really the runs' records
    expect(logLines.join('')).toContain(functionName); // and the log really has the SCF calls
    for (const secret of [DEFAULT_CREDENTIALS.secretKey, DEFAULT_CREDENTIALS.secretId]) {
      expect(recorded).not.toContain(secret);
      expect(logLines.join('')).not.toContain(secret);
    }
  });
});
