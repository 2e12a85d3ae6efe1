/**
 * Runs scf-release commands in-process, against the run's dev server, capturing what they print.
 * Only the commands under test are registered, so another command's missing dependency cannot
 * break these tests; the connection comes from the same envconfig variables a person would set.
 */
import { Command } from 'commander';
import { harnessInfo } from '../harness/temporal';

export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number;
  error?: Error;
}

export async function runCli(register: (program: Command) => void, args: string[]): Promise<CliRun> {
  const { address, uiUrl } = harnessInfo();
  const saved = { address: process.env.TEMPORAL_ADDRESS, ui: process.env.TEMPORAL_UI_URL, ns: process.env.TEMPORAL_NAMESPACE };
  Object.assign(process.env, { TEMPORAL_ADDRESS: address, TEMPORAL_UI_URL: uiUrl, TEMPORAL_NAMESPACE: 'default' });
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
    error = e as Error;
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    restore('TEMPORAL_ADDRESS', saved.address);
    restore('TEMPORAL_UI_URL', saved.ui);
    restore('TEMPORAL_NAMESPACE', saved.ns);
  }
  const exitCode = error ? ((error as { exitCode?: number }).exitCode ?? 1) : Number(process.exitCode ?? 0);
  process.exitCode = previousExitCode;
  return { stdout: out.join(''), stderr: err.join(''), exitCode, error };
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Visibility is eventually consistent: poll until `check` passes or the time is up. */
export async function eventually<T>(fn: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
