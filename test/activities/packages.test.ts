import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import yazl from 'yazl';
import { ZIPFILE_MAX_RAW_BYTES, validatePackageRef } from '../../activities/packages';
import { activitiesWith, tempDir } from './fake-scf';

const fn = { region: 'ap-guangzhou', namespace: 'default', functionName: 'hello' };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function zipOf(files: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, body] of Object.entries(files)) zip.addBuffer(Buffer.from(body), name, { mtime: new Date(0) });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

async function expectInvalidPackage(p: Promise<unknown>, pattern: RegExp): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  const f = err as ApplicationFailure;
  expect(f.type).toBe('InvalidPackage');
  expect(f.nonRetryable).toBe(true);
  expect(f.message).toMatch(pattern);
  return f;
}

describe('validatePackageRef (pure)', () => {
  const good = 'a'.repeat(64);
  test.each([
    ['/abs/path/code.zip', 'file'],
    ['file:///abs/path/code.zip', 'file'],
    ['https://example.com/code.zip', 'http'],
    ['http://127.0.0.1:8080/code.zip', 'http'],
    ['cos://code-1250000000/releases/v1.zip?region=ap-guangzhou', 'cos'],
  ])('when location is %s, then it is accepted as %s', (location, kind) => {
    const v = validatePackageRef({ location, sha256: good });
    expect(v.ok).toBe(true);
    if (v.ok) expect(v.ref.kind).toBe(kind);
  });

  test.each([
    ['relative/code.zip', good, /relative path/],
    ['ftp://host/code.zip', good, /scheme "ftp:" is not supported; use an absolute path or file:\/\/ under SCF_PACKAGE_DIR, an https:\/\/ URL on an allowed host, or cos:\/\//],
    ['s3://bucket/key', good, /not supported/],
    ['cos://code-1250000000/key.zip', good, /region/],
    ['cos://BadBucket/key.zip?region=ap-guangzhou', good, /bucket/],
    ['https://user:pw@example.com/code.zip', good, /credentials.*; use an unsigned https:\/\/ URL on an allowed host, or cos:\/\/bucket\/key\?region=/],
    ['', good, /empty/],
    ['/abs/code.zip', 'nothex', /pkg.sha256/],
    ['/abs/code.zip', undefined, /pkg.sha256/],
  ])('when location is "%s" and sha256 %s, then it is refused naming the field', (location, sha256, pattern) => {
    const v = validatePackageRef({ location, sha256: sha256 as string });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.issues.map((i) => `${i.field}: ${i.message}`).join('\n')).toMatch(pattern);
  });

  test('when the COS object is referenced, then the parts map to UpdateFunctionCode fields', () => {
    const v = validatePackageRef({ location: 'cos://code-1250000000/a/b%20c.zip?region=ap-shanghai', sha256: good.toUpperCase() });
    expect(v).toEqual({ ok: true, sha256: good, ref: { kind: 'cos', bucket: 'code-1250000000', key: 'a/b c.zip', region: 'ap-shanghai' } });
  });
});

describe('updateFunctionCode package checks (before any SCF call)', () => {
  let zip: Buffer;
  let dir: string;
  let zipPath: string;
  beforeAll(async () => {
    zip = await zipOf({ 'index.js': 'exports.main_handler = async () => ({ ok: true })' });
    dir = tempDir();
    zipPath = path.join(dir, 'code.zip');
    writeFileSync(zipPath, zip);
  });

  test('when the sha256 does not match the file, then it is refused with zero SCF calls', async () => {
    const { activities, calls } = activitiesWith(() => ({ RequestId: 'x' }), { packages: { localDir: dir } });
    await expectInvalidPackage(activities.updateFunctionCode({ fn, pkg: { location: zipPath, sha256: 'b'.repeat(64) } }), /pkg.sha256.*not the declared/);
    expect(calls).toHaveLength(0);
  });

  test('when the zip is over 20 MB after base64, then it is refused, pointing at COS, with zero SCF calls', async () => {
    const big = path.join(dir, 'big.zip');
    const bytes = Buffer.alloc(ZIPFILE_MAX_RAW_BYTES + 1);
    bytes.write('PK\u0003\u0004', 'latin1');
    writeFileSync(big, bytes);
    const { activities, calls } = activitiesWith(() => ({ RequestId: 'x' }), { packages: { localDir: dir } });
    await expectInvalidPackage(activities.updateFunctionCode({ fn, pkg: { location: big, sha256: sha(bytes) } }), /20 MB after base64.*cos:\/\//);
    expect(calls).toHaveLength(0);
  });

  test('when the path cannot be read, then it is refused with zero SCF calls', async () => {
    const { activities, calls } = activitiesWith(() => ({ RequestId: 'x' }), { packages: { localDir: dir } });
    await expectInvalidPackage(activities.updateFunctionCode({ fn, pkg: { location: path.join(dir, 'missing.zip'), sha256: sha(zip) } }), /ENOENT/);
    expect(calls).toHaveLength(0);
  });

  test('when the URL scheme is not supported, then it is refused with zero SCF calls', async () => {
    const { activities, calls } = activitiesWith(() => ({ RequestId: 'x' }), { packages: { localDir: dir } });
    await expectInvalidPackage(activities.updateFunctionCode({ fn, pkg: { location: 'ftp://host/code.zip', sha256: sha(zip) } }), /not supported/);
    expect(calls).toHaveLength(0);
  });

  test('when the file is not a zip, then it is refused with zero SCF calls', async () => {
    const txt = Buffer.from('hello');
    const p = path.join(dir, 'not.zip');
    writeFileSync(p, txt);
    const { activities, calls } = activitiesWith(() => ({ RequestId: 'x' }), { packages: { localDir: dir } });
    await expectInvalidPackage(activities.updateFunctionCode({ fn, pkg: { location: p, sha256: sha(txt) } }), /not a zip/);
    expect(calls).toHaveLength(0);
  });

  test('when the package is good, then ZipFile carries its base64 and the handler is passed', async () => {
    const { activities, calls } = activitiesWith(() => ({ RequestId: 'req-1' }), { packages: { localDir: dir } });
    const r = await activities.updateFunctionCode({ fn, pkg: { location: `file://${zipPath}`, sha256: sha(zip) }, handler: 'index.main_handler' });
    expect(r.requestId).toBe('req-1');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ action: 'UpdateFunctionCode', region: 'ap-guangzhou', req: { FunctionName: 'hello', Namespace: 'default', Handler: 'index.main_handler', ZipFile: zip.toString('base64') } });
  });

  test('when the package is on COS, then no bytes pass through the worker', async () => {
    const { activities, calls } = activitiesWith(() => ({ RequestId: 'req-2' }));
    await activities.updateFunctionCode({ fn, pkg: { location: 'cos://code-1250000000/v1.zip?region=ap-guangzhou', sha256: sha(zip) } });
    expect(calls[0].req).toMatchObject({ CosBucketName: 'code-1250000000', CosObjectName: 'v1.zip', CosBucketRegion: 'ap-guangzhou' });
    expect(calls[0].req.ZipFile).toBeUndefined();
  });

  test('when the package is on http(s), then it is downloaded, checked and sent; a 404 is refused before SCF', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/code.zip') {
        res.writeHead(200, { 'content-length': zip.length });
        res.end(zip);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      // The server stands in for the simulator (SCF_ENDPOINT's host), the one host trusted over http on loopback.
      const { activities, calls } = activitiesWith(() => ({ RequestId: 'req-3' }), { packages: { simulatorHost: `127.0.0.1:${port}` } });
      await activities.updateFunctionCode({ fn, pkg: { location: `http://127.0.0.1:${port}/code.zip`, sha256: sha(zip) } });
      expect(calls).toHaveLength(1);
      expect(calls[0].req.ZipFile).toBe(zip.toString('base64'));
      await expectInvalidPackage(activities.updateFunctionCode({ fn, pkg: { location: `http://127.0.0.1:${port}/nope.zip`, sha256: sha(zip) } }), /HTTP 404/);
      expect(calls).toHaveLength(1);
    } finally {
      server.close();
    }
  });
});
