/**
 * The manifest's JSON Schema, for editors (yaml-language-server, VS Code): generated from the zod
 * schema (`z.toJSONSchema`, input side), then given what zod cannot express as JSON Schema — the
 * region list (a refinement), the package's string shorthand (a preprocess) and the duration grammar
 * (a transform) — and a description for each top-level field. `npm run schema` writes it to
 * schema/manifest.schema.json; a test checks the committed file is what this generates.
 */
import { z } from 'zod';
import { DURATION_GRAMMAR, DURATION_PATTERN } from '../../workflows/durations';
import { SCF_REGIONS } from './regions';
import { manifestSchema } from './schema';

export const MANIFEST_SCHEMA_PATH = 'schema/manifest.schema.json';

type JsonSchema = { [key: string]: unknown; properties?: Record<string, JsonSchema>; items?: JsonSchema };

const DESCRIPTIONS: Record<string, string> = {
  function: 'The SCF function to release, e.g. hello-scf.',
  namespace: 'Its SCF namespace (default: default).',
  region: 'The primary region: updated, published and verified first.',
  regions: 'The other target regions (each once, not the primary). Updated in place, or created by CopyFunction.',
  package: 'The code zip: a path (relative to the manifest), an https:// URL or cos://bucket/key?region=..., or { path | url | cos, sha256 }.',
  handler: 'file.function, e.g. index.main_handler; absent keeps the current handler.',
  description: 'The published version\'s description.',
  verification: 'Cases invoked against the new version in every region before traffic moves; all must pass.',
  alias: 'Shift this alias to the new version step by step, baking at each share.',
  notSecrets: 'Field paths whose credential-looking values are test data, not secrets.',
  override: 'DANGER: CopyFunction with Override deletes an existing target function with its versions and triggers.',
  regionConcurrency: 'How many target regions are replicated at once.',
};

const duration = (description: string): JsonSchema => ({
  description: `${description}: ${DURATION_GRAMMAR}.`,
  anyOf: [{ type: 'string', pattern: DURATION_PATTERN }, { type: 'number', minimum: 0 }],
});

export function manifestJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(manifestSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const props = schema.properties!;
  schema.$id = 'https://scf-release.dev/schema/manifest.schema.json';
  schema.title = 'scf-release release manifest';
  const regionEnum = { type: 'string', enum: [...SCF_REGIONS] };
  props.region = regionEnum;
  props.regions = { ...props.regions, items: regionEnum };
  props.package = { anyOf: [{ type: 'string', minLength: 1 }, props.package] };
  const expect = props.verification!.items!.properties!.expect!;
  expect.properties!.maxDuration = duration('The longest an invocation may take');
  props.verification!.items!.properties!.event = { description: 'The event: a YAML/JSON object, or JSON text.' };
  const alias = props.alias!;
  alias.properties!.approvalTimeout = duration('With requireApproval: abort and undo when nobody approves in time');
  alias.properties!.steps!.items!.properties!.bake = duration('How long to bake at this share');
  for (const [field, description] of Object.entries(DESCRIPTIONS)) props[field] = { description, ...props[field] };
  return schema;
}

/** The file's text: stable key order (as generated), two-space indent, a final newline. */
export function manifestJsonSchemaText(): string {
  return `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`;
}
