import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalArtifactStore } from '../../activities/artifact-store';
import { CosBackedArtifactStore } from '../../activities/cos-artifact-store';
import { CosObjects } from '../../activities/cos-client';
import { CredentialChain } from '../../activities/scf-client';
import { DEFAULT_CREDENTIALS, createZip, type RunningSimulator } from '../../simulator';
import { startFast } from '../simulator/helpers';

describe('snapshots kept in COS (CosBackedArtifactStore)', () => {
  let sim: RunningSimulator;
  const dirs: string[] = [];
  const region = 'ap-guangzhou';
  const fresh = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'cos-store-'));
    dirs.push(d);
    return d;
  };
  beforeAll(async () => {
    sim = await startFast();
  });
  afterAll(async () => {
    await sim.stop();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });
  const storeOn = (dir: string) => {
    const cos = { bucket: sim.admin.defaultCosBucket(region), region, prefix: 'snaps', endpoint: sim.endpoint };
    return new CosBackedArtifactStore(new LocalArtifactStore(dir), new CosObjects({ endpoint: sim.endpoint, credential: DEFAULT_CREDENTIALS }), cos);
  };
  const commitBytes = async (store: CosBackedArtifactStore, bytes: Buffer) => {
    const tmp = await store.tempPath();
    writeFileSync(tmp, bytes);
    return store.commit(tmp, createHash('sha256').update(bytes).digest('hex'));
  };

  test('when one worker commits a snapshot, then another with an empty dir has it and reads the same bytes', async () => {
    const bytes = createZip({ 'index.js': 'exports.main_handler = async () => "snap";\n' });
    const sha = createHash('sha256').update(bytes).digest('hex');
    const ref = await commitBytes(storeOn(fresh()), bytes);
    const other = storeOn(fresh());
    expect(await other.has(sha)).toBe(true);
    expect((await other.read(ref)).equals(bytes)).toBe(true);
    expect(await other.local.has(sha)).toBe(true);
  });

  test('when the object in COS was changed, then reading it is refused, never used', async () => {
    const bytes = createZip({ 'index.js': 'exports.main_handler = async () => "orig";\n' });
    const sha = createHash('sha256').update(bytes).digest('hex');
    const store = storeOn(fresh());
    await commitBytes(store, bytes);
    sim.admin.putCosObject({ bucket: sim.admin.defaultCosBucket(region), region, key: `snaps/sha256/${sha}.zip`, body: Buffer.from('tampered') });
    await expect(storeOn(fresh()).read(sha)).rejects.toThrow(/in COS has sha256 .*changed or damaged/);
  });

  test('when no credentials are found, then the COS call fails saying so (not a bare SDK message)', async () => {
    const objects = new CosObjects({ endpoint: sim.endpoint, credential: new CredentialChain([]) });
    await expect(objects.head({ bucket: sim.admin.defaultCosBucket(region), region, key: 'x' })).rejects.toMatchObject({ code: 'MissingCredentials', message: expect.stringMatching(/no Tencent Cloud credentials found/) });
  });
});
