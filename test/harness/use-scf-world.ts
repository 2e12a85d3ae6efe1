/**
 * The set-up most world tests share: before the tests of the enclosing `describe` (or file), connect
 * to the run's dev server and start an SCF world (see scf-world.ts); after them, stop the world and
 * tear the connection down.
 *
 *   describe('a release', () => {
 *     const t = useScfWorld();              // or useScfWorld({ worker: false, delays: { updateMs: 1000 } })
 *     afterEach(() => t.world.sim.admin.clearFaults());
 *
 *     it('...', async () => {
 *       const { env, world } = t;
 *       ...
 *     });
 *   });
 *
 * `t.env` and `t.world` exist only once the beforeAll this registers has run: read them inside tests
 * and hooks (or functions those call), never in the `describe` body itself, which runs earlier.
 * Jest runs a block's hooks of one kind in the order they are declared: a beforeAll declared after
 * this call finds the world started, and an afterAll declared after it runs once the world has
 * stopped (declare clean-up that must run while the world is up before calling it).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startScfWorld, type ScfWorld, type ScfWorldOptions } from './scf-world';
import { connectTestEnv } from './temporal';

export interface ScfWorldFixture {
  /** The connection to the run's dev server. */
  readonly env: TestWorkflowEnvironment;
  /** The simulator, the activities and the release worker of this block. */
  readonly world: ScfWorld;
}

export function useScfWorld(options?: ScfWorldOptions): ScfWorldFixture {
  let env: TestWorkflowEnvironment | undefined;
  let world: ScfWorld | undefined;
  beforeAll(async () => {
    env = await connectTestEnv();
    world = await startScfWorld(env, options);
  });
  afterAll(async () => {
    await world?.stop();
    await env?.teardown();
  });
  const notYet = (name: string) =>
    new Error(`useScfWorld: ${name} is only set once its beforeAll has run; read it inside a test or hook, not in the describe body`);
  return {
    get env() {
      if (!env) throw notYet('env');
      return env;
    },
    get world() {
      if (!world) throw notYet('world');
      return world;
    },
  };
}
