/**
 * planFleetWorkflow: what a fleet would do, from read-only calls only: its functions (selections
 * listed with ListFunctions), their waves, and the release plan of the first `planLimit` of them
 * (planReleaseWorkflow's reads, run inline). `scf-release release -f fleet.yaml --plan` prints it.
 */
import { forEachBounded } from './bounded';
import type { FleetInput, FleetPlan, ReleasePlan } from './definitions';
import { assignWaves, expandMembers, memberReleaseInput, waveCount } from './fleet-members';
import { planReleaseWorkflow } from './plan';

/** Functions planned in detail by default: each costs a few reads per region. */
export const FLEET_PLAN_LIMIT = 100;

export async function planFleetWorkflow(input: FleetInput, planLimit = FLEET_PLAN_LIMIT): Promise<FleetPlan> {
  const { ordered, waveOf } = assignWaves(await expandMembers(input.groups), input.policy.waves);
  const plans: ReleasePlan[] = new Array(Math.min(planLimit, ordered.length));
  const planned = ordered.slice(0, plans.length).map((member, index) => ({ member, index }));
  await forEachBounded(planned, input.policy.maxConcurrency, async ({ member, index }) => {
    plans[index] = await planReleaseWorkflow(memberReleaseInput(input, member));
  });
  return {
    fleetId: input.fleetId,
    members: ordered.map((m, i) => ({ ...m, wave: waveOf[i] })),
    waves: waveCount(waveOf),
    plans,
    policy: input.policy,
  };
}
