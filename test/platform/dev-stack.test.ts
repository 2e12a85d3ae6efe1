/**
 * `scf-release dev` as a user gets it: the official Temporal dev server with its Web UI and our
 * search attributes, the SCF simulator, and an in-process worker that runs real workflows against it.
 */
import { createHash } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { startDevStack, type DevStack } from '../../client/dev/dev-stack';
import { createZip } from '../../simulator';
import { SEARCH_ATTRIBUTES, type ReleaseInput, type ReleasePlan } from '../../workflows/definitions';
import { freePort } from '../harness/ports';
import { uniqueTaskQueue } from '../harness/temporal';

describe('the embedded dev stack', () => {
  let stack: DevStack;
  let connection: Connection;

  beforeAll(async () => {
    stack = await startDevStack({
      temporalPort: await freePort(),
      uiPort: await freePort(),
      simulatorDelayMs: 20,
      withWorker: true,
      taskQueue: uniqueTaskQueue('dev-stack'),
    });
    connection = await Connection.connect({ address: stack.temporalAddress });
  }, 120_000);

  afterAll(async () => {
    await connection?.close();
    await stack?.stop();
  });

  it('when it is up, then the Temporal Web UI answers and every search attribute is registered', async () => {
    expect((await fetch(stack.uiUrl)).status).toBe(200);
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    for (const { name } of SEARCH_ATTRIBUTES) expect(customAttributes?.[name]).toBeDefined();
  });

  it('when a workflow is started on its task queue, then the in-process worker runs it against the simulator', async () => {
    const code = createZip({ 'index.js': 'exports.main_handler = async () => "hi";' });
    stack.simulator.admin.seedFunction({
      region: 'ap-guangzhou',
      functionName: 'dev-stack-fn',
      zip: code,
      handler: 'index.main_handler',
    });
    const input: ReleaseInput = {
      releaseId: 'r-dev-stack',
      functionName: 'dev-stack-fn',
      namespace: 'default',
      primaryRegion: 'ap-guangzhou',
      regions: ['ap-shanghai'],
      pkg: { location: '/nonexistent/plan-reads-no-package.zip', sha256: createHash('sha256').update(code).digest('hex') },
      verification: [],
      startedBy: 'dev-stack-test',
    };
    const client = new Client({ connection });
    const plan = await client.workflow.execute<(i: ReleaseInput) => Promise<ReleasePlan>>('planReleaseWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: 'dev-stack-plan',
      args: [input],
    });
    expect(plan.regions).toEqual([
      expect.objectContaining({ region: 'ap-guangzhou', exists: true, action: 'update-in-place' }),
      expect.objectContaining({ region: 'ap-shanghai', exists: false, action: 'create-by-copy' }),
    ]);
    const actions = stack.simulator.admin.requestLog().map((entry) => entry.action);
    expect(actions).toContain('GetFunctionAddress');
  });
});
