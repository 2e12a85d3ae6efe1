/**
 * The approval gate does not wait forever: past `alias.approvalTimeoutSeconds` the release aborts,
 * compensates every completed step and ends Aborted saying the approval timed out; while it waits,
 * its progress says until when.
 */
import { ApprovalDeadlineError, ApprovalRefusedError, approveRelease } from '../../client/api';
import { abortSignal, progressQuery } from '../../workflows/definitions';
import { eventually } from '../harness/eventually';
import { uniqueTaskQueue } from '../harness/temporal';
import { useScfWorld } from '../harness/use-scf-world';
import { ALIAS, EXISTING, PRIMARY, newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
import { latestSha, startRelease } from './world-helpers';

describe('the approval gate', () => {
  const t = useScfWorld();

  it('when nobody approves within the approval timeout, then the release compensates and ends Aborted saying the approval timed out', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('approval-timeout');
    await seedWorld(world, functionName);
    const before = { primary: latestSha(world, PRIMARY, functionName), existing: latestSha(world, EXISTING, functionName) };
    const input = releaseInput(functionName, world.makePackage(newCode()), {
      regions: [EXISTING],
      alias: { name: ALIAS, requireApproval: true, approvalTimeoutSeconds: 1, steps: [{ percent: 100, bakeSeconds: 0 }] },
    });

    const result = await world.runWorker(async () => (await startRelease(env, world, input)).result());

    expect(result.status).toBe('Aborted');
    expect(result.error).toMatchObject({ type: 'ApprovalTimedOut', message: expect.stringContaining('the approval timed out: nobody approved within 1s') });
    expect(result.summary).toMatch(/^the approval timed out: .*; \d+ compensation\(s\) run$/);
    expect(result.compensations.length).toBeGreaterThan(0);
    expect(result.compensations.every((c) => c.outcome === 'ok')).toBe(true);
    expect(latestSha(world, PRIMARY, functionName)).toBe(before.primary);
    expect(latestSha(world, EXISTING, functionName)).toBe(before.existing);
    // No traffic moved: the alias still serves the version it served before.
    for (const region of [PRIMARY, EXISTING]) {
      const alias = world.sim.admin.getFunction(region, 'default', functionName)!.aliases.find((a) => a.name === ALIAS);
      expect(alias).toEqual({ name: ALIAS, functionVersion: '1', weights: [] });
    }
  });

  it('when a release waits at the gate, then its progress says when the gate gives up', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('approval-deadline');
    await seedWorld(world, functionName);
    const input = releaseInput(functionName, world.makePackage(newCode()), {
      regions: [],
      alias: { name: ALIAS, requireApproval: true, approvalTimeoutSeconds: 3600, steps: [{ percent: 100, bakeSeconds: 0 }] },
    });
    const handle = await startRelease(env, world, input);

    await world.runWorker(async () => {
      const waiting = await eventually(() => handle.query(progressQuery), (p) => p.awaitingApproval);
      const startedAt = Date.parse(waiting.steps.find((s) => s.name === 'approval')!.startedAt);
      expect(Date.parse(waiting.approvalDeadline!) - startedAt).toBe(3_600_000);
      await handle.signal(abortSignal, { reason: 'done looking', by: 'jest' });
      expect((await handle.result()).status).toBe('Aborted');
    });
    expect((await handle.query(progressQuery)).approvalDeadline).toBeUndefined();
  });
});

describe('approving through the approve update', () => {
  const t = useScfWorld();

  it('when a release waits at its gate, then approve answers who and when, records it in the result and memo, and refuses a second approval', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('approve-update');
    await seedWorld(world, functionName);
    const input = releaseInput(functionName, world.makePackage(newCode()), {
      regions: [],
      alias: { name: ALIAS, requireApproval: true, steps: [{ percent: 100, bakeSeconds: 0 }] },
    });
    const handle = await startRelease(env, world, input);

    const result = await world.runWorker(async () => {
      // Before the gate waits (and after), the validator refuses: nothing to approve yet.
      await eventually(() => handle.query(progressQuery), (p) => p.awaitingApproval);
      const approval = await approveRelease(env.client, handle.workflowId, 'alice');
      expect(approval.by).toBe('alice');
      expect(Number.isNaN(Date.parse(approval.at))).toBe(false);
      await expect(approveRelease(env.client, handle.workflowId, 'bob')).rejects.toThrow(
        new ApprovalRefusedError(`${input.releaseId} was already approved by alice at ${approval.at}`),
      );
      return handle.result();
    });

    expect(result.status).toBe('Succeeded');
    expect(result.approval).toEqual({ by: 'alice', at: expect.any(String) });
    expect(await (await handle.describe()).memo).toMatchObject({ approvedBy: 'alice', approvedAt: result.approval!.at });
  });

  it('when a release has no approval gate, then approve is refused with the reason and the release is not touched', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('approve-no-gate');
    await seedWorld(world, functionName);
    const input = releaseInput(functionName, world.makePackage(newCode()), {
      regions: [],
      alias: { name: ALIAS, steps: [{ percent: 100, bakeSeconds: 30 }] },
    });
    const handle = await startRelease(env, world, input);
    const result = await world.runWorker(async () => {
      await eventually(() => handle.query(progressQuery), (p) => p.phase === 'ShiftingTraffic');
      await expect(approveRelease(env.client, handle.workflowId, 'alice')).rejects.toThrow(
        `${input.releaseId} has no approval gate (its manifest does not set alias.requireApproval): there is nothing to approve`,
      );
      await handle.signal(abortSignal, { reason: 'done', by: 'jest' });
      return handle.result();
    });
    expect(result.approval).toBeUndefined();
  });

  it('when no worker runs the release, then approve gives up at its deadline saying so', async () => {
    const { env } = t;
    const input = releaseInput(uniqueFunctionName('approve-no-worker'), { location: 'file:///nowhere.zip', sha256: 'a'.repeat(64) }, {
      alias: { name: ALIAS, requireApproval: true, steps: [{ percent: 100, bakeSeconds: 0 }] },
    });
    const handle = await env.client.workflow.start('releaseWorkflow', { taskQueue: uniqueTaskQueue('nobody'), workflowId: `release/${input.functionName}`, args: [input] });
    await expect(approveRelease(env.client, handle.workflowId, 'alice', { deadlineMs: 1500 })).rejects.toThrow(ApprovalDeadlineError);
    await handle.terminate('test done');
  });
});
