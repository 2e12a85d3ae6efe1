/**
 * `npm run temporal:production`: the production Temporal cluster of `npm run test:production`
 * (test/production/cluster.ts), started by hand and kept running until Ctrl-C: builds or reuses the
 * server, starts PostgreSQL and the four services, creates the namespace and search attributes, and
 * prints the frontend's address. Logs in test-output/production/up-<time>/.
 */
import path from 'node:path';
import { OUTPUT_DIR } from '../harness/paths';
import { startProductionCluster } from './cluster';
import { ensureTemporalServer } from './temporal-build';

const log = (line: string) => process.stdout.write(`[temporal:production] ${line}\n`);

async function main(): Promise<void> {
  const logDir = path.join(OUTPUT_DIR, 'production', `up-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const binaries = ensureTemporalServer({ logFile: path.join(logDir, 'go-build.log'), log });
  log(`${binaries.built ? 'built' : 'reused'} ${binaries.server} (${Math.round(binaries.buildMs / 1000)} s)`);
  const cluster = await startProductionCluster({ binaries, logDir, log });
  log(`ready: TEMPORAL_ADDRESS=${cluster.address} TEMPORAL_NAMESPACE=${cluster.namespace}; logs in ${logDir}; Ctrl-C stops it`);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log('stopping');
      void cluster.stop().then(() => process.exit(0));
    });
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
