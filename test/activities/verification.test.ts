/** The verifyCase activity and its rules, against a scripted SCF (no simulator, no Temporal server). */
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import type { CaseVerdict, InvokeOutcome, VerifyCaseInput } from '../../activities/contract';
import { INVOKE_TEXT_CAP } from '../../activities/activities';
import { MAX_DETAIL_BYTES, scrubDetail } from '../../activities/verification';
import {
  checkPattern,
  eventEnvNameProblem,
  firstBrokenExpectation,
  MAX_EXAMINED_CHARS,
  MAX_PATTERN_LENGTH,
} from '../../activities/verification-rules';
import type { VerificationCase } from '../../workflows/definitions';
import { activitiesWith } from './fake-scf';

const fn = { region: 'ap-guangzhou', namespace: 'default', functionName: 'hello' };

/** Activities whose InvokeFunction answers `retMsg` (and records the events it was sent). */
function answering(retMsg: string, extra: { invokeResult?: number; errMsg?: string; duration?: number; env?: Record<string, string> } = {}) {
  const events: string[] = [];
  const { activities, calls } = activitiesWith(
    (action, req) => {
      if (action !== 'InvokeFunction') throw new Error(`unexpected ${action}`);
      events.push(req.Event as string);
      return {
        RequestId: 'req-1',
        Result: {
          InvokeResult: extra.invokeResult ?? 0,
          RetMsg: retMsg,
          ErrMsg: extra.errMsg ?? '',
          Log: 'START\n' + 'l'.repeat(10_000),
          Duration: extra.duration ?? 12,
          BillDuration: 13,
          MemUsage: 4096,
          FunctionRequestId: 'fr-1',
        },
      };
    },
    { eventEnv: extra.env ?? {} },
  );
  const verify = (c: VerificationCase, more: Partial<VerifyCaseInput> = {}) =>
    new MockActivityEnvironment().run(activities.verifyCase, { fn, qualifier: '2', case: c, ...more }) as Promise<CaseVerdict>;
  return { activities, calls, events, verify };
}

const failure = (p: Promise<unknown>) => p.then(
  () => {
    throw new Error('expected a failure');
  },
  (e: unknown) => e as ApplicationFailure,
);

describe('verifyCase', () => {
  it('when the answer meets every expectation, then it returns the figures and no detail', async () => {
    const { verify } = answering('{"ok":true,"n":[1,2]}');
    const verdict = await verify({ name: 'ok', event: '{}', expect: { retMsgJsonSubset: { ok: true, n: [1] }, retMsgPattern: '"ok":\\s*true', maxDurationMs: 100 } });
    expect(verdict).toEqual({ case: 'ok', passed: true, durationMs: 12, memUsage: 4096, invokeResult: 0, functionRequestId: 'fr-1' });
  });

  it('when a pattern backtracks catastrophically in JavaScript, then RE2 judges it at once', async () => {
    const { verify } = answering(JSON.stringify('a'.repeat(40) + '!'));
    expect(await verify({ name: 'hostile', event: '{}', expect: { retMsgPattern: '^"(a+)+"$' } })).toMatchObject({ passed: false });
    expect(await verify({ name: 'true', event: '{}', expect: { retMsgPattern: '^"(a+)+!"$' } })).toMatchObject({ passed: true });
  });

  it('when the pattern is one RE2 refuses or too long, then it fails non-retryably naming the case, before invoking', async () => {
    const { verify, calls } = answering('"aa"');
    for (const pattern of ['(a)\\1', '(?=a)', 'a'.repeat(MAX_PATTERN_LENGTH + 1), '(a|b){400}']) {
      const err = await failure(verify({ name: 'refused', event: '{}', expect: { retMsgPattern: pattern } }));
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect(err.type).toBe('InvalidVerificationPattern');
      expect(err.nonRetryable).toBe(true);
      expect(err.message).toContain('verification case "refused": retMsgPattern');
    }
    expect(calls).toEqual([]);
  });

  it('when asked for the health part only, then content expectations are not judged and the case says so', async () => {
    const { verify } = answering('"hello v1"');
    const verdict = await verify({ name: 'greets', event: '{}', expect: { retMsgPattern: 'v2', invokeResult: 0 } }, { healthOnly: true });
    expect(verdict).toMatchObject({ case: 'greets (health)', passed: true });
  });

  it('when the answer is larger than what is examined, then a content expectation fails saying so, and health still passes', async () => {
    const { verify } = answering(JSON.stringify('x'.repeat(MAX_EXAMINED_CHARS + 10)));
    const verdict = await verify({ name: 'big', event: '{}', expect: { retMsgPattern: '^"x+"$' } });
    expect(verdict.passed).toBe(false);
    expect(verdict.detail).toContain(`more than the ${MAX_EXAMINED_CHARS}`);
    expect(Buffer.byteLength(verdict.detail!)).toBeLessThanOrEqual(MAX_DETAIL_BYTES);
    expect(await verify({ name: 'big', event: '{}', expect: { invokeResult: 0 } })).toMatchObject({ passed: true });
  });

  it('when a case fails on an answer full of credentials and signed URLs, then the detail is short and scrubbed', async () => {
    const answer = JSON.stringify({
      SecretId: 'AKIDabcdefghijklmnop1234',
      password: 'hunter2hunter2',
      apiKey: 'k-9f8e7d6c5b4a',
      url: 'https://bucket.cos.ap-guangzhou.myqcloud.com/code.zip?sign=q-sign-algorithm%3Dsha1&q-ak=AKIDxx',
      filler: 'y'.repeat(5000),
    });
    const { verify } = answering(answer);
    const verdict = await verify({ name: 'leaky', event: '{}', expect: { retMsgPattern: '^nope$' } });
    expect(verdict.passed).toBe(false);
    for (const secret of ['AKIDabcdefghijklmnop1234', 'hunter2hunter2', 'k-9f8e7d6c5b4a', 'q-sign-algorithm']) expect(verdict.detail).not.toContain(secret);
    expect(verdict.detail).toContain('does not match /^nope$/');
    expect(Buffer.byteLength(verdict.detail!)).toBeLessThanOrEqual(MAX_DETAIL_BYTES);
    expect(JSON.stringify(verdict).length).toBeLessThan(MAX_DETAIL_BYTES + 300);
  });

  it('when a function answers a JSON string (its quotes escaped), then the credentials inside it are scrubbed too', async () => {
    const { verify } = answering(JSON.stringify(JSON.stringify({ user: 'u', password: 'hunter2', SecretKey: 'Gu5t9xGARNpq86cd' })));
    const verdict = await verify({ name: 'escaped', event: '{}', expect: { retMsgPattern: '^nope$' } });
    expect(verdict.detail).toContain('\\"password\\"');
    for (const secret of ['hunter2', 'Gu5t9xGARNpq86cd']) expect(verdict.detail).not.toContain(secret);
  });

  it('when a credential straddles where the excerpt is cut, then not even its prefix shows', async () => {
    // 200 characters are quoted: the first leaves `"password":"hunt`, the second `AKIDabcd`.
    for (const answer of ['p'.repeat(184) + '"password":"hunter2hunter2hunter2"', 'p'.repeat(192) + 'AKIDabcdefghijklmnopqrstuvwxyz123456']) {
      const { verify } = answering(answer);
      const verdict = await verify({ name: 'cut', event: '{}', expect: { retMsgPattern: '^nope$' } });
      expect(verdict.detail).not.toMatch(/hunt|AKID[A-Za-z0-9]/);
    }
  });

  it('when an answer carries Authorization headers, cookies or sessions, then their values are scrubbed', async () => {
    const answer = 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl Cookie: sid=cookievalue123; {"session":"sess-value-456"} ' +
      'seen: Basic dXNlcjpwYXNzd29yZDEyMzQ1Ng==';
    const { verify } = answering(answer);
    const verdict = await verify({ name: 'headers', event: '{}', expect: { retMsgPattern: '^nope$' } });
    for (const secret of ['eyJhbGci', 'cookievalue123', 'sess-value-456', 'dXNlcjpw']) expect(verdict.detail).not.toContain(secret);
  });

  it('when the event references SCF_EVENT_ variables, then the function gets their values, JSON-escaped, and the detail never shows them', async () => {
    const value = 'v"al\\ue-123';
    const { verify, events } = answering(JSON.stringify({ echo: { greeting: value } }), { env: { SCF_EVENT_GREETING: value } });
    const verdict = await verify({ name: 'echo', event: '{"greeting":"${env:SCF_EVENT_GREETING}"}', expect: { retMsgPattern: '^nope$' } });
    expect(JSON.parse(events[0])).toEqual({ greeting: value });
    expect(verdict.passed).toBe(false);
    expect(verdict.detail).toContain('***');
    expect(verdict.detail).not.toContain('al\\\\ue-123');
    expect(verdict.detail).not.toContain('ue-123');
  });

  it('when a quoted answer would cut a resolved value in half, then not even its first half shows', async () => {
    const value = 'first-half-second-half';
    const { verify } = answering('p'.repeat(190) + value, { env: { SCF_EVENT_V: value } });
    const verdict = await verify({ name: 'cut', event: '"${env:SCF_EVENT_V}"', expect: { retMsgPattern: '^nope$' } });
    expect(verdict.detail).not.toContain('first-ha');
  });

  it('when the event references a refused or missing variable, then it fails non-retryably naming it and the fix, before invoking', async () => {
    const { verify, calls } = answering('{}', { env: { TENCENTCLOUD_SECRET_KEY: 'sk', SCF_EVENT_OTHER: 'x' } });
    const refused = await failure(verify({ name: 'steal', event: '{"k":"${env:TENCENTCLOUD_SECRET_KEY}"}', expect: {} }));
    expect(refused).toMatchObject({ type: 'EventReferenceRefused', nonRetryable: true });
    expect(refused.message).toContain('verification case "steal"');
    expect(refused.message).toContain('TENCENTCLOUD_SECRET_KEY');
    expect(refused.message).toContain('SCF_EVENT_<NAME>');
    expect(refused.message).not.toContain('sk"');
    const missing = await failure(verify({ name: 'missing', event: '{"k":"${env:SCF_EVENT_ABSENT}"}', expect: {} }));
    expect(missing).toMatchObject({ type: 'EventReferenceRefused', nonRetryable: true });
    expect(missing.message).toContain('set SCF_EVENT_ABSENT in the environment of every worker');
    expect(calls).toEqual([]);
  });
});

describe('checkVerification', () => {
  const check = (cases: VerificationCase[], env: Record<string, string>) => {
    const { activities, calls } = activitiesWith(() => {
      throw new Error('checkVerification must make no SCF call');
    }, { eventEnv: env });
    return { calls, run: () => new MockActivityEnvironment().run(activities.checkVerification, { cases }) };
  };

  it('when every reference is set and every pattern accepted, then it passes, returning nothing and calling nothing', async () => {
    const { run, calls } = check(
      [
        { name: 'a', event: '{"k":"${env:SCF_EVENT_A}"}', expect: { retMsgPattern: '^ok' } },
        { name: 'b', event: '{}', expect: {} },
      ],
      { SCF_EVENT_A: 'value-a' },
    );
    expect(await run()).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('when a case references a missing or refused variable or has a refused pattern, then it fails as verifyCase would, naming the case, without any value', async () => {
    const env = { SCF_EVENT_SET: 'the-set-value', TENCENTCLOUD_SECRET_KEY: 'sk-value' };
    const ok = { name: 'fine', event: '{"k":"${env:SCF_EVENT_SET}"}', expect: {} };
    const missing = await failure(check([ok, { name: 'later', event: '{"k":"${env:SCF_EVENT_SET}${env:SCF_EVENT_ABSENT}"}', expect: {} }], env).run());
    expect(missing).toMatchObject({ type: 'EventReferenceRefused', nonRetryable: true, details: [{ case: 'later', variable: 'SCF_EVENT_ABSENT' }] });
    expect(missing.message).toContain('verification case "later"');
    expect(missing.message).toContain('set SCF_EVENT_ABSENT in the environment of every worker');
    const refused = await failure(check([{ name: 'steal', event: '{"k":"${env:TENCENTCLOUD_SECRET_KEY}"}', expect: {} }], env).run());
    expect(refused).toMatchObject({ type: 'EventReferenceRefused', nonRetryable: true });
    expect(refused.message).toContain('SCF_EVENT_<NAME>');
    const pattern = await failure(check([ok, { name: 'backref', event: '{}', expect: { retMsgPattern: '(a)\\1' } }], env).run());
    expect(pattern).toMatchObject({ type: 'InvalidVerificationPattern', nonRetryable: true });
    expect(pattern.message).toContain('verification case "backref": retMsgPattern');
    for (const err of [missing, refused, pattern]) {
      expect(JSON.stringify({ message: err.message, details: err.details })).not.toMatch(/the-set-value|sk-value/);
    }
  });
});

describe('a failure is judged by ErrMsg, InvokeResult only a hint (it is documented as no longer maintained)', () => {
  /** Activities whose InvokeFunction answers exactly `result`. */
  const withResult = (result: Record<string, unknown>) =>
    activitiesWith((action) => {
      if (action !== 'InvokeFunction') throw new Error(`unexpected ${action}`);
      return { RequestId: 'req-1', Result: { RetMsg: '"ok"', Log: '', Duration: 5, BillDuration: 5, MemUsage: 1, FunctionRequestId: 'fr-1', ...result } };
    }, { eventEnv: {} }).activities;
  const verdictOf = (result: Record<string, unknown>, expect: VerificationCase['expect'] = {}) =>
    new MockActivityEnvironment().run(withResult(result).verifyCase, { fn, qualifier: '2', case: { name: 'c', event: '{}', expect } }) as Promise<CaseVerdict>;

  it('when SCF no longer sends InvokeResult and ErrMsg is empty, then the case passes', async () => {
    expect(await verdictOf({ ErrMsg: '' })).toMatchObject({ passed: true, invokeResult: 0 });
  });

  it('when ErrMsg carries a function error but InvokeResult says 0, then the case fails and quotes the error', async () => {
    const v = await verdictOf({ InvokeResult: 0, ErrMsg: '{"errorMessage":"boom"}' });
    expect(v).toMatchObject({ passed: false, invokeResult: -1 });
    expect(v.detail).toContain('boom');
  });

  it('when a case expects a failure, then a function error in ErrMsg meets it without InvokeResult', async () => {
    expect(await verdictOf({ ErrMsg: '{"errorMessage":"boom"}' }, { invokeResult: -1 })).toMatchObject({ passed: true, invokeResult: -1 });
  });

  it('when InvokeResult is non-zero with an empty ErrMsg, then the hint still fails the case (nothing says it succeeded)', async () => {
    expect(await verdictOf({ InvokeResult: -1, ErrMsg: '' })).toMatchObject({ passed: false, invokeResult: -1 });
  });
});

describe('invokeFunction (the legacy path)', () => {
  it('when the answer and log are large, then it returns at most INVOKE_TEXT_CAP characters of each and says RetMsg was cut', async () => {
    const { activities } = answering('z'.repeat(100_000));
    const out = (await new MockActivityEnvironment().run(activities.invokeFunction, { fn, qualifier: '2', event: '{}' })) as InvokeOutcome;
    expect(out.retMsg).toHaveLength(INVOKE_TEXT_CAP);
    expect(out.log).toHaveLength(INVOKE_TEXT_CAP);
    expect(out.retMsgTruncatedFrom).toBe(100_000);
    expect(firstBrokenExpectation({ name: 'c', event: '{}', expect: { retMsgPattern: 'z' } }, out)).toContain('cut to 4096 of 100000');
  });
});

describe('verification rules', () => {
  it('when patterns are checked, then RE2-compatible ones pass and the others get a reason', () => {
    expect(checkPattern('"ok":\\s*true')).toBeUndefined();
    expect(checkPattern('^"(a+)+"$')).toBeUndefined();
    expect(checkPattern('(a)\\1')).toContain('RE2');
    expect(checkPattern('x'.repeat(MAX_PATTERN_LENGTH + 1))).toContain(`more than ${MAX_PATTERN_LENGTH}`);
  });

  it('when an event references variables, then only SCF_EVENT_ names are allowed', () => {
    expect(eventEnvNameProblem('SCF_EVENT_A1_B')).toBeUndefined();
    for (const name of ['TENCENTCLOUD_SECRET_KEY', 'SCF_EVENT_', 'scf_event_a', 'SCF_EVENT_a', '']) expect(eventEnvNameProblem(name)).toContain('refused');
  });

  it('when a history recorded before verify-in-activity replays, then the legacy judge judges as JavaScript did: lookarounds, no caps', () => {
    const view = (retMsg: string) => ({ invokeResult: 0, retMsg, errMsg: '', durationMs: 1 });
    const lookahead: VerificationCase = { name: 'look', event: '{}', expect: { retMsgPattern: '^(?=.*"ok")' } };
    expect(firstBrokenExpectation(lookahead, view('{"ok":true}'), { legacy: true })).toBeUndefined();
    expect(firstBrokenExpectation(lookahead, view('{"no":true}'), { legacy: true })).toContain('does not match');
    expect(firstBrokenExpectation(lookahead, view('{"ok":true}'))).toContain('not a pattern RE2 accepts');
    const long: VerificationCase = { name: 'long', event: '{}', expect: { retMsgPattern: `^(?:${'x?'.repeat(300)})$` } };
    expect(firstBrokenExpectation(long, view(''), { legacy: true })).toBeUndefined();
    expect(firstBrokenExpectation(long, view(''))).toContain(`more than ${MAX_PATTERN_LENGTH}`);
    const big: VerificationCase = { name: 'big', event: '{}', expect: { retMsgPattern: '^a+$' } };
    expect(firstBrokenExpectation(big, view('a'.repeat(MAX_EXAMINED_CHARS + 1)), { legacy: true })).toBeUndefined();
    expect(firstBrokenExpectation(big, view('a'.repeat(MAX_EXAMINED_CHARS + 1)))).toContain(`more than the ${MAX_EXAMINED_CHARS}`);
  });

  it('when a detail is scrubbed, then hidden values, AKIDs, key values and URL queries go, and it fits 1 KB', () => {
    const out = scrubDetail(`token=abc123 "secretKey": "s3cr3t" AKIDzzzzzzzzzzzzzzzz http://h/p?Signature=x value-42 ${'é'.repeat(2000)}`, ['value-42']);
    for (const gone of ['abc123', 's3cr3t', 'AKIDzzzz', 'Signature=x', 'value-42']) expect(out).not.toContain(gone);
    expect(out).toContain('http://h/p?***');
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(MAX_DETAIL_BYTES);
  });
});
