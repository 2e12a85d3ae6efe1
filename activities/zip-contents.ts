/**
 * What a zip holds, checked before it goes to SCF: SCF refuses an empty zip, and a zip without the
 * handler's file at its root (the commonest packaging mistake: `zip -r fn.zip fn/`, which puts
 * everything under `fn/`), only once the update is under way, and the release then rolls the primary
 * back. Pure apart from reading the zip's central directory (yauzl); nothing is extracted.
 *
 * Both sides use it: the client on a local zip before it starts a release (manifest/package.ts), and
 * the updateFunctionCode activity on the bytes it is about to send, with the handler the update runs
 * with, which only the worker knows when the manifest leaves the function's own handler in place.
 */
import yauzl from 'yauzl';

/** SCF's default handler: without a manifest handler the function keeps its own, so this is only a hint. */
const DEFAULT_HANDLER = 'index.main_handler';
/** Entries that archivers add and that are not the code (ignored when looking for a single folder). */
const NOISE = /^(__MACOSX\/|\.DS_Store$)/;

/** Reads every entry name of an opened zip. */
function entryNames(resolve: (names: string[]) => void, reject: (err: Error) => void): (err: Error | null, zip?: yauzl.ZipFile) => void {
  return (err, zip) => {
    if (err || !zip) return reject(err ?? new Error('cannot open the zip'));
    const names: string[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      names.push(entry.fileName);
      zip.readEntry();
    });
    zip.on('end', () => resolve(names));
    zip.on('error', reject);
    zip.readEntry();
  };
}

/** The entry names (directories end with `/`), or throws yauzl's error (not a zip, a `../` or absolute name, ...). */
export function listZipEntries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => yauzl.open(file, { lazyEntries: true, autoClose: true }, entryNames(resolve, reject)));
}

/** As listZipEntries, for a zip in memory (the bytes the activity sends as ZipFile). */
export function listZipBufferEntries(bytes: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => yauzl.fromBuffer(bytes, { lazyEntries: true }, entryNames(resolve, reject)));
}

/** Why SCF would refuse these entries for `handler`, or undefined. */
export function zipContentsProblem(entries: readonly string[], handler: string | undefined): string | undefined {
  const files = entries.filter((name) => !name.endsWith('/'));
  if (files.length === 0) return 'is an empty zip (no files); zip the function\'s code, e.g. `cd fn && zip -r ../fn.zip .`';
  const handlerFile = (handler ?? DEFAULT_HANDLER).slice(0, (handler ?? DEFAULT_HANDLER).lastIndexOf('.'));
  const code = files.filter((name) => !NOISE.test(name));
  const tops = new Set(code.map((name) => (name.includes('/') ? name.slice(0, name.indexOf('/')) : '')));
  const [top] = tops;
  if (tops.size === 1 && top !== '' && !handlerFile.startsWith(`${top}/`)) {
    return `your zip has everything under \`${top}/\`; zip the folder's contents instead: \`cd ${top} && zip -r ../${top}.zip .\``;
  }
  if (handler === undefined) return undefined;
  const found = files.some((name) => name === `${handlerFile}/index.js` || (name.startsWith(`${handlerFile}.`) && !name.slice(handlerFile.length + 1).includes('/')));
  if (found) return undefined;
  const root = code.filter((name) => !name.includes('/')).slice(0, 5);
  return (
    `has no \`${handlerFile}.<ext>\` for handler ${handler} (SCF loads the handler's file from the zip's root); ` +
    (root.length ? `files at the root: ${root.join(', ')}` : 'no files at the root') +
    '. Fix handler or rebuild the zip'
  );
}
