/**
 * GetFunctionAddress answers with a signed code-download URL: a credential for the function's code.
 * It is used inside snapshotCode and goes nowhere else: not into any payload of the run's history
 * (decoded with the client's data converter, child workflows and describe() included), not into the activities' log.
 */
import { scanHistoryForSecrets } from '../harness/history-secrets';
import { useScfWorld } from '../harness/use-scf-world';
import { newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
import { countRequests, startRelease } from './world-helpers';

describe('signed code URLs', () => {
  const logLines: string[] = [];
  const t = useScfWorld({ logStream: { write: (line: string) => void logLines.push(line) } });

  it('when a release reads GetFunctionAddress in every region and snapshots the code, then no signed URL is in any history payload or log line', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('signed-url');
    await seedWorld(world, functionName);
    const input = releaseInput(functionName, world.makePackage(newCode()));
    const handle = await startRelease(env, world, input);
    const result = await world.runWorker(() => handle.result());
    expect(result.status).toBe('Succeeded');

    // The simulator answered GetFunctionAddress with signed URLs, and the worker used them.
    const answered = Object.values(countRequests(world, 'GetFunctionAddress', functionName)).reduce((a, b) => a + b, 0);
    expect(answered).toBeGreaterThan(2);
    const payloads = (await scanHistoryForSecrets(env.client, handle.workflowId)).decodedText;
    expect(payloads).toContain(input.pkg.sha256); // the decoded text really holds the activities' results
    expect(payloads).toContain('"codeSha256"');
    for (const marker of ['/_code/', 'Signature=', 'Expires=', world.sim.url]) {
      expect(payloads).not.toContain(marker);
      expect(logLines.join('')).not.toContain(marker);
    }
  });
});
