/** Activities against the scripted SDK stand-in (fake-scf.ts): logging, digests, size checks, downloads. */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createDefaultActivityDeps } from '../../activities';
import { loadScfConfig } from '../../activities/config';
import { ZIPFILE_MAX_RAW_BYTES } from '../../activities/packages';
import { activitiesWith, sdkError, tempDir } from './fake-scf';
import { failureOf } from '../harness/failure-of';

const fn = { region: 'ap-guangzhou', namespace: 'default', functionName: 'hello' };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A pino logger whose JSON lines are kept, as the worker's logger would write them. */
function capturingLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

/**
 * Serves `body` at /code.zip, streamed without a content-length (so a cap is hit while streaming).
 * `packages` trusts it as the simulator (SCF_ENDPOINT's host), the one host allowed over http on loopback.
 */
async function serve(body: Buffer): Promise<{ url: string; packages: { simulatorHost: string }; close: () => void }> {
  const server = http.createServer((req, res) => {
    if (req.url !== '/code.zip') return void res.writeHead(404).end();
    res.writeHead(200);
    res.write(body.subarray(0, body.length / 2));
    res.end(body.subarray(body.length / 2));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/code.zip`,
    packages: { simulatorHost: `127.0.0.1:${(server.address() as AddressInfo).port}` },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('the SCF gateway log line', () => {
  test('when the SDK error message carries credentials, then the log line does not', async () => {
    const { logger, lines } = capturingLogger();
    const { activities } = activitiesWith(
      () => {
        throw sdkError('AuthFailure.SignatureFailure', 'bad SecretId=AKIDabcdefghijklmnop SecretKey: s3cr3t', 'req-secret');
      },
      { logger },
    );
    const f = await failureOf(activities.getFunction({ fn }));
    expect(f.type).toBe('AuthFailure.SignatureFailure');
    const line = lines.find((l) => l.includes('scf GetFunction AuthFailure.SignatureFailure'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!).scf).toMatchObject({ code: 'AuthFailure.SignatureFailure', requestId: 'req-secret', error: expect.stringContaining('SecretKey: ***') });
    expect(lines.join('\n')).not.toContain('s3cr3t');
    expect(lines.join('\n')).not.toContain('AKIDabcdefghijklmnop');
    expect(f.message).not.toContain('s3cr3t');
  });

  test('when SCF throttles and then answers, then the call is retried inside the activity (RequestLimitExceeded is a throttle code)', async () => {
    let n = 0;
    const { activities, calls } = activitiesWith(() => {
      if (n++ === 0) throw sdkError('RequestLimitExceeded.UinLimitExceeded');
      return { Status: 'Active', RequestId: 'r' };
    });
    expect(await activities.getFunction({ fn })).toMatchObject({ exists: true, status: 'Active' });
    expect(calls).toHaveLength(2);
  });
});

describe('createDefaultActivityDeps', () => {
  test('when the deps are built, then nothing is logged (the worker logs its configuration once, describeWorkerConfig)', () => {
    const { logger, lines } = capturingLogger();
    const deps = createDefaultActivityDeps(loadScfConfig({ SCF_ARTIFACT_DIR: tempDir() }), logger);
    expect(deps.logger).toBe(logger);
    expect(lines).toEqual([]);
  });
});

describe('copyFunction', () => {
  const code = Buffer.from('the code');
  const hex = sha(code);
  const handler = (action: string) => {
    if (action === 'GetFunction') return { Status: 'Active', Triggers: [], RequestId: 'r' };
    if (action === 'GetFunctionAddress') return { Url: 'https://example.com/x.zip', CodeSha256: hex, RequestId: 'r' };
    throw new Error(`unexpected ${action}`);
  };

  test.each([
    ['uppercase hex', hex.toUpperCase()],
    ['base64 of the digest', Buffer.from(hex, 'hex').toString('base64')],
  ])('when expectedSha256 is given as %s and the target holds that code, then the copy is skipped', async (_, expectedSha256) => {
    const { activities, calls } = activitiesWith(handler);
    const r = await activities.copyFunction({ source: fn, targetRegion: 'ap-shanghai', targetNamespace: 'default', override: false, expectedSha256 });
    expect(r.copied).toBe(false);
    expect(calls.map((c) => c.action)).not.toContain('CopyFunction');
  });

  test('when expectedSha256 names other code, then the existing target is not replaced without override', async () => {
    const { activities, calls } = activitiesWith(handler);
    const f = await failureOf(
      activities.copyFunction({ source: fn, targetRegion: 'ap-shanghai', targetNamespace: 'default', override: false, expectedSha256: 'b'.repeat(64) }),
    );
    expect(f.type).toBe('ResourceInUse.FunctionName');
    expect(calls.map((c) => c.action)).not.toContain('CopyFunction');
  });
});

describe('restoreCode', () => {
  test('when the snapshot is over the ZipFile limit, then it is refused as InvalidPackage with zero SCF calls', async () => {
    const { activities, calls, store } = activitiesWith(() => ({ RequestId: 'x' }));
    const bytes = Buffer.alloc(ZIPFILE_MAX_RAW_BYTES + 1);
    bytes.write('PK\u0003\u0004', 'latin1');
    const artifact = await store.putBytes(bytes);
    const f = await failureOf(activities.restoreCode({ snapshot: { fn, qualifier: '$LATEST', sha256: sha(bytes), artifact, handler: 'index.main' } }));
    expect(f.type).toBe('InvalidPackage');
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toMatch(/restoreCode ap-guangzhou\/default\/hello:\$LATEST: the snapshot \(\d+ bytes\) is 15\.0 MiB .*20 MB after base64.*through COS by hand/);
    expect(calls).toHaveLength(0);
  });

  test('when the snapshot is exactly at the ZipFile limit, then it is sent', async () => {
    const { activities, calls, store } = activitiesWith(() => ({ RequestId: 'req-restore' }));
    const bytes = Buffer.alloc(ZIPFILE_MAX_RAW_BYTES);
    const artifact = await store.putBytes(bytes);
    const r = await activities.restoreCode({ snapshot: { fn, qualifier: '$LATEST', sha256: sha(bytes), artifact } });
    expect(r.requestId).toBe('req-restore');
    expect(calls).toHaveLength(1);
  });
});

describe('downloads over the cap', () => {
  const body = Buffer.from('PK\u0003\u0004 pretend zip body '.repeat(100), 'latin1');

  test('when an http(s) package is over the cap, then InvalidPackage points at COS, before any SCF call', async () => {
    const server = await serve(body);
    try {
      const { activities, calls } = activitiesWith(() => ({ RequestId: 'x' }), { packages: { ...server.packages, maxDownloadBytes: 100 } });
      const f = await failureOf(activities.updateFunctionCode({ fn, pkg: { location: server.url, sha256: sha(body) } }));
      expect(f.type).toBe('InvalidPackage');
      expect(f.nonRetryable).toBe(true);
      expect(f.message).toMatch(/over the 100-byte cap \(a ZipFile holds at most 20 MB after base64: use cos:\/\//);
      expect(calls).toHaveLength(0);
    } finally {
      server.close();
    }
  });

  test('when an http(s) package does not match its sha256, then it is refused with zero SCF calls', async () => {
    const server = await serve(body);
    try {
      const { activities, calls } = activitiesWith(() => ({ RequestId: 'x' }), { packages: server.packages });
      const f = await failureOf(activities.updateFunctionCode({ fn, pkg: { location: server.url, sha256: 'c'.repeat(64) } }));
      expect(f.type).toBe('InvalidPackage');
      expect(f.message).toContain(`pkg.sha256: 127.0.0.1:`);
      expect(f.message).toContain(`/code.zip has sha256 ${sha(body)}, not the declared ${'c'.repeat(64)}`);
      expect(calls).toHaveLength(0);
    } finally {
      server.close();
    }
  });

  test('when a snapshot is over SCF_MAX_DOWNLOAD_BYTES, then DownloadFailed is non-retryable and names the setting', async () => {
    const server = await serve(body);
    try {
      const { activities, store } = activitiesWith(
        (action) => (action === 'GetFunctionAddress' ? { Url: server.url, CodeSha256: sha(body), RequestId: 'r' } : { Status: 'Active', Handler: 'index.main', RequestId: 'r' }),
        { packages: { ...server.packages, maxDownloadBytes: 100 } },
      );
      const f = await failureOf(activities.snapshotCode({ fn }));
      expect(f.type).toBe('DownloadFailed');
      expect(f.nonRetryable).toBe(true);
      expect(f.message).toMatch(/over the 100-byte cap \(raise SCF_MAX_DOWNLOAD_BYTES/);
      expect(f.details?.[0]).toMatchObject({ tooLarge: true });
      expect(await store.has(sha(body))).toBe(false);
    } finally {
      server.close();
    }
  });

  test('when snapshotCode is given the handler its caller just read, then it calls GetFunctionAddress only and keeps that handler', async () => {
    const server = await serve(body);
    try {
      const { activities, calls } = activitiesWith(
        (action) => (action === 'GetFunctionAddress' ? { Url: server.url, CodeSha256: sha(body), RequestId: 'r' } : { Status: 'Active', Handler: 'other.main', RequestId: 'r' }),
        { packages: server.packages },
      );
      const snap = await activities.snapshotCode({ fn, handler: 'index.main' });
      expect(snap).toMatchObject({ sha256: sha(body), handler: 'index.main' });
      expect(calls.map((c) => c.action)).toEqual(['GetFunctionAddress']);
    } finally {
      server.close();
    }
  });

  test('when a snapshot downloads and matches CodeSha256, then it is stored under its digest', async () => {
    const server = await serve(body);
    try {
      const { activities, store } = activitiesWith(
        (action) => (action === 'GetFunctionAddress' ? { Url: server.url, CodeSha256: sha(body), RequestId: 'r' } : { Status: 'Active', Handler: 'index.main', RequestId: 'r' }),
        { packages: server.packages },
      );
      const snap = await activities.snapshotCode({ fn });
      expect(snap).toMatchObject({ sha256: sha(body), artifact: `sha256:${sha(body)}`, handler: 'index.main' });
      expect((await store.read(snap.artifact)).equals(body)).toBe(true);
    } finally {
      server.close();
    }
  });
});
