#!/usr/bin/env node
// Installed entry point: runs the TypeScript CLI through tsx, so there is no build step to forget.
require('tsx/cjs');
require('./cli.ts');
