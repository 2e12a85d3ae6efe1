import { InvalidArgumentError, type Command } from 'commander';
import { runSimulatorForeground } from '../../simulator/main';
import { parsePort } from '../dev/ports';
import { registerSimTrafficCommand } from './sim-traffic';

/** Commander reports an InvalidArgumentError naming the flag and the value; the CLI exits 64. */
function num(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('It must be a number.');
  return n;
}

/** `scf-release sim`: runs the local SCF simulator (the official SDK talks to it unchanged). */
export function registerSimCommand(program: Command): void {
  const sim = program
    .command('sim')
    .description('run the local SCF API simulator (loopback; never contacts Tencent Cloud)')
    .option('--port <port>', 'port to listen on (0: any free port)', '9000')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--secret-id <id>', 'SecretId to accept (env SCF_SIM_SECRET_ID; default: built-in simulator key)')
    .option('--secret-key <key>', 'SecretKey for --secret-id (env SCF_SIM_SECRET_KEY)')
    .option('--delay-ms <ms>', 'status transition delay (Creating/Updating/Publishing/Deleting)', num)
    .option('--throttle-rate <rate>', 'share of calls answered RequestLimitExceeded (0..1)', num)
    .option('--internal-error-rate <rate>', 'share of calls answered InternalError (0..1)', num)
    .option('--latency-ms <ms>', 'latency added to every call', num)
    .option('--seed <n>', 'seed for fault injection and alias routing', num)
    .option('--data-dir <dir>', 'persist simulator state in this directory')
    .option('--monitor-fast-period <seconds>', 'simulator-only GetMonitorData Period besides 60 and 300 (e.g. 1), for demos and tests', num)
    .action(async (o: Record<string, unknown>) => {
      await runSimulatorForeground({
        port: parsePort('--port', o['port'] as string, { anyFree: true }), host: o['host'] as string, secretId: o['secretId'] as string | undefined,
        secretKey: o['secretKey'] as string | undefined, delayMs: o['delayMs'] as number | undefined,
        throttleRate: o['throttleRate'] as number | undefined, internalErrorRate: o['internalErrorRate'] as number | undefined,
        latencyMs: o['latencyMs'] as number | undefined, seed: o['seed'] as number | undefined, dataDir: o['dataDir'] as string | undefined,
        monitorFastPeriod: o['monitorFastPeriod'] as number | undefined,
      });
    });
  registerSimTrafficCommand(sim);
}
