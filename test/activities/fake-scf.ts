/** A scripted stand-in for the SDK client, for unit tests that must not need the simulator. */
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import pino from 'pino';
import { createActivities, type ActivityDeps } from '../../activities/activities';
import { LocalArtifactStore } from '../../activities/artifact-store';
import type { ScfClientFactory } from '../../activities/scf-client';

export interface RecordedCall {
  region: string;
  action: string;
  req: Record<string, unknown>;
}

export type Handler = (action: string, req: Record<string, unknown>, signal?: AbortSignal) => unknown | Promise<unknown>;

export function sdkError(code: string, message = code, requestId = 'req-fake'): Error {
  return Object.assign(new Error(message), { code, requestId });
}

export function fakeScf(handler: Handler): { factory: ScfClientFactory; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const factory: ScfClientFactory = {
    account: 'test',
    forRegion(region) {
      return {
        async request(action, req, options) {
          calls.push({ region, action, req: req as Record<string, unknown> });
          return handler(action, req as Record<string, unknown>, options?.signal);
        },
      };
    },
  };
  return { factory, calls };
}

export const silentLogger = pino({ level: 'silent' });

export function tempDir(prefix = 'scf-act-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function activitiesWith(handler: Handler, extra: Partial<ActivityDeps> = {}) {
  const { factory, calls } = fakeScf(handler);
  const store = new LocalArtifactStore(tempDir());
  const activities = createActivities({ scf: factory, store, logger: silentLogger, waitPolicy: { initialMs: 10, maxMs: 40 }, ...extra });
  return { activities, calls, store };
}
