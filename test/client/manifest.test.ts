/**
 * The release manifest: every bad input is refused with the field's path and a fix, and a good one
 * becomes the expected ReleaseInput. Pure: no Temporal, no simulator.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { buildRelease, ManifestError, type ManifestFlags } from '../../client/manifest';
import { zipDirectory } from '../../client/demo/build-zip';
import { createZip } from '../../simulator';

const dir = mkdtempSync(path.join(os.tmpdir(), 'manifest-test-'));
// app.js: a test below overrides the handler with --handler app.handler, whose file must be at the root.
const zipBytes = createZip({ 'index.js': 'exports.main_handler = async () => ({ ok: true });\n', 'app.js': 'exports.handler = async () => 1;\n' });
const zipSha = createHash('sha256').update(zipBytes).digest('hex');
writeFileSync(path.join(dir, 'fn.zip'), zipBytes);
writeFileSync(path.join(dir, 'not-a-zip.zip'), 'hello');
// Sparse: 16 MiB with a zip signature, just over what fits UpdateFunctionCode inline.
writeFileSync(path.join(dir, 'big.zip'), 'PK\u0003\u0004');
truncateSync(path.join(dir, 'big.zip'), 16 * 1024 * 1024);
const SHA = 'a'.repeat(64);

const base = {
  function: 'hello-scf',
  region: 'ap-guangzhou',
  regions: ['ap-shanghai'],
  package: { path: 'fn.zip' },
};

let counter = 0;
function manifestFile(manifest: unknown, ext = 'yaml'): string {
  const file = path.join(dir, `m${++counter}.${ext}`);
  writeFileSync(file, typeof manifest === 'string' ? manifest : YAML.stringify(manifest));
  return file;
}

async function issuesOf(manifest: unknown, flags: ManifestFlags = {}): Promise<Array<{ path: string; message: string }>> {
  try {
    await buildRelease({ file: manifestFile(manifest), flags });
  } catch (err) {
    if (err instanceof ManifestError) return err.issues;
    throw err;
  }
  throw new Error('the manifest was accepted');
}

describe('release manifest validation', () => {
  const cases: Array<[string, unknown, string, RegExp, ManifestFlags?]> = [
    ['the function is missing', { ...base, function: undefined }, 'function', /is required; name the SCF function/],
    ['the function name breaks SCF rules', { ...base, function: '9-bad-' }, 'function', /starting with a letter.*e\.g\. hello-scf/],
    ['the primary region is not an SCF region', { ...base, region: 'ap-mars' }, 'region', /not an SCF region; use one of: .*ap-guangzhou/],
    ['a target region is not an SCF region', { ...base, regions: ['ap-shanghai', 'us-east-1'] }, 'regions[1]', /not an SCF region; use one of/],
    ['a target region is listed twice', { ...base, regions: ['ap-shanghai', 'ap-tokyo', 'ap-shanghai'] }, 'regions[2]', /listed twice; list each region once/],
    ['the primary region is repeated in regions', { ...base, regions: ['ap-tokyo', 'ap-guangzhou'] }, 'regions[1]', /is the primary region.*remove it from regions/],
    ['regions is not a list', { ...base, regions: 'ap-tokyo' }, 'regions', /must be a list of SCF regions/],
    ['the package is missing', { ...base, package: undefined }, 'package', /is required; give the code zip/],
    ['the package sets both path and url', { ...base, package: { path: 'fn.zip', url: 'https://x/y.zip', sha256: SHA } }, 'package', /set exactly one of path, dir, url or cos/],
    ['the local zip does not exist', { ...base, package: './nope.zip' }, 'package.path', /does not exist; build the zip first or fix the path/],
    ['the local file is not a zip', { ...base, package: { path: 'not-a-zip.zip' } }, 'package.path', /is not a zip file/],
    ['the local zip is over the inline limit', { ...base, package: { path: 'big.zip' } }, 'package.path', /at most 20 MB of base64 inline.*package\.cos/],
    ['the local zip does not match its declared sha256', { ...base, package: { path: 'fn.zip', sha256: SHA } }, 'package.sha256', /file's sha256 is .*remove package\.sha256/],
    ['a URL package has no sha256', { ...base, package: 'https://example.com/fn.zip' }, 'package.sha256', /is required for a package\.url.*sha256sum/],
    ['a URL package carries credentials', { ...base, package: { url: 'https://me:pw@example.com/fn.zip', sha256: SHA } }, 'package.url', /credentials/],
    ['a URL package is pre-signed', { ...base, package: { url: 'https://b-1.cos.ap-guangzhou.myqcloud.com/fn.zip?q-signature=abc', sha256: SHA } }, 'package.url', /signature.*use package\.cos/],
    ['a COS package has no region', { ...base, package: { cos: 'cos://code-1250000000/fn.zip', sha256: SHA } }, 'package.cos', /needs \?region=/],
    ['a COS package has no sha256', { ...base, package: 'cos://code-1250000000/fn.zip?region=ap-guangzhou' }, 'package.sha256', /is required for a package\.cos/],
    ['the sha256 is not 64 hex characters', { ...base, package: { url: 'https://x/fn.zip', sha256: 'abc' } }, 'package.sha256', /64 hex characters; compute it with `sha256sum/],
    ['the handler has no function part', { ...base, handler: 'index' }, 'handler', /file\.function, e\.g\. index\.main_handler/],
    ['a verification event is text but not JSON', { ...base, verification: [{ name: 'a', event: '{oops' }] }, 'verification[0].event', /not JSON; write the event as/],
    ['a verification regex does not compile', { ...base, verification: [{ expect: { retMsgPattern: '([a-z' } }] }, 'verification[0].expect.retMsgPattern', /not a pattern RE2 accepts.*RE2 syntax/],
    ['a verification duration is unreadable', { ...base, verification: [{ expect: { maxDuration: 'soon' } }] }, 'verification[0].expect.maxDuration', /not a duration; write e\.g\. 500ms/],
    ['invokeResult is not a number', { ...base, verification: [{ expect: { invokeResult: 'ok' } }] }, 'verification[0].expect.invokeResult', /must be a number; 0 means/],
    ['two verification cases share a name', { ...base, verification: [{ name: 'a' }, { name: 'a' }] }, 'verification[1].name', /used twice; name each case once/],
    ['traffic percentages do not increase', { ...base, alias: { name: 'live', steps: [{ percent: 50, bake: '1m' }, { percent: 20, bake: '1m' }, { percent: 100 }] } }, 'alias.steps[1].percent', /not more than the previous step's 50; percentages must strictly increase/],
    ['the last traffic step is not 100', { ...base, alias: { name: 'live', steps: [{ percent: 10 }, { percent: 60 }] } }, 'alias.steps[1].percent', /last step must be 100/],
    ['a traffic step is 0%', { ...base, alias: { name: 'live', steps: [{ percent: 0 }, { percent: 100 }] } }, 'alias.steps[0].percent', /at least 1/],
    ['a bake time is unreadable', { ...base, alias: { name: 'live', steps: [{ percent: 100, bake: '5 minutes' }] } }, 'alias.steps[0].bake', /write e\.g\. 30s, 2m, 1h/],
    ['the alias name breaks SCF rules', { ...base, alias: { name: '$LATEST' } }, 'alias.name', /must start with a letter.*e\.g\. live/],
    ['the alias steps list is empty', { ...base, alias: { name: 'live', steps: [] } }, 'alias.steps', /give at least one step/],
    ['override is not a boolean', { ...base, override: 'yes' }, 'override', /must be true or false/],
    ['regionConcurrency is zero', { ...base, regionConcurrency: 0 }, 'regionConcurrency', /at least 1/],
    ['a field is misspelt', { ...base, regoins: ['ap-tokyo'] }, 'regoins', /not a manifest field; remove it or use one of: .*regions/],
    ['a nested field is misspelt', { ...base, alias: { name: 'live', step: [] } }, 'alias.step', /not a manifest field.*steps/],
    ['a flag sets a bad region', base, 'regions[0]', /not an SCF region.*\(set by --regions\)/, { regions: 'ap-nowhere' }],
    ['a target region is misspelt', { ...base, regions: ['ap-shangai'] }, 'regions[0]', /"ap-shangai" is not an SCF region; use one of: .* — did you mean ap-shanghai\?$/],
    ['the primary region is misspelt', { ...base, region: 'ap-guangzou' }, 'region', /not an SCF region; .* — did you mean ap-guangzhou\?$/],
    ['a field has two letters swapped', { ...base, regoins: ['ap-tokyo'] }, 'regoins', /not a manifest field; .* — did you mean "regions"\?$/],
    ['a nested field is misspelt (did you mean)', { ...base, alias: { name: 'live', step: [] } }, 'alias.step', / — did you mean "steps"\?$/],
    ['a field is in the wrong case', { ...base, Function: 'x' }, 'Function', / — did you mean "function"\?$/],
  ];

  // A rest parameter: jest hands a `done` callback to a test function that declares more parameters
  // than its row has values (the rows without flags), and would then wait for it.
  it.each(cases)('when %s, then the message names the field and the fix', async (...[, manifest, field, message, flags]) => {
    const issues = await issuesOf(manifest, flags);
    const issue = issues.find((i) => i.path === field);
    expect(issue).toBeDefined();
    expect(issue?.message).toMatch(message);
  });

  it('when a region or field is nothing like a known one, then no suggestion is made up', async () => {
    const issues = await issuesOf({ ...base, regions: ['us-east-1'], colour: 'blue' });
    for (const issue of issues) expect(issue.message).not.toContain('did you mean');
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['regions[0]', 'colour']));
  });

  it('when the file is not valid YAML, then the error says so and names the file', async () => {
    const file = manifestFile('function: [unclosed\n');
    await expect(buildRelease({ file })).rejects.toThrow(new RegExp(`invalid release manifest \\(${file}\\).*\\n.*not valid YAML`));
  });

  it('when the file does not exist, then the error says to check the -f path', async () => {
    await expect(buildRelease({ file: path.join(dir, 'missing.yaml') })).rejects.toThrow(/cannot read the file \(ENOENT\); check the -f path/);
  });

  it('when several fields are wrong, then every one is reported at once', async () => {
    const issues = await issuesOf({ ...base, function: 'x', region: 'nowhere', override: 1 });
    expect(issues.map((i) => i.path).sort()).toEqual(['function', 'override', 'region']);
  });
});

describe('building the ReleaseInput', () => {
  it('when the manifest is good, then the input carries every field, the computed sha256 and defaults', async () => {
    const { input, warnings } = await buildRelease({
      file: manifestFile({
        ...base,
        regions: ['ap-shanghai', 'ap-singapore'],
        handler: 'index.main_handler',
        description: 'v2',
        verification: [
          { name: 'greets', event: { name: 'scf' }, expect: { retMsgJsonSubset: { message: 'hello scf' }, retMsgPattern: '^\\{', maxDuration: '1.5s' } },
          { event: '{"ping":true}' },
        ],
        alias: { name: 'live', requireApproval: true, steps: [{ percent: 10, bake: '30s' }, { percent: 50, bake: '2m' }, { percent: 100, bake: 5 }] },
        regionConcurrency: 2,
      }),
      now: new Date('2026-11-25T06:01:02Z'),
    });
    expect(input).toEqual({
      releaseId: expect.stringMatching(/^r-20261125-060102-[0-9a-f]{4}$/),
      functionName: 'hello-scf',
      namespace: 'default',
      primaryRegion: 'ap-guangzhou',
      regions: ['ap-shanghai', 'ap-singapore'],
      pkg: { location: path.join(dir, 'fn.zip'), sha256: zipSha },
      handler: 'index.main_handler',
      description: 'v2',
      verification: [
        {
          name: 'greets',
          event: '{"name":"scf"}',
          expect: { invokeResult: 0, retMsgJsonSubset: { message: 'hello scf' }, retMsgPattern: '^\\{', maxDurationMs: 1500 },
        },
        { name: 'case-2', event: '{"ping":true}', expect: { invokeResult: 0 } },
      ],
      alias: {
        name: 'live',
        requireApproval: true,
        // The documented default (a day), written into the input so history shows how long the gate waits.
        approvalTimeoutSeconds: 86_400,
        steps: [
          { percent: 10, bakeSeconds: 30 },
          { percent: 50, bakeSeconds: 120 },
          { percent: 100, bakeSeconds: 5 },
        ],
      },
      regionConcurrency: 2,
      startedBy: `${os.userInfo().username}@${os.hostname()}`,
    });
    expect(warnings).toEqual([]);
  });

  it('when durations sit at their floors (bake 0, maxDuration 1ms, approvalTimeout 1m), then they are accepted', async () => {
    const { input } = await buildRelease({
      file: manifestFile({
        ...base,
        verification: [{ expect: { maxDuration: '1ms' } }],
        alias: { name: 'live', requireApproval: true, approvalTimeout: '1m', steps: [{ percent: 100, bake: 0 }] },
      }),
    });
    expect(input.verification[0].expect.maxDurationMs).toBe(1);
    expect(input.alias).toMatchObject({ approvalTimeoutSeconds: 60, steps: [{ percent: 100, bakeSeconds: 0 }] });
  });

  it('when alias.gate is given, then the input carries it in percent and ms; a gate without limits or with a bad rate is refused', async () => {
    const gate = { maxErrorRate: '1%', maxAvgDuration: '800ms', minInvocations: 50, inconclusive: 'fail' };
    const { input } = await buildRelease({ file: manifestFile({ ...base, alias: { name: 'live', gate } }) });
    expect(input.alias?.gate).toEqual({ maxErrorRatePercent: 1, maxAvgDurationMs: 800, minInvocations: 50, inconclusive: 'fail' });
    expect(await issuesOf({ ...base, alias: { name: 'live', gate: { minInvocations: 5 } } })).toEqual([expect.objectContaining({ path: 'alias.gate', message: expect.stringMatching(/sets no limit/) })]);
    expect(await issuesOf({ ...base, alias: { name: 'live', gate: { maxErrorRate: 'lots', minInvocations: 5 } } })).toEqual([
      expect.objectContaining({ path: 'alias.gate.maxErrorRate', message: expect.stringMatching(/percentage/) }),
    ]);
  });

  it('when alias.gate is relative to the previous version, then the input carries the increases; an increase without relativeTo is refused', async () => {
    const gate = { relativeTo: 'previous', maxErrorRateIncrease: '0.5%', maxAvgDurationIncrease: '100ms', minInvocations: 50 };
    const { input } = await buildRelease({ file: manifestFile({ ...base, alias: { name: 'live', gate } }) });
    expect(input.alias?.gate).toEqual({ relativeTo: 'previous', maxErrorRateIncreasePercent: 0.5, maxAvgDurationIncreaseMs: 100, minInvocations: 50, inconclusive: 'wait' });
    expect(await issuesOf({ ...base, alias: { name: 'live', gate: { maxErrorRateIncrease: '0.5%', minInvocations: 5 } } })).toEqual([
      expect.objectContaining({ path: 'alias.gate', message: expect.stringMatching(/relativeTo: previous/) }),
    ]);
    expect(await issuesOf({ ...base, alias: { name: 'live', gate: { relativeTo: 'latest', maxErrorRateIncrease: '1%', minInvocations: 5 } } })).toEqual([
      expect.objectContaining({ path: 'alias.gate.relativeTo', message: expect.stringMatching(/previous/) }),
    ]);
  });

  it('when replicateTriggers is given, then the input carries it; without it, nothing', async () => {
    const opt = { types: ['timer', 'apigw', 'cos'], cos: { map: { 'ap-shanghai': 'uploads-sh-1250000000' } } };
    expect((await buildRelease({ file: manifestFile({ ...base, replicateTriggers: opt }) })).input.replicateTriggers).toEqual(opt);
    expect((await buildRelease({ file: manifestFile({ ...base, replicateTriggers: { types: ['timer'] } }) })).input.replicateTriggers).toEqual({ types: ['timer'], cos: 'skip' });
    expect((await buildRelease({ file: manifestFile(base) })).input.replicateTriggers).toBeUndefined();
  });

  it('when replicateTriggers is wrong, then each field is refused with a fix', async () => {
    const bad = (replicateTriggers: unknown) => issuesOf({ ...base, replicateTriggers });
    expect(await bad({ types: ['timer', 'pigeon'] })).toEqual([expect.objectContaining({ path: 'replicateTriggers.types[1]', message: expect.stringMatching(/timer, apigw, cos, ckafka, cmq/) })]);
    expect(await bad({ types: [] })).toEqual([expect.objectContaining({ path: 'replicateTriggers.types', message: expect.stringMatching(/at least one/) })]);
    expect(await bad({ types: ['cos'], cos: { map: { 'ap-mars': 'b-1250000000' } } })).toEqual([expect.objectContaining({ path: expect.stringMatching(/^replicateTriggers\.cos/) })]);
    expect(await bad({ types: ['cos'], cos: { map: { 'ap-shanghai': 'No_Bucket' } } })).toEqual([expect.objectContaining({ path: expect.stringMatching(/^replicateTriggers\.cos/), message: expect.stringMatching(/bucket-appid/) })]);
    expect(await bad({ types: ['cos'], cos: 'copy' })).toEqual([expect.objectContaining({ path: 'replicateTriggers.cos', message: expect.stringMatching(/skip or \{ map/) })]);
  });

  it('when two releases start in order, then their ids sort in the same order', async () => {
    const file = manifestFile(base);
    const first = await buildRelease({ file, now: new Date('2026-11-25T06:01:02Z') });
    const second = await buildRelease({ file, now: new Date('2026-11-25T06:01:03Z') });
    expect([second.input.releaseId, first.input.releaseId].sort()).toEqual([first.input.releaseId, second.input.releaseId]);
  });

  it('when flags are given, then they override the manifest and --by names who started it', async () => {
    const { input, warnings } = await buildRelease({
      file: manifestFile(base),
      flags: { regions: 'ap-tokyo, ap-seoul', alias: 'canary', namespace: 'team-a', override: true, handler: 'app.handler' },
      startedBy: 'alice',
    });
    expect(input).toMatchObject({
      regions: ['ap-tokyo', 'ap-seoul'],
      namespace: 'team-a',
      handler: 'app.handler',
      overrideExisting: true,
      alias: { name: 'canary', steps: [{ percent: 100, bakeSeconds: 0 }], requireApproval: false },
      startedBy: 'alice',
    });
    expect(warnings.join('\n')).toMatch(/override is on: .*DELETES that function first, with all its versions, aliases and triggers/);
  });

  it('when there is no manifest, then flags alone make a release', async () => {
    const { input } = await buildRelease({
      flags: { function: 'solo', region: 'ap-tokyo', package: 'https://example.com/solo.zip', sha256: SHA.toUpperCase() },
    });
    expect(input).toMatchObject({ functionName: 'solo', primaryRegion: 'ap-tokyo', regions: [], pkg: { location: 'https://example.com/solo.zip', sha256: SHA } });
  });

  it('when a COS package is given with its sha256, then it is passed by reference', async () => {
    const cos = 'cos://code-1250000000/releases/fn.zip?region=ap-guangzhou';
    const { input } = await buildRelease({ file: manifestFile({ ...base, package: { cos, sha256: SHA } }) });
    expect(input.pkg).toEqual({ location: cos, sha256: SHA });
  });

  it.each(['release.yaml', 'release.json'])('when examples/%s gets a built package, then it is a valid manifest', async (name) => {
    const zip = path.join(dir, 'hello-function.zip');
    await zipDirectory(path.resolve(__dirname, '../../examples/hello-function'), zip);
    const { input } = await buildRelease({ file: path.resolve(__dirname, '../../examples', name), flags: { package: zip } });
    expect(input).toMatchObject({ functionName: 'hello-scf', primaryRegion: 'ap-guangzhou', regions: ['ap-shanghai', 'ap-singapore'] });
    expect(input.alias?.steps.map((s) => s.percent)).toEqual([10, 50, 100]);
  });

  it('when the input is built, then it holds no secret from the environment', async () => {
    process.env.TENCENTCLOUD_SECRET_KEY = 'super-secret-key';
    try {
      const { input } = await buildRelease({ file: manifestFile(base) });
      expect(JSON.stringify(input)).not.toContain('super-secret-key');
    } finally {
      delete process.env.TENCENTCLOUD_SECRET_KEY;
    }
  });
});
