import { DOCUMENTED_RATE_LIMITS, RATE_LIMITED_ACTIONS, ScfConfigError, loadScfConfig, parseRateLimits } from '../../activities/config';

describe('loadScfConfig', () => {
  test('when nothing is set, then the defaults apply (https, default providers, documented limits)', () => {
    const c = loadScfConfig({}, '/srv');
    expect(c).toMatchObject({ endpoint: undefined, protocol: 'https://', credentials: 'default', account: 'default', timeoutMs: 30000, rateLimitShare: 1, artifactDir: '/srv/.data/artifacts' });
    expect(c.rateLimits.PublishVersion).toBe(DOCUMENTED_RATE_LIMITS.PublishVersion);
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
