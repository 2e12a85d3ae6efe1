import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DownloadError, downloadToFile } from '../../activities/download';
import { LocalArtifactStore } from '../../activities/artifact-store';
import { FetchPolicy } from '../../activities/url-policy';
import { tempDir } from './fake-scf';

const body = Buffer.from('PK\u0003\u0004 pretend zip body '.repeat(100), 'latin1');
let server: http.Server;
let base: string;
let policy: FetchPolicy;
/** Requests for /slow: never answered, so only a cancellation can end such a download. */
const slowRequests: http.ServerResponse[] = [];
let slowArrived: () => void = () => {};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/code.zip') return void res.end(body);
    if (req.url === '/same-host-redirect') return void res.writeHead(302, { location: '/code.zip' }).end();
    if (req.url === '/other-host-redirect') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    if (req.url === '/slow') {
      slowRequests.push(res);
      return void slowArrived();
    }
    if (req.url === '/chunked') {
      res.writeHead(200);
      res.write(body.subarray(0, 1000));
      return void res.end(body.subarray(1000));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The server stands in for the simulator: its host:port is trusted (http, loopback), nothing else.
  policy = new FetchPolicy({ hosts: [], listName: 'SCF_PACKAGE_HOSTS', trustedHosts: [new URL(base).host] });
});
afterAll(() => {
  for (const res of slowRequests) res.destroy();
  server.closeAllConnections();
  server.close();
});

describe('downloadToFile', () => {
  const dir = tempDir('scf-dl-');
  test('when the URL answers, then the file is written and hashed while streaming', async () => {
    const dest = path.join(dir, 'a.zip');
    const r = await downloadToFile(`${base}/code.zip`, dest, { maxBytes: 1 << 20, policy });
    expect(r).toEqual({ sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length });
  });

  test('when SCF redirects on the same host, then it is followed; to another host, then it is refused', async () => {
    await expect(downloadToFile(`${base}/same-host-redirect`, path.join(dir, 'b.zip'), { maxBytes: 1 << 20, policy })).resolves.toMatchObject({ bytes: body.length });
    const err = await downloadToFile(`${base}/other-host-redirect`, path.join(dir, 'c.zip'), { maxBytes: 1 << 20, policy }).catch((e) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect(err.message).toMatch(/only 127\.0\.0\.1:\d+/);
    expect(err.retryable).toBe(false);
    expect(err.tooLarge).toBe(false);
  });

  test('when the server answers 404, then the error carries the status and is not tooLarge', async () => {
    const err = await downloadToFile(`${base}/missing.zip`, path.join(dir, 'f.zip'), { maxBytes: 1 << 20, policy }).catch((e) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect(err).toMatchObject({ status: 404, retryable: false, tooLarge: false });
  });

  test('when the body is over the cap, then the download stops and leaves no file', async () => {
    const dest = path.join(dir, 'd.zip');
    const err = await downloadToFile(`${base}/code.zip`, dest, { maxBytes: 100, policy }).catch((e) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect(err.message).toMatch(/cap/);
    expect(err.tooLarge).toBe(true);
    expect(err.retryable).toBe(false);
    expect(existsSync(dest)).toBe(false);
  });

  test('when a body without content-length streams over the cap, then the download stops, flagged tooLarge', async () => {
    const dest = path.join(dir, 'g.zip');
    const err = await downloadToFile(`${base}/chunked`, dest, { maxBytes: 100, policy }).catch((e) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect(err.message).toMatch(/is over the 100-byte cap/);
    expect(err.tooLarge).toBe(true);
    expect(existsSync(dest)).toBe(false);
    await expect(downloadToFile(`${base}/chunked`, dest, { maxBytes: 1 << 20, policy })).resolves.toEqual({ sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length });
  });

  test('when the download is cancelled while its request is in flight, then it rejects with the cancellation and leaves no file', async () => {
    const ac = new AbortController();
    const arrived = new Promise<void>((resolve) => (slowArrived = resolve));
    const p = downloadToFile(`${base}/slow`, path.join(dir, 'e.zip'), { maxBytes: 1 << 20, signal: ac.signal, policy });
    await arrived;
    ac.abort(new Error('cancelled'));
    // The server never answers /slow: a rejection with our reason can only be the cancellation's.
    await expect(p).rejects.toThrow('cancelled');
    expect(existsSync(path.join(dir, 'e.zip'))).toBe(false);
  });
});

describe('LocalArtifactStore', () => {
  test('when bytes are stored twice, then one content-addressed file exists and reads back verified', async () => {
    const store = new LocalArtifactStore(tempDir('scf-store-'));
    const ref = await store.putBytes(body);
    expect(await store.putBytes(body)).toBe(ref);
    expect(ref).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await store.read(ref)).equals(body)).toBe(true);
    expect(() => store.pathOf('sha256:../../etc/passwd')).toThrow(/not an artifact reference/);
  });

  test('when a temp file does not match the declared digest, then commit refuses it and removes it', async () => {
    const store = new LocalArtifactStore(tempDir('scf-store-'));
    const tmp = await store.tempPath();
    writeFileSync(tmp, 'x');
    await expect(store.commit(tmp, 'a'.repeat(64))).rejects.toThrow(/mismatch/);
    expect(existsSync(tmp)).toBe(false);
  });

  test('when the caller passes the digest it computed while writing, then commit compares it instead of reading the file again', async () => {
    const store = new LocalArtifactStore(tempDir('scf-store-'));
    const digest = createHash('sha256').update(body).digest('hex');
    // A mismatch between the declared and the computed digest is refused, and the temp file removed.
    const bad = await store.tempPath();
    writeFileSync(bad, body);
    await expect(store.commit(bad, 'a'.repeat(64), digest)).rejects.toThrow(`artifact digest mismatch: expected ${'a'.repeat(64)}, wrote ${digest}`);
    expect(existsSync(bad)).toBe(false);
    // The computed digest is trusted: the file is not hashed again (here its bytes would not match).
    const tmp = await store.tempPath();
    writeFileSync(tmp, 'not the body');
    expect(await store.commit(tmp, digest, digest)).toBe(`sha256:${digest}`);
    expect(existsSync(tmp)).toBe(false);
    expect(existsSync(store.pathOf(digest))).toBe(true);
  });
});
