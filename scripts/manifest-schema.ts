/** `npm run schema`: writes schema/manifest.schema.json from the zod schema (client/manifest/json-schema.ts). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST_SCHEMA_PATH, manifestJsonSchemaText } from '../client/manifest/json-schema';

const file = path.resolve(__dirname, '..', MANIFEST_SCHEMA_PATH);
writeFileSync(file, manifestJsonSchemaText());
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
