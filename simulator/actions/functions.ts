import { ApiError, Errors } from '../errors';
import type { ActionHandler, CallCtx } from '../context';
import { isScfRegion } from '../regions';
import { makeVersion, type FunctionState, type VersionState } from '../model';
import { invalidValue } from '../params';
import {
  checkDescription, checkFunctionName, checkHandler, checkMemory, checkPackage, checkRuntime, checkTimeout, envOut, getFunction,
  keyOf, namespaceParam, parseEnvironment, readCode, requireNamespace, requireSettled, resolveVersion,
} from './common';

const statusDesc = (fn: FunctionState) => (fn.statusReasons[0]?.ErrorMessage ?? '');

function functionView(fn: FunctionState, v: VersionState, qualifier: string): Record<string, unknown> {
  const status = qualifier === '$LATEST' ? fn.status : fn.status === 'Deleting' ? 'Deleting' : v.status;
  return {
    FunctionName: fn.name,
    FunctionId: fn.functionId,
    Namespace: fn.namespace,
    FunctionVersion: v.version,
    Qualifier: qualifier,
    Status: status,
    StatusDesc: qualifier === '$LATEST' ? statusDesc(fn) : '',
    StatusReasons: qualifier === '$LATEST' ? fn.statusReasons.map((r) => ({ ...r })) : [],
    AvailableStatus: status === 'Active' || status === 'Updating' || status === 'Publishing' || status === 'UpdateFailed' ? 'Available' : 'Unavailable',
    Handler: v.handler,
    Runtime: v.runtime,
    MemorySize: v.memorySize,
    Timeout: v.timeout,
    CodeSize: v.code.length,
    Environment: envOut(v.environment),
    Description: v.description,
    Triggers: fn.triggers.filter((t) => qualifier === '$LATEST' || t.Qualifier === qualifier).map((t) => ({ ...t })),
    AddTime: qualifier === '$LATEST' ? fn.addTime : v.addTime,
    ModTime: qualifier === '$LATEST' ? fn.modTime : v.modTime,
    Type: 'Event',
    Role: '',
    InstallDependency: 'FALSE',
    CodeInfo: '',
    CodeResult: 'success',
    CodeError: '',
    ErrNo: 0,
    UseGpu: 'FALSE',
    VpcConfig: { VpcId: '', SubnetId: '' },
    ClsLogsetId: '',
    ClsTopicId: '',
    L5Enable: 'FALSE',
    OnsEnable: 'FALSE',
    Layers: [],
    Tags: [],
    InitTimeout: 65,
    AsyncRunEnable: 'FALSE',
    TraceEnable: 'FALSE',
    DnsCache: 'FALSE',
  };
}

export const CreateFunction: ActionHandler = (c) => {
  const p = c.params;
  const name = p.str('FunctionName', { required: true });
  c.note.functionName = name;
  checkFunctionName(name);
  const ns = namespaceParam(c);
  const nsState = requireNamespace(c, c.region, ns);
  const code = p.obj('Code');
  if (!code) throw Errors.missingParameter('Code');
  const handler = p.str('Handler') || 'index.main_handler';
  const runtime = p.str('Runtime') || 'Python2.7';
  const memorySize = p.int('MemorySize') ?? 128;
  const timeout = p.int('Timeout') ?? 3;
  const description = p.str('Description') ?? '';
  const environment = parseEnvironment(p.obj('Environment')) ?? [];
  checkHandler(handler);
  checkRuntime(runtime);
  checkMemory(memorySize);
  checkTimeout(timeout);
  checkDescription(description);
  const type = p.str('Type');
  if (type && type !== 'Event' && type !== 'HTTP') throw invalidValue('Type', `Type ${type} is invalid.`);
  if (nsState.functions.has(name)) throw new ApiError('ResourceInUse.FunctionName', `FunctionName ${name} already exists.`);
  const zip = readCode(c, code);
  checkPackage(zip, handler, runtime);
  const latest = makeVersion({ version: '$LATEST', code: zip, handler, runtime, memorySize, timeout, environment, description, status: 'Creating' });
  const fn = c.sim.store.newFunction({ name, namespace: ns, region: c.region, latest, status: 'Creating' });
  nsState.functions.set(name, fn);
  c.sim.sm.create(fn, keyOf(c, fn));
  return {};
};

export const GetFunction: ActionHandler = (c) => {
  const fn = getFunction(c);
  const q = c.params.str('Qualifier') || '$LATEST';
  c.note.qualifier = q;
  const v = resolveVersion(fn, q);
  if (!v) throw Errors.versionNotFound(fn.name, q);
  return functionView(fn, v, q);
};

export const ListFunctions: ActionHandler = (c) => {
  const p = c.params;
  const ns = namespaceParam(c);
  const nsState = requireNamespace(c, c.region, ns);
  const offset = p.int('Offset') ?? 0;
  const limit = p.int('Limit') ?? 20;
  if (offset < 0) throw invalidValue('Offset', 'Offset must be >= 0.');
  if (limit < 0 || limit > 100) throw invalidValue('Limit', 'Limit must be between 0 and 100.');
  const search = p.str('SearchKey');
  const desc = p.str('Description');
  const order = (p.str('Order') || 'ASC').toUpperCase();
  const orderBy = p.str('Orderby') || 'AddTime';
  let all = [...nsState.functions.values()];
  if (search) all = all.filter((f) => f.name.includes(search));
  if (desc) all = all.filter((f) => f.latest.description.includes(desc));
  for (const filter of (p.arr('Filters') ?? []) as Array<{ Name?: string; Values?: string[] }>) {
    const values = filter?.Values ?? [];
    if (filter?.Name === 'Runtime') all = all.filter((f) => values.includes(f.latest.runtime));
    if (filter?.Name === 'Status') all = all.filter((f) => values.includes(f.status));
  }
  const keyFn = (f: FunctionState) => (orderBy === 'FunctionName' ? f.name : orderBy === 'ModTime' ? f.modTime : f.addTime);
  all.sort((a, b) => (keyFn(a) < keyFn(b) ? -1 : keyFn(a) > keyFn(b) ? 1 : a.name < b.name ? -1 : 1) * (order === 'DESC' ? -1 : 1));
  return {
    Functions: all.slice(offset, offset + limit).map((f) => ({
      FunctionName: f.name, FunctionId: f.functionId, Namespace: f.namespace, Runtime: f.latest.runtime, Status: f.status,
      StatusDesc: statusDesc(f), StatusReasons: f.statusReasons.map((r) => ({ ...r })), Description: f.latest.description,
      AddTime: f.addTime, ModTime: f.modTime, Type: 'Event', Tags: [], AsyncRunEnable: 'FALSE', TraceEnable: 'FALSE',
      TotalProvisionedConcurrencyMem: 0, ReservedConcurrencyMem: 0,
    })),
    TotalCount: all.length,
  };
};

function deleteVersion(fn: FunctionState, q: string, notFoundCode: string): void {
  const v = fn.versions.get(q);
  if (!v) throw new ApiError(notFoundCode, Errors.versionNotFound(fn.name, q).message);
  if (v.status === 'Publishing') throw Errors.functionStatus(fn.name, 'Publishing');
  const aliases = [...fn.aliases.values()].filter((a) => a.functionVersion === q || a.additionalVersionWeights.some((w) => w.Version === q) || a.additionalVersionMatches.some((m) => m.Version === q));
  if (aliases.length) {
    throw new ApiError('UnsupportedOperation.AliasBind', `Version ${q} is referenced by alias ${aliases.map((a) => a.name).join(', ')}; update or delete the alias first.`);
  }
  fn.versions.delete(q);
  fn.triggers = fn.triggers.filter((t) => t.Qualifier !== q);
}

export const DeleteFunction: ActionHandler = (c) => {
  const fn = getFunction(c);
  const q = c.params.str('Qualifier');
  c.note.qualifier = q;
  if (q && q !== '$LATEST') {
    deleteVersion(fn, q, 'ResourceNotFound.Version');
    return {};
  }
  if (fn.status !== 'CreateFailed') requireSettled(fn);
  const nsState = c.sim.store.namespace(c.secretId, fn.region, fn.namespace)!;
  c.sim.sm.delete(fn, keyOf(c, fn), () => {
    if (nsState.functions.get(fn.name) === fn) nsState.functions.delete(fn.name);
  });
  return {};
};

export const DeleteFunctionVersion: ActionHandler = (c) => {
  const fn = getFunction(c);
  const q = c.params.str('Qualifier', { required: true });
  c.note.qualifier = q;
  if (q === '$LATEST') throw invalidValue('Qualifier', 'The $LATEST version cannot be deleted with DeleteFunctionVersion.');
  deleteVersion(fn, q, 'ResourceNotFound.FunctionVersion');
  return {};
};

/** Publishes $LATEST as the next numbered version (Active at once; PublishVersion then runs it through Publishing). */
export function publishNow(fn: FunctionState, description: string): VersionState {
  const l = fn.latest;
  const v = makeVersion({
    version: String(fn.nextVersion++), code: l.code, handler: l.handler, runtime: l.runtime, memorySize: l.memorySize,
    timeout: l.timeout, environment: l.environment, description, status: 'Active',
  });
  fn.versions.set(v.version, v);
  return v;
}

function publishFlag(c: CallCtx): boolean {
  const v = c.params.str('Publish');
  if (v === undefined || v === '') return false;
  if (!/^(TRUE|FALSE)$/i.test(v)) throw invalidValue('Publish', 'Publish must be TRUE or FALSE.');
  return v.toUpperCase() === 'TRUE';
}

export const UpdateFunctionCode: ActionHandler = (c) => {
  const fn = getFunction(c);
  const p = c.params;
  const handler = p.str('Handler') || fn.latest.handler;
  checkHandler(handler);
  const publish = publishFlag(c);
  const src: Record<string, unknown> = { ...(p.obj('Code') ?? {}) };
  for (const k of ['ZipFile', 'CosBucketName', 'CosObjectName', 'CosBucketRegion']) if (p.has(k)) src[k] = p.raw[k];
  const zip = readCode(c, src);
  checkPackage(zip, handler, fn.latest.runtime);
  requireSettled(fn, 'FailedOperation.UpdateFunctionCode');
  c.sim.sm.update(fn, keyOf(c, fn), () => {
    const next = makeVersion({ ...fn.latest, version: '$LATEST', code: zip, handler, status: 'Active' });
    next.addTime = fn.latest.addTime;
    fn.latest = next;
    if (publish) publishNow(fn, '');
  });
  return {};
};

export const UpdateFunctionConfiguration: ActionHandler = (c) => {
  const fn = getFunction(c);
  const p = c.params;
  const description = p.str('Description');
  const memorySize = p.int('MemorySize');
  const timeout = p.int('Timeout');
  const runtime = p.str('Runtime');
  const environment = parseEnvironment(p.obj('Environment'));
  if (description !== undefined) checkDescription(description);
  if (memorySize !== undefined) checkMemory(memorySize);
  if (timeout !== undefined) checkTimeout(timeout);
  if (runtime) checkRuntime(runtime);
  const publish = publishFlag(c);
  requireSettled(fn, 'FailedOperation.UpdateFunctionConfiguration');
  c.sim.sm.update(fn, keyOf(c, fn), () => {
    const l = fn.latest;
    const next = makeVersion({
      version: '$LATEST', code: l.code, handler: l.handler, runtime: runtime || l.runtime, memorySize: memorySize ?? l.memorySize,
      timeout: timeout ?? l.timeout, environment: environment ?? l.environment, description: description ?? l.description, status: 'Active',
    });
    next.addTime = l.addTime;
    fn.latest = next;
    if (publish) publishNow(fn, '');
  });
  return {};
};

export const PublishVersion: ActionHandler = (c) => {
  const fn = getFunction(c);
  const description = c.params.str('Description') ?? '';
  checkDescription(description);
  requireSettled(fn, 'FailedOperation.PublishVersion', false);
  const v = publishNow(fn, description);
  c.note.qualifier = v.version;
  c.sim.sm.publish(fn, keyOf(c, fn), v);
  return {
    FunctionVersion: v.version, CodeSize: v.code.length, MemorySize: v.memorySize, Description: v.description,
    Handler: v.handler, Timeout: v.timeout, Runtime: v.runtime, Namespace: fn.namespace,
  };
};

export const ListVersionByFunction: ActionHandler = (c) => {
  const fn = getFunction(c);
  const p = c.params;
  const offset = p.int('Offset') ?? 0;
  const limit = p.int('Limit') ?? 20;
  if (offset < 0) throw invalidValue('Offset', 'Offset must be >= 0.');
  if (limit < 0 || limit > 100) throw invalidValue('Limit', 'Limit must be between 0 and 100.');
  const order = (p.str('Order') || 'ASC').toUpperCase();
  const list: VersionState[] = [fn.latest, ...[...fn.versions.values()].sort((a, b) => Number(a.version) - Number(b.version))];
  if (order === 'DESC') list.reverse();
  const page = list.slice(offset, offset + limit);
  return {
    FunctionVersion: page.map((v) => v.version),
    Versions: page.map((v) => ({
      Version: v.version, Description: v.description, AddTime: v.addTime, ModTime: v.modTime,
      Status: v.version === '$LATEST' ? fn.status : v.status,
    })),
    TotalCount: list.length,
  };
};

export const CopyFunction: ActionHandler = (c) => {
  const p = c.params;
  const src = getFunction(c);
  const newName = p.str('NewFunctionName', { required: true });
  checkFunctionName(newName, 'NewFunctionName');
  const targetRegion = p.str('TargetRegion') || c.region;
  if (!isScfRegion(targetRegion)) throw new ApiError('UnsupportedOperation.Region', `Replication to region ${targetRegion} is not supported.`);
  const targetNs = p.str('TargetNamespace') || 'default';
  const override = p.bool('Override') ?? false;
  const copyConfiguration = p.bool('CopyConfiguration') ?? true;
  const description = p.str('Description');
  if (description !== undefined) checkDescription(description);
  requireSettled(src, 'FailedOperation.CopyFailed');
  const nsState = requireNamespace(c, targetRegion, targetNs);
  if (targetRegion === src.region && targetNs === src.namespace && newName === src.name) {
    throw invalidValue('FunctionName', 'The function cannot be copied onto itself.');
  }
  const existing = nsState.functions.get(newName);
  if (existing) {
    if (!override) throw new ApiError('ResourceInUse.FunctionName', `FunctionName ${newName} already exists in ${targetRegion}/${targetNs}.`);
    if (existing.status !== 'CreateFailed') requireSettled(existing);
    existing.generation++;
    c.sim.sm.releaseHold(existing, false);
    nsState.functions.delete(newName);
  }
  const l = src.latest;
  const latest = makeVersion({
    version: '$LATEST', code: l.code, handler: l.handler, runtime: l.runtime,
    memorySize: copyConfiguration ? l.memorySize : 128, timeout: copyConfiguration ? l.timeout : 3,
    environment: copyConfiguration ? l.environment : [], description: description ?? (copyConfiguration ? l.description : ''), status: 'Creating',
  });
  const fn = c.sim.store.newFunction({ name: newName, namespace: targetNs, region: targetRegion, latest, status: 'Creating' });
  nsState.functions.set(newName, fn);
  c.sim.sm.create(fn, keyOf(c, fn));
  return {};
};

export const GetFunctionAddress: ActionHandler = (c) => {
  const fn = getFunction(c);
  const q = c.params.str('Qualifier') || '$LATEST';
  c.note.qualifier = q;
  if (q !== '$LATEST' && !/^\d+$/.test(q)) throw invalidValue('Qualifier', `Qualifier ${q} is not a supported function version.`);
  const v = resolveVersion(fn, q);
  if (!v) throw Errors.versionNotFound(fn.name, q);
  if (q === '$LATEST' && (fn.status === 'Creating' || fn.status === 'Updating' || fn.status === 'Deleting')) {
    throw Errors.functionStatus(fn.name, fn.status);
  }
  if (v.status === 'Publishing') throw Errors.functionStatus(fn.name, 'Publishing');
  return { Url: c.sim.codeUrl(v.codeSha256, v.code), CodeSha256: v.codeSha256 };
};
