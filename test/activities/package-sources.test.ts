/**
 * Package sources are untrusted: a manifest's URL or path must not reach the worker's own files, its
 * loopback, the cloud metadata service or the private network; nor may GetFunctionAddress's Url send
 * snapshotCode elsewhere than COS. Every refusal is a non-retryable InvalidPackage (DownloadFailed for
 * snapshots) before any SCF mutation. DNS is injected, so no test depends on the network.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { LookupAll } from '../../activities/url-policy';
import { createZip } from '../../simulator';
import { activitiesWith, tempDir } from './fake-scf';
import { failureOf } from '../harness/failure-of';

const fn = { region: 'ap-guangzhou', namespace: 'default', functionName: 'hello' };
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const zip = createZip({ 'index.js': 'exports.main_handler = async () => 1' });

/** A DNS stand-in: names to addresses; records what was asked. */
function fakeDns(table: Record<string, string[]>): { lookup: LookupAll; asked: string[] } {
  const asked: string[] = [];
  const lookup: LookupAll = async (hostname) => {
    asked.push(hostname);
    const addrs = table[hostname];
    if (!addrs) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { lookup, asked };
}

/** A local server; every request is counted. */
async function serve(handler: http.RequestListener): Promise<{ port: number; host: string; hits: string[]; close: () => void }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    host: `127.0.0.1:${port}`,
    hits,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

async function expectRefusedBeforeScf(
  pkg: { location: string; sha256: string },
  pattern: RegExp,
  packages: Record<string, unknown> = {},
): Promise<ApplicationFailure> {
  const { activities, calls } = activitiesWith(() => ({ RequestId: 'x' }), { packages });
  const f = await failureOf(activities.updateFunctionCode({ fn, pkg }));
  expect(f.type).toBe('InvalidPackage');
  expect(f.nonRetryable).toBe(true);
  expect(f.message).toMatch(pattern);
  expect(calls).toHaveLength(0);
  return f;
}

describe('local packages', () => {
  const dir = tempDir('scf-pkgdir-');
  const outsideDir = tempDir('scf-outside-');
  const inside = path.join(dir, 'code.zip');
  writeFileSync(inside, zip);
  writeFileSync(path.join(outsideDir, 'code.zip'), zip);
  mkdirSync(path.join(dir, 'sub'));
  symlinkSync(path.join(outsideDir, 'code.zip'), path.join(dir, 'link.zip'));
  symlinkSync(outsideDir, path.join(dir, 'sub', 'escape'));

  test('when no package directory is configured, then file:///etc/passwd is refused without reading it, saying how to allow local packages', async () => {
    const passwd = readFileSync('/etc/passwd');
    const f = await expectRefusedBeforeScf({ location: 'file:///etc/passwd', sha256: sha(passwd) }, /local packages are off on this worker.*SCF_PACKAGE_DIR/);
    // Nothing about the file (its digest, its first bytes) comes back.
    expect(f.message).not.toContain(sha(passwd));
    expect(f.message).not.toMatch(/not a zip/);
  });

  test('when a package directory is configured, then /etc/passwd is refused as outside it', async () => {
    await expectRefusedBeforeScf({ location: '/etc/passwd', sha256: 'a'.repeat(64) }, /\/etc\/passwd is outside SCF_PACKAGE_DIR/, { localDir: dir });
  });

  test.each([
    ['.. out of the directory', () => path.join(dir, '..', path.basename(outsideDir), 'code.zip')],
    ['a symlinked file pointing outside', () => path.join(dir, 'link.zip')],
    ['a symlinked directory pointing outside', () => path.join(dir, 'sub', 'escape', 'code.zip')],
    ['a file:// URL with .. segments', () => `file://${dir}/sub/../../${path.basename(outsideDir)}/code.zip`],
  ])('when the path escapes the package directory by %s, then it is refused', async (_what, location) => {
    await expectRefusedBeforeScf({ location: location(), sha256: sha(zip) }, /is outside SCF_PACKAGE_DIR/, { localDir: dir });
  });

  test('when the zip is inside the package directory, then it is sent', async () => {
    const { activities, calls } = activitiesWith(() => ({ RequestId: 'ok' }), { packages: { localDir: dir } });
    await activities.updateFunctionCode({ fn, pkg: { location: `file://${inside}`, sha256: sha(zip) } });
    expect(calls).toHaveLength(1);
    expect(calls[0].req.ZipFile).toBe(zip.toString('base64'));
  });
});

describe('http(s) packages', () => {
  test.each([
    ['the metadata service over http', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
    ['loopback over http', 'http://127.0.0.1:8080/code.zip'],
    ['a host off the allow-list, over https', 'https://downloads.example.com/code.zip'],
    ['an allowed suffix over plain http', 'http://code-1250000000.cos.ap-guangzhou.myqcloud.com/code.zip'],
  ])('when the URL is %s, then it is refused before any connection or SCF call', async (_what, location) => {
    const dns = fakeDns({});
    await expectRefusedBeforeScf({ location, sha256: sha(zip) }, /refusing/, { lookup: dns.lookup });
    expect(dns.asked).toEqual([]);
  });

  test.each(['127.0.0.1', '169.254.169.254', '10.1.2.3', '0.0.0.0', '100.64.0.1'])(
    'when an allowed host is the literal address %s, then it is refused as not public',
    async (literal) => {
      await expectRefusedBeforeScf({ location: `https://${literal}/code.zip`, sha256: sha(zip) }, /is not a public address/, { hosts: [literal] });
    },
  );

  test.each([
    ['127.0.0.1', false],
    ['169.254.169.254', false],
    ['192.168.0.1', false],
    ['172.31.255.255', false],
    ['::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['fe80::1', false],
    ['fd12:3456::1', false],
    ['64:ff9b::a00:1', false],
    ['2002:7f00:1::', false],
    ['162.14.0.10', true],
    ['2402:4e00::10', true],
  ])('when the address is %s, then isPublicAddress says %s', async (ip, expected) => {
    const { isPublicAddress } = await import('../../activities/url-policy');
    expect(isPublicAddress(ip)).toBe(expected);
  });

  test.each([
    ['loopback', ['127.0.0.1']],
    ['the metadata service', ['169.254.169.254']],
    ['a private address among public ones', ['203.0.114.10', '10.0.0.7']],
    ['IPv6 unique-local', ['fd00::1']],
  ])('when an allowed name resolves to %s, then it is refused after resolution', async (_what, addresses) => {
    const dns = fakeDns({ 'code.example.com': addresses });
    await expectRefusedBeforeScf({ location: 'https://code.example.com/code.zip', sha256: sha(zip) }, /resolves to .* not a public address/, {
      hosts: ['*.example.com'],
      lookup: dns.lookup,
    });
    expect(dns.asked).toEqual(['code.example.com']);
  });

  test('when an allowed host redirects to a name that resolves to a private address, or to the metadata service, then the hop is refused', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/to-private') return void res.writeHead(302, { location: 'https://mirror.example.com/code.zip' }).end();
      if (req.url === '/to-metadata') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
      res.writeHead(404).end();
    });
    try {
      const dns = fakeDns({ 'mirror.example.com': ['192.168.1.20'] });
      const packages = { simulatorHost: server.host, hosts: ['*.example.com'], lookup: dns.lookup };
      await expectRefusedBeforeScf({ location: `http://${server.host}/to-private`, sha256: sha(zip) }, /mirror\.example\.com: it resolves to 192\.168\.1\.20/, packages);
      await expectRefusedBeforeScf({ location: `http://${server.host}/to-metadata`, sha256: sha(zip) }, /refusing.*169\.254\.169\.254/, packages);
      expect(server.hits).toEqual(['/to-private', '/to-metadata']);
    } finally {
      server.close();
    }
  });

  test('when a name resolves differently on a second query, then the download connects to the address that was checked (one query per hop)', async () => {
    const server = await serve((_req, res) => res.end(zip));
    try {
      let queries = 0;
      const lookup: LookupAll = async () => [{ address: queries++ === 0 ? '127.0.0.1' : '10.9.9.9', family: 4 }];
      const { activities, calls } = activitiesWith(() => ({ RequestId: 'ok' }), {
        packages: { simulatorHost: `sim.test:${server.port}`, lookup },
      });
      await activities.updateFunctionCode({ fn, pkg: { location: `http://sim.test:${server.port}/code.zip`, sha256: sha(zip) } });
      expect(queries).toBe(1);
      expect(server.hits).toEqual(['/code.zip']);
      expect(calls).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  test('when an allowed https host resolves to public addresses, then the check passes; another port or a look-alike host does not', async () => {
    const { FetchPolicy } = await import('../../activities/url-policy');
    const dns = fakeDns({ 'code-1250000000.cos.ap-guangzhou.myqcloud.com': ['162.14.0.10', '2402:4e00::10'] });
    const policy = new FetchPolicy({ hosts: ['*.myqcloud.com'], listName: 'SCF_PACKAGE_HOSTS', lookup: dns.lookup });
    await expect(policy.check(new URL('https://code-1250000000.cos.ap-guangzhou.myqcloud.com/v1.zip?sign=x'))).resolves.toEqual({ address: '162.14.0.10', family: 4 });
    await expect(policy.check(new URL('https://code-1250000000.cos.ap-guangzhou.myqcloud.com:8443/v1.zip'))).rejects.toThrow(/only hosts on SCF_PACKAGE_HOSTS/);
    await expect(policy.check(new URL('https://myqcloud.com.evil.example/v1.zip'))).rejects.toThrow(/only hosts on SCF_PACKAGE_HOSTS/);
  });
});

describe('snapshotCode and GetFunctionAddress', () => {
  const addressAnswer = (url: string) => (action: string) =>
    action === 'GetFunctionAddress' ? { Url: url, CodeSha256: sha(zip), RequestId: 'r' } : { Status: 'Active', Handler: 'index.main_handler', RequestId: 'r' };

  test('when GetFunctionAddress names a host that is not COS, then snapshotCode refuses it without downloading, and the message has no query string', async () => {
    const server = await serve((_req, res) => res.end(zip));
    try {
      const { activities, store } = activitiesWith(addressAnswer(`http://${server.host}/code.zip?sign=SIGNATURE-SECRET&Expires=1`));
      const f = await failureOf(activities.snapshotCode({ fn }));
      expect(f.type).toBe('DownloadFailed');
      expect(f.nonRetryable).toBe(true);
      expect(f.message).toMatch(/refusing to download from 127\.0\.0\.1:\d+: only hosts on the COS domains/);
      expect(f.message).not.toContain('SIGNATURE-SECRET');
      expect(server.hits).toEqual([]);
      expect(await store.has(sha(zip))).toBe(false);
    } finally {
      server.close();
    }
  });

  test('when GetFunctionAddress names a COS host that resolves to a private address, then snapshotCode refuses it', async () => {
    const dns = fakeDns({ 'lambdacode-1253970226.cosgz.myqcloud.com': ['10.0.0.8'] });
    const { activities } = activitiesWith(addressAnswer('http://lambdacode-1253970226.cosgz.myqcloud.com/1253970226/hello/hello_LATEST.zip?sign=SIG'), {
      packages: { lookup: dns.lookup },
    });
    const f = await failureOf(activities.snapshotCode({ fn }));
    expect(f.type).toBe('DownloadFailed');
    expect(f.message).toMatch(/resolves to 10\.0\.0\.8, which is not a public address/);
    expect(f.message).not.toContain('SIG');
  });

  test('when GetFunctionAddress answers, then the activity result carries the CodeSha256 and not the signed Url', async () => {
    const { activities } = activitiesWith(addressAnswer('https://lambdacode-1253970226.cos.ap-guangzhou.myqcloud.com/x.zip?sign=SIGNATURE-SECRET'));
    expect(await activities.getFunctionAddress({ fn })).toEqual({ codeSha256: sha(zip) });
  });

  test('when the simulator (SCF_ENDPOINT) serves the code, then snapshotCode downloads it over http', async () => {
    const server = await serve((_req, res) => res.end(zip));
    try {
      const { activities, store } = activitiesWith(addressAnswer(`http://${server.host}/code.zip?Signature=s`), { packages: { simulatorHost: server.host } });
      const snap = await activities.snapshotCode({ fn });
      expect(snap.sha256).toBe(sha(zip));
      expect(await store.has(sha(zip))).toBe(true);
    } finally {
      server.close();
    }
  });
});
