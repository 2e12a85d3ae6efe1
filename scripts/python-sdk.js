// Installs the official Tencent Cloud Python SDK (common + SCF, pinned) into a project-local folder,
// for the fidelity check that drives the SCF simulator with a second official client
// (test/fidelity/python-sdk.test.ts). Plain CommonJS with no dependencies, like temporal-cli.js.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const projectRoot = path.resolve(__dirname, '..');

/** Exact pins: the SCF package (3.1.100) requires tencentcloud-sdk-python-common >=3.1.100,<4. */
const PINNED = { common: '3.1.195', scf: '3.1.100' };

/** `.tools/python-sdk/<common>-<scf>`: put it on PYTHONPATH. */
function installDir() {
  return path.join(projectRoot, '.tools', 'python-sdk', `${PINNED.common}-${PINNED.scf}`);
}

const PYTHON = process.env.PYTHON || 'python3';

/** True when the folder imports both packages at the pinned versions. */
function installed(dir) {
  if (!fs.existsSync(path.join(dir, 'tencentcloud', 'scf', 'v20180416', 'scf_client.py'))) return false;
  const run = spawnSync(
    PYTHON,
    ['-c', 'import tencentcloud, tencentcloud.scf.v20180416.scf_client as c; print(tencentcloud.__version__)'],
    { encoding: 'utf8', env: { ...process.env, PYTHONPATH: dir, PYTHONNOUSERSITE: '1' } },
  );
  return run.status === 0;
}

/**
 * Returns `{ dir, python, common, scf }`; installs the pinned packages with pip when missing.
 * Throws an Error whose message says what failed and how to install by hand.
 */
function ensurePythonScfSdk({ log = () => {} } = {}) {
  const dir = installDir();
  const specs = [`tencentcloud-sdk-python-common==${PINNED.common}`, `tencentcloud-sdk-python-scf==${PINNED.scf}`];
  const byHand = `  ${PYTHON} -m pip install --target ${dir} ${specs.join(' ')}`;
  if (!installed(dir)) {
    const py = spawnSync(PYTHON, ['--version'], { encoding: 'utf8' });
    if (py.status !== 0) {
      throw new Error(`The Python SCF SDK needs Python 3 with pip, but \`${PYTHON} --version\` failed (${py.error?.message ?? py.stderr}). Install Python 3, or set PYTHON, then run:\n${byHand}`);
    }
    log(`Installing the Tencent Cloud Python SDK (${specs.join(', ')}) into ${dir} ...`);
    fs.rmSync(dir, { recursive: true, force: true });
    try {
      execFileSync(
        PYTHON,
        ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '--upgrade', '--target', dir, ...specs],
        { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
      );
    } catch (err) {
      const detail = String(err.stderr || err.message || err).trim();
      throw new Error(`Could not install the Tencent Cloud Python SDK with pip:\n${detail}\nInstall it by hand:\n${byHand}`);
    }
    if (!installed(dir)) throw new Error(`pip finished but ${dir} does not import tencentcloud.scf.v20180416.scf_client.\nInstall it by hand:\n${byHand}`);
  }
  return { dir, python: PYTHON, common: PINNED.common, scf: PINNED.scf };
}

module.exports = { ensurePythonScfSdk, installDir, pinned: PINNED };

if (require.main === module) {
  try {
    const sdk = ensurePythonScfSdk({ log: (l) => console.error(l) });
    console.log(sdk.dir);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
