import { ApiError, Errors } from '../errors';
import type { CallCtx } from '../context';
import type { EnvVar, FunctionState, NamespaceState, VersionState } from '../model';
import { field, invalidValue } from '../params';
import { ZipError, validateZip } from '../zip';
import { StateMachine } from '../state-machine';

const MAX_ZIP_BYTES = 20 * 1024 * 1024;
const FUNCTION_NAME_RE = /^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/;
const HANDLER_PART_RE = /^[A-Za-z0-9_\-/]+$/;
const RUNTIMES = [
  'Nodejs6.10', 'Nodejs8.9', 'Nodejs10.15', 'Nodejs12.16', 'Nodejs14.18', 'Nodejs16.13', 'Nodejs18.15', 'Nodejs20.19',
  'Python2.7', 'Python3.6', 'Python3.7', 'Python3.9', 'Python3.10', 'Python3.11', 'Go1', 'Php5.6', 'Php7.2', 'Php7.4', 'Php8.0',
  'Java8', 'Java11', 'CustomRuntime',
];

export function keyOf(c: CallCtx, fn: FunctionState): string {
  return `${c.secretId}|${fn.region}|${fn.namespace}|${fn.name}`;
}

export function namespaceParam(c: CallCtx, param = 'Namespace'): string {
  const ns = c.params.str(param) || 'default';
  c.note.namespace ??= ns;
  return ns;
}

export function requireNamespace(c: CallCtx, region: string, ns: string): NamespaceState {
  const n = c.sim.store.namespace(c.secretId, region, ns);
  if (!n) throw Errors.namespaceNotFound(ns);
  return n;
}

export function checkFunctionName(name: string, sub = 'FunctionName'): void {
  if (!FUNCTION_NAME_RE.test(name)) {
    throw invalidValue(sub, `FunctionName ${name} is invalid: 2-60 characters, letters, digits, underscores and hyphens, starting with a letter and ending with a letter or digit.`);
  }
}

/** Looks up the function named by FunctionName/Namespace; ResourceNotFound.Function if absent. */
export function getFunction(c: CallCtx): FunctionState {
  const name = c.params.str('FunctionName', { required: true });
  c.note.functionName = name;
  const ns = namespaceParam(c);
  requireNamespace(c, c.region, ns);
  const fn = c.sim.store.findFunction(c.secretId, c.region, ns, name);
  if (!fn) throw Errors.functionNotFound(name);
  return fn;
}

/** What each action's own documented "not in this state" code says (the others answer FunctionStatusError). */
const BUSY_MESSAGES = {
  'FailedOperation.UpdateFunctionCode': 'You cannot update code in the current function state',
  'FailedOperation.PublishVersion': 'You cannot publish a version in the current function state',
  'FailedOperation.UpdateFunctionConfiguration': 'You cannot update the configuration in the current function state',
  // CopyFunction's documented codes have no state code; "Failed to replicate the function" is its own.
  'FailedOperation.CopyFailed': 'Failed to replicate the function: it cannot be copied in its current state',
} as const;

/** Refuses a mutating call on a function that is not settled, with the error code of that call. */
export function requireSettled(
  fn: FunctionState,
  code: 'FailedOperation.FunctionStatusError' | keyof typeof BUSY_MESSAGES = 'FailedOperation.FunctionStatusError',
  allowFailed = true,
): void {
  if (StateMachine.isSettled(fn, allowFailed)) return;
  if (code === 'FailedOperation.FunctionStatusError') throw Errors.functionStatus(fn.name, fn.status);
  throw new ApiError(code, `${BUSY_MESSAGES[code]} (${fn.status}). Please try again when the state is normal.`);
}

export function resolveVersion(fn: FunctionState, qualifier: string | undefined): VersionState | undefined {
  if (!qualifier || qualifier === '$LATEST') return fn.latest;
  return fn.versions.get(qualifier);
}

export function checkHandler(handler: string): void {
  const dot = handler.lastIndexOf('.');
  const file = handler.slice(0, dot);
  const fn = handler.slice(dot + 1);
  if (dot <= 0 || !file || !fn || handler.length < 2 || handler.length > 60 || !HANDLER_PART_RE.test(file) || !/^[A-Za-z0-9_$-]+$/.test(fn)) {
    throw invalidValue('Handler', `Handler ${handler} is invalid: use the form file.function.`);
  }
}

export function checkRuntime(runtime: string): void {
  if (!RUNTIMES.includes(runtime)) throw invalidValue('Runtime', `Runtime ${runtime} is not supported.`);
}

export function checkMemory(mem: number): void {
  if (mem < 64 || mem > 3072 || mem % 64 !== 0) {
    throw invalidValue('MemorySize', `MemorySize ${mem} is invalid: 64 to 3072 MB in steps of 64 MB.`);
  }
}

export function checkTimeout(t: number): void {
  if (t < 1 || t > 900) throw invalidValue('Timeout', `Timeout ${t} is invalid: 1 to 900 seconds.`);
}

export function checkDescription(d: string): void {
  if (d.length > 1000) throw invalidValue('Description', 'Description is longer than 1000 characters.');
}

export function parseEnvironment(raw: Record<string, unknown> | undefined): EnvVar[] | undefined {
  if (!raw) return undefined;
  const vars = raw['Variables'];
  if (vars === undefined || vars === null) return [];
  if (!Array.isArray(vars)) throw invalidValue('Environment', 'Environment.Variables must be an array.');
  const out: EnvVar[] = [];
  for (const v of vars) {
    const key = field(v, 'Key');
    const value = field(v, 'Value') ?? '';
    if (typeof key !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(key) || typeof value !== 'string') {
      throw invalidValue('Environment', `Environment variable ${String(key)} is invalid.`);
    }
    if (out.some((o) => o.Key === key)) throw invalidValue('Environment', `Environment variable ${key} is duplicated.`);
    out.push({ Key: key, Value: value });
  }
  return out;
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function handlerFileCandidates(handler: string, runtime: string): string[] | undefined {
  const file = handler.slice(0, handler.lastIndexOf('.'));
  if (runtime.startsWith('Nodejs')) return [`${file}.js`, `${file}.mjs`, `${file}.cjs`, `${file}/index.js`];
  if (runtime.startsWith('Python')) return [`${file}.py`];
  if (runtime.startsWith('Php')) return [`${file}.php`];
  return undefined;
}

/** Validates a package: a well-formed zip that contains the handler's file. */
export function checkPackage(zip: Buffer, handler: string, runtime: string): void {
  let files: string[];
  try {
    files = validateZip(zip);
  } catch (e) {
    if (e instanceof ZipError) throw invalidValue('ZipFile', `A non-standard zip file was detected (${e.message}). Please recompress and try again.`);
    throw e;
  }
  const candidates = handlerFileCandidates(handler, runtime);
  if (candidates && !candidates.some((f) => files.includes(f))) {
    throw invalidValue('Handler', `Handler ${handler} is invalid: ${candidates[0]} was not found in the code package.`);
  }
}

/** Reads code from ZipFile (base64) or COS (CosBucketName/CosObjectName/CosBucketRegion). */
export function readCode(c: CallCtx, src: Record<string, unknown>): Buffer {
  const zip = src['ZipFile'];
  if (typeof zip === 'string' && zip.length > 0) {
    const clean = zip.replace(/\s+/g, '');
    if (!BASE64_RE.test(clean)) {
      throw invalidValue('ZipFileBase64BinasciiError', 'Failed to Base64-decode the compressed file: Incorrect padding. Please fix it and try again.');
    }
    const buf = Buffer.from(clean, 'base64');
    if (buf.length > MAX_ZIP_BYTES) throw invalidValue('ZipFile', 'The code package is larger than 20 MB; upload it through COS instead.');
    return buf;
  }
  const bucket = src['CosBucketName'];
  const object = src['CosObjectName'];
  if (typeof bucket === 'string' && bucket && typeof object === 'string' && object) {
    const region = typeof src['CosBucketRegion'] === 'string' && src['CosBucketRegion'] ? (src['CosBucketRegion'] as string) : c.region;
    if (!c.sim.cos.bucketExists(bucket, region)) throw invalidValue('CosBucketName', `COS bucket ${bucket} does not exist in ${region}.`);
    const body = c.sim.cos.get(bucket, object, region);
    if (!body) throw invalidValue('CosObjectName', `COS object ${object} does not exist in bucket ${bucket}.`);
    return body;
  }
  if ((typeof bucket === 'string' && bucket) || (typeof object === 'string' && object)) {
    throw invalidValue(bucket ? 'CosObjectName' : 'CosBucketName', 'Both CosBucketName and CosObjectName are required for COS code.');
  }
  throw invalidValue('Code', 'Code is empty: pass ZipFile, or CosBucketName and CosObjectName.');
}

export function envOut(env: EnvVar[]): { Variables: EnvVar[] } {
  return { Variables: env.map((v) => ({ Key: v.Key, Value: v.Value })) };
}
