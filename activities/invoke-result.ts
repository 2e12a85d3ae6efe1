/**
 * Whether an invocation failed, as the InvokeFunction documentation recommends judging it: by ErrMsg
 * (the function error JSON SCF fills in when the function threw, timed out or ran out of memory),
 * because `InvokeResult` is documented as "no longer maintained, not recommended". InvokeResult is
 * kept only as a hint: a non-zero one still fails a call whose ErrMsg is empty (nothing says it
 * succeeded), and when it is absent, an empty ErrMsg means success.
 *
 * Returns the figure verification compares with a case's `invokeResult` (0 success, else failure).
 */
export function judgedInvokeResult(result: { ErrMsg?: string; InvokeResult?: number }): number {
  const hint = typeof result.InvokeResult === 'number' ? result.InvokeResult : undefined;
  if (result.ErrMsg) return hint !== undefined && hint !== 0 ? hint : -1;
  return hint ?? 0;
}
