/**
 * The fleet manifest: release fields at the top (the defaults of every function: region, regions,
 * package, verification, alias, ...), plus `functions` (named, each optionally with its own package,
 * handler or description), `select` (namespace + name prefix or glob, listed with ListFunctions when
 * the fleet starts) and `policy` (maxConcurrency, stopAfterFailures, rollbackAllOnFailure, waves).
 * Each group of functions sharing a package is validated as the release manifest it amounts to
 * (buildReleaseFrom), so every release check applies; issues name the field as written.
 */
import path from 'node:path';
import { z } from 'zod';
import {
  MAX_FLEET_CONCURRENCY,
  MAX_FLEET_FUNCTIONS,
  type FleetGroup,
  type FleetInput,
  type FleetPolicy,
  type FleetWave,
} from '../../workflows/definitions';
import { defaultStartedBy, newReleaseId } from '../release-id';
import { buildReleaseFrom, readManifestFile, type BuildOptions } from './index';
import { issuesFromZod, ManifestError, type ManifestIssue } from './issues';
import { MAX_RELEASE_INPUT_BYTES } from './limits';
import { FUNCTION_NAME, FUNCTION_NAME_RULE, KNOWN_FIELDS, NAMESPACE, NAMESPACE_RULE } from './schema';

/** The keys that make a manifest a fleet manifest. */
const FLEET_KEYS = ['functions', 'select', 'policy'] as const;
/** Fields a function or selection may set for itself; the rest come from the top of the manifest. */
const OWN_FIELDS = ['package', 'handler', 'description'] as const;
const MAX_SELECTIONS = 20;
const MAX_WAVES = 20;
const DEFAULT_MAX_CONCURRENCY = 4;
/** A name prefix or a glob: SCF's name characters plus `*` and `?`. */
const SELECTION = /^[A-Za-z0-9_*?-]{1,60}$/;

export function isFleetManifest(raw: unknown): boolean {
  return !!raw && typeof raw === 'object' && !Array.isArray(raw) && FLEET_KEYS.some((key) => key in (raw as object));
}

const functionName = z.string({ error: `must be a function name; ${FUNCTION_NAME_RULE}` }).regex(FUNCTION_NAME, { error: FUNCTION_NAME_RULE });
const own = { package: z.unknown().optional(), handler: z.unknown().optional(), description: z.unknown().optional() };

const FUNCTION_ENTRY = z.preprocess(
  (value) => (typeof value === 'string' ? { name: value } : value),
  z.object({ name: functionName, ...own }, { error: 'must be a function name or { name, package, handler, description }' }).strict(),
);

const SELECT_ENTRY = z
  .object(
    {
      namespace: z.string({ error: NAMESPACE_RULE }).regex(NAMESPACE, { error: NAMESPACE_RULE }).optional(),
      prefix: z.string({ error: 'must be a name prefix, e.g. orders-' }).regex(SELECTION, { error: 'must be 1-60 letters, digits, - or _, e.g. orders-' }).optional(),
      match: z.string({ error: 'must be a glob, e.g. orders-*-api' }).regex(SELECTION, { error: 'must be letters, digits, -, _ and the wildcards * and ?, e.g. orders-*-api' }).optional(),
      ...own,
    },
    { error: 'must be { prefix | match, namespace, package, handler, description }' },
  )
  .strict()
  .superRefine((s, ctx) => {
    if ((s.prefix === undefined) === (s.match === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'set exactly one of prefix (a name prefix) or match (a glob with * and ?)' });
    }
  });

const WAVE = z.union(
  [
    z.object({ functions: z.number().int().min(1) }).strict(),
    z.object({ percent: z.number().int().min(1).max(100) }).strict(),
    z.object({ names: z.array(functionName).min(1) }).strict(),
  ],
  { error: 'must be { functions: <count> }, { percent: <1-100, cumulative> } or { names: [<function>, ...] }' },
);

const POLICY_SHAPE = {
  maxConcurrency: z
    .number({ error: `must be a number of releases at once, 1-${MAX_FLEET_CONCURRENCY}` })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(MAX_FLEET_CONCURRENCY, { error: `must be at most ${MAX_FLEET_CONCURRENCY}; the API's rate limits are the bound beyond that` })
    .default(DEFAULT_MAX_CONCURRENCY),
  stopAfterFailures: z.number({ error: 'must be a number of failures, e.g. 3' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).optional(),
  rollbackAllOnFailure: z.boolean({ error: 'must be true or false' }).default(false),
  waves: z.array(WAVE, { error: 'must be a list of waves, e.g. [{ functions: 1 }, { percent: 100 }]' }).max(MAX_WAVES, { error: `has more than ${MAX_WAVES} waves` }).default([]),
};

const FLEET_SHAPE = {
  functions: z.array(FUNCTION_ENTRY, { error: 'must be a list of function names or { name, package }' }).default([]),
  select: z.array(SELECT_ENTRY, { error: 'must be a list of { prefix | match, namespace }' }).max(MAX_SELECTIONS, { error: `has more than ${MAX_SELECTIONS} selections` }).default([]),
  policy: z.object(POLICY_SHAPE, { error: 'must be { maxConcurrency, stopAfterFailures, rollbackAllOnFailure, waves }' }).strict().default({ maxConcurrency: DEFAULT_MAX_CONCURRENCY, rollbackAllOnFailure: false, waves: [] }),
};
const fleetSchema = z.object(FLEET_SHAPE).strict();

// The fleet's own objects, for "unknown field" messages (issues.ts looks fields up by path).
Object.assign(KNOWN_FIELDS, {
  policy: Object.keys(POLICY_SHAPE),
  'functions[]': ['name', ...OWN_FIELDS],
  'select[]': ['namespace', 'prefix', 'match', ...OWN_FIELDS],
});

export interface BuiltFleet {
  input: FleetInput;
  warnings: string[];
}

type Entry = { path: string; own: Partial<Record<(typeof OWN_FIELDS)[number], unknown>>; namespace?: string } & ({ names: string[] } | { match: string });

/** Refusals of the whole fleet that no one field's schema sees. */
function crossIssues(fleet: z.output<typeof fleetSchema>): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const names = fleet.functions.map((f) => f.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) issues.push({ path: `functions[${i}].name`, message: `${name} is listed twice; list each function once` });
  });
  if (names.length > MAX_FLEET_FUNCTIONS) issues.push({ path: 'functions', message: `names ${names.length} functions; a fleet releases at most ${MAX_FLEET_FUNCTIONS}: split it into several fleets` });
  if (names.length === 0 && fleet.select.length === 0) issues.push({ path: 'functions', message: 'is empty and there is no select; name the functions, or select them with select: [{ prefix: ... }]' });
  let lastPercent = 0;
  fleet.policy.waves.forEach((wave: FleetWave, i) => {
    if ('percent' in wave) {
      if (wave.percent <= lastPercent) issues.push({ path: `policy.waves[${i}].percent`, message: `is ${wave.percent}, not more than an earlier wave's ${lastPercent}; percentages are cumulative and must increase` });
      lastPercent = wave.percent;
    }
    if ('names' in wave && fleet.select.length === 0) {
      for (const name of wave.names) {
        if (!names.includes(name)) issues.push({ path: `policy.waves[${i}].names`, message: `${name} is not one of the fleet's functions; name one listed under functions` });
      }
    }
  });
  if (fleet.policy.rollbackAllOnFailure && fleet.select.length > 0) {
    issues.push({ path: 'policy.rollbackAllOnFailure', message: 'needs every function named under functions (a selection may find functions with no earlier release to go back to); list them, or drop rollbackAllOnFailure' });
  }
  return issues;
}

/** Validates a fleet manifest and builds the fleet's input; throws ManifestError listing every problem. */
export async function buildFleet(options: Omit<BuildOptions, 'flags'> & { file: string }): Promise<BuiltFleet> {
  const source = options.file;
  const raw = (options.raw ?? (await readManifestFile(options.file))) as Record<string, unknown>;
  const fleetPart = Object.fromEntries(FLEET_KEYS.filter((k) => k in raw).map((k) => [k, raw[k]]));
  const defaults = Object.fromEntries(Object.entries(raw).filter(([k]) => !(FLEET_KEYS as readonly string[]).includes(k)));
  const issues: ManifestIssue[] = [];
  if ('function' in defaults) issues.push({ path: 'function', message: 'a fleet manifest names its functions under functions (or select); remove function' });
  delete defaults.function;
  const parsed = fleetSchema.safeParse(fleetPart);
  if (!parsed.success) throw new ManifestError([...issues, ...issuesFromZod(parsed.error, () => undefined)], source);
  const fleet = parsed.data;
  issues.push(...crossIssues(fleet));
  if (issues.length > 0) throw new ManifestError(issues, source);

  // Named functions without fields of their own share one group; any other entry is a group of its own.
  const entries: Entry[] = [];
  const shared = fleet.functions.filter((f) => OWN_FIELDS.every((k) => f[k] === undefined)).map((f) => f.name);
  if (shared.length > 0) entries.push({ path: 'functions', own: {}, names: shared });
  fleet.functions.forEach((f, i) => {
    if (OWN_FIELDS.some((k) => f[k] !== undefined)) entries.push({ path: `functions[${i}]`, own: pick(f), names: [f.name] });
  });
  fleet.select.forEach((s, i) => entries.push({ path: `select[${i}]`, own: pick(s), namespace: s.namespace, match: (s.prefix ?? s.match)! }));

  const baseDir = path.dirname(path.resolve(options.file));
  const groups: FleetGroup[] = [];
  const warnings = new Set<string>();
  const seen = new Set<string>();
  for (const entry of entries) {
    const composed = {
      ...defaults,
      ...entry.own,
      ...(entry.namespace !== undefined && { namespace: entry.namespace }),
      function: 'names' in entry ? entry.names[0] : 'fleet-selection',
    };
    try {
      const built = await buildReleaseFrom(composed, { ...options, source, baseDir });
      const { releaseId: _id, functionName: _fn, startedBy: _by, ...release } = built.input;
      groups.push({ functions: 'names' in entry ? { names: entry.names } : { match: entry.match }, release });
      built.warnings.forEach((w) => warnings.add(w));
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      for (const issue of err.issues) {
        const field = issue.path.split(/[.[]/)[0];
        const where = (OWN_FIELDS as readonly string[]).includes(field) && entry.own[field as (typeof OWN_FIELDS)[number]] !== undefined ? `${entry.path}.${issue.path}` : issue.path;
        const key = `${where}\n${issue.message}`;
        if (!seen.has(key)) issues.push({ path: where, message: issue.message });
        seen.add(key);
      }
    }
  }
  if (issues.length > 0) throw new ManifestError(issues, source);

  const policy: FleetPolicy = {
    maxConcurrency: fleet.policy.maxConcurrency,
    ...(fleet.policy.stopAfterFailures !== undefined && { stopAfterFailures: fleet.policy.stopAfterFailures }),
    rollbackAllOnFailure: fleet.policy.rollbackAllOnFailure,
    waves: fleet.policy.waves,
  };
  const input: FleetInput = {
    fleetId: newReleaseId(options.now).replace(/^r-/, 'fl-'),
    startedBy: options.startedBy ?? defaultStartedBy(),
    groups,
    policy,
  };
  const bytes = Buffer.byteLength(JSON.stringify(input));
  if (bytes > MAX_RELEASE_INPUT_BYTES) {
    throw new ManifestError([{ path: '', message: `makes a fleet input of ${(bytes / 1024 / 1024).toFixed(1)} MiB, more than the 1 MiB a workflow input may carry; share packages between functions or split the fleet` }], source);
  }
  return { input, warnings: [...warnings] };
}

function pick(entry: Partial<Record<(typeof OWN_FIELDS)[number], unknown>>): Entry['own'] {
  return Object.fromEntries(OWN_FIELDS.filter((k) => entry[k] !== undefined).map((k) => [k, entry[k]]));
}
