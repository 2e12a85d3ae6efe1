/**
 * A MetricMeter that keeps what counters were given, for unit tests of activities run in a
 * MockActivityEnvironment (the SDK's Prometheus endpoint is tested with a worker process instead).
 */
import { noopMetricMeter, type MetricCounter, type MetricMeter, type MetricTags } from '@temporalio/common';

export interface CounterAdd {
  name: string;
  value: number;
  tags: MetricTags;
}

export function recordingMeter(): { meter: MetricMeter; adds: CounterAdd[] } {
  const adds: CounterAdd[] = [];
  const counter = (name: string, unit: string | undefined, description: string | undefined, base: MetricTags): MetricCounter => ({
    name,
    unit,
    description,
    kind: 'counter',
    valueType: 'int',
    add: (value, extraTags = {}) => void adds.push({ name, value, tags: { ...base, ...extraTags } }),
    withTags: (tags) => counter(name, unit, description, { ...base, ...tags }),
  });
  const meterWith = (base: MetricTags): MetricMeter => ({
    createCounter: (name, unit, description) => counter(name, unit, description, base),
    createHistogram: (...args) => noopMetricMeter.createHistogram(...args),
    createGauge: (...args) => noopMetricMeter.createGauge(...args),
    createUpDownCounter: (...args) => noopMetricMeter.createUpDownCounter(...args),
    withTags: (tags) => meterWith({ ...base, ...tags }),
  });
  return { meter: meterWith({}), adds };
}
