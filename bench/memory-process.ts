/**
 * One large burst in a fresh process, so that its peak RSS is not hidden by an earlier high-water
 * mark: `tsx bench/memory-process.ts <raw|activities> <calls> <endpoint>`; prints one JSON line.
 * All calls are GetFunction, fired at once, against the high (10000/s) limit.
 */
import { RateLimiter } from '../activities/rate-limiter';
import { benchActivities, NAMESPACE, rawClient, REGION } from './clients';
import { pool } from './util';

export const MEMORY_FN = 'bench-overhead';

async function main(): Promise<void> {
  const [mode, countText, endpoint] = process.argv.slice(2);
  if ((mode !== 'raw' && mode !== 'activities') || !countText || !endpoint) throw new Error('usage: memory-process.ts <raw|activities> <calls> <endpoint>');
  const calls = Number(countText);
  const client = rawClient(endpoint);
  const acts = mode === 'activities' ? benchActivities(endpoint, new RateLimiter({ limits: { GetFunction: 10_000 } })) : undefined;
  const fn = { region: REGION, namespace: NAMESPACE, functionName: MEMORY_FN };
  const call = () => (acts ? acts.activities.getFunction({ fn }) : client.request('GetFunction', { FunctionName: MEMORY_FN, Namespace: NAMESPACE }));

  await pool(200, 8, async () => void (await call())); // warm-up: modules, JIT, a few connections
  const rssBefore = process.memoryUsage().rss;
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  let sampledPeak = rssBefore;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
  }, 5);
  const t0 = performance.now();
  let failed = 0;
  await Promise.all(Array.from({ length: calls }, () => call().catch(() => void (failed += 1))));
  const wallMs = performance.now() - t0;
  clearInterval(sampler);
  const maxRssAfter = process.resourceUsage().maxRSS * 1024;
  // The kernel's high-water mark when the burst raised it, else what the sampler saw.
  const peak = maxRssAfter > maxRssBefore ? maxRssAfter : sampledPeak;
  acts?.dispose();
  process.stdout.write(
    JSON.stringify({ mode, calls, failed, wallMs, rssBefore, peakRss: peak, peakRssDelta: Math.max(0, peak - rssBefore) }) + '\n',
  );
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`memory-process: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
