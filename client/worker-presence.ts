/**
 * Is anyone going to run this? A release on a task queue no worker polls is accepted by Temporal and
 * then waits, silently, for ever: the CLI asks the task queue for its pollers and says so, with the
 * command that starts a worker. A warning only: a worker may be on its way.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TASK_QUEUE } from '../workflows/definitions';

const { TaskQueueKind, TaskQueueType } = temporal.api.enums.v1;

/**
 * A poller seen more recently than this is a live worker. A worker's long poll lasts about a minute,
 * while the server keeps listing a poller for minutes after its worker stopped.
 */
const LIVE_POLLER_MS = 2 * 60_000;

/**
 * The identities of the live pollers of one kind of task on `taskQueue` (each worker process polls
 * with one: `<pid>@<host>` unless set). The CLI's no-worker warning and each worker's own rate-limit
 * share (worker/peer-share.ts) both count from this.
 */
export async function livePollers(
  service: Pick<temporal.api.workflowservice.v1.WorkflowService, 'describeTaskQueue'>,
  where: { namespace: string; taskQueue: string; kind: 'workflow' | 'activity' },
  now: Date = new Date(),
): Promise<string[]> {
  const { pollers } = await service.describeTaskQueue({
    namespace: where.namespace,
    taskQueue: { name: where.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: where.kind === 'workflow' ? TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW : TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  });
  return (pollers ?? [])
    .filter((p) => now.getTime() - Number(p.lastAccessTime?.seconds ?? 0) * 1000 < LIVE_POLLER_MS)
    .map((p) => p.identity ?? '');
}

/** Which kinds of task ('workflow', 'activity') no live worker polls on `taskQueue`. */
export async function unpolledTaskTypes(client: Client, taskQueue: string, now: Date = new Date()): Promise<Array<'workflow' | 'activity'>> {
  const unpolled: Array<'workflow' | 'activity'> = [];
  for (const kind of ['workflow', 'activity'] as const) {
    const live = await livePollers(client.workflowService, { namespace: client.options.namespace, taskQueue, kind }, now);
    if (live.length === 0) unpolled.push(kind);
  }
  return unpolled;
}

/** The warning for a task queue nobody polls (undefined when workers poll it, or the check itself failed). */
export async function noWorkerWarning(client: Client, taskQueue: string): Promise<string | undefined> {
  let unpolled: Array<'workflow' | 'activity'>;
  try {
    unpolled = await unpolledTaskTypes(client, taskQueue);
  } catch {
    return undefined; // the check is a courtesy: a server that refuses it must not stop the release
  }
  if (unpolled.length === 0) return undefined;
  const env = taskQueue === TASK_QUEUE ? '' : `SCF_RELEASE_TASK_QUEUE=${taskQueue} `;
  return (
    `no worker is polling task queue "${taskQueue}" (${unpolled.join(' and ')} tasks): the release waits until one starts. ` +
    `Start one with \`${env}npm run worker\` (or \`scf-release dev\` for the local stack)`
  );
}
