/**
 * A production Temporal cluster on this machine, from the files docker-compose.yml uses:
 *
 * 1. PostgreSQL 15 (Debian's postgresql-15; apt-get installs it when missing and we are root) as a
 *    throwaway cluster: initdb into a temporary folder, password login (scram-sha-256) for the user
 *    `temporal`, listening on 127.0.0.1:<free port> only. PostgreSQL refuses to run as root, so under
 *    root it runs as the `postgres` user (initdb and postgres are spawned with that uid/gid).
 * 2. deploy/temporal/setup-postgres.sh (compose's temporal-schema job): creates `temporal` and
 *    `temporal_visibility` and applies the schema with the SQL tool built from the same module version.
 * 3. The services frontend, history, matching and worker, each its own process:
 *    `server --config-file deploy/temporal/config/production-sql.yaml start --service <name>`, the
 *    dynamic config deploy/temporal/dynamicconfig/production-sql.yaml, every port a free loopback one.
 * 4. deploy/temporal/create-namespace.sh (compose's temporal-namespace job) with the Temporal CLI, then
 *    `scf-release setup` (compose's scf-release-setup job) for the search attributes.
 *
 * Logs: one file per process in `logDir`. `stop()` stops everything (services, then PostgreSQL) and
 * removes the database folder; it is safe to call twice.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
import { freePort } from '../harness/ports';
import { within } from '../harness/within';
import { sleep, spawnLoggedCommand, type LoggedProcess } from '../soak/processes';
import type { TemporalServerBinaries } from './temporal-build';

const ROOT = path.resolve(__dirname, '../..');
export const SERVER_CONFIG_FILE = path.join(ROOT, 'deploy/temporal/config/production-sql.yaml');
export const DYNAMIC_CONFIG_FILE = path.join(ROOT, 'deploy/temporal/dynamicconfig/production-sql.yaml');
/** Compose's temporal-schema and temporal-namespace jobs, run here as they are. */
export const SCHEMA_SCRIPT = path.join(ROOT, 'deploy/temporal/setup-postgres.sh');
export const NAMESPACE_SCRIPT = path.join(ROOT, 'deploy/temporal/create-namespace.sh');
/** What the server process reads itself, not the template: the config file's path, and "no authorizer" said out loud. */
export const SERVER_ENV = ['TEMPORAL_SERVER_CONFIG_FILE_PATH', 'TEMPORAL_ALLOW_NO_AUTH'] as const;
export const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof SERVICES)[number];

const PG_USER = 'temporal';
const READY_MS = 180_000;

export interface ProductionCluster {
  /** The frontend's gRPC address, `127.0.0.1:<port>`. */
  address: string;
  namespace: string;
  postgres: { port: number; version: string };
  /** Per service: the pid now running it. */
  pids(): Record<TemporalService, number>;
  /** SIGKILLs one service's process and starts it again on the same ports; resolves once it is running. */
  restartService(service: TemporalService): Promise<{ downMs: number }>;
  stop(): Promise<void>;
}

function postgresBinDir(log: (line: string) => void): string {
  const candidates = ['/usr/lib/postgresql/15/bin'];
  const fromPgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (fromPgConfig.status === 0) candidates.unshift(fromPgConfig.stdout.trim());
  const found = () => candidates.find((dir) => existsSync(path.join(dir, 'postgres')) && existsSync(path.join(dir, 'initdb')));
  if (found()) return found()!;
  if (process.getuid?.() !== 0) throw new Error('PostgreSQL 15 is not installed (no initdb/postgres in /usr/lib/postgresql/15/bin): sudo apt-get install -y postgresql-15');
  log('PostgreSQL 15 is missing: apt-get install -y postgresql-15');
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql-15'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (!found()) throw new Error('apt-get installed postgresql-15 but initdb/postgres are still not in /usr/lib/postgresql/15/bin');
  return found()!;
}

/** Under root: the `postgres` user's ids (PostgreSQL will not run as root). */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A free loopback port below 32768: Temporal stores membership ports in a PostgreSQL smallint, and
 * the OS's own picks (freePort) come from the ephemeral range above it.
 */
async function freeMembershipPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

async function waitForPort(port: number, what: string, exited: Promise<unknown>, logFile: string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + READY_MS;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${what} exited before it listened on ${port}; see ${logFile}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(300);
  }
  throw new Error(`${what} did not listen on ${port} within ${READY_MS / 1000} s; see ${logFile}`);
}

/** Runs a command to completion, its output appended to the log; throws with the log's name on failure. */
async function runToEnd(command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, user?: { uid: number; gid: number }): Promise<void> {
  const proc = spawnLoggedCommand(command, args, { env, logFile, ...(user && { user }) });
  const exit = await within(proc.exited, READY_MS, `${path.basename(command)} ${args[0] ?? ''}`);
  if (exit.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${JSON.stringify(exit)}; see ${logFile}`);
}

export async function startProductionCluster(options: {
  binaries: TemporalServerBinaries;
  logDir: string;
  log?: (line: string) => void;
  namespace?: string;
  /** Shards are fixed when the cluster is first created; compose sets 512, a throwaway test cluster needs few. */
  historyShards?: number;
}): Promise<ProductionCluster> {
  const log = options.log ?? (() => {});
  const namespace = options.namespace ?? 'default';
  mkdirSync(options.logDir, { recursive: true });
  const logFile = (name: string) => path.join(options.logDir, `${name}.log`);
  const services = new Map<TemporalService, LoggedProcess>();
  let pgDir: string | undefined;
  let postgres: LoggedProcess | undefined;

  const stop = async () => {
    await Promise.all([...services.values()].map((p) => p.stop(20_000)));
    services.clear();
    await postgres?.stop(20_000, 'SIGINT'); // SIGINT: PostgreSQL's "fast" shutdown
    postgres = undefined;
    if (pgDir) rmSync(pgDir, { recursive: true, force: true });
    pgDir = undefined;
  };

  try {
    // 1. PostgreSQL
    const bin = postgresBinDir(log);
    const user = postgresUser();
    const pgVersion = execFileSync(path.join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
    pgDir = mkdtempSync(path.join(os.tmpdir(), 'scf-release-pg-'));
    const dataDir = path.join(pgDir, 'data');
    const password = randomBytes(18).toString('base64url');
    const pwFile = path.join(pgDir, 'pwfile');
    writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    if (user) {
      chownSync(pgDir, user.uid, user.gid);
      chownSync(pwFile, user.uid, user.gid);
    }
    const pgEnv = { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };
    await runToEnd(path.join(bin, 'initdb'), ['-D', dataDir, '-U', PG_USER, '--auth=scram-sha-256', `--pwfile=${pwFile}`, '-E', 'UTF8', '--no-sync'], pgEnv, logFile('postgres-initdb'), user);
    rmSync(pwFile, { force: true });
    const pgPort = await freePort();
    // fsync off: a throwaway cluster on a busy CI disk; the server restarts this test does are Temporal's, not PostgreSQL's.
    postgres = spawnLoggedCommand(
      path.join(bin, 'postgres'),
      ['-D', dataDir, '-h', '127.0.0.1', '-p', String(pgPort), '-k', pgDir, '-c', 'fsync=off', '-c', 'max_connections=200'],
      { env: pgEnv, logFile: logFile('postgres'), ...(user && { user }) },
    );
    await waitForPort(pgPort, 'PostgreSQL', postgres.exited, logFile('postgres'));
    log(`${pgVersion} on 127.0.0.1:${pgPort} (data in ${dataDir}${user ? ', running as user postgres' : ''})`);

    // 2. Databases and schema: compose's temporal-schema job, with the SQL tool we built.
    const dbEnv = { POSTGRES_SEEDS: '127.0.0.1', DB_PORT: String(pgPort), POSTGRES_USER: PG_USER };
    await runToEnd(
      'sh',
      [SCHEMA_SCRIPT],
      { PATH: process.env.PATH ?? '', ...dbEnv, SQL_PASSWORD: password, SQL_TOOL: options.binaries.sqlTool, SCHEMA_DIR: options.binaries.schemaDir },
      logFile('temporal-schema'),
    );
    log('databases temporal and temporal_visibility created, schema applied');

    // 3. The services, each its own process, on free loopback ports.
    const ports: Record<string, string> = {};
    for (const s of SERVICES) {
      ports[`${s.toUpperCase()}_GRPC_PORT`] = String(await freePort());
      ports[`${s.toUpperCase()}_MEMBERSHIP_PORT`] = String(await freeMembershipPort());
    }
    ports.FRONTEND_HTTP_PORT = String(await freePort());
    const serverEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DB: 'postgres12',
      ...dbEnv,
      POSTGRES_PWD: password,
      NUM_HISTORY_SHARDS: String(options.historyShards ?? 4),
      BIND_ON_IP: '127.0.0.1',
      DYNAMIC_CONFIG_FILE_PATH: DYNAMIC_CONFIG_FILE,
      TEMPORAL_ALLOW_NO_AUTH: 'true',
      LOG_LEVEL: 'info',
      ...ports,
    };
    const startService = async (service: TemporalService) => {
      const proc = spawnLoggedCommand(options.binaries.server, ['--config-file', SERVER_CONFIG_FILE, 'start', '--service', service], {
        env: serverEnv,
        logFile: logFile(`temporal-${service}`),
      });
      services.set(service, proc);
      await waitForPort(Number(ports[`${service.toUpperCase()}_GRPC_PORT`]), `the ${service} service`, proc.exited, logFile(`temporal-${service}`));
    };
    // History first: the frontend answers only once history hosts own the shards.
    for (const service of ['history', 'matching', 'frontend', 'worker'] as const) await startService(service);
    const address = `127.0.0.1:${ports.FRONTEND_GRPC_PORT}`;
    log(`Temporal ${options.binaries.version}: ${SERVICES.map((s) => `${s} pid ${services.get(s)!.pid}`).join(', ')}; frontend ${address}`);

    // 4. Namespace and search attributes: compose's temporal-namespace and scf-release-setup jobs.
    const cli = ensureTemporalCli();
    const jobEnv = { PATH: `${path.dirname(cli.path)}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace };
    if (path.basename(cli.path) !== 'temporal') throw new Error(`create-namespace.sh runs \`temporal\`; the CLI here is ${cli.path}`);
    await runToEnd('sh', [NAMESPACE_SCRIPT], { ...jobEnv, TEMPORAL_NAMESPACE_RETENTION: '1d' }, logFile('temporal-namespace'));
    // A new namespace takes a few seconds to reach every frontend cache (compose retries the same way).
    for (let attempt = 1; ; attempt++) {
      try {
        await runToEnd(process.execPath, ['--import', 'tsx', path.join(ROOT, 'client/cli.ts'), 'setup'], { ...jobEnv, NO_COLOR: '1' }, logFile('scf-release-setup'));
        break;
      } catch (err) {
        if (attempt >= 12) throw err;
        await sleep(3000);
      }
    }
    log(`namespace ${namespace} created, search attributes registered`);

    return {
      address,
      namespace,
      postgres: { port: pgPort, version: pgVersion },
      pids: () => Object.fromEntries(SERVICES.map((s) => [s, services.get(s)?.pid ?? -1])) as Record<TemporalService, number>,
      async restartService(service) {
        const from = Date.now();
        await services.get(service)?.stop(5_000, 'SIGKILL');
        await startService(service);
        return { downMs: Date.now() - from };
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
