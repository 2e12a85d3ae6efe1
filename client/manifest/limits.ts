/**
 * How big and how long a release may be, checked by the client before anything starts, so a release
 * that SCF or Temporal would refuse halfway — or one that would hold the function's lock for years —
 * is never started. README ("Limits") lists the same numbers.
 */
import type { ReleaseInput, VerificationCase } from '../../workflows/definitions';
import { APPROVAL_TIMEOUT_DEFAULT_SECONDS, APPROVAL_TIMEOUT_MAX_SECONDS } from '../../workflows/definitions';
import type { ManifestIssue } from './issues';

export { APPROVAL_TIMEOUT_DEFAULT_SECONDS, APPROVAL_TIMEOUT_MAX_SECONDS };

const MiB = 1024 * 1024;

/** InvokeFunction's Event: "最大支持的参数长度是 6MB" (the InvokeFunction API page). */
export const MAX_EVENT_BYTES = 6 * MiB;

/** Why SCF would refuse `event` (JSON text) for its size, or undefined: the manifest's events and `sync --verify-event`. */
export function eventSizeProblem(event: string): string | undefined {
  const bytes = Buffer.byteLength(event);
  if (bytes <= MAX_EVENT_BYTES) return undefined;
  return `is ${(bytes / MiB).toFixed(1)} MiB as JSON; SCF's InvokeFunction takes an event of at most 6 MB. Make the event smaller`;
}

/**
 * The whole workflow input, as JSON. The Temporal server refuses a payload over 2 MB by default
 * (`limit.blobSize.error`) and warns from 512 KB; the input is also repeated in the verification
 * activities' inputs, so it is kept well inside: 1 MiB.
 */
export const MAX_RELEASE_INPUT_BYTES = 1 * MiB;
/** A manifest file bigger than this cannot make an input within MAX_RELEASE_INPUT_BYTES worth reading. */
export const MAX_MANIFEST_FILE_BYTES = 4 * MiB;
/** One traffic step's bake. A day is longer than any canary needs; more is a typo (`1000000h`). */
export const MAX_BAKE_MS = 24 * 3_600_000;
/** All traffic steps' bakes together: the time the release holds the function's lock while traffic is split. */
export const MAX_TOTAL_BAKE_MS = 72 * 3_600_000;
/** `expect.maxDuration`: SCF runs an event function's invocation for at most 900 s. */
export const MAX_EXPECTED_DURATION_MS = 900_000;
/** `expect.maxDuration` at least: every invocation takes some time, 0 fails every release (schema.ts says why 1 ms). */
export const MIN_EXPECTED_DURATION_MS = 1;
/** `alias.approvalTimeout` at least: a person needs time to approve; less would time out after replicating everywhere. */
export const MIN_APPROVAL_TIMEOUT_SECONDS = 60;
/** Verification cases; each runs in every region and at every bake probe. */
export const MAX_VERIFICATION_CASES = 20;

const size = (bytes: number) => (bytes >= MiB ? `${(bytes / MiB).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`);

/** What inputSizeIssues weighs: a release's input, or a sync's (which carries cases and no description). */
type SizedInput = Pick<ReleaseInput, 'description'> & { verification?: readonly VerificationCase[] };

/** The input's fields that can be big, with their manifest paths and JSON sizes, biggest first. */
function bigFields(input: SizedInput): Array<{ path: string; bytes: number }> {
  const fields = [
    ...(input.verification ?? []).flatMap((c, i) => [
      { path: `verification[${i}].event`, bytes: Buffer.byteLength(JSON.stringify(c.event)) },
      { path: `verification[${i}].expect`, bytes: Buffer.byteLength(JSON.stringify(c.expect)) },
      { path: `verification[${i}].name`, bytes: Buffer.byteLength(JSON.stringify(c.name)) },
    ]),
    { path: 'description', bytes: Buffer.byteLength(JSON.stringify(input.description ?? '')) },
  ];
  return fields.sort((a, b) => b.bytes - a.bytes);
}

/** The whole input within MAX_RELEASE_INPUT_BYTES, else an issue naming the fields that make it big. */
export function inputSizeIssues(input: SizedInput): ManifestIssue[] {
  const total = Buffer.byteLength(JSON.stringify(input));
  if (total <= MAX_RELEASE_INPUT_BYTES) return [];
  const [biggest, ...rest] = bigFields(input);
  const others = rest.filter((f) => f.bytes >= 64 * 1024).map((f) => `${f.path} ${size(f.bytes)}`);
  return [
    {
      path: biggest.path,
      message:
        `is ${size(biggest.bytes)}, and the whole release input is ${size(total)}: more than the ${size(MAX_RELEASE_INPUT_BYTES)} a release may carry ` +
        `(Temporal refuses payloads over 2 MB, and the input rides in every verification activity)` +
        `${others.length ? `; also big: ${others.join(', ')}` : ''}. Make the event smaller; the function can fetch big test data itself`,
    },
  ];
}
