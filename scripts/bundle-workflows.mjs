#!/usr/bin/env node
// Builds the workflow bundles (worker/workflow-bundle.ts): <output file> with workflows/ alone, and its
// traced twin <name>.traced.js with the OpenTelemetry workflow interceptors too, for a worker started
// with SCF_RELEASE_WORKFLOW_BUNDLE=<output file> (worker/config.ts; a tracing worker picks the twin).
// `npm run build` runs it, so the image's bundles always come from the code in the same image (a
// bundle from other code breaks replay) and the worker does not bundle at every start.
//   node scripts/bundle-workflows.mjs <output file>
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

const output = process.argv[2];
if (!output) {
  process.stderr.write('usage: node scripts/bundle-workflows.mjs <output file>\n');
  process.exit(2);
}

// Always from the TypeScript source (through tsx), never from a dist/ that may be older than it.
require('tsx/cjs');
const { bundleReleaseWorkflows, tracedBundlePath } = require('../worker/workflow-bundle.ts');
const target = path.resolve(output);
mkdirSync(path.dirname(target), { recursive: true });
for (const [file, traced] of [[target, false], [tracedBundlePath(target), true]]) {
  const { code } = await bundleReleaseWorkflows({ traced });
  writeFileSync(file, code);
  process.stderr.write(`workflow bundle: ${file} (${code.length} bytes)\n`);
}
