/**
 * Starting one sync now and following it to its drift report: used by `sync run`. Progress comes
 * from the sync's query, polled, so a long sync shows movement without reading its history.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import {
  TASK_QUEUE,
  syncProgressQuery,
  syncSearchAttributes,
  syncWorkflowId,
  type SyncInput,
  type SyncProgress,
  type SyncReport,
} from '../../workflows/definitions';
import { describeSyncInput } from '../audit/summaries';
import { SYNC_WORKFLOW_TYPE } from './sync-schedule';

/** `20250131-083000-1a2b3c`: sortable, and unique enough for ids started by hand. */
export function newSyncId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export interface RunSyncOptions {
  syncId?: string;
  taskQueue?: string;
  /** Called with the sync's progress, polled every PROGRESS_EVERY_MS while it runs. */
  onProgress?: (progress: SyncProgress) => void;
}

export async function startSync(client: Client, input: SyncInput, options: RunSyncOptions = {}) {
  const workflowId = syncWorkflowId(options.syncId ?? newSyncId());
  const summary = describeSyncInput(input);
  return client.workflow.start(SYNC_WORKFLOW_TYPE, {
    workflowId,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    args: [input],
    typedSearchAttributes: syncSearchAttributes(input, { running: true }),
    memo: { summary },
    staticSummary: summary,
  });
}

const PROGRESS_EVERY_MS = 2000;

export async function runSync(client: Client, input: SyncInput, options: RunSyncOptions = {}): Promise<SyncReport> {
  const handle = await startSync(client, input, options);
  let timer: NodeJS.Timeout | undefined;
  if (options.onProgress) {
    const poll = async () => {
      try {
        options.onProgress!(await handle.query(syncProgressQuery));
      } catch {
        // A query can fail while the sync continues-as-new; the next poll catches up.
      }
      timer = setTimeout(poll, PROGRESS_EVERY_MS);
    };
    timer = setTimeout(poll, PROGRESS_EVERY_MS);
  }
  try {
    return (await handle.result()) as SyncReport;
  } finally {
    clearTimeout(timer);
  }
}
