import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import {
  COMMON_CODES,
  ERROR_TABLE,
  SEED_CODES,
  classifyCode,
  describeScfError,
  throttleRetryDelayMs,
  toApplicationFailure,
} from '../../activities/error-table';
import { scrubSecrets } from '../../activities/credentials';

/** Mimics the SDK's TencentCloudSDKHttpException. */
function sdkError(code: string | undefined, message: string, requestId = '', httpCode?: number): Error {
  const e = new Error(message) as Error & { code?: string; requestId: string; httpCode?: number };
  e.code = code;
  e.requestId = requestId;
  if (httpCode !== undefined) e.httpCode = httpCode;
  Object.defineProperty(e, 'name', { value: 'TencentCloudSDKHttpException' });
  return e;
}

const target = { action: 'UpdateFunctionCode', region: 'ap-guangzhou', namespace: 'default', functionName: 'hello' };

describe('error table', () => {
  test.each([...SEED_CODES, ...COMMON_CODES])('when SCF answers %s, then the table classifies it explicitly', (code) => {
    expect(ERROR_TABLE[code]).toBeDefined();
    expect(classifyCode(code).source).toBe('table');
  });

  const retryable = [
    'FailedOperation.FunctionStatusError',
    'FailedOperation.UpdateFunctionCode',
    'FailedOperation.PublishVersion',
    'FailedOperation.OperationConflict',
    'FailedOperation.FunctionNameStatusError',
    'FailedOperation.DeleteFunction',
    'FailedOperation.UpdateAlias',
    'RequestLimitExceeded',
    'RequestLimitExceeded.UinLimitExceeded',
    'RequestLimitExceeded.IPLimitExceeded',
    'RequestLimitExceeded.GlobalRegionUinLimitExceeded',
    'InternalError',
    'InternalError.System',
    'InternalError.Exception',
    'ServiceUnavailable',
    'AuthFailure.SignatureExpire',
    'NetworkError',
    'HttpError',
  ];
  test.each(retryable)('when SCF answers %s, then it is retryable', (code) => {
    expect(classifyCode(code).retryable).toBe(true);
  });

  const permanent = [
    'InvalidParameterValue.ZipFile',
    'InvalidParameter.Payload',
    'MissingParameter',
    'ResourceNotFound.Function',
    'ResourceNotFound.FunctionName',
    'ResourceNotFound.Namespace',
    'ResourceInUse.FunctionName',
    'UnauthorizedOperation.CAM',
    'AuthFailure.SignatureFailure',
    'AuthFailure.SecretIdNotFound',
    'LimitExceeded.Function',
    'UnsupportedOperation.CopyFunction',
    'FailedOperation.CopyFunction',
    'ResourceUnavailable.InsufficientBalance',
    'ResourceUnavailable.ServiceSuspended',
    'MissingCredentials',
  ];
  test.each(permanent)('when SCF answers %s, then it is not retryable', (code) => {
    expect(classifyCode(code).retryable).toBe(false);
  });

  test.each([
    ['FailedOperation.SomethingNew', true, 'family'],
    ['InternalError.NewThing', true, 'family'],
    ['RequestLimitExceeded.NewLimit', true, 'family'],
    ['InvalidParameterValue.NewField', false, 'family'],
    ['ResourceNotFound.NewThing', false, 'family'],
    ['UnauthorizedOperation.NewThing', false, 'family'],
    ['LimitExceeded.NewQuota', false, 'family'],
    ['UnsupportedOperation.NewThing', false, 'family'],
    ['ResourceUnavailable.NewThing', false, 'family'],
    ['TotallyUnknown.Code', false, 'unknown'],
  ])('when an unknown code %s arrives, then its family decides (retryable=%s)', (code, retryable, source) => {
    const rule = classifyCode(code);
    expect(rule.retryable).toBe(retryable);
    expect(rule.source).toBe(source);
  });
});

describe('documented answers of the simulator (issue 12)', () => {
  test.each([
    ['FailedOperation.UpdateFunctionConfiguration', true, 'busy'],
    ['UnsupportedOperation.AliasBind', false, 'conflict'],
    ['InvalidParameterValue.RoutingConfig', false, 'invalid'],
    ['RequestLimitExceeded.UinLimitExceeded', true, 'throttle'],
    ['ResourceInUse.Trigger', false, 'conflict'],
    ['ResourceNotFound.Trigger', false, 'not-found'],
    ['LimitExceeded.Trigger', false, 'limit'],
    ['ResourceNotFound.Cos', false, 'not-found'],
  ] as const)('when SCF answers %s, then the table decides it explicitly (retryable %s, %s)', (code, retryable, cls) => {
    const rule = classifyCode(code);
    expect(rule.source).toBe('table');
    expect(rule.retryable).toBe(retryable);
    expect(rule.class).toBe(cls);
  });
});

describe('toApplicationFailure', () => {
  test('when SCF answers FunctionStatusError, then the failure is retryable, typed by the code, and names the call', () => {
    const f = toApplicationFailure(sdkError('FailedOperation.FunctionStatusError', 'function is deploying', 'req-123'), target) as ApplicationFailure;
    expect(f).toBeInstanceOf(ApplicationFailure);
    expect(f.type).toBe('FailedOperation.FunctionStatusError');
    expect(f.nonRetryable).toBe(false);
    expect(f.message).toContain('UpdateFunctionCode');
    expect(f.message).toContain('ap-guangzhou/default/hello');
    expect(f.message).toContain('req-123');
    expect(f.details?.[0]).toMatchObject({ code: 'FailedOperation.FunctionStatusError', requestId: 'req-123', region: 'ap-guangzhou', functionName: 'hello' });
    expect(f.nextRetryDelay).toBeUndefined();
  });

  test('when SCF answers ResourceNotFound.Function, then the failure is not retryable', () => {
    const f = toApplicationFailure(sdkError('ResourceNotFound.Function', 'no such function', 'r1'), target) as ApplicationFailure;
    expect(f.nonRetryable).toBe(true);
    expect(f.type).toBe('ResourceNotFound.Function');
  });

  test('when SCF throttles, then the failure carries a jittered nextRetryDelay', () => {
    const a = toApplicationFailure(sdkError('RequestLimitExceeded', 'too fast', 'r2'), target, { random: () => 0 }) as ApplicationFailure;
    const b = toApplicationFailure(sdkError('RequestLimitExceeded', 'too fast', 'r2'), target, { random: () => 0.999 }) as ApplicationFailure;
    expect(a.nonRetryable).toBe(false);
    expect(a.nextRetryDelay).toBeDefined();
    expect(Number(a.nextRetryDelay)).toBeLessThan(Number(b.nextRetryDelay));
    expect(throttleRetryDelayMs(10, () => 1)).toBeLessThanOrEqual(12000);
  });

  test.each(['socket hang up', 'request to http://127.0.0.1:1/ failed, reason: read ECONNRESET', 'network timeout at: http://x/'])(
    'when the network fails with "%s", then it is a retryable NetworkError',
    (message) => {
      const f = toApplicationFailure(sdkError(undefined, message), target) as ApplicationFailure;
      expect(f.type).toBe('NetworkError');
      expect(f.nonRetryable).toBe(false);
      expect(f.message).toContain('RequestId: none');
    },
  );

  test('when a Node system error code (ECONNRESET) is on the error, then it is still a NetworkError', () => {
    const e = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(describeScfError(e).code).toBe('NetworkError');
  });

  test('when the answer is not HTTP 200, then it is a retryable HttpError', () => {
    const f = toApplicationFailure(sdkError(undefined, 'Bad Gateway', '', 502), target) as ApplicationFailure;
    expect(f.type).toBe('HttpError');
    expect(f.nonRetryable).toBe(false);
    expect(f.details?.[0]).toMatchObject({ httpCode: 502 });
  });

  test('when the credential chain fails inside the SDK, then the failure is a non-retryable MissingCredentials', () => {
    const f = toApplicationFailure(sdkError(undefined, '[MissingCredentials] no Tencent Cloud credentials found'), target) as ApplicationFailure;
    expect(f.type).toBe('MissingCredentials');
    expect(f.nonRetryable).toBe(true);
  });

  test('when the signature expired, then it is retryable and the message points at the clock', () => {
    const f = toApplicationFailure(sdkError('AuthFailure.SignatureExpire', 'signature expired', 'r9'), target) as ApplicationFailure;
    expect(f.nonRetryable).toBe(false);
    expect(f.message).toMatch(/clock/);
  });

  test('when an ApplicationFailure or CancelledFailure is given, then it passes through unchanged', () => {
    const af = ApplicationFailure.nonRetryable('x', 'InvalidPackage');
    const cf = new CancelledFailure('cancelled');
    expect(toApplicationFailure(af, target)).toBe(af);
    expect(toApplicationFailure(cf, target)).toBe(cf);
  });

  test('when an error message contains credentials, then the failure message does not', () => {
    const f = toApplicationFailure(sdkError('AuthFailure.SignatureFailure', 'bad SecretId=AKIDabcdefghijklmnop SecretKey: s3cr3t', 'r'), target);
    expect(f.message).not.toContain('s3cr3t');
    expect(f.message).not.toContain('AKIDabcdefghijklmnop');
    expect(scrubSecrets('Token=abc&x=1')).toBe('Token=***&x=1');
  });

  test('when an SDK error carries credentials, then describeScfError (what the gateway logs) already has them scrubbed', () => {
    const raw = 'bad SecretId=AKIDabcdefghijklmnop SecretKey: s3cr3t {"Token":"tok-123"}';
    for (const err of [sdkError('AuthFailure.SignatureFailure', raw, 'r'), sdkError(undefined, raw, '', 502), sdkError(undefined, raw)]) {
      const info = describeScfError(err);
      expect(info.message).not.toMatch(/s3cr3t|AKIDabcdefghijklmnop|tok-123/);
      expect(info.message).toContain('SecretKey: ***');
    }
  });

  test('when a message only mentions credentials in prose, then scrubbing leaves it readable', () => {
    const guidance = 'Set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY in the worker environment; check your signature is correct';
    expect(scrubSecrets(guidance)).toBe(guidance);
    const f = toApplicationFailure(sdkError(undefined, `[MissingCredentials] no Tencent Cloud credentials found. ${guidance}`), target);
    expect(f.message).toContain(guidance);
    expect(scrubSecrets('{"SecretKey":"s3cr3t"} Authorization: TC3-HMAC Signature=abc X-TC-Token = t0k')).toBe('{"SecretKey":"***"} Authorization: *** Signature=*** X-TC-Token = ***');
  });
});
