import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTES } from '../../workflows/definitions';
import { connectTestEnv, harnessInfo } from '../harness/temporal';

describe('the test run\'s Temporal dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await connectTestEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('when the run starts, then every custom search attribute is registered with its type', async () => {
    const { customAttributes } = await env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    const typeNames: Record<number, string> = { 2: 'Keyword', 7: 'KeywordList' };
    for (const { name, type } of SEARCH_ATTRIBUTES) {
      expect(customAttributes?.[name]).toBeDefined();
      expect(typeNames[customAttributes![name] as number]).toBe(type);
    }
  });

  it('when the run starts, then the Temporal Web UI answers', async () => {
    const response = await fetch(harnessInfo().uiUrl);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<html');
  });
});
