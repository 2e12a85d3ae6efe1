#!/usr/bin/env node
// The `scf-release` command. In a source checkout (client/cli.ts beside this file) it runs the
// TypeScript through tsx, so `npx scf-release` never runs a stale build; where only the compiled
// tree exists (the image, a package built with `npm run build`) it runs dist/client/cli.js.
const { existsSync } = require('node:fs');
const path = require('node:path');

const source = path.join(__dirname, 'cli.ts');
if (existsSync(source)) {
  require('tsx/cjs');
  require(source);
} else {
  require(path.join(__dirname, '..', 'dist', 'client', 'cli.js'));
}
