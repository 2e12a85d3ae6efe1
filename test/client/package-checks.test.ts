/**
 * A package that SCF would refuse, or that points the worker at its own files or network, is refused
 * before anything starts: exit 64 naming the field, no workflow, no SCF call. The zip checks read only
 * the central directory; the URL checks need no network.
 */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import yazl from 'yazl';
import { registerReleaseCommand } from '../../client/commands/release';
import { buildRelease, ManifestError } from '../../client/manifest';
import { createZip } from '../../simulator';
import { MUTATING } from '../../simulator/actions';
import { eventually } from '../harness/eventually';
import { runCli } from '../harness/run-cli';
import { useScfWorld } from '../harness/use-scf-world';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pkg-checks-'));
const SHA = 'a'.repeat(64);

/** Writes a zip with exactly these entries (names ending in / are directories); returns its path. */
function zipWith(name: string, entries: Record<string, string>): Promise<string> {
  const file = path.join(dir, name);
  const zip = new yazl.ZipFile();
  for (const [entry, body] of Object.entries(entries)) {
    if (entry.endsWith('/')) zip.addEmptyDirectory(entry, { mtime: new Date(0) });
    else zip.addBuffer(Buffer.from(body), entry, { mtime: new Date(0) });
  }
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise<string>((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c)).on('error', reject).on('end', () => {
      writeFileSync(file, Buffer.concat(chunks));
      resolve(file);
    });
  });
}

let counter = 0;
function manifestFile(manifest: Record<string, unknown>): string {
  const file = path.join(dir, `m${++counter}.yaml`);
  writeFileSync(file, YAML.stringify({ function: 'hello-scf', region: 'ap-guangzhou', ...manifest }));
  return file;
}

async function refusal(manifest: Record<string, unknown>, options: { scfEndpoint?: string } = {}): Promise<ManifestError> {
  const err = await buildRelease({ file: manifestFile(manifest), ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ManifestError);
  return err as ManifestError;
}

const ZIPS: Record<string, string> = {};
beforeAll(async () => {
  const made: Record<string, Promise<string>> = {
    good: zipWith('good.zip', { 'index.js': 'exports.main_handler = async () => 1' }),
    empty: zipWith('empty.zip', {}),
    onlyDirs: zipWith('only-dirs.zip', { 'src/': '', 'src/lib/': '' }),
    nested: zipWith('nested.zip', { 'hello-function/': '', 'hello-function/index.js': 'x', 'hello-function/package.json': '{}' }),
    nestedMac: zipWith('nested-mac.zip', { 'fn/index.js': 'x', '__MACOSX/fn/._index.js': 'x', '.DS_Store': 'x' }),
    noHandler: zipWith('no-handler.zip', { 'app.js': 'x', 'lib/util.js': 'x' }),
    handlerDeep: zipWith('handler-deep.zip', { 'lib/index.js': 'x', 'package.json': '{}' }),
    srcHandler: zipWith('src-handler.zip', { 'src/index.js': 'x' }),
    python: zipWith('python.zip', { 'index.py': 'def main_handler(e, c): return 1' }),
  };
  for (const [key, p] of Object.entries(made)) ZIPS[key] = await p;
  writeFileSync(path.join(dir, 'passwd-copy.zip'), 'root:x:0:0:root:/root:/bin/bash\n');
  symlinkSync('/etc/passwd', path.join(dir, 'passwd-link.zip'));
});
/** The zip's path as a manifest next to it names it. */
const zip = (key: string) => path.basename(ZIPS[key]);

describe('local zips', () => {
  test.each([
    ['empty', 'index.main_handler', /empty\.zip is an empty zip \(no files\)/],
    ['onlyDirs', undefined, /only-dirs\.zip is an empty zip/],
    ['nested', 'index.main_handler', /your zip has everything under `hello-function\/`; zip the folder's contents/],
    ['nested', undefined, /your zip has everything under `hello-function\/`; zip the folder's contents/],
    ['nestedMac', 'index.main_handler', /your zip has everything under `fn\/`/],
    ['noHandler', 'index.main_handler', /has no `index\.<ext>` for handler index\.main_handler .*files at the root: app\.js/],
    ['handlerDeep', 'index.main_handler', /has no `index\.<ext>` for handler index\.main_handler/],
    ['good', 'app.handler', /has no `app\.<ext>` for handler app\.handler/],
  ])('when the zip is %s (handler %s), then it is refused naming package.path', async (key, handler, message) => {
    const err = await refusal({ package: { path: zip(key) }, ...(handler ? { handler } : {}) });
    expect(err.issues).toEqual([{ path: 'package.path', message: expect.stringMatching(message) }]);
  });

  test.each([
    ['good', 'index.main_handler'],
    ['good', undefined],
    ['python', 'index.main_handler'],
    ['srcHandler', 'src/index.main_handler'],
    ['noHandler', undefined],
  ])('when the zip is %s (handler %s), then it is accepted', async (key, handler) => {
    const built = await buildRelease({ file: manifestFile({ package: { path: zip(key) }, ...(handler ? { handler } : {}) }) });
    expect(built.input.pkg.location).toBe(ZIPS[key]);
  });

  test.each([
    ['a file: URL', 'file:///etc/passwd', /is a URL \(file:\); give a plain path/],
    ['the password file', '/etc/passwd', /is not a zip file/],
    ['a symlink to the password file', 'passwd-link.zip', /is not a zip file/],
    ['a text file named .zip', 'passwd-copy.zip', /is not a zip file/],
    ['a device', '/dev/zero', /is not a file/],
    ['a directory', '/etc', /is not a file/],
    ['a path escaping upwards that does not exist', '../../../../../../no/such/fn.zip', /does not exist/],
  ])('when package.path is %s, then it is refused naming package.path', async (_what, location, message) => {
    const err = await refusal({ package: { path: location } });
    expect(err.issues).toEqual([{ path: 'package.path', message: expect.stringMatching(message) }]);
  });
});

describe('package URLs', () => {
  test.each([
    ['file:///etc/passwd', /is a file: URL; give the zip as package.path/],
    ['http://169.254.169.254/latest/meta-data/', /plain http/],
    ['https://169.254.169.254/latest/meta-data/', /points at 169\.254\.169\.254, a loopback, link-local or private address/],
    ['https://127.0.0.1/fn.zip', /points at 127\.0\.0\.1/],
    ['https://127.1/fn.zip', /points at 127\.0\.0\.1/],
    ['https://2130706433/fn.zip', /points at 127\.0\.0\.1/],
    ['https://0x7f000001/fn.zip', /points at 127\.0\.0\.1/],
    ['https://0.0.0.0/fn.zip', /points at 0\.0\.0\.0/],
    ['https://10.0.0.1/fn.zip', /points at 10\.0\.0\.1/],
    ['https://172.16.5.4/fn.zip', /points at 172\.16\.5\.4/],
    ['https://192.168.1.1/fn.zip', /points at 192\.168\.1\.1/],
    ['https://100.100.100.200/fn.zip', /points at 100\.100\.100\.200/],
    ['https://[::1]/fn.zip', /points at ::1/],
    ['https://[::ffff:127.0.0.1]/fn.zip', /points at ::ffff:7f00:1/],
    ['https://[fe80::1]/fn.zip', /points at fe80::1/],
    ['https://[fd00::1]/fn.zip', /points at fd00::1/],
    ['https://localhost/fn.zip', /"localhost", which is not a public host name/],
    ['https://LOCALHOST./fn.zip', /"localhost", which is not a public host name/],
    ['https://api.localhost/fn.zip', /"api\.localhost", which is not a public host name/],
    ['https://metadata/computeMetadata/v1/', /"metadata", which is not a public host name/],
    ['https://metadata.google.internal/fn.zip', /not a public host name/],
    ['https://printer.local/fn.zip', /not a public host name/],
    ['http://example.com/fn.zip', /plain http/],
    ['https://user:pw@example.com/fn.zip', /credentials.*; use an unsigned https:\/\/ URL on an allowed host, or package\.cos$/],
    ['ftp://example.com/fn.zip', /scheme "ftp:" is not supported; use an unsigned https:\/\/ URL on an allowed host, or package\.cos$/],
    ['gopher://example.com/fn.zip', /scheme "gopher:" is not supported; use an unsigned https:\/\/ URL on an allowed host, or package\.cos$/],
    ['cos://code-1250000000/fn.zip?region=ap-guangzhou', /is a cos:\/\/ location; set it as package.cos/],
  ])('when package.url is %s, then it is refused naming package.url', async (url, message) => {
    const err = await refusal({ package: { url, sha256: SHA } });
    expect(err.issues).toEqual([expect.objectContaining({ path: 'package.url', message: expect.stringMatching(message) })]);
  });

  test('when the client knows the simulator endpoint, then an http URL on that host is accepted and another loopback port is not', async () => {
    const built = await buildRelease({ file: manifestFile({ package: { url: 'http://127.0.0.1:9000/_code/x.zip', sha256: SHA } }), scfEndpoint: 'http://127.0.0.1:9000' });
    expect(built.input.pkg.location).toBe('http://127.0.0.1:9000/_code/x.zip');
    const err = await refusal({ package: { url: 'http://127.0.0.1:9001/x.zip', sha256: SHA } }, { scfEndpoint: 'http://127.0.0.1:9000' });
    expect(err.issues[0]).toMatchObject({ path: 'package.url', message: expect.stringMatching(/plain http/) });
  });

  test('when the URL is public https, then it is accepted', async () => {
    const url = 'https://code-1250000000.cos.ap-guangzhou.myqcloud.com/releases/fn.zip';
    expect((await buildRelease({ file: manifestFile({ package: { url, sha256: SHA } }) })).input.pkg.location).toBe(url);
  });
});

describe('the release command with a hostile package', () => {
  const t = useScfWorld();

  test.each([
    ['an empty zip', () => ({ package: { path: ZIPS.empty } }), 'package.path', 'is an empty zip'],
    ['a nested zip', () => ({ package: { path: ZIPS.nested }, handler: 'index.main_handler' }), 'package.path', 'your zip has everything under `hello-function/`'],
    ['a zip without the handler file', () => ({ package: { path: ZIPS.noHandler }, handler: 'index.main_handler' }), 'package.path', 'has no `index.<ext>`'],
    ['file:///etc/passwd', () => ({ package: 'file:///etc/passwd' }), 'package.path', 'give a plain path'],
    ['the metadata service', () => ({ package: { url: 'http://169.254.169.254/latest/meta-data/', sha256: SHA } }), 'package.url', 'plain http'],
    ['loopback over https', () => ({ package: { url: 'https://127.0.0.1:7233/fn.zip', sha256: SHA } }), 'package.url', 'points at 127.0.0.1'],
  ])('when the package is %s, then release exits 64 naming the field, starts nothing and calls no mutating SCF action', async (_what, manifest, field, message) => {
    const { world } = t;
    const fn = `pkg-${++counter}-${Date.now().toString(36)}`;
    world.sim.admin.seedFunction({ region: 'ap-guangzhou', functionName: fn, files: { 'index.js': 'exports.main_handler = async () => 1' }, handler: 'index.main_handler' });
    world.sim.admin.clearRequestLog();
    const file = manifestFile({ function: fn, ...manifest() });
    const run = await runCli(registerReleaseCommand, ['release', '-f', file, '--task-queue', world.taskQueue]);
    expect(run.exitCode).toBe(64);
    expect(run.stderr).toContain(`${field}: `);
    expect(run.stderr).toContain(message);
    expect(world.sim.admin.requestLog().filter((e) => MUTATING.has(e.action))).toEqual([]);
    expect(world.sim.admin.requestLog()).toEqual([]);
  });

  test('when every hostile package has been tried, then no workflow started on their task queue', async () => {
    const { world, env } = t;
    // A control that does start one (a read-only plan): once it is visible, anything a case had started would be too.
    const fn = `pkg-control-${Date.now().toString(36)}`;
    world.sim.admin.seedFunction({ region: 'ap-guangzhou', functionName: fn, files: { 'index.js': 'exports.main_handler = async () => 1' }, handler: 'index.main_handler' });
    const control = await runCli(registerReleaseCommand, ['release', '-f', manifestFile({ function: fn, package: { path: ZIPS.good } }), '--task-queue', world.taskQueue, '--plan']);
    expect(control.exitCode).toBe(0);
    const query = `TaskQueue = '${world.taskQueue}'`;
    const { count } = await eventually(() => env.client.workflow.count(query), (c) => c.count >= 1);
    expect(count).toBe(1);
  });
});

test('createZip (the simulator helper) builds root-level zips the check accepts', async () => {
  const file = path.join(dir, 'sim.zip');
  writeFileSync(file, createZip({ 'index.js': 'x' }));
  await expect(buildRelease({ file: manifestFile({ package: { path: file }, handler: 'index.main_handler' }) })).resolves.toBeDefined();
});
