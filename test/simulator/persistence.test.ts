import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import COS from 'cos-nodejs-sdk-v5';
import { DEFAULT_CREDENTIALS, createZip, type RunningSimulator, type SimulatorAdmin } from '../../simulator';
import { HELLO, clientFor, startFast, waitStatus } from './helpers';

/**
 * With a dataDir, what an admin call changed is written to the state file shortly after, like an API
 * change: a simulator that dies before stopping cleanly (which writes the file anyway) keeps it. The
 * first simulator is therefore not stopped before the second one reads the same dataDir.
 */
describe('SCF simulator dataDir', () => {
  const dirs: string[] = [];
  const running: RunningSimulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** Runs `change` on a simulator over a fresh dataDir, waits for the state file, and starts a second simulator on it. */
  async function restartedAfter(change: (admin: SimulatorAdmin) => void): Promise<RunningSimulator> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'scf-sim-data-'));
    dirs.push(dataDir);
    const first = await startFast({ dataDir });
    running.push(first);
    change(first.admin);
    const stateFile = path.join(dataDir, 'scf-simulator-state.json');
    const deadline = Date.now() + 30_000;
    while (!existsSync(stateFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const second = await startFast({ dataDir });
    running.push(second);
    return second;
  }

  test('when a namespace is seeded through the admin API, then a simulator started on the same dataDir has it', async () => {
    const sim = await restartedAfter((admin) => admin.seedNamespace({ region: 'ap-guangzhou', namespace: 'seeded-ns', description: 'kept' }));
    const { Namespaces } = await clientFor(sim).ListNamespaces({});
    expect(Namespaces?.map((n) => [n.Name, n.Description])).toEqual(expect.arrayContaining([['seeded-ns', 'kept']]));
  });

  test('when a COS object is put through the admin API, then a simulator started on the same dataDir creates a function from it', async () => {
    const zip = createZip(HELLO);
    const sim = await restartedAfter((admin) => admin.putCosObject({ bucket: 'pkgs-1250000000', key: 'hello.zip', region: 'ap-guangzhou', body: zip }));
    const client = clientFor(sim);
    await client.CreateFunction({
      FunctionName: 'fromcos', Handler: 'index.main_handler', Runtime: 'Nodejs18.15',
      Code: { CosBucketName: 'pkgs', CosObjectName: '/hello.zip', CosBucketRegion: 'ap-guangzhou' },
    });
    await waitStatus(client, 'fromcos', 'Active');
    expect(sim.admin.getFunction('ap-guangzhou', 'default', 'fromcos')?.codeSha256).toBe(createHash('sha256').update(zip).digest('hex'));
  });

  test('when an empty COS bucket is created, then a simulator started on the same dataDir still has it', async () => {
    let bucket = '';
    const sim = await restartedAfter((admin) => void (bucket = admin.defaultCosBucket('ap-shanghai')));
    const cos = new COS({ SecretId: DEFAULT_CREDENTIALS.secretId, SecretKey: DEFAULT_CREDENTIALS.secretKey, ...sim.cosEndpointOptions });
    expect((await cos.headBucket({ Bucket: bucket, Region: 'ap-shanghai' })).statusCode).toBe(200);
    await expect(cos.headBucket({ Bucket: bucket, Region: 'ap-beijing' })).rejects.toMatchObject({ statusCode: 404 });
  });
});
