/** Runs the SCF simulator in the foreground until SIGINT/SIGTERM: `scf-release sim` (client/commands/sim.ts). */
import pino from 'pino';
import { DEFAULT_CREDENTIALS, startSimulator, type RunningSimulator, type SimulatorOptions } from './index';

interface SimCliOptions {
  port?: number;
  host?: string;
  secretId?: string;
  secretKey?: string;
  delayMs?: number;
  throttleRate?: number;
  internalErrorRate?: number;
  latencyMs?: number;
  seed?: number;
  dataDir?: string;
  monitorFastPeriod?: number;
}

function simulatorOptionsFromCli(o: SimCliOptions): SimulatorOptions {
  const secretId = o.secretId ?? process.env['SCF_SIM_SECRET_ID'];
  const secretKey = o.secretKey ?? process.env['SCF_SIM_SECRET_KEY'];
  if ((secretId && !secretKey) || (!secretId && secretKey)) throw new Error('--secret-id and --secret-key must be given together');
  const d = o.delayMs;
  return {
    host: o.host,
    port: o.port ?? 9000,
    credentials: secretId && secretKey ? [{ secretId, secretKey }] : [{ ...DEFAULT_CREDENTIALS }],
    delays: d !== undefined ? { createMs: d, updateMs: d, publishMs: d, deleteMs: d } : undefined,
    faults: { throttleRate: o.throttleRate, internalErrorRate: o.internalErrorRate, latencyMs: o.latencyMs },
    seed: o.seed,
    dataDir: o.dataDir,
    ...(o.monitorFastPeriod !== undefined && { monitor: { fastPeriodSeconds: o.monitorFastPeriod } }),
    logger: pino({ level: 'info' }),
  };
}

/** Starts, prints the endpoint and SecretId, and resolves once stopped by a signal. */
export async function runSimulatorForeground(o: SimCliOptions, out: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<void> {
  const opts = simulatorOptionsFromCli(o);
  const sim: RunningSimulator = await startSimulator(opts);
  const cred = opts.credentials![0]!;
  out(`SCF simulator listening on ${sim.url}`);
  out(`  endpoint:  ${sim.endpoint}   (httpProfile.endpoint, protocol 'http://')`);
  out(`  SecretId:  ${cred.secretId}`);
  if (cred.secretId === DEFAULT_CREDENTIALS.secretId && cred.secretKey === DEFAULT_CREDENTIALS.secretKey) {
    out(`  SecretKey: ${cred.secretKey}   (built-in default)`);
  }
  out(`  admin API: ${sim.url}/_admin/state`);
  await new Promise<void>((resolve) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      out('stopping SCF simulator...');
      sim.stop().then(resolve, resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
