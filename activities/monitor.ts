/**
 * readMonitorData: Cloud Monitor's GetMonitorData through the official monitor SDK, for the release's
 * metrics gate: one function version's Invocation, Error and Duration (namespace QCE/SCF_V2) over a
 * window, summed into the figures the gate judges. The SDK client goes to monitor.tencentcloudapi.com,
 * or to SCF_ENDPOINT when that is not Tencent's (the simulator serves both APIs on one endpoint).
 */
import * as tencentcloudMonitor from 'tencentcloud-sdk-nodejs-monitor';
import type { Credential, DynamicCredential } from 'tencentcloud-sdk-nodejs-common/tencentcloud/common/interface';
import type * as M from 'tencentcloud-sdk-nodejs-monitor/tencentcloud/services/monitor/v20180724/monitor_models';
import { ApplicationFailure } from '@temporalio/common';
import type { ScfConfig } from './config';
import { toApplicationFailure } from './error-table';
import { credentialFor } from './scf-client';
import type { MonitorFigures, ReadMonitorDataInput } from './monitor-contract';

export interface MonitorClient {
  GetMonitorData(req: M.GetMonitorDataRequest): Promise<M.GetMonitorDataResponse>;
}

export interface MonitorClientFactory {
  forRegion(region: string): MonitorClient;
}

/** One monitor SDK client per region, for the worker's account and endpoint. */
export function createMonitorClientFactory(
  config: Pick<ScfConfig, 'endpoint' | 'protocol' | 'timeoutMs' | 'credentials' | 'simulatorHost'>,
  options: { credential?: Credential | DynamicCredential } = {},
): MonitorClientFactory {
  const credential = options.credential ?? credentialFor(config.credentials);
  // Against the simulator (SCF_ENDPOINT not Tencent's), the simulator serves monitor too; else monitor's own endpoint.
  const endpoint = config.simulatorHost ? config.endpoint! : 'monitor.tencentcloudapi.com';
  const cache = new Map<string, MonitorClient>();
  return {
    forRegion(region) {
      let c = cache.get(region);
      if (!c) {
        c = new tencentcloudMonitor.monitor.v20180724.Client({
          credential,
          region,
          profile: { httpProfile: { endpoint, protocol: config.protocol, reqMethod: 'POST', reqTimeout: config.timeoutMs / 1000 } },
        });
        cache.set(region, c);
      }
      return c;
    },
  };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');

export function createMonitorActivities(deps: { monitor?: MonitorClientFactory }) {
  return {
    async readMonitorData(input: ReadMonitorDataInput): Promise<MonitorFigures> {
      if (!deps.monitor) {
        throw ApplicationFailure.create({ type: 'MonitorNotConfigured', nonRetryable: true, message: 'readMonitorData: this worker has no Cloud Monitor client' });
      }
      const client = deps.monitor.forRegion(input.fn.region);
      const instance = [{
        Dimensions: [
          { Name: 'functionName', Value: input.fn.functionName }, { Name: 'namespace', Value: input.fn.namespace }, { Name: 'version', Value: input.version },
        ],
      }];
      const read = async (metric: string) => {
        try {
          const r = await client.GetMonitorData({
            Namespace: 'QCE/SCF_V2', MetricName: metric, Instances: instance, Period: input.periodSeconds,
            StartTime: iso(input.startMs), EndTime: iso(input.endMs),
          });
          const p = r.DataPoints?.[0];
          return { ts: p?.Timestamps ?? [], values: p?.Values ?? [] };
        } catch (err) {
          throw toApplicationFailure(err, { action: 'GetMonitorData', region: input.fn.region, namespace: input.fn.namespace, functionName: input.fn.functionName, qualifier: input.version });
        }
      };
      const [inv, err, dur] = [await read('Invocation'), await read('Error'), await read('Duration')];
      const invocations = inv.values.reduce((a, b) => a + b, 0);
      const errors = err.values.reduce((a, b) => a + b, 0);
      // Duration is an average per period: weight each by that period's invocations.
      let weighted = 0;
      dur.ts.forEach((t, i) => (weighted += (dur.values[i] ?? 0) * (inv.values[inv.ts.indexOf(t)] ?? 0)));
      return {
        invocations, errors,
        errorRatePercent: invocations > 0 ? Math.round((10_000 * errors) / invocations) / 100 : 0,
        avgDurationMs: invocations > 0 ? Math.round((100 * weighted) / invocations) / 100 : 0,
        periodSeconds: input.periodSeconds, startMs: input.startMs, endMs: input.endMs,
      };
    },
  };
}
