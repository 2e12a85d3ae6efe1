/** Small assertions and waits on the simulator's state that several release test files share. */
import type { WorkflowHandle } from '@temporalio/client';
import { releaseWorkflowId, type ReleaseInput } from '../../workflows/definitions';
import { releaseWorkflow } from '../../workflows';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ScfWorld } from '../harness/scf-world';

export function startRelease(env: TestWorkflowEnvironment, world: ScfWorld, input: ReleaseInput): Promise<WorkflowHandle<typeof releaseWorkflow>> {
  return env.client.workflow.start(releaseWorkflow, {
    taskQueue: world.taskQueue,
    workflowId: releaseWorkflowId(input.namespace, input.functionName, input.releaseId),
    args: [input],
  });
}

/**
 * Resolves once the simulator has answered `action` (optionally in `region`) at least `count` times
 * with `outcome` (default OK, i.e. successfully).
 */
export async function waitForRequest(
  world: ScfWorld,
  match: { action: string; region?: string; functionName?: string; count?: number; outcome?: string },
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hits = world.sim.admin
      .requestLog()
      .filter(
        (e) =>
          e.action === match.action &&
          (!match.region || e.region === match.region) &&
          (!match.functionName || e.function === match.functionName) &&
          e.outcome === (match.outcome ?? 'OK'),
      );
    if (hits.length >= (match.count ?? 1)) return;
    if (Date.now() > deadline) throw new Error(`no ${match.action} ${match.region ?? ''} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Successful calls of `action` for the function, per region. */
export function countRequests(world: ScfWorld, action: string, functionName: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of world.sim.admin.requestLog()) {
    if (e.action === action && e.function === functionName && e.outcome === 'OK') {
      counts[e.region] = (counts[e.region] ?? 0) + 1;
    }
  }
  return counts;
}

export function latestSha(world: ScfWorld, region: string, functionName: string): string | undefined {
  return world.sim.admin.getFunction(region, 'default', functionName)?.codeSha256;
}
