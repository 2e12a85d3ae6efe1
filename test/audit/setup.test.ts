import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { defineSearchAttributeKey, msToTs, SearchAttributeType } from '@temporalio/common';
import { registerSetupCommand } from '../../client/commands/setup';
import { ensureSearchAttributes, SearchAttributeConflictError } from '../../client/audit/search-attributes';
import { SEARCH_ATTRIBUTES } from '../../workflows/definitions';
import { runCli } from '../harness/run-cli';
import { connectTestEnv } from '../harness/temporal';

describe('scf-release setup', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await connectTestEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function freshNamespace(name: string): Promise<string> {
    const namespace = `${name}-${Date.now()}`;
    await env.connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    return namespace;
  }

  it('when run against a namespace without the attributes, then it adds all of them, and a second run adds nothing', async () => {
    const namespace = await freshNamespace('setup');
    const first = await ensureSearchAttributes(env.connection, namespace);
    expect(first.added.sort()).toEqual(SEARCH_ATTRIBUTES.map((a) => a.name).sort());

    const { customAttributes } = await env.connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining(SEARCH_ATTRIBUTES.map((a) => a.name)));

    const second = await ensureSearchAttributes(env.connection, namespace);
    expect(second).toEqual({ added: [], alreadyPresent: expect.arrayContaining(SEARCH_ATTRIBUTES.map((a) => a.name)) });
  });

  it('when an attribute exists with another type, then it refuses and changes nothing', async () => {
    const namespace = await freshNamespace('setup-conflict');
    await ensureSearchAttributes(env.connection, namespace, [defineSearchAttributeKey('ScfFunction', SearchAttributeType.INT)]);
    const attempt = ensureSearchAttributes(env.connection, namespace);
    await expect(attempt).rejects.toBeInstanceOf(SearchAttributeConflictError);
    await expect(attempt).rejects.toThrow('ScfFunction is INT, wanted KEYWORD');
    const { customAttributes } = await env.connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.keys(customAttributes ?? {})).toEqual(['ScfFunction']);
  });

  it('when the command runs against the dev server, then it reports every attribute as already present', async () => {
    const run = await runCli(registerSetupCommand, ['setup', '--json']);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ namespace: 'default', added: [] });
  });
});
