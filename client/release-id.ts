import { randomBytes } from 'node:crypto';
import os from 'node:os';

/**
 * A short, time-sortable release id: `r-20261125-060102-ab12` (UTC). Sorting ids sorts releases by
 * start time; the random suffix keeps two releases started in the same second apart.
 */
export function newReleaseId(now: Date = new Date()): string {
  const iso = now.toISOString(); // 2026-11-25T06:01:02.345Z
  const date = iso.slice(0, 10).replace(/-/g, '');
  const time = iso.slice(11, 19).replace(/:/g, '');
  return `r-${date}-${time}-${randomBytes(2).toString('hex')}`;
}

/**
 * Who is acting, for the audit trail when no `--by` is given: `SCF_RELEASE_USER` (e.g. a CI job's
 * identity), else `user@host` of the machine running the CLI.
 */
export function defaultStartedBy(): string {
  return process.env.SCF_RELEASE_USER?.trim() || `${os.userInfo().username}@${os.hostname()}`;
}
