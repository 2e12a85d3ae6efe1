/**
 * The worker's heartbeat keep-alive (activities/context.ts): an activity that ends within one
 * keep-alive interval costs the server no heartbeat; a longer one heartbeats with what it last reported.
 */
import { Context } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { heartbeat, keepHeartbeating } from '../../activities/context';

const quietEnv = () => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });

describe('keepHeartbeating', () => {
  test('when an activity reports progress and ends before the first keep-alive beat, then no heartbeat reaches the server', async () => {
    const env = quietEnv();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const out = await env.run(() =>
      keepHeartbeating(Context.current(), async () => {
        heartbeat({ polls: 1 });
        heartbeat({ polls: 2 });
        return 'done';
      }),
    );
    expect(out).toBe('done');
    await new Promise((resolve) => setImmediate(resolve)); // a heartbeat is emitted on a later tick
    expect(beats).toHaveLength(0);
  });

  test('when an activity outlasts the keep-alive interval, then the keep-alive heartbeats with the details it last reported', async () => {
    const env = quietEnv();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    await env.run(() =>
      keepHeartbeating(Context.current(), async () => {
        heartbeat({ polls: 1 });
        heartbeat({ polls: 2 });
        await new Promise((resolve) => env.once('heartbeat', resolve));
      }),
    );
    expect(beats[0]).toEqual({ polls: 2 });
  });

  test('when an activity runs without the keep-alive (a test\'s mock environment), then each report is sent at once', async () => {
    const env = quietEnv();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    await env.run(async () => heartbeat({ polls: 1 }));
    expect(beats).toEqual([{ polls: 1 }]);
  });
});
