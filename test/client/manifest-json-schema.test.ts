/**
 * The manifest's JSON Schema (schema/manifest.schema.json): the committed file is what the zod schema
 * generates, the examples point editors at it, and it accepts the examples and refuses the typos
 * the CLI refuses. Pure: no Temporal, no simulator.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import YAML from 'yaml';
import { MANIFEST_SCHEMA_PATH, manifestJsonSchemaText } from '../../client/manifest/json-schema';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('the manifest JSON Schema', () => {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(read(MANIFEST_SCHEMA_PATH)));

  it('when generated from the zod schema, then it equals the committed file (run `npm run schema` after changing the schema)', () => {
    expect(read(MANIFEST_SCHEMA_PATH)).toBe(manifestJsonSchemaText());
  });

  it('when an editor opens the YAML example, then its first line points it at the schema', () => {
    expect(read('examples/release.yaml').split('\n')[0]).toBe(`# yaml-language-server: $schema=../${MANIFEST_SCHEMA_PATH}`);
    expect(JSON.parse(read('examples/release.json')).$schema).toBe(`../${MANIFEST_SCHEMA_PATH}`);
  });

  it('when the examples are checked against it, then they pass', () => {
    for (const manifest of [YAML.parse(read('examples/release.yaml')), YAML.parse(read('examples/gated-release.yaml')), JSON.parse(read('examples/release.json'))]) {
      expect(validate(manifest) ? [] : validate.errors).toEqual([]);
    }
  });

  it('when a region, a field or a duration is wrong, then the schema refuses it as the CLI does', () => {
    const base = { function: 'hello-scf', region: 'ap-guangzhou', package: './fn.zip' };
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, regions: ['ap-shangai'] })).toBe(false);
    expect(validate({ ...base, regoins: ['ap-shanghai'] })).toBe(false);
    expect(validate({ ...base, alias: { name: 'live', steps: [{ percent: 100, bake: '5 seconds' }] } })).toBe(false);
    expect(validate({ ...base, alias: { name: 'live', steps: [{ percent: 50, bake: '1h30m' }, { percent: 100, bake: 30 }] } })).toBe(true);
  });
});
