/**
 * The SCF client layer: one `tencentcloud-sdk-nodejs-scf` client per (account, region), cached, and
 * `ScfGateway`, the only way activities call SCF. Each call goes through:
 *   rate limiter (await a token, cancellable) → SDK request with the activity's AbortSignal →
 *   one structured log line, metrics and a span (activities/scf-telemetry.ts) → errors mapped by the error table.
 * Throttled answers (`RequestLimitExceeded*`) are retried here a few times (the request was refused
 * before it ran, so this is safe even for mutations) while the limiter slows down; when they persist
 * the call fails with a retryable ApplicationFailure carrying `nextRetryDelay`.
 */
import type { Credential, DynamicCredential } from 'tencentcloud-sdk-nodejs-common/tencentcloud/common/interface';
import {
  CvmRoleCredential,
  ProfileCredential,
} from 'tencentcloud-sdk-nodejs-common/tencentcloud/common/credential';
import { scf } from 'tencentcloud-sdk-nodejs-scf';
import type * as M from 'tencentcloud-sdk-nodejs-scf/tencentcloud/services/scf/v20180416/scf_models';
import type { Logger } from 'pino';
import type { CredentialSource, ScfConfig } from './config';
import { abortError, activityLogFields, currentAttempt, raceAbort, sleep } from './context';
import { type CallTarget, describeScfError, isThrottleCode, throttleRetryDelayMs, toApplicationFailure } from './error-table';
import type { RateLimiter } from './rate-limiter';
import { recordLimiterWait, recordThrottled, startScfRequest, type ScfRequestRecord } from './scf-telemetry';

/** What we need of an SDK client: the generic `request` (it takes `{ signal }`, the typed methods do not). */
export interface ScfSdkClient {
  request(action: string, req: unknown, options?: { signal?: AbortSignal }): Promise<unknown>;
}

/** Our edge to SCF: an SDK client per region, for one account. */
export interface ScfClientFactory {
  /** Label of the account (keys the limiter). */
  readonly account: string;
  forRegion(region: string): ScfSdkClient;
}

/** The request and response types of the actions the activities use. */
export interface ScfActionMap {
  GetFunction: [M.GetFunctionRequest, M.GetFunctionResponse];
  UpdateFunctionCode: [M.UpdateFunctionCodeRequest, M.UpdateFunctionCodeResponse];
  PublishVersion: [M.PublishVersionRequest, M.PublishVersionResponse];
  ListVersionByFunction: [M.ListVersionByFunctionRequest, M.ListVersionByFunctionResponse];
  CopyFunction: [M.CopyFunctionRequest, M.CopyFunctionResponse];
  GetFunctionAddress: [M.GetFunctionAddressRequest, M.GetFunctionAddressResponse];
  InvokeFunction: [M.InvokeFunctionRequest, M.InvokeFunctionResponse];
  CreateAlias: [M.CreateAliasRequest, M.CreateAliasResponse];
  GetAlias: [M.GetAliasRequest, M.GetAliasResponse];
  UpdateAlias: [M.UpdateAliasRequest, M.UpdateAliasResponse];
  DeleteAlias: [M.DeleteAliasRequest, M.DeleteAliasResponse];
  DeleteFunction: [M.DeleteFunctionRequest, M.DeleteFunctionResponse];
  ListFunctions: [M.ListFunctionsRequest, M.ListFunctionsResponse];
  ListTriggers: [M.ListTriggersRequest, M.ListTriggersResponse];
  CreateTrigger: [M.CreateTriggerRequest, M.CreateTriggerResponse];
  DeleteTrigger: [M.DeleteTriggerRequest, M.DeleteTriggerResponse];
}
export type ScfAction = keyof ScfActionMap;

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

/** Raised (inside the SDK's signing step) when no provider has credentials. Never carries a secret. */
export const MISSING_CREDENTIALS = 'MissingCredentials';

/**
 * The SDK's providers in order (environment, profile file, CVM role), remembering the first one that
 * answered. Unlike the SDK's DefaultCredentialProvider it does not print provider errors to stderr,
 * and it fails with a clear message instead of signing with empty keys.
 */
export class CredentialChain implements DynamicCredential {
  private current: DynamicCredential | undefined;
  constructor(
    private readonly providers: Array<{ name: string; provider: DynamicCredential }>,
  ) {}

  async getCredential(): Promise<Credential> {
    if (this.current) {
      try {
        const c = await this.current.getCredential();
        if (c.secretId && c.secretKey) return c;
      } catch {
        /* fall through to a fresh scan */
      }
      this.current = undefined;
    }
    for (const { provider } of this.providers) {
      try {
        const c = await provider.getCredential();
        if (c.secretId && c.secretKey) {
          this.current = provider;
          return c;
        }
      } catch {
        /* next provider */
      }
    }
    throw new Error(
      `[${MISSING_CREDENTIALS}] no Tencent Cloud credentials found (tried: ${this.providers.map((p) => p.name).join(', ')}). ` +
        'Set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY in the worker environment, or write ~/.tencentcloud/credentials, or bind a CVM role.',
    );
  }
}

/**
 * The credential chain of `source`. `env`: where TENCENTCLOUD_SECRET_ID/KEY/SESSION_TOKEN are read
 * (the SDK's own environment provider only ever reads `process.env`).
 */
export function credentialFor(source: CredentialSource, env: NodeJS.ProcessEnv = process.env): DynamicCredential {
  const fromEnv = {
    name: 'environment (TENCENTCLOUD_SECRET_ID/KEY)',
    provider: { getCredential: async () => ({ secretId: env.TENCENTCLOUD_SECRET_ID, secretKey: env.TENCENTCLOUD_SECRET_KEY, token: env.TENCENTCLOUD_SESSION_TOKEN }) },
  };
  const profile = { name: 'profile file (~/.tencentcloud/credentials)', provider: new ProfileCredential() };
  const cvm = { name: 'CVM role', provider: new CvmRoleCredential() };
  switch (source) {
    case 'env':
      return new CredentialChain([fromEnv]);
    case 'profile':
      return new CredentialChain([profile]);
    case 'cvm-role':
      return new CredentialChain([cvm]);
    default:
      return new CredentialChain([fromEnv, profile, cvm]);
  }
}

// ---------------------------------------------------------------------------------------------
// The client factory
// ---------------------------------------------------------------------------------------------

export interface ScfClientFactoryOptions {
  /** Explicit credentials (e.g. the simulator's); otherwise `config.credentials` picks the providers. */
  credential?: Credential | DynamicCredential;
}

/** One SDK client per region, created on first use and cached for the worker's life. */
export function createScfClientFactory(
  config: Pick<ScfConfig, 'endpoint' | 'protocol' | 'timeoutMs' | 'credentials' | 'account'>,
  options: ScfClientFactoryOptions = {},
): ScfClientFactory {
  const credential = options.credential ?? credentialFor(config.credentials);
  const cache = new Map<string, ScfSdkClient>();
  return {
    account: config.account,
    forRegion(region: string): ScfSdkClient {
      let client = cache.get(region);
      if (!client) {
        client = new scf.v20180416.Client({
          credential,
          region,
          profile: {
            httpProfile: {
              endpoint: config.endpoint,
              protocol: config.protocol,
              reqMethod: 'POST',
              reqTimeout: config.timeoutMs / 1000,
            },
          },
        }) as unknown as ScfSdkClient;
        cache.set(region, client);
      }
      return client;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The gateway
// ---------------------------------------------------------------------------------------------

export interface ScfGatewayOptions {
  scf: ScfClientFactory;
  logger: Logger;
  limiter?: RateLimiter;
}

/**
 * Actions that change SCF. Once such a request is sent it is left to finish even when the activity is
 * cancelled (cancellation reaches a heartbeating activity at once): an abort then compensates only
 * after the change it undoes has really landed or failed, never racing a request still on the wire.
 * Waiting for a token or a throttle back-off before sending stays cancellable.
 */
const MUTATING_ACTIONS: ReadonlySet<ScfAction> = new Set<ScfAction>([
  'UpdateFunctionCode', 'PublishVersion', 'CopyFunction', 'CreateAlias', 'UpdateAlias', 'DeleteAlias', 'DeleteFunction',
  'CreateTrigger', 'DeleteTrigger',
]);

/** Throttled answers retried inside one call before giving up to Temporal's retry. */
const MAX_THROTTLE_RETRIES = 4;

export interface CallOptions {
  signal?: AbortSignal;
}

export class ScfGateway {
  readonly account: string;
  constructor(private readonly o: ScfGatewayOptions) {
    this.account = o.scf.account;
  }

  async call<A extends ScfAction>(
    action: A,
    target: Omit<CallTarget, 'action'>,
    req: ScfActionMap[A][0],
    opts: CallOptions = {},
  ): Promise<ScfActionMap[A][1]> {
    const full: CallTarget = { ...target, action };
    const client = this.o.scf.forRegion(target.region);
    const requestSignal = MUTATING_ACTIONS.has(action) ? undefined : opts.signal;
    for (let throttled = 0; ; throttled++) {
      if (this.o.limiter) {
        const waitStarted = performance.now();
        await this.o.limiter.acquire(this.account, action, opts.signal);
        recordLimiterWait(action, performance.now() - waitStarted);
      }
      const started = performance.now();
      const request = startScfRequest(full, this.account);
      try {
        const res = (await raceAbort(client.request(action, req, { signal: requestSignal }), requestSignal)) as ScfActionMap[A][1] & {
          RequestId?: string;
        };
        this.report('info', full, started, 'OK', res?.RequestId, throttled, request);
        return res;
      } catch (err) {
        if (opts.signal?.aborted) {
          this.report('info', full, started, 'Cancelled', undefined, throttled, request);
          throw abortError(opts.signal);
        }
        const info = describeScfError(err);
        this.report('warn', full, started, info.code, info.requestId, throttled, request, info.message);
        if (isThrottleCode(info.code)) {
          recordThrottled(full);
          this.o.limiter?.onThrottle(this.account, action);
          if (throttled < MAX_THROTTLE_RETRIES) {
            await sleep(throttleRetryDelayMs(throttled + 1), opts.signal);
            continue;
          }
        }
        throw toApplicationFailure(err, full, { attempt: currentAttempt() });
      }
    }
  }

  /** The request's one log line, its metrics and the end of its span. */
  private report(
    level: 'info' | 'warn',
    t: CallTarget,
    started: number,
    code: string,
    requestId: string | undefined,
    throttleRetry: number,
    request: ScfRequestRecord,
    errorMessage?: string,
  ): void {
    const durationMs = performance.now() - started;
    request.end(code, requestId, durationMs);
    this.o.logger[level](
      {
        scf: {
          action: t.action,
          region: t.region,
          namespace: t.namespace,
          functionName: t.functionName,
          qualifier: t.qualifier,
          account: this.account,
          durationMs: Math.round(durationMs),
          code,
          requestId,
          throttleRetry: throttleRetry || undefined,
          error: errorMessage,
        },
        ...activityLogFields(),
      },
      `scf ${t.action} ${code}`,
    );
  }
}
