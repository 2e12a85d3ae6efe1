/**
 * The COS XML API on the simulator's port, for requests whose Host names a bucket the COS way
 * (`<bucket>-<appid>.cos.<region>.<domain>`): what cos-nodejs-sdk-v5 sends when pointed here with
 * its own endpoint options (`cosEndpointOptions()`): PUT/GET/HEAD/DELETE Object, and the multipart
 * upload that `sliceUploadFile`/`uploadFile` use for large files (List Multipart Uploads, Initiate,
 * Upload Part, List Parts, Complete, Abort). Every request is signed (signature.ts); errors are
 * COS's XML `<Error>` with `x-cos-request-id`.
 */
import { createHash, randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Logger } from 'pino';
import { CosError, errorXml, xmlEscape } from './errors';
import { verifyCosRequest, type CosCredential } from './signature';
import { COS_BUCKET_RE, type CosStore } from './store';

/** The simulator's COS domain: never resolves, so a client that lost its `Ip` option fails instead of reaching Tencent. */
export const COS_DOMAIN_SUFFIX = 'cos-simulator.invalid';

/** One request body is capped (a part or a single PUT); COS's own 5 GB is beyond a simulator. */
const MAX_COS_BODY = 64 * 1024 * 1024;
/** COS: every part but the last is at least 1 MB. */
const MIN_PART_BYTES = 1024 * 1024;

const HOST_RE = /^([a-z0-9][a-z0-9-]*-\d+)\.cos\.([a-z0-9-]+)\.[^:]+(?::\d+)?$/i;

/** The bucket and region a Host header names, when it is a COS host. */
export function cosTarget(host: string | undefined): { bucket: string; region: string } | undefined {
  const m = host ? HOST_RE.exec(host) : null;
  return m ? { bucket: m[1]!.toLowerCase(), region: m[2]!.toLowerCase() } : undefined;
}

/** cos-nodejs-sdk-v5 options that send every request to the simulator at `hostPort`, signed as for COS. */
export function cosEndpointOptions(hostPort: string): { Protocol: 'http:'; Ip: string; Domain: string } {
  return { Protocol: 'http:', Ip: hostPort, Domain: `{Bucket}.cos.{Region}.${COS_DOMAIN_SUFFIX}` };
}

export interface CosApiDeps {
  cos: CosStore;
  credentials: Map<string, CosCredential>;
  /** The account (appid) a SecretId belongs to: a bucket of another appid is AccessDenied. */
  appIdOf: (secretId: string) => string;
  changed: () => void;
  logger: Logger;
}

function readCosBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size <= MAX_COS_BODY) chunks.push(d);
    });
    req.on('end', () => (size > MAX_COS_BODY ? reject(new CosError(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed object size.')) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

const md5 = (b: Buffer) => createHash('md5').update(b);
const quoted = (etag: string) => `"${etag}"`;
const unquote = (s: string) => s.replace(/&quot;/g, '"').trim().replace(/^"|"$/g, '');

function xml(root: string, fields: Record<string, string | number>, inner = ''): string {
  const body = Object.entries(fields).map(([k, v]) => `\t<${k}>${xmlEscape(String(v))}</${k}>\n`).join('');
  return `<?xml version='1.0' encoding='utf-8' ?>\n<${root}>\n${body}${inner}</${root}>`;
}

/** The parts a CompleteMultipartUpload body lists, in order. */
function parseCompleteBody(body: Buffer): Array<{ partNumber: number; etag: string }> {
  const text = body.toString('utf8');
  if (!/<CompleteMultipartUpload>/.test(text)) throw new CosError(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
  return [...text.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => {
    const n = /<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(m[1]!);
    const e = /<ETag>([\s\S]*?)<\/ETag>/.exec(m[1]!);
    if (!n || !e) throw new CosError(400, 'MalformedXML', 'Each Part needs a PartNumber and an ETag.');
    return { partNumber: Number(n[1]), etag: unquote(e[1]!) };
  });
}

export function createCosApi(deps: CosApiDeps) {
  const { cos } = deps;
  return async function handleCos(req: http.IncomingMessage, res: http.ServerResponse, url: URL, target: { bucket: string; region: string }): Promise<void> {
    const requestId = Buffer.from(randomUUID()).toString('base64').replace(/=+$/, '');
    const method = req.method ?? 'GET';
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      pathname = url.pathname;
    }
    const key = pathname.replace(/^\/+/, '');
    const base = { 'x-cos-request-id': requestId, Server: 'tencent-cos' };
    const send = (status: number, headers: Record<string, string | number>, body?: Buffer | string) => {
      res.writeHead(status, { ...base, ...headers, 'Content-Length': body === undefined ? 0 : Buffer.byteLength(body) });
      res.end(method === 'HEAD' ? undefined : body);
    };
    const sendXml = (text: string) => send(200, { 'Content-Type': 'application/xml' }, text);
    try {
      const body = method === 'PUT' || method === 'POST' ? await readCosBody(req) : Buffer.alloc(0);
      const cred = verifyCosRequest({ method, pathname, query: url.searchParams, headers: req.headers }, (id) => deps.credentials.get(id), Date.now());
      const appId = COS_BUCKET_RE.exec(target.bucket)?.[1];
      const bucket = cos.bucket(target.bucket, target.region);
      if (!bucket) throw new CosError(404, 'NoSuchBucket', 'The specified bucket does not exist.');
      if (appId !== deps.appIdOf(cred.secretId)) throw new CosError(403, 'AccessDenied', 'Access Denied.');
      const q = url.searchParams;
      const uploadId = q.get('uploadId');
      const upload = () => {
        const u = uploadId ? bucket.uploads.get(uploadId) : undefined;
        if (!u || u.key !== key) throw new CosError(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.');
        return u;
      };
      if (!key) {
        // Bucket-level: HEAD Bucket, and List Multipart Uploads (sliceUploadFile asks it to resume).
        if (method === 'HEAD') return send(200, {});
        if (method === 'GET' && q.has('uploads')) {
          const prefix = q.get('prefix') ?? '';
          const uploads = [...bucket.uploads].filter(([, u]) => u.key.startsWith(prefix));
          const inner = uploads.map(([id, u]) => `\t<Upload>\n\t\t<Key>${xmlEscape(u.key)}</Key>\n\t\t<UploadId>${id}</UploadId>\n\t\t<Initiated>${u.initiated}</Initiated>\n\t</Upload>\n`).join('');
          return sendXml(xml('ListMultipartUploadsResult', { Bucket: bucket.name, Prefix: prefix, IsTruncated: 'false' }, inner));
        }
        throw new CosError(501, 'NotImplemented', `${method} on a bucket is not implemented by the simulator.`);
      }
      switch (method) {
        case 'PUT': {
          if (q.has('partNumber') || uploadId) {
            const u = upload();
            const n = Number(q.get('partNumber'));
            if (!Number.isInteger(n) || n < 1 || n > 10000) throw new CosError(400, 'InvalidArgument', 'partNumber must be an integer from 1 to 10000.');
            const etag = md5(body).digest('hex');
            u.parts.set(n, { body, etag });
            return send(200, { ETag: quoted(etag) });
          }
          const o = cos.putObject(bucket, key, body, String(req.headers['content-type'] ?? 'application/octet-stream'));
          deps.changed();
          return send(200, { ETag: quoted(o.etag) });
        }
        case 'GET':
        case 'HEAD': {
          if (method === 'GET' && uploadId) {
            const u = upload();
            const inner = [...u.parts].sort((a, b) => a[0] - b[0]).map(([n, p]) => `\t<Part>\n\t\t<PartNumber>${n}</PartNumber>\n\t\t<ETag>${quoted(p.etag)}</ETag>\n\t\t<Size>${p.body.length}</Size>\n\t</Part>\n`).join('');
            return sendXml(xml('ListPartsResult', { Bucket: bucket.name, Key: key, UploadId: uploadId!, IsTruncated: 'false' }, inner));
          }
          const o = bucket.objects.get(key);
          if (!o) throw new CosError(404, 'NoSuchKey', 'The specified key does not exist.');
          return send(200, { 'Content-Type': o.contentType, ETag: quoted(o.etag), 'Last-Modified': o.lastModified }, o.body);
        }
        case 'DELETE': {
          if (uploadId) {
            upload();
            bucket.uploads.delete(uploadId);
            return send(204, {});
          }
          bucket.objects.delete(key);
          deps.changed();
          return send(204, {});
        }
        case 'POST': {
          if (q.has('uploads')) {
            const id = cos.initiate(bucket, key);
            return sendXml(xml('InitiateMultipartUploadResult', { Bucket: bucket.name, Key: key, UploadId: id }));
          }
          if (uploadId) {
            const u = upload();
            const listed = parseCompleteBody(body);
            if (listed.length === 0) throw new CosError(400, 'MalformedXML', 'The CompleteMultipartUpload lists no parts.');
            const bodies: Buffer[] = [];
            const digests = createHash('md5');
            listed.forEach((p, i) => {
              if (i > 0 && p.partNumber <= listed[i - 1]!.partNumber) throw new CosError(400, 'InvalidPartOrder', 'The list of parts was not in ascending order.');
              const part = u.parts.get(p.partNumber);
              if (!part || part.etag !== p.etag) throw new CosError(400, 'InvalidPart', `Part ${p.partNumber} could not be found or its ETag does not match.`);
              if (i < listed.length - 1 && part.body.length < MIN_PART_BYTES) throw new CosError(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
              bodies.push(part.body);
              digests.update(Buffer.from(part.etag, 'hex'));
            });
            const etag = `${digests.digest('hex')}-${listed.length}`;
            cos.putObject(bucket, key, Buffer.concat(bodies), 'application/octet-stream', etag);
            bucket.uploads.delete(uploadId!);
            deps.changed();
            return sendXml(xml('CompleteMultipartUploadResult', { Location: `${target.bucket}.cos.${target.region}.myqcloud.com/${key}`, Bucket: bucket.name, Key: key, ETag: quoted(etag) }));
          }
          throw new CosError(501, 'NotImplemented', 'This POST is not implemented by the simulator.');
        }
        default:
          throw new CosError(405, 'MethodNotAllowed', `The specified method ${method} is not allowed against this resource.`);
      }
    } catch (e) {
      const err = e instanceof CosError ? e : new CosError(500, 'InternalError', 'We encountered an internal error. Please try again.');
      if (!(e instanceof CosError)) deps.logger.error({ err: e }, 'simulated COS request failed');
      if (res.headersSent) return void res.destroy();
      send(err.status, { 'Content-Type': 'application/xml' }, errorXml(err, `${req.headers.host ?? ''}${url.pathname}`, requestId));
    }
  };
}
