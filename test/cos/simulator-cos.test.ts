import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import COS from 'cos-nodejs-sdk-v5';
import { DEFAULT_CREDENTIALS, createZip, type RunningSimulator } from '../../simulator';
import { clientFor, expectCode, startFast, waitStatus } from '../simulator/helpers';

/** The SDK as a user configures it for the simulator: its own endpoint options, nothing patched. */
function cosFor(sim: RunningSimulator, secretKey: string = DEFAULT_CREDENTIALS.secretKey): COS {
  return new COS({ SecretId: DEFAULT_CREDENTIALS.secretId, SecretKey: secretKey, ...sim.cosEndpointOptions });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('simulated COS, through cos-nodejs-sdk-v5', () => {
  let sim: RunningSimulator;
  let bucket: string;
  const region = 'ap-guangzhou';
  const dir = mkdtempSync(path.join(tmpdir(), 'cos-sim-'));
  beforeAll(async () => {
    sim = await startFast();
    bucket = sim.admin.defaultCosBucket(region);
    sim.admin.seedFunction({ region, functionName: 'from-cos' });
  });
  afterAll(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('when an object is put, then get and head return it, and after delete get answers NoSuchKey', async () => {
    const cos = cosFor(sim);
    const body = Buffer.from('hello cos');
    const put = await cos.putObject({ Bucket: bucket, Region: region, Key: 'a/b c.txt', Body: body });
    expect(put.statusCode).toBe(200);
    const got = await cos.getObject({ Bucket: bucket, Region: region, Key: 'a/b c.txt' });
    expect(Buffer.from(got.Body as Buffer).toString()).toBe('hello cos');
    const head = await cos.headObject({ Bucket: bucket, Region: region, Key: 'a/b c.txt' });
    expect(head.headers?.['content-length']).toBe(String(body.length));
    expect(head.headers?.['x-cos-request-id']).toEqual(expect.any(String));
    await cos.deleteObject({ Bucket: bucket, Region: region, Key: 'a/b c.txt' });
    const err = await cos.getObject({ Bucket: bucket, Region: region, Key: 'a/b c.txt' }).catch((e: unknown) => e as COS.CosError);
    expect(err).toMatchObject({ statusCode: 404, code: 'NoSuchKey' });
    const headGone = await cos.headObject({ Bucket: bucket, Region: region, Key: 'a/b c.txt' }).catch((e: unknown) => e as COS.CosError);
    expect(headGone).toMatchObject({ statusCode: 404 });
  });

  test('when a file above SliceSize is uploaded with sliceUploadFile, then it goes in parts and reads back whole', async () => {
    const file = path.join(dir, 'big.bin');
    const bytes = Buffer.alloc(Math.floor(2.5 * 1024 * 1024));
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) % 251;
    writeFileSync(file, bytes);
    const cos = cosFor(sim);
    const done = await cos.sliceUploadFile({ Bucket: bucket, Region: region, Key: 'big/one.bin', FilePath: file, SliceSize: 1024 * 1024, ChunkSize: 1024 * 1024 });
    expect(done.ETag).toMatch(/-3"?$/);
    const got = await cos.getObject({ Bucket: bucket, Region: region, Key: 'big/one.bin' });
    expect(sha(Buffer.from(got.Body as Buffer))).toBe(sha(bytes));
  });

  test('when a multipart upload is aborted, then its parts are gone and completing it answers NoSuchUpload', async () => {
    const cos = cosFor(sim);
    const init = await cos.multipartInit({ Bucket: bucket, Region: region, Key: 'aborted.bin' });
    await cos.multipartUpload({ Bucket: bucket, Region: region, Key: 'aborted.bin', UploadId: init.UploadId, PartNumber: 1, Body: Buffer.alloc(10) });
    await cos.multipartAbort({ Bucket: bucket, Region: region, Key: 'aborted.bin', UploadId: init.UploadId });
    const err = await cos
      .multipartComplete({ Bucket: bucket, Region: region, Key: 'aborted.bin', UploadId: init.UploadId, Parts: [{ PartNumber: 1, ETag: '"x"' }] })
      .catch((e: unknown) => e as COS.CosError);
    expect(err).toMatchObject({ statusCode: 404, code: 'NoSuchUpload' });
  });

  test('when the secret is wrong, then COS answers SignatureDoesNotMatch; an unknown bucket answers NoSuchBucket; another appid AccessDenied', async () => {
    const wrong = await cosFor(sim, 'not-the-secret').putObject({ Bucket: bucket, Region: region, Key: 'x', Body: Buffer.from('x') }).catch((e: unknown) => e as COS.CosError);
    expect(wrong).toMatchObject({ statusCode: 403, code: 'SignatureDoesNotMatch' });
    const missing = await cosFor(sim).getObject({ Bucket: 'nothere-' + bucket.split('-').pop(), Region: region, Key: 'x' }).catch((e: unknown) => e as COS.CosError);
    expect(missing).toMatchObject({ statusCode: 404, code: 'NoSuchBucket' });
    sim.admin.createCosBucket({ bucket: 'theirs-1250000001', region });
    const foreign = await cosFor(sim).getObject({ Bucket: 'theirs-1250000001', Region: region, Key: 'x' }).catch((e: unknown) => e as COS.CosError);
    expect(foreign).toMatchObject({ statusCode: 403, code: 'AccessDenied' });
  });

  test('when a request is signed by hand per the documented formula, then the simulator accepts it (and refuses it once changed)', async () => {
    const host = `${bucket}.cos.${region}.${sim.cosDomainSuffix}`;
    const key = '/hand/signed.txt';
    const body = 'signed by hand';
    const now = Math.floor(Date.now() / 1000) - 5;
    const keyTime = `${now};${now + 600}`;
    // SignKey = HMAC-SHA1(SecretKey, KeyTime); HttpString = method\nUriPathname\nHttpParameters\nHttpHeaders\n;
    // StringToSign = sha1\nKeyTime\nSHA1(HttpString)\n; Signature = HMAC-SHA1(SignKey, StringToSign).
    const signKey = createHmac('sha1', DEFAULT_CREDENTIALS.secretKey).update(keyTime).digest('hex');
    const httpHeaders = `content-length=${Buffer.byteLength(body)}&content-type=${encodeURIComponent('text/plain')}&host=${encodeURIComponent(host)}`;
    const httpString = `put\n${key}\nx-cos-meta-note=${encodeURIComponent('a b')}\n${httpHeaders}\n`;
    const stringToSign = `sha1\n${keyTime}\n${createHash('sha1').update(httpString).digest('hex')}\n`;
    const signature = createHmac('sha1', signKey).update(stringToSign).digest('hex');
    const authorization =
      `q-sign-algorithm=sha1&q-ak=${DEFAULT_CREDENTIALS.secretId}&q-sign-time=${keyTime}&q-key-time=${keyTime}` +
      `&q-header-list=content-length;content-type;host&q-url-param-list=x-cos-meta-note&q-signature=${signature}`;
    const send = (auth: string, contentType = 'text/plain') =>
      new Promise<{ status: number; body: string; requestId?: string }>((resolve, reject) => {
        const u = new URL(sim.url);
        const req = http.request(
          { host: u.hostname, port: u.port, method: 'PUT', path: `${key}?x-cos-meta-note=a%20b`, headers: { Host: host, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), Authorization: auth } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (d: Buffer) => chunks.push(d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), requestId: res.headers['x-cos-request-id'] as string | undefined }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    expect((await send(authorization)).status).toBe(200);
    const tampered = await send(authorization, 'application/json');
    expect(tampered.status).toBe(403);
    expect(tampered.body).toMatch(/<Error>\s*<Code>SignatureDoesNotMatch<\/Code>/);
    expect(tampered.body).toContain(`<RequestId>${tampered.requestId}</RequestId>`);
    const got = await cosFor(sim).getObject({ Bucket: bucket, Region: region, Key: key.slice(1) });
    expect(Buffer.from(got.Body as Buffer).toString()).toBe(body);
  });

  test('when a zip is uploaded through the SDK, then UpdateFunctionCode with Cos* reads exactly it, and a missing object fails as documented', async () => {
    const zip = createZip({ 'index.js': 'exports.main_handler = async () => "from cos";\n' });
    await cosFor(sim).putObject({ Bucket: bucket, Region: region, Key: 'pkg/fn.zip', Body: zip });
    const scf = clientFor(sim);
    await scf.UpdateFunctionCode({ FunctionName: 'from-cos', CosBucketName: bucket, CosObjectName: '/pkg/fn.zip', CosBucketRegion: region });
    await waitStatus(scf, 'from-cos', 'Active');
    expect(sim.admin.getFunction(region, 'default', 'from-cos')!.codeSha256).toBe(sha(zip));
    await expectCode(scf.UpdateFunctionCode({ FunctionName: 'from-cos', CosBucketName: bucket, CosObjectName: '/pkg/none.zip', CosBucketRegion: region }), 'InvalidParameterValue.CosObjectName');
  });
});
