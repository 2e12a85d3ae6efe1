/**
 * The SCF simulator in its own process for the benchmark, so that it has its own event loop (and,
 * on a 2-core machine, its own core): the client side measured by the bench is then the only work
 * in the bench process, as it would be against the real service.
 *
 * Started by `bench/sim.ts` with `fork()`; sends `{ endpoint, url }` once listening and stops on
 * 'stop' (or when the parent goes away).
 */
import { startSimulator } from '../simulator';

async function main(): Promise<void> {
  const sim = await startSimulator({
    // Small state delays: PublishVersion's Publishing → Active settles fast.
    delays: { createMs: 20, updateMs: 20, publishMs: 20, deleteMs: 20 },
    seed: 1,
  });
  const stop = () => {
    void sim.stop().finally(() => process.exit(0));
  };
  process.on('message', (m) => {
    if (m === 'stop') stop();
  });
  process.on('disconnect', stop);
  process.send?.({ endpoint: sim.endpoint, url: sim.url });
}

main().catch((err) => {
  process.stderr.write(`bench simulator: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
