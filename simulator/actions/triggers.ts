/**
 * ListTriggers, CreateTrigger, DeleteTrigger, UpdateTriggerStatus and UpdateTrigger for the trigger
 * types a release replicates: timer, apigw, cos, ckafka and cmq. Parameters as the API pages (and
 * scf_models.d.ts) describe them; a trigger is keyed by (Type, TriggerName, Qualifier). The simulator
 * does not fire triggers: it keeps them, as SCF's control plane does, so releases can copy them.
 */
import { ApiError } from '../errors';
import type { ActionHandler, CallCtx } from '../context';
import { scfTime, type FunctionState, type TriggerState } from '../model';
import { field, invalidValue } from '../params';
import { getFunction } from './common';

export const TRIGGER_TYPES = ['timer', 'apigw', 'cos', 'ckafka', 'cmq'] as const;
/** SCF's per-function trigger quota. */
const MAX_TRIGGERS_PER_FUNCTION = 10;
const TIMER_NAME_RE = /^[A-Za-z0-9_-]{1,100}$/;
const CRON_FIELD_RE = /^[0-9A-Za-z*/,?#LW-]+$/;
/** `<bucket>-<appid>.cos.<region>.myqcloud.com`, the bucket's XML API domain. */
const COS_NAME_RE = /^([a-z0-9-]+-\d+)\.cos\.([a-z0-9-]+)\.myqcloud\.com$/;
const COS_EVENT_RE = /^cos:(ObjectCreated|ObjectRemove|ObjectRestore):[A-Za-z*]+$/;

function parseJsonDesc(desc: string | undefined, type: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(desc ?? '');
  } catch {
    throw invalidValue('TriggerDesc', `TriggerDesc of a ${type} trigger must be JSON.`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw invalidValue('TriggerDesc', `TriggerDesc of a ${type} trigger must be a JSON object.`);
  return v as Record<string, unknown>;
}

function checkType(type: string, allowed: readonly string[] = TRIGGER_TYPES): void {
  if (!allowed.includes(type)) throw invalidValue('Type', `Trigger type ${type} is not supported here (${allowed.join(', ')}).`);
}

function checkEnable(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'OPEN' || raw === '1') return 1;
  if (raw === 'CLOSE' || raw === '0') return 0;
  throw invalidValue('Enable', `Enable ${raw} is invalid: OPEN or CLOSE.`);
}

function checkTimerDesc(desc: string | undefined): void {
  const fields = (desc ?? '').trim().split(/\s+/);
  if ((fields.length !== 5 && fields.length !== 7) || !fields.every((f) => CRON_FIELD_RE.test(f))) {
    throw invalidValue('TriggerDesc', `TriggerDesc ${desc ?? ''} is not a cron expression of 5 or 7 fields, e.g. "0 */5 * * * * *".`);
  }
}

function checkCosEvent(desc: string | undefined): void {
  const d = parseJsonDesc(desc, 'cos');
  if (typeof d['event'] !== 'string' || !COS_EVENT_RE.test(d['event'])) {
    throw invalidValue('TriggerDesc', 'TriggerDesc of a cos trigger needs "event", e.g. {"event":"cos:ObjectCreated:*"}.');
  }
}

/** Validates name and description for a new trigger of `type` on `fn`. */
function checkNewTrigger(c: CallCtx, fn: FunctionState, type: string, name: string, desc: string | undefined): void {
  switch (type) {
    case 'timer':
      if (!TIMER_NAME_RE.test(name)) throw invalidValue('TriggerName', `Timer trigger name ${name} is invalid: up to 100 letters, digits, '-' and '_'.`);
      checkTimerDesc(desc);
      return;
    case 'cos': {
      const m = COS_NAME_RE.exec(name);
      if (!m) throw invalidValue('TriggerName', `COS trigger name ${name} must be the bucket's domain, e.g. bucket-1250000000.cos.${fn.region}.myqcloud.com.`);
      if (m[2] !== fn.region) throw invalidValue('TriggerName', `COS bucket ${m[1]} is in ${m[2]}; a COS trigger needs a bucket in the function's region ${fn.region}.`);
      if (!c.sim.cos.bucketExists(m[1]!, fn.region)) throw new ApiError('ResourceNotFound.Cos', `COS bucket ${m[1]} does not exist in ${fn.region}.`);
      checkCosEvent(desc);
      return;
    }
    case 'apigw': {
      const d = parseJsonDesc(desc, 'apigw');
      if (!field(d['service'], 'serviceName') && !field(d['service'], 'serviceId')) {
        throw invalidValue('TriggerDesc', 'TriggerDesc of an apigw trigger needs service.serviceName (or serviceId).');
      }
      if (!field(d['release'], 'environmentName')) throw invalidValue('TriggerDesc', 'TriggerDesc of an apigw trigger needs release.environmentName.');
      return;
    }
    case 'ckafka':
      parseJsonDesc(desc, 'ckafka');
      return;
    case 'cmq':
      return;
  }
}

function qualifierParam(c: CallCtx): string {
  const q = c.params.str('Qualifier') || '$LATEST';
  c.note.qualifier = q;
  return q;
}

function requireQualifier(fn: FunctionState, q: string): void {
  if (q === '$LATEST' || q === '$DEFAULT' || fn.aliases.has(q)) return;
  if (/^\d+$/.test(q) && fn.versions.has(q)) return;
  throw new ApiError('ResourceNotFound.FunctionVersion', `Version or alias ${q} of function ${fn.name} does not exist.`);
}

function findTrigger(fn: FunctionState, type: string, name: string, qualifier: string): TriggerState {
  const t = fn.triggers.find((x) => x.Type === type && x.TriggerName === name && x.Qualifier === qualifier);
  if (!t) throw new ApiError('ResourceNotFound.Trigger', `Trigger ${type}:${name} (${qualifier}) of function ${fn.name} does not exist.`);
  return t;
}

const view = (t: TriggerState): Record<string, unknown> => ({
  ...t, CustomArgument: t.CustomArgument ?? '', Description: t.Description ?? '', AvailableStatus: t.AvailableStatus ?? 'Available',
});

export const CreateTrigger: ActionHandler = (c) => {
  const fn = getFunction(c);
  const p = c.params;
  const name = p.str('TriggerName', { required: true });
  const type = p.str('Type', { required: true });
  const desc = p.str('TriggerDesc');
  const qualifier = qualifierParam(c);
  checkType(type);
  checkNewTrigger(c, fn, type, name, desc);
  const enable = checkEnable(p.str('Enable'), 1);
  const custom = p.str('CustomArgument');
  if (custom !== undefined && type !== 'timer') throw invalidValue('CustomArgument', 'CustomArgument is supported by timer triggers only.');
  requireQualifier(fn, qualifier);
  if (fn.triggers.some((x) => x.Type === type && x.TriggerName === name && x.Qualifier === qualifier)) {
    throw new ApiError('ResourceInUse.Trigger', `Trigger ${type}:${name} (${qualifier}) already exists.`);
  }
  if (fn.triggers.length >= MAX_TRIGGERS_PER_FUNCTION) {
    throw new ApiError('LimitExceeded.Trigger', `Function ${fn.name} already has ${MAX_TRIGGERS_PER_FUNCTION} triggers, the limit.`);
  }
  const now = scfTime();
  const t: TriggerState = {
    Type: type, TriggerName: name, TriggerDesc: desc ?? '', AddTime: now, ModTime: now, Enable: enable, Qualifier: qualifier,
    CustomArgument: custom ?? '', Description: p.str('Description') ?? '', AvailableStatus: 'Available',
  };
  fn.triggers.push(t);
  return { TriggerInfo: view(t) };
};

export const DeleteTrigger: ActionHandler = (c) => {
  const fn = getFunction(c);
  const p = c.params;
  const name = p.str('TriggerName', { required: true });
  const type = p.str('Type', { required: true });
  const qualifier = qualifierParam(c);
  checkType(type);
  // DeleteTrigger documents TriggerDesc as required for a COS trigger (the event to unbind).
  if (type === 'cos') checkCosEvent(p.str('TriggerDesc'));
  const t = findTrigger(fn, type, name, qualifier);
  fn.triggers = fn.triggers.filter((x) => x !== t);
  return {};
};

export const UpdateTriggerStatus: ActionHandler = (c) => {
  const fn = getFunction(c);
  const p = c.params;
  const enableRaw = p.str('Enable', { required: true });
  const name = p.str('TriggerName', { required: true });
  const type = p.str('Type', { required: true });
  const qualifier = qualifierParam(c);
  // UpdateTriggerStatus documents timer, cos and ckafka (and cmq for its TriggerDesc note).
  checkType(type, ['timer', 'cos', 'ckafka', 'cmq']);
  const enable = checkEnable(enableRaw, 1);
  if (type === 'cos') checkCosEvent(p.str('TriggerDesc'));
  const t = findTrigger(fn, type, name, qualifier);
  t.Enable = enable;
  t.ModTime = scfTime();
  return {};
};

export const UpdateTrigger: ActionHandler = (c) => {
  const fn = getFunction(c);
  const p = c.params;
  const name = p.str('TriggerName', { required: true });
  const type = p.str('Type', { required: true });
  const qualifier = qualifierParam(c);
  // UpdateTrigger documents timer, ckafka and http; the simulator keeps no http triggers.
  checkType(type, ['timer', 'ckafka']);
  const t = findTrigger(fn, type, name, qualifier);
  const desc = p.str('TriggerDesc');
  if (desc !== undefined) {
    if (type === 'timer') checkTimerDesc(desc);
    else parseJsonDesc(desc, type);
  }
  t.Enable = checkEnable(p.str('Enable'), t.Enable);
  if (desc !== undefined) t.TriggerDesc = desc;
  const d = p.str('Description');
  if (d !== undefined) t.Description = d;
  const custom = p.str('CustomArgument');
  if (custom !== undefined) t.CustomArgument = custom;
  t.ModTime = scfTime();
  return {};
};

export const ListTriggers: ActionHandler = (c) => {
  const fn = getFunction(c);
  const p = c.params;
  const offset = p.int('Offset') ?? 0;
  const limit = p.int('Limit') ?? 20;
  if (offset < 0) throw invalidValue('Offset', 'Offset must be >= 0.');
  if (limit < 0 || limit > 200) throw invalidValue('Limit', 'Limit must be between 0 and 200.');
  const orderBy = p.str('OrderBy') || 'mod_time';
  if (orderBy !== 'add_time' && orderBy !== 'mod_time') throw invalidValue('OrderBy', 'OrderBy must be add_time or mod_time.');
  const order = (p.str('Order') || 'DESC').toUpperCase();
  if (order !== 'ASC' && order !== 'DESC') throw invalidValue('Order', 'Order must be ASC or DESC.');
  let all = fn.triggers.map((t, i) => ({ t, i }));
  for (const f of (p.arr('Filters') ?? []) as unknown[]) {
    const fname = field(f, 'Name');
    const values = field(f, 'Values');
    if (!Array.isArray(values)) throw invalidValue('Filters', 'Filters[].Values must be an array.');
    const pick = fname === 'Qualifier' ? (t: TriggerState) => t.Qualifier
      : fname === 'TriggerName' ? (t: TriggerState) => t.TriggerName
        : fname === 'Description' ? (t: TriggerState) => t.Description ?? ''
          : undefined;
    if (!pick) throw invalidValue('Filters', `Filter ${String(fname)} is not supported: Qualifier, TriggerName or Description.`);
    all = all.filter(({ t }) => values.includes(pick(t)));
  }
  const key = (t: TriggerState) => (orderBy === 'add_time' ? t.AddTime : t.ModTime);
  // Ties (same second) keep creation order, so pages are stable.
  all.sort((a, b) => (key(a.t) < key(b.t) ? -1 : key(a.t) > key(b.t) ? 1 : a.i - b.i) * (order === 'DESC' ? -1 : 1));
  return { Triggers: all.slice(offset, offset + limit).map(({ t }) => view(t)), TotalCount: all.length };
};
