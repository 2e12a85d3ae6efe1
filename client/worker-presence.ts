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

/** Which kinds of task ('workflow', 'activity') no live worker polls on `taskQueue`. */
export async function unpolledTaskTypes(client: Client, taskQueue: string, now: Date = new Date()): Promise<Array<'workflow' | 'activity'>> {
  const kinds = [
    ['workflow', TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW],
    ['activity', TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY],
  ] as const;
  const unpolled: Array<'workflow' | 'activity'> = [];
  for (const [name, taskQueueType] of kinds) {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType,
    });
    const live = (pollers ?? []).some((p) => {
      const seconds = Number(p.lastAccessTime?.seconds ?? 0);
      return now.getTime() - seconds * 1000 < LIVE_POLLER_MS;
    });
    if (!live) unpolled.push(name);
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
