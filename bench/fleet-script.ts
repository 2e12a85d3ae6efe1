/**
 * The two scripts a team would write with the official SDK (tencentcloud-sdk-nodejs-scf) instead of
 * this project, run by `npm run bench:fleet` in a process of their own (so their CPU is theirs):
 *
 * - `all`: every function at once (`Promise.all`), in each function the primary first, then its
 *   targets at once. It ignores the rate limits: a throttled answer is retried after a second.
 * - `loop`: a for-loop over functions and their regions, one call at a time.
 *
 * Per region: UpdateFunctionCode (ZipFile), GetFunction until Active, PublishVersion, GetFunction of
 * the version until Active, one InvokeFunction of the version; polls every 300 ms (the simulator's
 * transition time; first poll after it). No snapshot, no rollback, no lock, no CodeSha256 check:
 * what such scripts leave out is the project's guarantees.
 *
 * argv: <all|loop> <json: { endpoint, functions, primary, targets, zipBase64File }>. Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { scf } from 'tencentcloud-sdk-nodejs-scf';
import { DEFAULT_CREDENTIALS } from '../simulator';

type Client = InstanceType<typeof scf.v20180416.Client>;
interface ScriptInput {
  endpoint: string;
  functions: string[];
  primary: string;
  targets: string[];
  zipFile: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const POLL_MS = 300;
let throttledRetries = 0;

async function call<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const code = String((err as { code?: string }).code ?? '');
      if (!code.startsWith('RequestLimitExceeded') || attempt >= 20) throw err;
      throttledRetries += 1;
      await sleep(1000);
    }
  }
}

async function untilActive(c: Client, functionName: string, qualifier?: string): Promise<void> {
  for (;;) {
    await sleep(POLL_MS);
    const r = await call(() => c.GetFunction({ FunctionName: functionName, Namespace: 'default', Qualifier: qualifier }));
    if (r.Status === 'Active') return;
    if (r.Status?.endsWith('Failed')) throw new Error(`${functionName}:${qualifier ?? '$LATEST'} is ${r.Status}`);
  }
}

async function releaseRegion(c: Client, functionName: string, zipBase64: string): Promise<void> {
  await call(() => c.UpdateFunctionCode({ FunctionName: functionName, Namespace: 'default', ZipFile: zipBase64, Handler: 'index.main_handler' }));
  await untilActive(c, functionName);
  const { FunctionVersion } = await call(() => c.PublishVersion({ FunctionName: functionName, Namespace: 'default', Description: 'bench script' }));
  await untilActive(c, functionName, FunctionVersion);
  const r = await call(() => c.InvokeFunction({ FunctionName: functionName, Namespace: 'default', Qualifier: FunctionVersion, Event: '{"ping":1}' }));
  if (r.Result?.InvokeResult !== 0) throw new Error(`${functionName}:${FunctionVersion} invoke failed: ${r.Result?.ErrMsg}`);
}

async function main(): Promise<void> {
  const [mode, json] = process.argv.slice(2);
  const input = JSON.parse(json!) as ScriptInput;
  const zipBase64 = readFileSync(input.zipFile).toString('base64');
  const clients = new Map<string, Client>();
  const client = (region: string) => {
    let c = clients.get(region);
    if (!c) {
      c = new scf.v20180416.Client({
        credential: { secretId: DEFAULT_CREDENTIALS.secretId, secretKey: DEFAULT_CREDENTIALS.secretKey },
        region,
        profile: { httpProfile: { endpoint: input.endpoint, protocol: 'http://', reqTimeout: 60 } },
      });
      clients.set(region, c);
    }
    return c;
  };
  let failures = 0;
  const releaseFunction = async (name: string, parallelTargets: boolean) => {
    try {
      await releaseRegion(client(input.primary), name, zipBase64);
      if (parallelTargets) await Promise.all(input.targets.map((region) => releaseRegion(client(region), name, zipBase64)));
      else for (const region of input.targets) await releaseRegion(client(region), name, zipBase64);
    } catch (err) {
      failures += 1;
      process.stderr.write(`${name}: ${(err as Error).message}\n`);
    }
  };
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  if (mode === 'all') await Promise.all(input.functions.map((name) => releaseFunction(name, true)));
  else for (const name of input.functions) await releaseFunction(name, false);
  const cpu = process.cpuUsage(cpuStart);
  process.stdout.write(JSON.stringify({ wallMs: performance.now() - started, failures, throttledRetries, cpuSeconds: (cpu.user + cpu.system) / 1e6 }) + '\n');
}

main().catch((err) => {
  process.stderr.write(`fleet script: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
