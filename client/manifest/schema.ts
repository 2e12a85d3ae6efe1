/**
 * The release manifest's schema. Every message says what is wrong *and* how to fix it, because the
 * CLI prints it next to the field's path (`alias.steps[1].percent: ...`) and refuses to start.
 * Objects are strict so a misspelt field is refused instead of silently ignored.
 */
import { RELEASE_NOTIFY_EVENTS } from '../../activities/notify';
import { checkPattern } from '../../activities/verification-rules';
import { z } from 'zod';
import type { TrafficStep, VerificationCase } from '../../workflows/definitions';
import { checkDuration, formatDurationMs } from '../../workflows/durations';
import {
  APPROVAL_TIMEOUT_DEFAULT_SECONDS,
  APPROVAL_TIMEOUT_MAX_SECONDS,
  eventSizeProblem,
  MAX_BAKE_MS,
  MAX_EXPECTED_DURATION_MS,
  MAX_TOTAL_BAKE_MS,
  MAX_VERIFICATION_CASES,
  MIN_APPROVAL_TIMEOUT_SECONDS,
  MIN_EXPECTED_DURATION_MS,
} from './limits';
import { didYouMean } from './did-you-mean';
import { isScfRegion, SCF_REGIONS } from './regions';
import { REPLICABLE_TRIGGER_TYPES } from '../../workflows/trigger-plan';

// SCF's naming rules, from the CreateFunction / CreateAlias / CreateNamespace documentation; the
// sync flags (schedules/sync-options.ts) check names against the same rules.
export const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/;
export const NAMESPACE = /^[A-Za-z0-9_-]{1,30}$/;
export const ALIAS_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
/** What each rule asks for, as the messages that refuse a name say it. */
export const FUNCTION_NAME_RULE =
  'must be 2-60 characters: letters, digits, - and _, starting with a letter and ending with a letter or digit, e.g. hello-scf';
export const NAMESPACE_RULE = 'must be 1-30 letters, digits, - or _';
export const ALIAS_NAME_RULE = 'must start with a letter and hold only letters, digits, - and _ (at most 63); e.g. live';
const HANDLER = /^\S+\.[A-Za-z_$][\w$]*$/;
const SHA256 = /^[0-9a-fA-F]{64}$/;

/** A string field with messages for "missing" and "not a string". */
function text(fix: string) {
  return z.string({ error: (issue) => (issue.input === undefined ? `is required; ${fix}` : `must be text; ${fix}`) });
}

const region = text(`use one of: ${SCF_REGIONS.join(', ')}`).refine(isScfRegion, {
  error: (issue) =>
    `"${String(issue.input)}" is not an SCF region; use one of: ${SCF_REGIONS.join(', ')}${didYouMean(String(issue.input), SCF_REGIONS)}`,
});

/** A floor for a duration field: its least value and why less cannot work, for the refusal. */
interface DurationFloor {
  ms: number;
  why: string;
}

/**
 * A duration in the one grammar (durations.ts: `30s`, `2m`, `1h`, `500ms`, a bare number is seconds)
 * within `[min.ms, maxMs]`, to milliseconds.
 */
function durationMs(fix: string, maxMs: number, min?: DurationFloor) {
  return z.unknown().transform((value, ctx): number => {
    const checked = checkDuration(value, maxMs, min?.ms);
    if ('problem' in checked) {
      const message =
        checked.kind === 'unreadable' ? `"${String(value)}" is not a duration; ${fix}`
        : checked.kind === 'too-short' ? `${checked.problem} (${min!.why}); ${fix}`
        : `${checked.problem}; ${fix}`;
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return checked.ms;
  });
}

/**
 * Every invocation takes some time, so a 0 bound fails every release after the primary was updated
 * and published. 1 ms is the grammar's resolution (durations are whole ms): the least bound a fast
 * function can meet, so no tight bound someone means is refused.
 */
const MIN_EXPECTED_DURATION: DurationFloor = {
  ms: MIN_EXPECTED_DURATION_MS,
  why: 'every invocation takes longer than 0 ms, so a release with this bound would update and publish the primary, then roll it back',
};
/** The gate waits for a person; less than a minute would time out before anyone could approve, after replicating everywhere. */
const MIN_APPROVAL_TIMEOUT: DurationFloor = {
  ms: MIN_APPROVAL_TIMEOUT_SECONDS * 1000,
  why: 'nobody can approve that fast: the release would replicate everywhere, then time out and undo it all',
};

/** Handler paths stay inside the zip: no `..` segment, no absolute path, no backslash. */
function handlerStaysInZip(handler: string): boolean {
  return !handler.startsWith('/') && !handler.includes('\\') && !handler.split('/').includes('..');
}

/** `package: ./hello.zip` is shorthand for `package: { path: ./hello.zip }` (likewise URLs and cos://). */
export function packageFromString(value: string): Record<string, string> {
  if (/^https?:\/\//i.test(value)) return { url: value };
  if (/^cos:\/\//i.test(value)) return { cos: value };
  return { path: value };
}

const PACKAGE_SHAPE = {
  path: text('give the zip\'s path (relative to the manifest)').optional(),
  dir: text('give the directory to zip (relative to the manifest); its contents go at the zip\'s root').optional(),
  url: text('give an https:// URL of the zip').optional(),
  cos: text('give cos://<bucket-appid>/<key>?region=<region>').optional(),
  sha256: text('give the zip\'s lowercase hex SHA-256 (sha256sum <zip>)')
    .regex(SHA256, { error: 'must be 64 hex characters; compute it with `sha256sum <zip>`' })
    .transform((value) => value.toLowerCase())
    .optional(),
};

const packageRef = z.preprocess(
  (value) => (typeof value === 'string' ? packageFromString(value) : value),
  z
    .object(PACKAGE_SHAPE, {
      error: (issue) =>
        issue.input === undefined
          ? 'is required; give the code zip as a path, an https:// URL or cos://bucket/key?region=..., or { dir: ./build }'
          : 'must be a path, a URL, or an object with path/dir/url/cos and sha256',
    })
    .strict()
    .superRefine((pkg, ctx) => {
      const given = (['path', 'dir', 'url', 'cos'] as const).filter((key) => pkg[key] !== undefined);
      if (given.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message:
            given.length === 0
              ? 'names no code; set exactly one of path, dir, url or cos'
              : `sets ${given.join(' and ')}; set exactly one of path, dir, url or cos`,
        });
      }
    }),
);

const EXPECT_SHAPE = {
  invokeResult: z
    .number({ error: 'must be a number; 0 means the invocation succeeded' })
    .int({ error: 'must be an integer; 0 means the invocation succeeded' })
    .default(0),
  retMsgJsonSubset: z.unknown().optional(),
  // Evaluated by the worker with RE2 semantics (re2js: linear time, whatever the function answers),
  // so it must compile as RE2: no backreferences, no lookahead or lookbehind.
  retMsgPattern: text('give an RE2 regular expression, e.g. "^\\\\{"')
    .superRefine((pattern, ctx) => {
      // The worker's own rule (activities/verification-rules.ts: RE2 syntax, length and program-size
      // caps), so a pattern it would refuse after the primary was updated is refused before anything starts.
      const problem = checkPattern(pattern);
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (in YAML double quotes escape \\ twice)` });
    })
    .optional(),
  maxDuration: durationMs('write e.g. 500ms, 3s or a number of seconds', MAX_EXPECTED_DURATION_MS, MIN_EXPECTED_DURATION).optional(),
};

const VERIFICATION_SHAPE = {
  name: text('name the case, e.g. "greets"').min(1, { error: 'is empty; name the case' }).optional(),
  // Optional (an absent event is `{}`): `.optional()` before the transform marks the key optional.
  event: z.unknown().optional().transform((value, ctx): string => {
    if (value === undefined) return '{}';
    const event = typeof value === 'string' ? value : JSON.stringify(value);
    if (typeof value === 'string') {
      try {
        JSON.parse(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is text but not JSON; write the event as a YAML/JSON object or as JSON text' });
        return z.NEVER;
      }
    }
    const tooBig = eventSizeProblem(event);
    if (tooBig) {
      ctx.addIssue({ code: 'custom', message: tooBig });
      return z.NEVER;
    }
    return event;
  }),
  expect: z
    .object(EXPECT_SHAPE, { error: 'must be an object with invokeResult, retMsgJsonSubset, retMsgPattern, maxDuration' })
    .strict()
    .optional(),
};

const verificationCase = z
  .object(VERIFICATION_SHAPE, { error: 'must be an object with name, event and expect' })
  .strict()
  .transform((c): Omit<VerificationCase, 'name'> & { name?: string } => ({
    name: c.name,
    event: c.event,
    expect: {
      invokeResult: c.expect?.invokeResult ?? 0,
      ...(c.expect?.retMsgJsonSubset !== undefined && { retMsgJsonSubset: c.expect.retMsgJsonSubset }),
      ...(c.expect?.retMsgPattern !== undefined && { retMsgPattern: c.expect.retMsgPattern }),
      ...(c.expect?.maxDuration !== undefined && { maxDurationMs: c.expect.maxDuration }),
    },
  }));

const STEP_SHAPE = {
  percent: z
    .number({ error: 'is required; give the share of traffic on the new version, 1-100' })
    .int({ error: 'must be a whole number from 1 to 100' })
    .min(1, { error: 'must be at least 1 (a 0% step moves no traffic; drop it)' })
    .max(100, { error: 'must be at most 100' }),
  bake: durationMs('write e.g. 30s, 2m, 1h or a number of seconds', MAX_BAKE_MS).optional(),
};

const trafficSteps = z
  .array(z.object(STEP_SHAPE, { error: 'must be an object with percent and bake' }).strict(), {
    error: 'must be a list of { percent, bake } steps',
  })
  .min(1, { error: 'is empty; give at least one step, the last with percent: 100' })
  .superRefine((steps, ctx) => {
    steps.forEach((step, i) => {
      if (i > 0 && step.percent <= steps[i - 1].percent) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'percent'],
          message: `is ${step.percent}, not more than the previous step's ${steps[i - 1].percent}; percentages must strictly increase`,
        });
      }
    });
    const totalBakeMs = steps.reduce((sum, step) => sum + (step.bake ?? 0), 0);
    if (totalBakeMs > MAX_TOTAL_BAKE_MS) {
      ctx.addIssue({
        code: 'custom',
        message: `bake ${formatDurationMs(totalBakeMs)} in all, more than the ${formatDurationMs(MAX_TOTAL_BAKE_MS)} a release may hold the function with traffic split; shorten the bakes`,
      });
    }
    const last = steps[steps.length - 1];
    // zod runs this refinement even when `.min(1)` already failed: an empty list has no last step.
    if (last && last.percent !== 100) {
      ctx.addIssue({
        code: 'custom',
        path: [steps.length - 1, 'percent'],
        message: `is ${last.percent}; the last step must be 100 so the release ends with all traffic on the new version`,
      });
    }
  })
  .transform((steps): TrafficStep[] =>
    steps.map((step) => ({ percent: step.percent, bakeSeconds: Math.ceil((step.bake ?? 0) / 1000) })),
  );

/** `1%`, `0.5 %` or a number (percent) → percent. */
const percentValue = z.unknown().transform((value, ctx): number => {
  const m = typeof value === 'number' ? [String(value), String(value)] : typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value) : null;
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > 100) {
    ctx.addIssue({ code: 'custom', message: `"${String(value)}" is not a percentage from 0 to 100; write e.g. 1%` });
    return z.NEVER;
  }
  return n;
});

const GATE_SHAPE = {
  maxErrorRate: percentValue.optional(),
  maxAvgDuration: durationMs('write e.g. 800ms or 2s', 900_000).optional(),
  minInvocations: z.number({ error: 'must be a number of invocations, e.g. 50' }).int({ error: 'must be a whole number' }).min(0, { error: 'must be at least 0' }),
  inconclusive: z.enum(['wait', 'pass', 'fail'], { error: 'must be wait, pass or fail (what too little traffic means)' }).default('wait'),
  // SCF publishes 60 s and 300 s periods; shorter ones only the simulator serves (its fast period).
  period: durationMs('write 60s or 300s (shorter only against the simulator)', 300_000).optional(),
  maxWaits: z.number({ error: 'must be a number of periods, e.g. 5' }).int({ error: 'must be a whole number' }).min(0).max(60, { error: 'must be at most 60' }).optional(),
  // Limits against the version the alias served before, over the same window (its own traffic share).
  relativeTo: z.enum(['previous'], { error: 'must be previous (the version the alias served before the release)' }).optional(),
  maxErrorRateIncrease: percentValue.optional(),
  maxAvgDurationIncrease: durationMs('write e.g. 100ms', 900_000).optional(),
};

const ALIAS_SHAPE = {
  name: text('name the alias, e.g. live').regex(ALIAS_NAME, { error: ALIAS_NAME_RULE }),
  steps: trafficSteps.optional(),
  requireApproval: z.boolean({ error: 'must be true or false' }).default(false),
  gate: z
    .object(GATE_SHAPE, { error: 'must be an object: { maxErrorRate, maxAvgDuration, minInvocations, inconclusive }' })
    .strict()
    .refine((g) => [g.maxErrorRate, g.maxAvgDuration, g.maxErrorRateIncrease, g.maxAvgDurationIncrease].some((limit) => limit !== undefined), {
      error: 'sets no limit; give maxErrorRate and/or maxAvgDuration (or, with relativeTo: previous, maxErrorRateIncrease / maxAvgDurationIncrease)',
    })
    .refine((g) => g.relativeTo === 'previous' || (g.maxErrorRateIncrease === undefined && g.maxAvgDurationIncrease === undefined), {
      error: 'an increase is relative to another version: add relativeTo: previous',
    })
    .optional(),
  approvalTimeout: durationMs(
    `write e.g. 30m, 4h, 2d (default ${formatDurationMs(APPROVAL_TIMEOUT_DEFAULT_SECONDS * 1000)}, at most ${formatDurationMs(APPROVAL_TIMEOUT_MAX_SECONDS * 1000)})`,
    APPROVAL_TIMEOUT_MAX_SECONDS * 1000,
    MIN_APPROVAL_TIMEOUT,
  ).optional(),
};

/** A COS bucket as SCF names it in a trigger: `name-appid`. */
const COS_BUCKET = /^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?-\d{5,}$/;

const REPLICATE_TRIGGERS_SHAPE = {
  types: z
    .array(z.enum(REPLICABLE_TRIGGER_TYPES, { error: `must be one of ${REPLICABLE_TRIGGER_TYPES.join(', ')}` }), {
      error: 'must be a list of trigger types, e.g. [timer, apigw]',
    })
    .min(1, { error: 'must name at least one trigger type, e.g. [timer, apigw]' }),
  cos: z
    .union(
      [
        z.literal('skip'),
        z.object({
          map: z.record(region, text('give the bucket as name-appid, e.g. uploads-1250000000').regex(COS_BUCKET, {
            error: 'must be a bucket as name-appid (bucket-appid), e.g. uploads-1250000000',
          })),
        }).strict(),
      ],
      { error: 'must be skip or { map: { <region>: <bucket-appid> } }: a COS trigger needs a bucket in the new region' },
    )
    .default('skip'),
};

const MANIFEST_SHAPE = {
  // Where editors find the JSON Schema (schema/manifest.schema.json); not part of the release.
  $schema: text('give the path or URL of the manifest\'s JSON Schema').optional(),
  function: text('name the SCF function, e.g. hello-scf').regex(FUNCTION_NAME, { error: FUNCTION_NAME_RULE }),
  namespace: text('name the SCF namespace, or leave it out for "default"')
    .regex(NAMESPACE, { error: NAMESPACE_RULE })
    .default('default'),
  region,
  regions: z
    .array(region, { error: 'must be a list of SCF regions, e.g. [ap-shanghai, ap-singapore]' })
    .default([])
    .superRefine((regions, ctx) => {
      regions.forEach((r, i) => {
        if (regions.indexOf(r) !== i) {
          ctx.addIssue({ code: 'custom', path: [i], message: `${r} is listed twice; list each region once` });
        }
      });
    }),
  package: packageRef,
  handler: text('give file.function, e.g. index.main_handler')
    .regex(HANDLER, { error: 'must be file.function, e.g. index.main_handler' })
    .refine(handlerStaysInZip, { error: 'must name a file inside the zip (no .., no leading /, no \\), e.g. src/index.main_handler' })
    .optional(),
  description: text('describe the release in a sentence').max(1000, { error: 'is over 1000 characters; shorten it' }).optional(),
  verification: z
    .array(verificationCase, { error: 'must be a list of cases: { name, event, expect }' })
    .max(MAX_VERIFICATION_CASES, { error: `has more than ${MAX_VERIFICATION_CASES} cases; each runs in every region and at every bake probe, keep the ones that matter` })
    .default([]),
  alias: z
    .object(ALIAS_SHAPE, { error: 'must be an object with name, steps, requireApproval and approvalTimeout' })
    .strict()
    .superRefine((alias, ctx) => {
      if (alias.approvalTimeout !== undefined && !alias.requireApproval) {
        ctx.addIssue({ code: 'custom', path: ['approvalTimeout'], message: 'is set but requireApproval is not true; set requireApproval: true or remove approvalTimeout' });
      }
    })
    .optional(),
  // Field paths (as the refusal prints them) whose credential-looking values are test data, not
  // secrets: they go to the function and into workflow history in clear (credentials.ts).
  notSecrets: z
    .array(text('give the field path the refusal named, e.g. verification[0].event.apiKey'), {
      error: 'must be a list of field paths, e.g. [verification[0].event.apiKey]',
    })
    .default([]),
  override: z.boolean({ error: 'must be true or false (true deletes the target\'s versions and triggers)' }).default(false),
  replicateTriggers: z
    .object(REPLICATE_TRIGGERS_SHAPE, { error: 'must be an object with types (and cos), e.g. { types: [timer, apigw] }' })
    .strict()
    .optional(),
  // Who is told (channel names the worker resolves from SCF_NOTIFY_CHANNELS; no URL or secret here).
  notify: z
    .array(
      z
        .object({
          channel: text('name a channel the worker knows (SCF_NOTIFY_CHANNELS), e.g. ops'),
          events: z.array(z.enum(RELEASE_NOTIFY_EVENTS, { error: `must be one of ${RELEASE_NOTIFY_EVENTS.join(', ')}` })).min(1, { error: 'name at least one event' }),
        })
        .strict(),
      { error: 'must be a list of { channel, events }' },
    )
    .optional(),
  regionConcurrency: z
    .number({ error: 'must be a number of regions, e.g. 2' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(SCF_REGIONS.length, { error: `must be at most ${SCF_REGIONS.length}` })
    .optional(),
};

export const manifestSchema = z
  .object(MANIFEST_SHAPE, { error: 'must be a mapping of fields (function, region, package, ...)' })
  .strict()
  .superRefine((manifest, ctx) => {
    const primaryAt = manifest.regions.indexOf(manifest.region);
    if (primaryAt >= 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['regions', primaryAt],
        message: `${manifest.region} is the primary region (region); remove it from regions`,
      });
    }
    const names = manifest.verification.map((c, i) => c.name ?? `case-${i + 1}`);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) {
        ctx.addIssue({ code: 'custom', path: ['verification', i, 'name'], message: `"${name}" is used twice; name each case once` });
      }
    });
  })
  .transform(({ $schema: _schema, ...m }) => ({
    ...m,
    verification: m.verification.map((c, i): VerificationCase => ({ ...c, name: c.name ?? `case-${i + 1}` })),
    alias: m.alias && {
      name: m.alias.name,
      // An alias without steps moves all traffic at once.
      steps: m.alias.steps ?? [{ percent: 100, bakeSeconds: 0 }],
      requireApproval: m.alias.requireApproval,
      ...(m.alias.gate && {
        gate: {
          minInvocations: m.alias.gate.minInvocations,
          inconclusive: m.alias.gate.inconclusive,
          ...(m.alias.gate.maxErrorRate !== undefined && { maxErrorRatePercent: m.alias.gate.maxErrorRate }),
          ...(m.alias.gate.maxAvgDuration !== undefined && { maxAvgDurationMs: m.alias.gate.maxAvgDuration }),
          ...(m.alias.gate.period !== undefined && { periodSeconds: Math.max(1, Math.round(m.alias.gate.period / 1000)) }),
          ...(m.alias.gate.maxWaits !== undefined && { maxWaits: m.alias.gate.maxWaits }),
          ...(m.alias.gate.relativeTo && { relativeTo: m.alias.gate.relativeTo }),
          ...(m.alias.gate.maxErrorRateIncrease !== undefined && { maxErrorRateIncreasePercent: m.alias.gate.maxErrorRateIncrease }),
          ...(m.alias.gate.maxAvgDurationIncrease !== undefined && { maxAvgDurationIncreaseMs: m.alias.gate.maxAvgDurationIncrease }),
        },
      }),
      ...(m.alias.requireApproval && {
        approvalTimeoutSeconds: m.alias.approvalTimeout !== undefined ? Math.ceil(m.alias.approvalTimeout / 1000) : APPROVAL_TIMEOUT_DEFAULT_SECONDS,
      }),
    },
  }));

export type Manifest = z.output<typeof manifestSchema>;

/** Each object's known fields by path (array indexes as `[]`), for "unknown field" messages. */
export const KNOWN_FIELDS: Record<string, string[]> = {
  '': Object.keys(MANIFEST_SHAPE).filter((key) => key !== '$schema'),
  package: Object.keys(PACKAGE_SHAPE),
  'verification[]': Object.keys(VERIFICATION_SHAPE),
  'verification[].expect': Object.keys(EXPECT_SHAPE),
  alias: Object.keys(ALIAS_SHAPE),
  'alias.steps[]': Object.keys(STEP_SHAPE),
  'alias.gate': Object.keys(GATE_SHAPE),
  replicateTriggers: Object.keys(REPLICATE_TRIGGERS_SHAPE),
};
