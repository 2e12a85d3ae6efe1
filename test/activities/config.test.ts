import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOCUMENTED_RATE_LIMITS, RATE_LIMITED_ACTIONS, ScfConfigError, loadScfConfig, parseRateLimits } from '../../activities/config';
import { credentialFor } from '../../activities/scf-client';

describe('loadScfConfig', () => {
  test('when nothing is set, then the defaults apply (https, default providers, documented limits)', () => {
    const c = loadScfConfig({}, '/srv');
    expect(c).toMatchObject({ endpoint: undefined, protocol: 'https://', credentials: 'default', account: 'default', timeoutMs: 30000, rateLimitShare: 'auto', artifactDir: '/srv/.data/artifacts' });
    expect(c.rateLimits.PublishVersion).toBe(DOCUMENTED_RATE_LIMITS.PublishVersion);
  });

  test('when SCF_EXPECTED_TRANSITION is unset or given, then waitForActive first polls after 300 ms or after it; a typo is refused naming it', () => {
    expect(loadScfConfig({}).expectedTransitionMs).toBe(300);
    expect(loadScfConfig({ SCF_EXPECTED_TRANSITION: '2s' }).expectedTransitionMs).toBe(2000);
    expect(() => loadScfConfig({ SCF_EXPECTED_TRANSITION: 'soon' })).toThrow(/SCF_EXPECTED_TRANSITION/);
  });

  test('when SCF_ENDPOINT has a scheme, then the protocol follows it', () => {
    expect(loadScfConfig({ SCF_ENDPOINT: 'http://127.0.0.1:9100' })).toMatchObject({ endpoint: '127.0.0.1:9100', protocol: 'http://' });
    expect(loadScfConfig({ SCF_ENDPOINT: '127.0.0.1:9100', SCF_PROTOCOL: 'http' })).toMatchObject({ endpoint: '127.0.0.1:9100', protocol: 'http://' });
  });

  test('when limits and share are given, then they are parsed', () => {
    const c = loadScfConfig({ SCF_RATE_LIMITS: 'PublishVersion=5, GetFunction=50', SCF_RATE_LIMIT_SHARE: '1/2' });
    expect(c.rateLimits.PublishVersion).toBe(5);
    expect(c.rateLimits.GetFunction).toBe(50);
    expect(c.rateLimits.UpdateFunctionCode).toBe(100);
    expect(c.rateLimitShare).toBe(0.5);
  });

  test.each([
    [{ SCF_RATE_LIMIT_SHARE: '2' }, /SCF_RATE_LIMIT_SHARE/],
    [{ SCF_RATE_LIMITS: 'PublishVersion' }, /SCF_RATE_LIMITS/],
    [{ SCF_TIMEOUT_MS: 'soon' }, /SCF_TIMEOUT_MS/],
    [{ SCF_CREDENTIALS: 'magic' }, /SCF_CREDENTIALS/],
  ])('when a variable is wrong (%j), then the error names it', (env, pattern) => {
    expect(() => loadScfConfig(env as NodeJS.ProcessEnv)).toThrow(pattern);
  });

  test('when SCF_RATE_LIMITS names an action that is not rate-limited (a typo), then loading fails naming the variable and the valid names', () => {
    const load = () => loadScfConfig({ SCF_RATE_LIMITS: 'PublishVerison=5' });
    expect(load).toThrow(ScfConfigError);
    expect(load).toThrow(/SCF_RATE_LIMITS: "PublishVerison" is not an SCF action/);
    expect(load).toThrow(/valid names: .*PublishVersion/);
    // Case matters: the limiter keys buckets by the exact action name.
    expect(() => parseRateLimits('publishversion=5')).toThrow(/SCF_RATE_LIMITS: "publishversion"/);
  });

  test('when SCF_RATE_LIMITS names any action the activities call or any documented one, then it is accepted', () => {
    const called = ['GetFunction', 'UpdateFunctionCode', 'PublishVersion', 'ListVersionByFunction', 'CopyFunction', 'GetFunctionAddress', 'InvokeFunction', 'CreateAlias', 'GetAlias', 'UpdateAlias', 'DeleteAlias', 'DeleteFunction', 'ListFunctions'];
    for (const action of [...called, ...Object.keys(DOCUMENTED_RATE_LIMITS)]) {
      expect(RATE_LIMITED_ACTIONS).toContain(action);
      expect(loadScfConfig({ SCF_RATE_LIMITS: `${action}=3` }).rateLimits[action]).toBe(3);
    }
  });

  test('when SCF_PROTOCOL disagrees with the scheme of SCF_ENDPOINT, then loading fails naming both', () => {
    const load = () => loadScfConfig({ SCF_ENDPOINT: 'http://127.0.0.1:9100', SCF_PROTOCOL: 'https' });
    expect(load).toThrow(ScfConfigError);
    expect(load).toThrow(/SCF_PROTOCOL.*SCF_ENDPOINT/);
    expect(() => loadScfConfig({ SCF_ENDPOINT: 'https://scf.example.com', SCF_PROTOCOL: 'http://' })).toThrow(/SCF_PROTOCOL \(http:\/\/\).*SCF_ENDPOINT \(https:\/\/scf\.example\.com\)/);
  });

  test('when SCF_PROTOCOL agrees with the scheme of SCF_ENDPOINT, then it is accepted', () => {
    expect(loadScfConfig({ SCF_ENDPOINT: 'http://127.0.0.1:9100', SCF_PROTOCOL: 'http' })).toMatchObject({ endpoint: '127.0.0.1:9100', protocol: 'http://' });
    expect(loadScfConfig({ SCF_ENDPOINT: 'https://scf.example.com/', SCF_PROTOCOL: 'https://' })).toMatchObject({ endpoint: 'scf.example.com', protocol: 'https://' });
    expect(loadScfConfig({ SCF_PROTOCOL: 'http' })).toMatchObject({ endpoint: undefined, protocol: 'http://' });
  });

  test('when secrets are in the environment, then the config does not carry them', () => {
    const c = loadScfConfig({ TENCENTCLOUD_SECRET_ID: 'AKIDsecret', TENCENTCLOUD_SECRET_KEY: 'topsecret' });
    expect(JSON.stringify(c)).not.toMatch(/secret/i);
  });
});

describe('package sources in the config', () => {
  test('when nothing is set, then https packages come from the COS domains only, local packages are off and no host is trusted', () => {
    const c = loadScfConfig({}, '/srv');
    expect(c.packageHosts).toEqual(['*.myqcloud.com', '*.tencentcos.cn']);
    expect(c.packageDir).toBeUndefined();
    expect(c.simulatorHost).toBeUndefined();
  });

  test('when SCF_ENDPOINT names the simulator, then its host:port is trusted; when it names Tencent, then nothing is', () => {
    expect(loadScfConfig({ SCF_ENDPOINT: 'http://127.0.0.1:9100' }).simulatorHost).toBe('127.0.0.1:9100');
    expect(loadScfConfig({ SCF_ENDPOINT: 'scf.ap-guangzhou.tencentcloudapi.com' }).simulatorHost).toBeUndefined();
    expect(loadScfConfig({ SCF_ENDPOINT: 'https://scf.tencentcloudapi.com' }).simulatorHost).toBeUndefined();
  });

  test('when SCF_PACKAGE_HOSTS and SCF_PACKAGE_DIR are set, then they are parsed and resolved', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scf-cfg-'));
    const c = loadScfConfig({ SCF_PACKAGE_HOSTS: ' Downloads.Example.com:8443, *.cos.ap-guangzhou.myqcloud.com ', SCF_PACKAGE_DIR: path.basename(dir) }, path.dirname(dir));
    expect(c.packageHosts).toEqual(['downloads.example.com:8443', '*.cos.ap-guangzhou.myqcloud.com']);
    expect(c.packageDir).toBe(dir);
  });

  test.each([
    [{ SCF_PACKAGE_HOSTS: '*.com' }, /SCF_PACKAGE_HOSTS: "\*\.com" would match every host under a top-level domain/],
    [{ SCF_PACKAGE_HOSTS: 'https://cdn.example.com/' }, /SCF_PACKAGE_HOSTS: "https:\/\/cdn\.example\.com\/" is not a host/],
    [{ SCF_PACKAGE_HOSTS: 'a.example.com:99999' }, /SCF_PACKAGE_HOSTS: .* port over 65535/],
    [{ SCF_PACKAGE_DIR: '/no/such/package/dir' }, /SCF_PACKAGE_DIR: no directory at \/no\/such\/package\/dir/],
  ])('when a package setting is wrong (%j), then the error names it', (env, pattern) => {
    expect(() => loadScfConfig(env as NodeJS.ProcessEnv)).toThrow(pattern);
  });
});

describe('COS in the config (SCF_COS_*)', () => {
  test('when no bucket is set, then there is no COS and snapshots stay local', () => {
    expect(loadScfConfig({}).cos).toBeUndefined();
  });

  test('when a bucket and region are set, then the prefix defaults and the simulator is the endpoint', () => {
    expect(loadScfConfig({ SCF_COS_BUCKET: 'code-1250000000', SCF_COS_REGION: 'ap-guangzhou' }).cos).toEqual({ bucket: 'code-1250000000', region: 'ap-guangzhou', prefix: 'scf-release' });
    expect(loadScfConfig({ SCF_ENDPOINT: 'http://127.0.0.1:9000', SCF_COS_BUCKET: 'code-1250000000', SCF_COS_REGION: 'ap-guangzhou', SCF_COS_PREFIX: '/team/a/' }).cos).toEqual({
      bucket: 'code-1250000000', region: 'ap-guangzhou', prefix: 'team/a', endpoint: '127.0.0.1:9000',
    });
    expect(loadScfConfig({ SCF_COS_BUCKET: 'code-1250000000', SCF_COS_REGION: 'ap-guangzhou', SCF_COS_ENDPOINT: 'http://10.0.0.5:9100' }).cos?.endpoint).toBe('10.0.0.5:9100');
  });

  test('when the SCF_COS_* variables are passed empty (docker-compose `${VAR:-}`), then they count as unset', () => {
    expect(loadScfConfig({ SCF_COS_BUCKET: '', SCF_COS_REGION: '', SCF_COS_PREFIX: '', SCF_COS_ENDPOINT: ' ' }).cos).toBeUndefined();
    expect(loadScfConfig({ SCF_COS_BUCKET: 'code-1250000000', SCF_COS_REGION: 'ap-guangzhou', SCF_COS_PREFIX: '', SCF_COS_ENDPOINT: '' }).cos).toEqual({ bucket: 'code-1250000000', region: 'ap-guangzhou', prefix: 'scf-release' });
    expect(() => loadScfConfig({ SCF_COS_BUCKET: '', SCF_COS_REGION: 'ap-guangzhou' })).toThrow(/SCF_COS_BUCKET is not/);
  });

  test.each([
    [{ SCF_COS_BUCKET: 'code' , SCF_COS_REGION: 'ap-guangzhou' }, /SCF_COS_BUCKET must be <name>-<appid>/],
    [{ SCF_COS_BUCKET: 'code-1250000000' }, /SCF_COS_BUCKET needs SCF_COS_REGION/],
    [{ SCF_COS_REGION: 'ap-guangzhou' }, /SCF_COS_BUCKET is not/],
    [{ SCF_COS_BUCKET: 'code-1250000000', SCF_COS_REGION: 'ap-guangzhou', SCF_COS_PREFIX: 'a/../b' }, /SCF_COS_PREFIX/],
    [{ SCF_COS_BUCKET: 'code-1250000000', SCF_COS_REGION: 'ap-guangzhou', SCF_COS_ENDPOINT: 'https://cos.example.com' }, /SCF_COS_ENDPOINT must be host:port or http:\/\/host:port/],
  ])('when a COS setting is wrong (%j), then the error names it', (env, pattern) => {
    expect(() => loadScfConfig(env as NodeJS.ProcessEnv)).toThrow(pattern);
  });
});

describe('credentialFor', () => {
  test('when given an environment, then the keys come from it, not from process.env', async () => {
    const given = { TENCENTCLOUD_SECRET_ID: 'AKIDgivenenvironment', TENCENTCLOUD_SECRET_KEY: 'given-key' };
    await expect(credentialFor('env', given).getCredential()).resolves.toMatchObject({ secretId: 'AKIDgivenenvironment', secretKey: 'given-key' });
    await expect(credentialFor('env', {}).getCredential()).rejects.toThrow(/no Tencent Cloud credentials found/);
  });
});
