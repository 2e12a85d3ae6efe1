/**
 * `${env:NAME}` references in verification events: the client sends the reference, the verification
 * activity replaces it with the worker's environment variable NAME just before InvokeFunction, so the
 * value never enters workflow input or history. Only `SCF_EVENT_*` names are resolved: the worker's
 * other variables hold its own secrets (Tencent keys, the Temporal API key), which an event must never
 * be able to name.
 *
 * Syntax: exactly `${env:NAME}` with NAME matching `EVENT_ENV_NAME`, anywhere inside an event's string
 * values (`"Bearer ${env:SCF_EVENT_TOKEN}"`). Anything else that starts like a reference (`${env:`,
 * `${ENV:`, `${ env:`) is a mistake and refused, rather than sent to the function as literal text.
 */

import { EVENT_ENV_REFERENCE as ENV_REFERENCE, eventEnvNameProblem } from '../../activities/verification-rules';

/** Where something starts like a reference, however it is spelt. */
const REFERENCE_START = /\$\{\s*env\b/gi;

/** The problems with the references in `text` (empty when every one is well formed and allowed). */
export function envReferenceProblems(text: string): string[] {
  const problems: string[] = [];
  const wellFormed = new Set<number>();
  for (const match of text.matchAll(ENV_REFERENCE)) {
    wellFormed.add(match.index);
    const refused = eventEnvNameProblem(match[1]);
    if (refused) problems.push(refused);
  }
  for (const match of text.matchAll(REFERENCE_START)) {
    if (wellFormed.has(match.index)) continue;
    const shown = text.slice(match.index, match.index + 40);
    problems.push(`"${shown}" is not a well-formed reference; write exactly \${env:SCF_EVENT_<NAME>}`);
  }
  return problems;
}
