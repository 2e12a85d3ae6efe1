import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { buildRelease, ManifestError } from '../../client/manifest';
import { packageStagingFromEnv, stagePackage, unstagedPathWarning } from '../../client/package/stage';
import { DEFAULT_CREDENTIALS, createZip, type RunningSimulator } from '../../simulator';
import { startFast } from '../simulator/helpers';

describe('local packages are staged in COS', () => {
  let sim: RunningSimulator;
  const region = 'ap-guangzhou';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stage-'));
  const build = path.join(dir, 'build');
  const simEnv = () => ({ SCF_ENDPOINT: sim.url }) as NodeJS.ProcessEnv;
  const manifest = (pkg: unknown) => {
    const file = path.join(dir, `release-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, YAML.stringify({ function: 'hello-scf', region, handler: 'index.main_handler', package: pkg }));
    return file;
  };
  beforeAll(async () => {
    sim = await startFast();
    mkdirSync(build, { recursive: true });
    writeFileSync(path.join(build, 'index.js'), 'exports.main_handler = async () => "dir";\n');
  });
  afterAll(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('when a directory is staged twice, then it is uploaded once under <prefix>/sha256/<hex>.zip and the sha256 is the bytes in COS', async () => {
    const bucket = sim.admin.defaultCosBucket(region);
    const cos = { bucket, region, prefix: 'team/pkgs', endpoint: sim.endpoint };
    const first = await stagePackage({ dir: build }, { cos, credential: DEFAULT_CREDENTIALS });
    const second = await stagePackage({ dir: build }, { cos, credential: DEFAULT_CREDENTIALS });
    expect(first.uploaded).toBe(true);
    expect(second.uploaded).toBe(false);
    expect(second.pkg).toEqual(first.pkg);
    expect(first.pkg.location).toBe(`cos://${bucket}/team/pkgs/sha256/${first.pkg.sha256}.zip?region=${region}`);
    const stored = sim.admin.listCosObjects().filter((o) => o.key.startsWith('team/pkgs/'));
    expect(stored.map((o) => o.key)).toEqual([`team/pkgs/sha256/${first.pkg.sha256}.zip`]);
  });

  test('when the manifest says package: { dir } against the simulator with no bucket set, then the release carries cos:// in the default bucket, not a path', async () => {
    const { input, warnings } = await buildRelease({ file: manifest({ dir: './build' }), scfEndpoint: sim.url, staging: packageStagingFromEnv(simEnv(), sim.endpoint) });
    const bucket = sim.admin.defaultCosBucket(region);
    expect(input.pkg.location).toBe(`cos://${bucket}/scf-release/sha256/${input.pkg.sha256}.zip?region=${region}`);
    expect(JSON.stringify(input)).not.toContain(dir);
    expect(warnings.join('\n')).not.toMatch(/local path/);
  });

  test('when a zip file is released with SCF_COS_BUCKET set, then it is staged there and its sha256 is the file\'s', async () => {
    const zip = createZip({ 'index.js': 'exports.main_handler = async () => "zip";\n' });
    writeFileSync(path.join(dir, 'fn.zip'), zip);
    sim.admin.createCosBucket({ bucket: 'mine-' + sim.admin.defaultCosBucket(region).split('-').pop(), region });
    const env = { ...simEnv(), SCF_COS_BUCKET: 'mine-' + sim.admin.defaultCosBucket(region).split('-').pop(), SCF_COS_REGION: region, TENCENTCLOUD_SECRET_ID: DEFAULT_CREDENTIALS.secretId, TENCENTCLOUD_SECRET_KEY: DEFAULT_CREDENTIALS.secretKey, SCF_CREDENTIALS: 'env' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const { input } = await buildRelease({ file: manifest('./fn.zip'), scfEndpoint: sim.url, staging: packageStagingFromEnv(env, sim.endpoint) });
      expect(input.pkg.sha256).toBe(createHash('sha256').update(zip).digest('hex'));
      expect(input.pkg.location).toMatch(new RegExp(`^cos://${env.SCF_COS_BUCKET}/scf-release/sha256/${input.pkg.sha256}\\.zip\\?region=${region}$`));
    } finally {
      process.env = saved;
    }
  });

  test('when a zip is bigger than the inline ZipFile limit and a bucket is configured, then it is staged in parts instead of refused', async () => {
    const zip = createZip({ 'index.js': 'exports.main_handler = async () => "big";\n', 'blob.bin': randomBytes(16 * 1024 * 1024) });
    expect(zip.length).toBeGreaterThan(16 * 1024 * 1024);
    writeFileSync(path.join(dir, 'big.zip'), zip);
    const { input } = await buildRelease({ file: manifest('./big.zip'), scfEndpoint: sim.url, staging: packageStagingFromEnv(simEnv(), sim.endpoint) });
    const stored = sim.admin.listCosObjects().find((o) => o.key === `scf-release/sha256/${input.pkg.sha256}.zip`);
    expect(stored?.size).toBe(zip.length);
    expect(input.pkg.sha256).toBe(createHash('sha256').update(zip).digest('hex'));
  });

  test('when no bucket is configured against real Tencent, then a zip keeps its path with a warning and a directory is refused', async () => {
    writeFileSync(path.join(dir, 'fn.zip'), createZip({ 'index.js': 'exports.main_handler = async () => "zip";\n' }));
    const staging = packageStagingFromEnv({}, undefined);
    expect(staging).toBeUndefined();
    const { input } = await buildRelease({ file: manifest('./fn.zip'), staging });
    expect(input.pkg.location).toBe(path.join(dir, 'fn.zip'));
    expect(unstagedPathWarning(input.pkg.location)).toMatch(/no COS bucket is configured.*local path .*fn\.zip.*every worker must be able to read/);
    const err = await buildRelease({ file: manifest({ dir: './build' }), staging }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as ManifestError).issues).toEqual([expect.objectContaining({ path: 'package.dir', message: expect.stringMatching(/SCF_COS_BUCKET/) })]);
  });
});
