/**
 * Manifest problems as the CLI prints them: one line per field, `path: what is wrong; how to fix`.
 * A field set by a flag says so, because the manifest file then looks right to its reader.
 */
import type { z } from 'zod';
import { didYouMean } from './did-you-mean';
import { KNOWN_FIELDS } from './schema';

export interface ManifestIssue {
  /** e.g. `alias.steps[1].percent`; empty for the manifest as a whole. */
  path: string;
  message: string;
}

export class ManifestError extends Error {
  constructor(
    readonly issues: ManifestIssue[],
    /** Where the manifest came from, for the heading. */
    readonly source: string,
  ) {
    super(formatIssues(issues, source));
    this.name = 'ManifestError';
  }
}

function formatIssues(issues: ManifestIssue[], source: string): string {
  const lines = issues.map((issue) => `  ${issue.path || '(manifest)'}: ${issue.message}`);
  return [`invalid release manifest (${source}); nothing was started:`, ...lines].join('\n');
}

/** `['alias', 'steps', 1, 'percent']` → `alias.steps[1].percent`. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function knownFieldsAt(path: ReadonlyArray<PropertyKey>): string[] {
  const key = path.map((k) => (typeof k === 'number' ? '[]' : `.${String(k)}`)).join('').replace(/^\./, '');
  return KNOWN_FIELDS[key] ?? [];
}

export function issuesFromZod(error: z.ZodError, flagFor: (path: string) => string | undefined): ManifestIssue[] {
  return error.issues.flatMap((issue): ManifestIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = knownFieldsAt(issue.path);
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: `is not a manifest field; remove it or use one of: ${known.join(', ')}${didYouMean(key, known, true)}`,
      }));
    }
    const path = formatPath(issue.path);
    const flag = flagFor(path);
    return [{ path, message: flag ? `${issue.message} (set by ${flag})` : issue.message }];
  });
}
