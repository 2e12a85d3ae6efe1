/**
 * Checks on the manifest's values that the schema's shapes cannot express, run over the manifest as
 * written (flags applied) so every problem comes with the path the user wrote:
 * - keys that name JavaScript's object machinery (`__proto__`, `constructor`, `prototype`), anywhere,
 *   events included: code that merges an event naively would have its objects' prototype replaced;
 * - values that look like credentials (activities/credentials.ts), unless `notSecrets` lists their path; a
 *   `notSecrets` entry that names no such value is refused too, so the list cannot go stale;
 * - `${env:...}` references (env-references.ts): well formed, `SCF_EVENT_*` names, and only in
 *   verification events, the one place the worker resolves them.
 * The package is left to package.ts, which knows URLs (signed URLs, user info) better.
 */
import { credentialLooksLike, forEachLeaf, MAX_NESTING } from '../../activities/credentials';
import { envReferenceProblems } from './env-references';
import type { ManifestIssue } from './issues';

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * `__proto__`-like keys anywhere in the manifest (JSON text of objects included), by path, and values
 * nested deeper than the walkers look (what is below would pass every other check unseen).
 */
function prototypeKeyIssues(fields: ReadonlyArray<[string, unknown]>): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const refused = (key: string, path: string) => {
    if (!PROTOTYPE_KEYS.has(key)) return false;
    issues.push({ path, message: `is a key that names JavaScript's object machinery (${key}); rename or remove it` });
    return true;
  };
  const tooDeep = (path: string) => issues.push({ path, message: `is nested more than ${MAX_NESTING} levels; flatten it` });
  for (const [field, value] of fields) {
    if (!refused(field, field)) forEachLeaf(value, field, () => undefined, { skipKey: refused, tooDeep });
  }
  return issues;
}

/**
 * Credential-looking values in `fields` (path, value). `notSecrets` lists the paths marked as test
 * data; undefined where the input has no way to mark one (`sync --verify-event`), so no message offers it.
 */
function credentialIssues(fields: ReadonlyArray<[string, unknown]>, notSecrets: readonly string[] | undefined): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const marked = new Set(notSecrets);
  const used = new Set<string>();
  for (const [field, value] of fields) {
    forEachLeaf(value, field, (leaf, path, key) => {
      const looksLike = credentialLooksLike(leaf, key);
      // A malformed reference is reported as one (envReferenceIssues), not as the credential it is not.
      if (!looksLike || (typeof leaf === 'string' && envReferenceProblems(leaf).length > 0)) return;
      if (marked.has(path)) {
        used.add(path);
        return;
      }
      issues.push({
        path,
        message:
          `looks like ${looksLike}, which would be stored in workflow history in clear; put the value in the worker's environment ` +
          `as SCF_EVENT_<NAME> and write \${env:SCF_EVENT_<NAME>} here (resolved on the worker, never recorded)` +
          (notSecrets ? `, or, if it is test data and not a secret, add "${path}" to notSecrets` : ''),
      });
    });
  }
  notSecrets?.forEach((path, i) => {
    if (!used.has(path)) issues.push({ path: `notSecrets[${i}]`, message: `"${path}" names no credential-looking value; remove it` });
  });
  return issues;
}

const IN_EVENT = /^verification\[\d+\]\.event(?:$|[.[])/;

/** `${env:...}` references in `fields` (path, value): well formed, and only where `inEvent(path)`. */
function envReferenceIssues(fields: ReadonlyArray<[string, unknown]>, inEvent: (path: string) => boolean): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  for (const [field, value] of fields) {
    forEachLeaf(value, field, (leaf, path) => {
      if (typeof leaf !== 'string' || !/\$\{\s*env\b/i.test(leaf)) return;
      if (!inEvent(path)) {
        issues.push({ path, message: 'holds an ${env:...} reference, but only verification events resolve them (on the worker); remove it' });
        return;
      }
      for (const problem of envReferenceProblems(leaf)) issues.push({ path, message: problem });
    });
  }
  return issues;
}

/** Every problem with the manifest's values; `manifest` is the manifest as written, flags applied. */
export function valueIssues(manifest: Record<string, unknown>): ManifestIssue[] {
  const notSecrets = Array.isArray(manifest.notSecrets) ? manifest.notSecrets.filter((p): p is string => typeof p === 'string') : [];
  const fields = Object.entries(manifest);
  const prototypeIssues = prototypeKeyIssues(fields);
  // With a prototype key (or a value nested too deep) present, the rest is not worth walking: the manifest is refused already.
  if (prototypeIssues.length > 0) return prototypeIssues;
  return [
    ...credentialIssues(fields.filter(([field]) => field !== 'package' && field !== 'notSecrets'), notSecrets),
    ...envReferenceIssues(fields, (path) => IN_EVENT.test(path)),
  ];
}

/**
 * The same checks on a verification event given outside a manifest (`sync --verify-event`), its
 * problems named from `path` (e.g. `--verify-event #1`); such an event has no notSecrets to mark test data.
 */
export function eventValueIssues(event: unknown, path: string): ManifestIssue[] {
  const prototypeIssues = prototypeKeyIssues([[path, event]]);
  if (prototypeIssues.length > 0) return prototypeIssues;
  return [...credentialIssues([[path, event]], undefined), ...envReferenceIssues([[path, event]], () => true)];
}
