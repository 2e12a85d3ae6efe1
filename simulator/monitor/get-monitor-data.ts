/**
 * Cloud Monitor's GetMonitorData (service `monitor`, version 2018-07-24) for namespace QCE/SCF_V2,
 * answered from what the simulator really ran (metrics.ts). Request and response as
 * monitor_models.d.ts describes them: up to 10 instances, at most 1440 points, periods 60 and 300 s,
 * plus one simulator-only period (`monitor.fastPeriodSeconds`) so tests need not wait minutes.
 */
import { ApiError, Errors } from '../errors';
import type { ActionHandler } from '../context';
import { scfTime } from '../model';
import { field } from '../params';
import { SCF_METRICS, type ScfDimensions } from './metrics';

export const MONITOR_API_VERSION = '2018-07-24';
const NAMESPACE = 'QCE/SCF_V2';
const PERIODS = [60, 300];
const MAX_INSTANCES = 10;
const MAX_POINTS = 1440;
const DIMENSIONS = ['functionName', 'namespace', 'version', 'alias'] as const;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const bad = (message: string) => new ApiError('InvalidParameterValue', message);

function parseTime(raw: string | undefined, name: string, fallbackS: number): number {
  if (raw === undefined || raw === '') return fallbackS;
  if (!ISO_TIME.test(raw) || !Number.isFinite(Date.parse(raw))) throw bad(`${name} ${raw} is not an ISO 8601 time, e.g. 2018-09-22T19:51:23+08:00.`);
  return Math.floor(Date.parse(raw) / 1000);
}

function parseDimensions(instance: unknown, i: number): { dims: ScfDimensions; echo: Array<{ Name: string; Value: string }> } {
  const list = field(instance, 'Dimensions');
  if (!Array.isArray(list) || list.length === 0) throw bad(`Instances.${i}.Dimensions must be a list of { Name, Value }.`);
  const echo: Array<{ Name: string; Value: string }> = [];
  const got: Partial<Record<(typeof DIMENSIONS)[number], string>> = {};
  for (const d of list as unknown[]) {
    const name = field(d, 'Name');
    const value = field(d, 'Value');
    if (typeof name !== 'string' || typeof value !== 'string') throw bad(`Instances.${i}.Dimensions entries need a Name and a Value (strings).`);
    if (!(DIMENSIONS as readonly string[]).includes(name)) throw bad(`Dimension ${name} is not one of QCE/SCF_V2's: ${DIMENSIONS.join(', ')}.`);
    got[name as (typeof DIMENSIONS)[number]] = value;
    echo.push({ Name: name, Value: value });
  }
  if (!got.functionName) throw bad(`Instances.${i}.Dimensions must name functionName.`);
  return {
    dims: { functionName: got.functionName, namespace: got.namespace ?? 'default', ...(got.version !== undefined && { version: got.version }), ...(got.alias !== undefined && { alias: got.alias }) },
    echo,
  };
}

export const GetMonitorData: ActionHandler = (c) => {
  const p = c.params;
  const namespace = p.str('Namespace', { required: true });
  const metric = p.str('MetricName', { required: true });
  const instances = p.arr('Instances');
  if (!instances) throw Errors.missingParameter('Instances');
  if (namespace !== NAMESPACE) throw bad(`Namespace ${namespace} is not served by the simulator: it serves ${NAMESPACE}.`);
  if (!SCF_METRICS[metric]) throw bad(`MetricName ${metric} is not a ${NAMESPACE} metric the simulator serves: ${Object.keys(SCF_METRICS).join(', ')}.`);
  if (instances.length === 0) throw bad('Instances must name at least one instance.');
  if (instances.length > MAX_INSTANCES) throw new ApiError('LimitExceeded', `A request may name at most ${MAX_INSTANCES} instances.`);
  const period = p.int('Period') ?? 300;
  const fast = c.sim.monitor.fastPeriodSeconds;
  if (!PERIODS.includes(period) && period !== fast) {
    throw bad(`Period ${period} is not supported for ${NAMESPACE}: use 60 or 300${fast ? ` (or the simulator-only ${fast})` : ''}.`);
  }
  if ((p.int('SpecifyStatistics') ?? 0) !== 0) throw bad('SpecifyStatistics is not served by the simulator: leave it out for the period values.');
  const nowS = Math.floor(Date.now() / 1000);
  const endS = parseTime(p.str('EndTime'), 'EndTime', nowS);
  const startS = parseTime(p.str('StartTime'), 'StartTime', endS - 3600);
  if (endS < startS) throw bad('EndTime must not be before StartTime.');
  if (Math.ceil((endS - startS) / period) > MAX_POINTS) {
    throw new ApiError('LimitExceeded', `The request would return more than ${MAX_POINTS} data points per instance: shorten the time range or use a longer Period.`);
  }
  const parsed = instances.map((inst, i) => parseDimensions(inst, i));
  return {
    Period: period,
    MetricName: metric,
    DataPoints: parsed.map(({ dims, echo }) => {
      const s = c.sim.metrics.series({ secretId: c.secretId, region: c.region, metric, dims, periodS: period, startS, endS });
      return { Dimensions: echo, Timestamps: s.timestamps, Values: s.values.map((v) => Math.round(v * 1000) / 1000) };
    }),
    StartTime: scfTime(startS * 1000),
    EndTime: scfTime(endS * 1000),
    Msg: '',
  };
};

/** Monitor action name → handler. */
export const MONITOR_ACTIONS: Record<string, ActionHandler> = { GetMonitorData };
