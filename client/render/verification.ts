/**
 * A region's verification as people count it. The workflow records one figure per case run: first
 * each case once against the new version (the verification), then again at every bake probe. So a
 * case's first figure is its verification and any later one a probe, as is every health part (a
 * probe through the split alias, `greets (health)`): one case baked through 18 probes is
 * "1/1 case passed, bake probes 18/18 ok", not "19/19 passed".
 */
import { HEALTH_PART_SUFFIX } from '../../activities/verification-rules';
import type { RegionResult } from '../../workflows/definitions';

type Figure = NonNullable<RegionResult['verification']>[number];

export interface VerificationCount {
  cases: number;
  casesPassed: number;
  probes: number;
  probesPassed: number;
  /** The first figure that failed, verification or probe. */
  firstFailure?: Figure & { probe: boolean };
}

export function countVerification(region: Pick<RegionResult, 'verification'>): VerificationCount {
  const seen = new Set<string>();
  const count: VerificationCount = { cases: 0, casesPassed: 0, probes: 0, probesPassed: 0 };
  for (const figure of region.verification ?? []) {
    const probe = seen.has(figure.case) || figure.case.endsWith(HEALTH_PART_SUFFIX);
    seen.add(figure.case);
    if (probe) {
      count.probes++;
      if (figure.passed) count.probesPassed++;
    } else {
      count.cases++;
      if (figure.passed) count.casesPassed++;
    }
    if (!figure.passed && !count.firstFailure) count.firstFailure = { ...figure, probe };
  }
  return count;
}

/** `1/1 cases passed, bake probes 18/18 ok`; `-` where nothing was verified. */
export function verificationText(region: Pick<RegionResult, 'verification'>): string {
  const c = countVerification(region);
  if (c.cases === 0) return '-';
  const cases = `${c.casesPassed}/${c.cases} ${c.cases === 1 ? 'case' : 'cases'} passed`;
  return c.probes > 0 ? `${cases}, bake probes ${c.probesPassed}/${c.probes} ok` : cases;
}
