import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** Small synchronous zip reader/writer (stored + deflate, no zip64): enough to validate uploaded
 *  packages, find the handler file, extract for invokes, and build packages from a files map. */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export class ZipError extends Error {}

interface ZipEntry {
  name: string;
  isDirectory: boolean;
  data(): Buffer;
}

/** Parses the central directory; throws ZipError when the archive is not a well-formed zip. */
export function readZip(buf: Buffer): ZipEntry[] {
  if (buf.length < 22) throw new ZipError('not a zip file: too short');
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('not a zip file: end of central directory not found');
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  let p = buf.readUInt32LE(eocd + 16);
  if (p + cdSize > eocd) throw new ZipError('corrupt zip: central directory out of range');
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw new ZipError('corrupt zip: bad central directory entry');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 1) throw new ZipError(`encrypted zip entries are not supported: ${name}`);
    if (method !== 0 && method !== 8) throw new ZipError(`unsupported compression method ${method} for ${name}`);
    if (localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== 0x04034b50) throw new ZipError(`corrupt zip: bad local header for ${name}`);
    if (name.includes('..') || name.startsWith('/')) throw new ZipError(`unsafe path in zip: ${name}`);
    const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    if (dataStart + compSize > buf.length) throw new ZipError(`corrupt zip: data out of range for ${name}`);
    const isDirectory = name.endsWith('/');
    entries.push({
      name,
      isDirectory,
      data: () => {
        const raw = buf.subarray(dataStart, dataStart + compSize);
        let out: Buffer;
        try {
          out = method === 0 ? Buffer.from(raw) : inflateRawSync(raw);
        } catch (e) {
          throw new ZipError(`corrupt zip: cannot inflate ${name}: ${(e as Error).message}`);
        }
        if (out.length !== size || crc32(out) !== crc) throw new ZipError(`corrupt zip: checksum mismatch for ${name}`);
        return out;
      },
    });
  }
  return entries;
}

/** Validates every entry (decompresses and checks CRCs); returns the file names. */
export function validateZip(buf: Buffer): string[] {
  const entries = readZip(buf);
  for (const e of entries) if (!e.isDirectory) e.data();
  return entries.filter((e) => !e.isDirectory).map((e) => e.name);
}

/** Deterministic zip (fixed timestamps, sorted names) so equal files give an equal CodeSha256. */
export function createZip(files: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const dosTime = 0;
  const dosDate = ((2020 - 1980) << 9) | (1 << 5) | 1;
  for (const name of Object.keys(files).sort()) {
    const content = files[name]!;
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const comp = deflateRawSync(data);
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(comp.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4);
    // version needed, flags, method, time, date, CRC, sizes, name and extra lengths: as in the local header.
    local.copy(central, 6, 4, 30);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, comp);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + comp.length;
  }
  const cd = Buffer.concat(centrals);
  const count = Object.keys(files).length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
