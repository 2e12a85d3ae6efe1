import { ApiError } from '../errors';
import type { ActionHandler, CallCtx } from '../context';
import type { FunctionState, VersionState } from '../model';
import { invalidValue } from '../params';
import { routeAlias } from './aliases';
import { getFunction } from './common';
import { statusCodeOf } from '../monitor/metrics';

/** Invoke documents the event limit: 6 MB for a synchronous call, 128 KB for an asynchronous one. */
const MAX_EVENT_BYTES = 6 * 1024 * 1024;
const MAX_ASYNC_EVENT_BYTES = 128 * 1024;

/** Resolves Qualifier (version, $LATEST, alias or $DEFAULT) to the version that runs. */
function pickVersion(c: CallCtx, fn: FunctionState, qualifier: string, routingKey: Record<string, string> | undefined): VersionState {
  let version = qualifier;
  if (qualifier !== '$LATEST' && !/^\d+$/.test(qualifier)) {
    const alias = fn.aliases.get(qualifier);
    if (alias) version = routeAlias(alias, routingKey, c.sim.routingRandom);
    else if (qualifier === '$DEFAULT') version = '$LATEST';
    else throw new ApiError('ResourceNotFound.Qualifier', `Qualifier ${qualifier} of function ${fn.name} does not exist.`);
  }
  const v = version === '$LATEST' ? fn.latest : fn.versions.get(version);
  if (!v) throw new ApiError('ResourceNotFound.Qualifier', `Version ${version} of function ${fn.name} does not exist.`);
  if (version === '$LATEST' && fn.status !== 'Active' && fn.status !== 'UpdateFailed' && fn.status !== 'Publishing' && fn.status !== 'PublishFailed') {
    throw new ApiError('FailedOperation.FunctionStatusError', `Function ${fn.name} is in status ${fn.status} and cannot be invoked now.`);
  }
  if (version !== '$LATEST' && v.status !== 'Active') {
    throw new ApiError('FailedOperation.FunctionStatusError', `Version ${version} of function ${fn.name} is in status ${v.status} and cannot be invoked now.`);
  }
  return v;
}

function parseRoutingKey(raw: string | undefined): Record<string, string> | undefined {
  if (!raw) return undefined;
  if (raw.length > 1024) throw invalidValue('RoutingKey', 'RoutingKey is longer than 1024 bytes.');
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw invalidValue('RoutingKey', 'RoutingKey is not valid JSON.');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw invalidValue('RoutingKey', 'RoutingKey must be a JSON object of string values.');
  }
  return v as Record<string, string>;
}

function parseEvent(raw: string | undefined, sub: string, async: boolean): unknown {
  if (raw === undefined || raw === '') return {};
  if (async && Buffer.byteLength(raw) > MAX_ASYNC_EVENT_BYTES) {
    throw new ApiError('InvalidParameter.RequestTooLarge', 'The event of an asynchronous invocation is larger than 128 KB.');
  }
  if (Buffer.byteLength(raw) > MAX_EVENT_BYTES) throw new ApiError('InvalidParameter.RequestTooLarge', 'The event is larger than 6 MB.');
  try {
    return JSON.parse(raw);
  } catch {
    throw invalidValue(sub, 'The event is not valid JSON.');
  }
}

async function run(c: CallCtx, eventRaw: string | undefined, eventParam: string, async: boolean): Promise<Record<string, unknown>> {
  const fn = getFunction(c);
  const p = c.params;
  const qualifier = p.str('Qualifier') || '$DEFAULT';
  const logType = p.str('LogType') || 'None';
  if (logType !== 'None' && logType !== 'Tail') throw invalidValue('LogType', 'LogType must be None or Tail.');
  const routingKey = parseRoutingKey(p.str('RoutingKey'));
  const event = parseEvent(eventRaw, eventParam, async);
  const v = pickVersion(c, fn, qualifier, routingKey);
  c.note.qualifier = qualifier === v.version ? qualifier : `${qualifier}->${v.version}`;
  if (!v.runtime.startsWith('Nodejs')) {
    throw new ApiError('FailedOperation.InvokeFunction', `The simulator only runs Node.js functions; runtime ${v.runtime} is not supported.`);
  }
  const env = Object.fromEntries(v.environment.map((e) => [e.Key, e.Value]));
  const input = {
    code: v.code, codeSha256: v.codeSha256, handler: v.handler, runtime: v.runtime, memorySize: v.memorySize, timeout: v.timeout,
    environment: env, functionName: fn.name, namespace: fn.namespace, version: v.version, region: fn.region,
    appId: c.account.appId, uin: c.account.uin, event, logType: logType as 'None' | 'Tail',
  };
  // What ran is counted for Cloud Monitor (monitor/metrics.ts), per version and the alias the call named.
  const alias = qualifier !== '$LATEST' && !/^\d+$/.test(qualifier) ? qualifier : undefined;
  const count = (r: { ErrMsg: string; Duration: number }) =>
    c.sim.metrics.record({
      secretId: c.secretId, region: fn.region, namespace: fn.namespace, functionName: fn.name, version: v.version, ...(alias && { alias }),
      atMs: Date.now(), durationMs: r.Duration, error: !!r.ErrMsg, statusCode: statusCodeOf(r.ErrMsg),
    });
  if (async) {
    const pending = c.sim.invoker.invoke(input);
    pending.then(count, (e) => c.sim.logger.warn({ err: e }, 'async invoke failed'));
    // Result documents every field but FunctionRequestId as empty for an asynchronous call.
    return { Result: { FunctionRequestId: c.requestId, InvokeResult: 0, RetMsg: '', ErrMsg: '', Log: '', Duration: 0, BillDuration: 0, MemUsage: 0 } };
  }
  const result = await c.sim.invoker.invoke(input);
  count(result);
  return { Result: result };
}

export const InvokeFunction: ActionHandler = (c) => run(c, c.params.str('Event'), 'Param', false);

export const Invoke: ActionHandler = (c) => {
  const type = c.params.str('InvocationType') || 'RequestResponse';
  if (type !== 'RequestResponse' && type !== 'Event') throw invalidValue('InvocationType', 'InvocationType must be RequestResponse or Event.');
  return run(c, c.params.str('ClientContext'), 'ClientContext', type === 'Event');
};
