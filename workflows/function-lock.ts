/**
 * One release or sync at a time per function. The lock is a child workflow with the fixed id
 * `functionLockId(ns, fn)`: starting it fails while another one runs, and it lives exactly as long
 * as its parent (parent close policy TERMINATE), so a holder that ends any way at all, even
 * terminated, releases it. No heartbeats, no leases, nothing to clean up.
 */
import {
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  condition,
  setHandler,
  startChild,
  upsertMemo,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { FUNCTION_LOCKED, functionLockId, lockHolderQuery, type FunctionLockInput } from './definitions';

/** The lock itself: records who holds it and waits until its parent ends (which terminates it). */
export async function functionLockWorkflow(input: FunctionLockInput): Promise<void> {
  const since = new Date().toISOString();
  setHandler(lockHolderQuery, () => ({ ...input, since }));
  upsertMemo({ holder: input.holderWorkflowId, kind: input.kind, since });
  await condition(() => false);
}

/**
 * Takes the function's lock for the calling workflow, or fails at once with an ApplicationFailure of
 * type `FunctionLocked` naming the lock's workflow id (the client looks up the holder from it).
 * Started in a non-cancellable scope so that aborting the caller does not release the lock while the
 * caller is still compensating.
 */
export async function acquireFunctionLock(
  lock: Omit<FunctionLockInput, 'holderWorkflowId'>,
): Promise<ChildWorkflowHandle<typeof functionLockWorkflow>> {
  const workflowId = functionLockId(lock.namespace, lock.functionName);
  try {
    return await CancellationScope.nonCancellable(() =>
      startChild(functionLockWorkflow, {
        workflowId,
        args: [{ ...lock, holderWorkflowId: workflowInfo().workflowId }],
        parentClosePolicy: ParentClosePolicy.TERMINATE,
        cancellationType: 'ABANDON',
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw ApplicationFailure.create({
        type: FUNCTION_LOCKED,
        message: `${lock.namespace}/${lock.functionName} is locked by another release or sync (lock workflow ${workflowId})`,
        nonRetryable: true,
        details: [{ lockWorkflowId: workflowId }],
      });
    }
    throw err;
  }
}
