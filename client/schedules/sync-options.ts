/**
 * The flags that describe a sync, shared by `sync run` and `sync schedule create`, and their
 * validation into a SyncInput. Invalid input is refused before anything starts (exit 64).
 */
import type { Command } from 'commander';
import { CliError, EXIT } from '../exit-codes';
import { eventSizeProblem, inputSizeIssues } from '../manifest/limits';
import { didYouMean } from '../manifest/did-you-mean';
import { isScfRegion, SCF_REGIONS } from '../manifest/regions';
import { ALIAS_NAME, ALIAS_NAME_RULE, FUNCTION_NAME, FUNCTION_NAME_RULE, NAMESPACE, NAMESPACE_RULE } from '../manifest/schema';
import { eventValueIssues } from '../manifest/value-checks';
import { SYNC_NOTIFY_EVENTS, type SyncNotifyEvent } from '../../activities/notify';
import type { NotifyRule, SyncInput, SyncSelector, VerificationCase } from '../../workflows/definitions';

export interface SyncFlags {
  source: string;
  namespace: string;
  functions?: string;
  match?: string;
  targets: string;
  what: string;
  concurrency: string;
  dryRun?: boolean;
  verifyEvent?: string[];
  notify?: string[];
}

export function addSyncFlags(command: Command): Command {
  return command
    .requiredOption('--source <region>', 'the region whose code is the truth')
    .option('--namespace <ns>', 'SCF namespace', 'default')
    .option('--functions <names>', 'comma-separated function names')
    .option('--match <pattern>', 'a name prefix, or a glob with * and ?, listed in the source region')
    .requiredOption('--targets <regions>', 'comma-separated target regions')
    .option('--what <selector>', 'alias:<name> | latest-version | $LATEST', 'latest-version')
    .option('--concurrency <n>', 'functions synced at once', '8')
    .option('--dry-run', 'report the drift, change nothing')
    .option(
      '--verify-event <json>',
      'an event (JSON) each version the sync publishes must answer with InvokeResult 0, else that region is undone; repeatable',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--notify <channel[:events]>',
      `tell a channel of the worker's SCF_NOTIFY_CHANNELS about the sync; events (comma-separated, default all): ${SYNC_NOTIFY_EVENTS.join(', ')}; repeatable`,
      (value: string, previous: string[] = []) => [...previous, value],
    );
}

/** `--notify ops` (every sync event) or `--notify ops:failed,rollback-failed`, refused naming the flag's value. */
function notifyRules(values: readonly string[] = []): NotifyRule[] {
  return values.map((value): NotifyRule => {
    const at = value.indexOf(':');
    const channel = (at < 0 ? value : value.slice(0, at)).trim();
    if (!channel) throw new CliError(`--notify ${value}: name a channel of the worker's SCF_NOTIFY_CHANNELS, e.g. ops or ops:failed,rollback-failed`, EXIT.INVALID_INPUT);
    if (at < 0) return { channel, events: [...SYNC_NOTIFY_EVENTS] };
    const events = [...new Set(value.slice(at + 1).split(',').map((e) => e.trim()).filter(Boolean))];
    if (events.length === 0) throw new CliError(`--notify ${value}: name at least one event after ":", or none at all for every one`, EXIT.INVALID_INPUT);
    const unknown = events.find((e) => !(SYNC_NOTIFY_EVENTS as readonly string[]).includes(e));
    if (unknown !== undefined) {
      throw new CliError(`--notify ${value}: "${unknown}" is not a sync event; one of ${SYNC_NOTIFY_EVENTS.join(', ')}${didYouMean(unknown, SYNC_NOTIFY_EVENTS)}`, EXIT.INVALID_INPUT);
    }
    return { channel, events: events as SyncNotifyEvent[] };
  });
}

/**
 * `--verify-event` values as verification cases, refused (naming `--verify-event #n`) unless each
 * passes what the manifest's verification events must pass: JSON, within SCF's 6 MB, no
 * `__proto__`-like key, no credential-looking value, well-formed `${env:SCF_EVENT_*}` references only
 * (manifest/value-checks.ts, limits.ts); and all of them together within a workflow input's size.
 */
function verificationFromEvents(events: readonly string[] = []): VerificationCase[] {
  const flagOf = (i: number) => `--verify-event #${i + 1}`;
  const cases = events.map((event, i): VerificationCase => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(event);
    } catch (err) {
      throw new CliError(`${flagOf(i)} is not JSON (${(err as Error).message}); pass the event as JSON text, e.g. '{"ping":1}'`, EXIT.INVALID_INPUT);
    }
    const tooBig = eventSizeProblem(event);
    const issues = tooBig ? [{ path: flagOf(i), message: tooBig }] : eventValueIssues(parsed, flagOf(i));
    if (issues.length > 0) throw new CliError(issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n'), EXIT.INVALID_INPUT);
    return { name: `event-${i + 1}`, event, expect: { invokeResult: 0 } };
  });
  const [tooBig] = inputSizeIssues({ verification: cases });
  if (tooBig) {
    const at = Number(/^verification\[(\d+)\]/.exec(tooBig.path)?.[1] ?? 0);
    throw new CliError(`${flagOf(at)}: ${tooBig.message}`, EXIT.INVALID_INPUT);
  }
  return cases;
}

function parseSelector(text: string): SyncSelector {
  if (text === '$LATEST' || text === 'LATEST') return { kind: '$LATEST' };
  if (text === 'latest-version') return { kind: 'latest-version' };
  if (text.startsWith('alias:')) {
    const alias = text.slice('alias:'.length);
    if (!ALIAS_NAME.test(alias)) throw new CliError(`--what: the alias name "${alias}" ${ALIAS_NAME_RULE}`, EXIT.INVALID_INPUT);
    return { kind: 'alias', alias };
  }
  throw new CliError(`--what takes alias:<name>, latest-version or $LATEST, not "${text}"`, EXIT.INVALID_INPUT);
}

function regionList(flag: string, text: string): string[] {
  const regions = [...new Set(text.split(',').map((r) => r.trim()).filter(Boolean))];
  const unknown = regions.filter((r) => !isScfRegion(r));
  if (regions.length === 0 || unknown.length > 0) {
    const hints = unknown.map((r) => didYouMean(r, SCF_REGIONS)).filter(Boolean).join('');
    throw new CliError(`${flag}: unknown region(s) ${unknown.join(', ') || '(none given)'}; SCF regions: ${SCF_REGIONS.join(', ')}${hints}`, EXIT.INVALID_INPUT);
  }
  return regions;
}

/** `--functions a,b,c` as a list of distinct names, each checked against SCF's naming rule. */
function functionNames(text: string): string[] {
  const names = [...new Set(text.split(',').map((n) => n.trim()).filter(Boolean))];
  if (names.length === 0) throw new CliError('--functions: name at least one function (a,b,c)', EXIT.INVALID_INPUT);
  const bad = names.find((name) => !FUNCTION_NAME.test(name));
  if (bad !== undefined) throw new CliError(`--functions: "${bad}" is not an SCF function name; a name ${FUNCTION_NAME_RULE}`, EXIT.INVALID_INPUT);
  return names;
}

export function syncInputFromFlags(flags: SyncFlags): Omit<SyncInput, 'startedBy'> {
  if (!NAMESPACE.test(flags.namespace)) {
    throw new CliError(`--namespace: "${flags.namespace}" is not an SCF namespace; a namespace ${NAMESPACE_RULE}`, EXIT.INVALID_INPUT);
  }
  const [sourceRegion] = regionList('--source', flags.source);
  const targetRegions = regionList('--targets', flags.targets).filter((r) => r !== sourceRegion);
  if (targetRegions.length === 0) throw new CliError('--targets must name a region other than --source', EXIT.INVALID_INPUT);
  if (!!flags.functions === !!flags.match) {
    throw new CliError('name the functions with exactly one of --functions a,b,c or --match <prefix|glob>', EXIT.INVALID_INPUT);
  }
  const verification = verificationFromEvents(flags.verifyEvent);
  const notify = notifyRules(flags.notify);
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 50) {
    throw new CliError('--concurrency takes a whole number from 1 to 50', EXIT.INVALID_INPUT);
  }
  return {
    sourceRegion: sourceRegion!,
    namespace: flags.namespace,
    functions: flags.functions ? { names: functionNames(flags.functions) } : { match: flags.match! },
    targetRegions,
    what: parseSelector(flags.what),
    dryRun: !!flags.dryRun,
    functionConcurrency: concurrency,
    ...(verification.length > 0 && { verification }),
    ...(notify.length > 0 && { notify }),
  };
}
