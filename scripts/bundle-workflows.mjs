#!/usr/bin/env node
// Builds the workflow bundle (`bundleWorkflowCode` over workflows/) into one file, for a worker started
// with SCF_RELEASE_WORKFLOW_BUNDLE=<that file> (worker/config.ts). The Dockerfile runs it at image build
// time, so the bundle always comes from the code in the same image (a bundle from other code breaks
// replay) and the worker does not spend seconds bundling at every start.
//   node scripts/bundle-workflows.mjs <output file>
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { bundleWorkflowCode } = require('@temporalio/worker');

const output = process.argv[2];
if (!output) {
  process.stderr.write('usage: node scripts/bundle-workflows.mjs <output file>\n');
  process.exit(2);
}

const quiet = () => {};
const { code } = await bundleWorkflowCode({
  workflowsPath: path.join(root, 'workflows', 'index.ts'),
  logger: { trace: quiet, debug: quiet, info: quiet, log: quiet, warn: console.warn, error: console.error },
});
const target = path.resolve(output);
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, code);
process.stderr.write(`workflow bundle: ${target} (${code.length} bytes)\n`);
