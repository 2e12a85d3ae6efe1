import * as tencentcloud from 'tencentcloud-sdk-nodejs-scf';
import { DEFAULT_CREDENTIALS, createZip, startSimulator, type RunningSimulator, type SimulatorOptions } from '../../simulator';

export const ScfClient = tencentcloud.scf.v20180416.Client;
export type ScfClientT = InstanceType<typeof ScfClient>;

export const FAST = { createMs: 20, updateMs: 20, publishMs: 20, deleteMs: 20 };

export async function startFast(extra: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ delays: FAST, ...extra });
}

export function clientFor(
  sim: RunningSimulator,
  region = 'ap-guangzhou',
  credential: { secretId: string; secretKey: string; token?: string } = DEFAULT_CREDENTIALS,
): ScfClientT {
  return new ScfClient({ credential, region, profile: { httpProfile: { endpoint: sim.endpoint, protocol: 'http://', reqTimeout: 30 } } });
}

export function zipB64(files: Record<string, string>): string {
  return createZip(files).toString('base64');
}

export const HELLO = { 'index.js': 'exports.main_handler = async (event) => ({ hello: "world", event });\n' };

/** A field of what a call rejected with (the SDK's TencentCloudSDKHttpException has `code` and `requestId`). */
export function errorField(e: unknown, name: 'code' | 'requestId'): unknown {
  return typeof e === 'object' && e !== null ? (e as Record<string, unknown>)[name] : undefined;
}

export async function expectCode(p: Promise<unknown>, code: string): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    expect(errorField(e, 'code')).toBe(code);
    expect(typeof errorField(e, 'requestId')).toBe('string');
    return e;
  }
  throw new Error(`expected error ${code} but the call succeeded`);
}

export type GetFunctionResponse = Awaited<ReturnType<ScfClientT['GetFunction']>>;

export async function waitStatus(client: ScfClientT, name: string, status: string, ns = 'default', timeoutMs = 30_000): Promise<GetFunctionResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const f = await client.GetFunction({ FunctionName: name, Namespace: ns });
    if (f.Status === status) return f;
    if (Date.now() > deadline) throw new Error(`function ${name} stuck in ${f.Status}, wanted ${status}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
