/**
 * `scf-release dev`: the embedded stack for local work. Temporal keeps its history in SQLite under
 * the data dir (so runs survive restarts), the simulator keeps its state there too, and a worker
 * runs in-process unless `--no-worker`. Ctrl-C stops everything cleanly.
 */
import type { Command } from 'commander';
import pino from 'pino';
import { parseLogLevel } from '../../worker/config';
import { createWorkerLogger, installSdkLogging } from '../../worker/logger';
import { DEFAULT_DATA_DIR, startDevStack } from '../dev/dev-stack';
import { isPortFree, parsePort } from '../dev/ports';
import { CliError, EXIT } from '../exit-codes';
import { failWith } from './shared';

interface DevFlags {
  dataDir: string;
  inMemory?: boolean;
  port: string;
  uiPort: string;
  simPort: string;
  worker: boolean;
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('start the Temporal dev server (with Web UI), the SCF simulator and a worker')
    .option('--data-dir <dir>', 'where Temporal history and simulator state are kept', DEFAULT_DATA_DIR)
    .option('--in-memory', 'keep nothing across restarts')
    .option('--port <port>', 'Temporal frontend (gRPC) port', '7233')
    .option('--ui-port <port>', 'Temporal Web UI port', '8233')
    .option('--sim-port <port>', 'SCF simulator port', '9000')
    .option('--no-worker', 'do not run a worker in this process')
    .action(async (flags: DevFlags) => {
      // The SDK's runtime, once installed, keeps the process alive even after a failed start: a
      // failure exits explicitly, after the stack has cleaned up what it started.
      const code = await dev(flags).catch((err: unknown) => failWith(err));
      if (code !== EXIT.OK) process.exit(code);
    });
}

async function dev(flags: DevFlags): Promise<number> {
  const temporalPort = parsePort('--port', flags.port);
  const uiPort = parsePort('--ui-port', flags.uiPort);
  const simulatorPort = parsePort('--sim-port', flags.simPort);
  for (const [flag, port] of [['--port', temporalPort], ['--ui-port', uiPort], ['--sim-port', simulatorPort]] as const) {
    if (!(await isPortFree(port))) {
      throw new CliError(`${flag} ${port} is in use (another dev stack?); stop it, or pass another ${flag}`, EXIT.INVALID_INPUT);
    }
  }
  // The worker's JSON log (SDK, workflows, SCF calls) on stderr, at LOG_LEVEL (default info).
  const level = parseLogLevel(process.env.LOG_LEVEL);
  const workerLogger = createWorkerLogger(level, pino.destination(2));
  if (flags.worker) installSdkLogging(workerLogger, level, { shutdownSignals: [] });
  const stack = await startDevStack({
    workerLogger,
    dataDir: flags.inMemory ? undefined : flags.dataDir,
    temporalPort,
    uiPort,
    simulatorPort,
    withWorker: flags.worker,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(
    [
      'scf-release dev stack is up:',
      `  Temporal frontend   ${stack.temporalAddress}`,
      `  Temporal Web UI     ${stack.uiUrl}`,
      `  SCF simulator       ${stack.simulator.url}   (admin: ${stack.simulator.url}/_admin/state)`,
      `  Worker              ${flags.worker ? `in this process, task queue "${stack.taskQueue}"` : 'none (--no-worker)'}`,
      ...(flags.worker ? [`  Local packages      zips under ${stack.packageDir} (SCF_PACKAGE_DIR; default: this directory)`] : []),
      `  Data                ${flags.inMemory ? 'in memory' : flags.dataDir}`,
      '',
      'In another shell:',
      `  export TEMPORAL_ADDRESS=${stack.temporalAddress} TEMPORAL_UI_URL=${stack.uiUrl}`,
      '  npx scf-release release -f examples/release.yaml --plan',
      '(the function must exist in its primary region first: seed it through',
      `  ${stack.simulator.url}/_admin/seedFunction, as the README shows)`,
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const onSignal = () => resolve();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  process.stdout.write('Stopping the dev stack ...\n');
  await stack.stop();
  return EXIT.OK;
}
