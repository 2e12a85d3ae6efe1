import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yauzl from 'yauzl';
import { buildDirectoryZip, DirectoryZipError } from '../../client/package/directory-zip';

function tree(root: string, files: Record<string, string>, opts: { mtime?: Date; umask?: number } = {}): string {
  for (const [name, body] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, body);
    chmodSync(file, 0o666 & ~(opts.umask ?? 0o022));
    if (opts.mtime) utimesSync(file, opts.mtime, opts.mtime);
  }
  return root;
}

async function entries(zip: Buffer): Promise<Array<{ name: string; mode: number; extra: number; time: number; date: number }>> {
  const z = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(zip, { lazyEntries: false }, (err, f) => (err ? reject(err) : resolve(f))));
  const out: Array<{ name: string; mode: number; extra: number; time: number; date: number }> = [];
  await new Promise<void>((resolve, reject) => {
    z.on('entry', (e: yauzl.Entry) => out.push({ name: e.fileName, mode: e.externalFileAttributes >>> 16, extra: e.extraFields.length, time: e.lastModFileTime, date: e.lastModFileDate }));
    z.on('end', () => resolve());
    z.on('error', reject);
  });
  return out;
}

describe('package: { dir } builds a deterministic zip', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'dirzip-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const files = { 'index.js': 'exports.main_handler = async () => 1;\n', 'lib/util.js': 'module.exports = 2;\n', 'b.txt': 'b' };

  test('when the same files are zipped twice with other mtimes, umask, creation order and TZ, then the sha256 is the same', async () => {
    const a = tree(fresh(), files, { mtime: new Date('2001-02-03T04:05:06Z'), umask: 0o022 });
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    const b = tree(fresh(), reversed, { mtime: new Date('2024-09-10T11:12:13Z'), umask: 0o077 });
    const first = await buildDirectoryZip(a);
    const second = await buildDirectoryZip(b);
    expect(second.sha256).toBe(first.sha256);
    // Another time zone on the building host (a child process) gives the same bytes too.
    const other = execFileSync(process.execPath, ['-e', `require('tsx/cjs');require(${JSON.stringify(path.resolve(__dirname, '../../client/package/directory-zip.ts'))}).buildDirectoryZip(${JSON.stringify(b)}).then(r=>process.stdout.write(r.sha256))`], {
      env: { ...process.env, TZ: 'Pacific/Kiritimati' },
      cwd: path.resolve(__dirname, '../..'),
    }).toString();
    expect(other).toBe(first.sha256);
  });

  test('when a file changes, then the sha256 changes', async () => {
    const a = await buildDirectoryZip(tree(fresh(), files));
    const b = await buildDirectoryZip(tree(fresh(), { ...files, 'lib/util.js': 'module.exports = 3;\n' }));
    expect(b.sha256).not.toBe(a.sha256);
  });

  test('when the zip is read back, then entries are sorted, 1980-01-01, 0644 or 0755 for executables, with no extra fields', async () => {
    const root = tree(fresh(), files);
    tree(root, { 'bin/run': '#!/bin/sh\n' });
    chmodSync(path.join(root, 'bin/run'), 0o700);
    const list = await entries((await buildDirectoryZip(root)).zip);
    expect(list.map((e) => e.name)).toEqual(['b.txt', 'bin/run', 'index.js', 'lib/util.js']);
    expect(list.map((e) => e.mode & 0o777)).toEqual([0o644, 0o755, 0o644, 0o644]);
    expect(list.every((e) => e.extra === 0)).toBe(true);
    // DOS date 1980-01-01 00:00:00 is date (0 << 9) | (1 << 5) | 1 = 33, time 0.
    expect(list.every((e) => e.date === 33 && e.time === 0)).toBe(true);
  });

  test('when a symlink leaves the directory, or limits are passed, then the build is refused naming the file', async () => {
    const outside = tree(fresh(), { 'secret.txt': 'no' });
    const root = tree(fresh(), files);
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'leak.txt'));
    await expect(buildDirectoryZip(root)).rejects.toThrow(/leak\.txt.*outside/);
    rmSync(path.join(root, 'leak.txt'));
    symlinkSync('index.js', path.join(root, 'alias.js'));
    const inside = await entries((await buildDirectoryZip(root)).zip);
    expect(inside.map((e) => e.name)).toContain('alias.js');
    await expect(buildDirectoryZip(root, { maxFiles: 2 })).rejects.toBeInstanceOf(DirectoryZipError);
    await expect(buildDirectoryZip(root, { maxBytes: 10 })).rejects.toThrow(/more than 10 bytes/);
  });
});
