/**
 * What each SCF request tells operators, in one place (the gateway calls it, activities/scf-client.ts):
 * - metrics through the running activity's metric meter (so they reach the worker's Prometheus
 *   endpoint with the SDK's namespace/task_queue/activity_type tags; nowhere outside an activity):
 *   `scf_release_scf_requests` {action, region, code} (code: OK, the Tencent error code, or Cancelled),
 *   `scf_release_scf_throttled` {action, region}, `scf_release_scf_request_latency` (ms) {action, code},
 *   `scf_release_limiter_wait` (ms) {action};
 * - a span per request, `scf <Action>`, child of the activity's span (@temporalio/interceptors-opentelemetry),
 *   with scf.action, scf.region, scf.namespace, scf.function, scf.qualifier, scf.code and scf.request_id.
 *   Without a registered tracer provider (activities/tracing.ts) the spans are no-ops.
 */
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { noopMetricMeter, type MetricMeter } from '@temporalio/common';
import { currentContext } from './context';
import type { CallTarget } from './error-table';

/** Names of our metrics (README "Operating the worker"; deploy/grafana/ plots them). */
export const SCF_METRICS = {
  requests: 'scf_release_scf_requests',
  throttled: 'scf_release_scf_throttled',
  latency: 'scf_release_scf_request_latency',
  limiterWait: 'scf_release_limiter_wait',
} as const;

const tracer = trace.getTracer('scf-release');

/** The running activity's meter (the SDK's tags added), or a no-op outside an activity. */
export function meter(): MetricMeter {
  return currentContext()?.metricMeter ?? noopMetricMeter;
}

/** Time spent waiting for a rate-limiter token before a request. */
export function recordLimiterWait(action: string, ms: number): void {
  meter().createHistogram(SCF_METRICS.limiterWait, 'float', 'ms', 'time an SCF call waited for a rate-limiter token').record(ms, { action });
}

/** One SCF request on the wire: its span is open until `end`. */
export interface ScfRequestRecord {
  end(code: string, requestId: string | undefined, durationMs: number): void;
}

export function startScfRequest(target: CallTarget, account: string): ScfRequestRecord {
  const span: Span = tracer.startSpan(`scf ${target.action}`, {
    kind: SpanKind.CLIENT,
    attributes: definedOnly({
      'scf.action': target.action,
      'scf.region': target.region,
      'scf.namespace': target.namespace,
      'scf.function': target.functionName,
      'scf.qualifier': target.qualifier,
      'scf.account': account,
    }),
  });
  return {
    end(code, requestId, durationMs) {
      span.setAttribute('scf.code', code);
      if (requestId) span.setAttribute('scf.request_id', requestId);
      if (code !== 'OK') span.setStatus({ code: SpanStatusCode.ERROR, message: code });
      span.end();
      const m = meter();
      m.createCounter(SCF_METRICS.requests, 'requests', 'SCF API requests by action, region and answer').add(1, { action: target.action, region: target.region, code });
      m.createHistogram(SCF_METRICS.latency, 'float', 'ms', 'SCF API request latency').record(durationMs, { action: target.action, code });
    },
  };
}

function definedOnly(attributes: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).filter((e): e is [string, string] => e[1] !== undefined));
}

/** A `RequestLimitExceeded*` answer (the limiter slows down; the call is retried or fails retryable). */
export function recordThrottled(target: CallTarget): void {
  meter().createCounter(SCF_METRICS.throttled, 'requests', 'throttled SCF answers (RequestLimitExceeded*)').add(1, { action: target.action, region: target.region });
}
