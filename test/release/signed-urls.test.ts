/**
 * GetFunctionAddress answers with a signed code-download URL: a credential for the function's code.
 * It is used inside snapshotCode and goes nowhere else: not into any payload of the run's history
 * (decoded with the default data converter, as the client reads them), not into the activities' log.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { useScfWorld } from '../harness/use-scf-world';
import { newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
import { countRequests, startRelease } from './world-helpers';

/** Every payload anywhere in `value` (history events), decoded to JSON text. */
function decodedPayloads(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) decodedPayloads(v, out);
  } else if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const o = value as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && 'encoding' in (o.metadata as object)) {
      out.push(JSON.stringify(defaultPayloadConverter.fromPayload(o as Payload)));
      return out;
    }
    for (const v of Object.values(o)) decodedPayloads(v, out);
  }
  return out;
}

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
    const { events } = await handle.fetchHistory();
    const payloads = decodedPayloads(events).join('\n');
    expect(payloads).toContain(input.pkg.sha256); // the decoded text really holds the activities' results
    expect(payloads).toContain('"codeSha256"');
    for (const marker of ['/_code/', 'Signature=', 'Expires=', world.sim.url]) {
      expect(payloads).not.toContain(marker);
      expect(logLines.join('')).not.toContain(marker);
    }
  });
});
