/**
 * `scf-release sim traffic`: live-looking traffic for a canary. Asks a running simulator's admin API
 * (`startTraffic`) to invoke a function through its alias at a rate with the events of a file, prints
 * progress, and stops the run on Ctrl-C. Simulator only: it never reaches Tencent Cloud.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CliError, EXIT } from '../exit-codes';
import { durationFlag, runCommand } from './shared';

const MAX_EVENTS_FILE_BYTES = 1024 * 1024;

/** `20/s`, `20` or `1200/m` → invocations per second. */
export function parseRate(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|m))?\s*$/.exec(text);
  const n = m ? Number(m[1]) / (m[2] === 'm' ? 60 : 1) : NaN;
  if (!Number.isFinite(n) || n <= 0 || n > 1000) throw new CliError(`--rate takes invocations per second, e.g. 20/s or 600/m (at most 1000/s), not "${text}"`, EXIT.INVALID_INPUT);
  return n;
}

/** A JSON list of events, or one JSON event per line; each event kept as its JSON text. */
export function parseEvents(text: string, file: string): string[] {
  const trimmed = text.trim();
  const bad = (why: string) => new CliError(`--events ${file}: ${why}; give a JSON list of events or one JSON event per line`, EXIT.INVALID_INPUT);
  let events: unknown[];
  if (trimmed.startsWith('[')) {
    try {
      events = JSON.parse(trimmed) as unknown[];
    } catch {
      throw bad('is not valid JSON');
    }
  } else {
    events = trimmed.split('\n').filter((l) => l.trim()).map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw bad(`line ${i + 1} is not JSON`);
      }
    });
  }
  if (!Array.isArray(events) || events.length === 0 || events.length > 100) throw bad('must hold 1 to 100 events');
  return events.map((e) => JSON.stringify(e));
}

function simUrl(flag: string | undefined): string {
  const raw = flag ?? (process.env['SCF_ENDPOINT'] ? `http://${process.env['SCF_ENDPOINT']}` : 'http://127.0.0.1:9000');
  const url = new URL(raw.includes('://') ? raw : `http://${raw}`);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new CliError(`--sim ${raw}: sim traffic talks only to a simulator on this machine (127.0.0.1)`, EXIT.INVALID_INPUT);
  }
  return url.origin;
}

interface TrafficStatus { state: string; sent: number; errors: number; failedCalls: number; lastErrorCode?: string }

async function admin<T>(base: string, name: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/_admin/${name}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const json = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new CliError(`simulator: ${json.error ?? res.status}`, res.status === 400 ? EXIT.INVALID_INPUT : EXIT.ERROR);
  return json;
}

export function registerSimTrafficCommand(sim: Command): void {
  sim
    .command('traffic')
    .description('invoke a function through its alias at a rate with given events, on a running simulator (live-looking canary traffic)')
    .requiredOption('--function <name>', 'the function to invoke')
    .requiredOption('--alias <name>', 'the alias to invoke it through (its routing splits the traffic)')
    .requiredOption('--events <file>', 'a JSON list of events, or one JSON event per line; used in turn')
    .option('--rate <rate>', 'invocations per second, e.g. 20/s', '10/s')
    .option('--region <region>', 'the function\'s region', 'ap-guangzhou')
    .option('--namespace <ns>', 'the function\'s namespace', 'default')
    .option('--count <n>', 'stop after this many invocations')
    .option('--duration <duration>', 'stop after this long, e.g. 2m (default: until Ctrl-C)')
    .option('--sim <url>', 'the simulator (default: http://$SCF_ENDPOINT, else http://127.0.0.1:9000)')
    .action((o: Record<string, string | undefined>) =>
      runCommand(async () => {
        const rate = parseRate(o['rate']!);
        const count = o['count'] !== undefined ? Number(o['count']) : undefined;
        if (count !== undefined && (!Number.isInteger(count) || count <= 0)) throw new CliError(`--count takes a whole number above 0, not "${o['count']}"`, EXIT.INVALID_INPUT);
        const durationSeconds = o['duration'] !== undefined ? durationFlag('--duration', o['duration'], 24 * 3600_000) / 1000 : undefined;
        const file = o['events']!;
        const text = await readFile(file, 'utf8').catch(() => {
          throw new CliError(`--events ${file}: cannot read the file`, EXIT.INVALID_INPUT);
        });
        if (Buffer.byteLength(text) > MAX_EVENTS_FILE_BYTES) throw new CliError(`--events ${file}: larger than 1 MB`, EXIT.INVALID_INPUT);
        const events = parseEvents(text, file);
        const base = simUrl(o['sim']);
        const { id } = await admin<{ id: string }>(base, 'startTraffic', {
          region: o['region'], namespace: o['namespace'], functionName: o['function'], alias: o['alias'], ratePerSecond: rate, events,
          ...(count !== undefined && { count }), ...(durationSeconds !== undefined && { durationSeconds }),
        });
        process.stdout.write(`traffic ${id}: ${rate}/s through ${o['function']}:${o['alias']} with ${events.length} event(s)\n`);
        let interrupted = false;
        const onSigint = () => (interrupted = true);
        process.once('SIGINT', onSigint);
        try {
          for (;;) {
            await new Promise((r) => setTimeout(r, 500));
            const s = interrupted ? await admin<TrafficStatus>(base, 'stopTraffic', { id }) : await admin<TrafficStatus>(base, `trafficStatus?id=${encodeURIComponent(id)}`);
            if (s.state !== 'running') {
              const refused = s.failedCalls ? `, ${s.failedCalls} refused (${s.lastErrorCode})` : '';
              process.stdout.write(`${s.state}: ${s.sent} invocations, ${s.errors} function errors${refused}\n`);
              return s.state === 'stopped' ? EXIT.INTERRUPTED : EXIT.OK;
            }
          }
        } finally {
          process.off('SIGINT', onSigint);
        }
      }),
    );
}
