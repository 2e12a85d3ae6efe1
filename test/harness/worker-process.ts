/**
 * The standalone worker (`worker/main.ts`) as a real process, the way a supervisor runs it
 * (`node --import tsx worker/main.ts`, or compiled `node dist/worker/main.js`; one process, its own
 * process group), configured only by its environment. `killWorkerProcesses()` (in an afterEach/afterAll) kills every one still alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_CREDENTIALS } from '../../simulator';
import { lineReader } from './line-reader';
import { harnessInfo } from './temporal';

const ROOT = path.resolve(__dirname, '../..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Everything the process wrote, stdout and stderr interleaved. */
  output(): string;
  /** Resolves once the SDK worker is RUNNING (polling the task queue). */
  ready: Promise<void>;
  exited: Promise<Exit>;
  /** Signals the process group (what a supervisor should do; tsx alone would leave a child behind). */
  signal(signal: NodeJS.Signals): void;
}

const spawned: WorkerProcess[] = [];

/** `compiled`: run `node dist/worker/main.js` (what the image runs; `npm run build` first) instead of the sources through tsx. */
export function spawnWorker(env: Record<string, string>, options: { compiled?: boolean } = {}): WorkerProcess {
  const argv = options.compiled ? ['dist/worker/main.js'] : ['--import', 'tsx', 'worker/main.ts'];
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so cleanup can kill whatever it starts
  });
  let output = '';
  let onLine: (line: string) => void = () => {};
  const readLines = lineReader((line) => onLine(line));
  const consume = (chunk: Buffer) => {
    output += chunk.toString();
    readLines(chunk);
  };
  child.stdout!.on('data', consume);
  child.stderr!.on('data', consume);
  const exited = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<void>((resolve, reject) => {
    onLine = (line) => {
      if (/"msg":"Worker state changed"/.test(line) && /"state":"RUNNING"/.test(line)) resolve();
    };
    void exited.then((e) => reject(new Error(`worker exited (${JSON.stringify(e)}) before it was running:\n${output}`)));
  });
  ready.catch(() => undefined); // a test that never awaits readiness must not see an unhandled rejection
  const proc: WorkerProcess = {
    child,
    pid: child.pid!,
    output: () => output,
    ready,
    exited,
    signal(signal) {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, signal);
    },
  };
  spawned.push(proc);
  return proc;
}

/** Kills every worker process still alive (whole groups) and waits until they are gone. */
export async function killWorkerProcesses(): Promise<void> {
  for (const proc of spawned.splice(0)) {
    try {
      proc.signal('SIGKILL');
    } catch {
      // already gone
    }
    await proc.exited;
  }
}

/** The environment a deployed worker gets, pointed at this run's dev server, the workflow bundle and a simulator. */
export function deployedWorkerEnv(
  to: { simulatorUrl: string; packageDir: string; artifactDir: string; taskQueue: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: harnessInfo().address,
    TEMPORAL_NAMESPACE: 'default',
    SCF_RELEASE_TASK_QUEUE: to.taskQueue,
    SCF_RELEASE_WORKFLOW_BUNDLE: harnessInfo().workflowBundlePath,
    SCF_ENDPOINT: to.simulatorUrl,
    SCF_CREDENTIALS: 'env',
    TENCENTCLOUD_SECRET_ID: DEFAULT_CREDENTIALS.secretId,
    TENCENTCLOUD_SECRET_KEY: DEFAULT_CREDENTIALS.secretKey,
    SCF_ARTIFACT_DIR: to.artifactDir,
    SCF_PACKAGE_DIR: to.packageDir,
    LOG_LEVEL: 'info',
    ...extra,
  };
}
