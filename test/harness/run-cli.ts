/**
 * Runs scf-release commands against the run's dev server, connected by the same envconfig variables
 * a person would set, and captures what they print. Two ways:
 *
 * - `runCli(register, args)`: in-process. Only the commands under test are registered, so another
 *   command's missing dependency cannot break those tests, and a failure comes back as the `error`
 *   the command threw.
 * - `spawnCli(args, env?)`: the real CLI as a child process (tsx, as `npx tsx client/cli.ts` does), so
 *   exit codes, stdout/stderr separation and the envconfig connection are exactly what a person or a
 *   CI script gets.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Command } from 'commander';
import { failWith } from '../../client/commands/shared';
import { harnessInfo } from './temporal';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

/** The envconfig variables that point a CLI at the run's dev server. */
export function connectionEnv(): Record<'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_UI_URL', string> {
  const { address, uiUrl } = harnessInfo();
  return { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default', TEMPORAL_UI_URL: uiUrl };
}

export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number;
  error?: Error;
}

/** Runs `args` in-process on a program with only the commands `register` adds. */
export async function runCli(register: (program: Command) => void, args: string[]): Promise<CliRun> {
  const connection = connectionEnv();
  const saved = Object.fromEntries(Object.keys(connection).map((name) => [name, process.env[name]]));
  Object.assign(process.env, connection);
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  const previousExitCode = process.exitCode;
  process.exitCode = undefined;
  const program = new Command('scf-release').exitOverride();
  register(program);
  let error: Error | undefined;
  try {
    await program.parseAsync(['node', 'scf-release', ...args]);
  } catch (e) {
    // As client/cli.ts does: the message on stderr, the error's exit code.
    error = e as Error;
    process.exitCode = failWith(e);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    for (const [name, value] of Object.entries(saved)) restore(name, value);
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = previousExitCode;
  return { stdout: out.join(''), stderr: err.join(''), exitCode, error };
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

export interface SpawnedCliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnChild(args: string[], env: Record<string, string>) {
  return spawn(TSX, ['client/cli.ts', ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...connectionEnv(),
      NO_COLOR: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface LiveCli {
  /** Resolves with everything printed so far (stdout and stderr) once `pattern` appears in it. */
  waitFor(pattern: RegExp): Promise<string>;
  /** Ends the child (SIGINT, as Ctrl-C: only the watching stops) and waits for it to exit. */
  stop(): Promise<void>;
}

/** The real CLI as a child process that keeps running, for output that comes before it ends. */
export function spawnCliLive(args: string[], env: Record<string, string> = {}): LiveCli {
  const child = spawnChild(args, env);
  let output = '';
  const waiters: Array<{ pattern: RegExp; resolve: (text: string) => void }> = [];
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(output)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(output);
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return {
    waitFor: (pattern) =>
      pattern.test(output)
        ? Promise.resolve(output)
        : new Promise((resolve, reject) => {
            waiters.push({ pattern, resolve });
            void closed.then(() => reject(new Error(`the CLI ended without printing ${pattern}:\n${output}`)));
          }),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      await closed;
    },
  };
}

/** Runs the real CLI with `args` as a child process; `env` adds to (or overrides) its environment. */
export function spawnCli(args: string[], env: Record<string, string> = {}): Promise<SpawnedCliRun> {
  const child = spawnChild(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
