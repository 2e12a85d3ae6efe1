/**
 * Builds Temporal visibility queries from `history` filters. Every value goes through
 * `quoteLiteral`, so a function name cannot end the string literal and add clauses of its own;
 * kinds and statuses are checked against the closed lists they come from. A value refused here is
 * the caller's input (CliError, exit 64), found before anything connects to Temporal.
 */
import { CliError, EXIT } from '../exit-codes';
import { DURATION_GRAMMAR, parseDurationMs } from '../../workflows/durations';
import {
  SA_FUNCTION,
  SA_KIND,
  SA_NAMESPACE,
  SA_REGIONS,
  SA_STARTED_BY,
  SA_STATUS,
  SA_FLEET_ID,
  type FleetStatus,
  type ReleaseKind,
  type ReleaseStatus,
} from '../../workflows/definitions';

const RELEASE_KINDS: readonly ReleaseKind[] = ['release', 'sync', 'rollback', 'fleet'];
const RELEASE_STATUSES: ReadonlyArray<ReleaseStatus | FleetStatus> = [
  'Running',
  'Succeeded',
  'NoOp',
  'RolledBack',
  'RollbackFailed',
  'Aborted',
  // A fleet in which some releases failed (each compensated) without rollbackAllOnFailure.
  'Failed',
];

export interface HistoryFilters {
  functionName?: string;
  namespace?: string;
  region?: string;
  status?: string;
  kind?: string;
  /** Only runs started at or after this time. */
  since?: Date;
  startedBy?: string;
  /** A fleet and its releases. */
  fleetId?: string;
}

/** A double-quoted literal for the visibility query language; backslash and quote are escaped. */
export function quoteLiteral(value: string): string {
  // Control characters have no business in a name and are where escaping rules differ between stores.
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new CliError(`refusing a control character in a filter value: ${JSON.stringify(value)}`, EXIT.INVALID_INPUT);
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliError(`${flag}: unknown value "${value}" (one of: ${allowed.join(', ')})`, EXIT.INVALID_INPUT);
  }
  return value as T;
}

/**
 * A duration in the one grammar (workflows/durations.ts: `7d`, `12h`, `90s`, a bare number is
 * seconds) before `now`, or an ISO-8601 time. Throws on anything else, rather than silently listing
 * everything.
 */
export function parseSince(text: string, now: Date = new Date()): Date {
  const ms = parseDurationMs(text);
  if (ms !== undefined) return new Date(now.getTime() - ms);
  const absolute = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(absolute.getTime())) {
    throw new CliError(
      `--since takes a duration like 7d, 12h, 30m or an ISO time like 2025-01-31T08:00:00Z, not "${text}" (durations: ${DURATION_GRAMMAR})`,
      EXIT.INVALID_INPUT,
    );
  }
  return absolute;
}

export function buildVisibilityQuery(filters: HistoryFilters): string {
  const clauses = [
    filters.kind
      ? `${SA_KIND.name} = ${quoteLiteral(oneOf('--kind', filters.kind, RELEASE_KINDS))}`
      : // Only our workflows: the per-function locks and anything else in the namespace carry no kind.
        `${SA_KIND.name} IN (${RELEASE_KINDS.map(quoteLiteral).join(', ')})`,
  ];
  if (filters.functionName) clauses.push(`${SA_FUNCTION.name} = ${quoteLiteral(filters.functionName)}`);
  if (filters.namespace) clauses.push(`${SA_NAMESPACE.name} = ${quoteLiteral(filters.namespace)}`);
  // On a KeywordList, `=` matches when any element equals the value.
  if (filters.region) clauses.push(`${SA_REGIONS.name} = ${quoteLiteral(filters.region)}`);
  if (filters.status) clauses.push(`${SA_STATUS.name} = ${quoteLiteral(oneOf('--status', filters.status, RELEASE_STATUSES))}`);
  if (filters.startedBy) clauses.push(`${SA_STARTED_BY.name} = ${quoteLiteral(filters.startedBy)}`);
  if (filters.fleetId) clauses.push(`${SA_FLEET_ID.name} = ${quoteLiteral(filters.fleetId.replace(/^fleet\//, ''))}`);
  if (filters.since) clauses.push(`StartTime >= ${quoteLiteral(filters.since.toISOString())}`);
  return clauses.join(' AND ');
}
