import type { Command } from 'commander';
import { runSimulatorForeground } from '../../simulator/main';

const num = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got ${v}`);
  return n;
};

/** `scf-release sim`: runs the local SCF simulator (the official SDK talks to it unchanged). */
export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('run the local SCF API simulator (loopback; never contacts Tencent Cloud)')
    .option('--port <port>', 'port to listen on', num('--port'), 9000)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--secret-id <id>', 'SecretId to accept (env SCF_SIM_SECRET_ID; default: built-in simulator key)')
    .option('--secret-key <key>', 'SecretKey for --secret-id (env SCF_SIM_SECRET_KEY)')
    .option('--delay-ms <ms>', 'status transition delay (Creating/Updating/Publishing/Deleting)', num('--delay-ms'))
    .option('--throttle-rate <rate>', 'share of calls answered RequestLimitExceeded (0..1)', num('--throttle-rate'))
    .option('--internal-error-rate <rate>', 'share of calls answered InternalError (0..1)', num('--internal-error-rate'))
    .option('--latency-ms <ms>', 'latency added to every call', num('--latency-ms'))
    .option('--seed <n>', 'seed for fault injection and alias routing', num('--seed'))
    .option('--data-dir <dir>', 'persist simulator state in this directory')
    .action(async (o: Record<string, unknown>) => {
      await runSimulatorForeground({
        port: o['port'] as number, host: o['host'] as string, secretId: o['secretId'] as string | undefined,
        secretKey: o['secretKey'] as string | undefined, delayMs: o['delayMs'] as number | undefined,
        throttleRate: o['throttleRate'] as number | undefined, internalErrorRate: o['internalErrorRate'] as number | undefined,
        latencyMs: o['latencyMs'] as number | undefined, seed: o['seed'] as number | undefined, dataDir: o['dataDir'] as string | undefined,
      });
    });
}
