/**
 * Optional OpenTelemetry tracing for the CLI and the worker: when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, spans go there over OTLP/HTTP as JSON
 * (@opentelemetry/exporter-trace-otlp-http; it reads the standard OTEL_EXPORTER_OTLP_* variables:
 * headers, timeout, ...), batched; trace context crosses processes in W3C `traceparent` form inside
 * Temporal headers (@temporalio/interceptors-opentelemetry). Unset, nothing is registered and every
 * span is a no-op. Lives next to the activities because their SCF call spans (scf-telemetry.ts) are
 * what it is for; the CLI (client/connection.ts) and the worker (worker/main.ts) start it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface Tracing {
  /** For the worker's workflow span sink (workflow spans are made in the sandbox and exported here). */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Flushes what is buffered and stops exporting (call before the process exits). */
  shutdown(): Promise<void>;
}

export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/** Registers the global tracer provider for `serviceName`; undefined (and nothing registered) when tracing is off. */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (!tracingEnabled(env)) return undefined;
  const resource = new Resource({ 'service.name': serviceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable(), propagator: new W3CTraceContextPropagator() });
  return { spanProcessor, resource, shutdown: () => provider.shutdown() };
}

/**
 * The active span follows async calls (an activity's span is the parent of its SCF call spans).
 * What @opentelemetry/context-async-hooks' AsyncLocalStorageContextManager does, in the few lines we need.
 */
class AsyncLocalStorageContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(context, () => fn.apply(thisArg, args));
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const manager = this;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(context, () => (target as (...a: unknown[]) => unknown).apply(this, args));
    } as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    return this;
  }
}
