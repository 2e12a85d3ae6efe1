/**
 * Which functions a fleet releases, in which order and wave, and each one's release input. Pure
 * except for `expandMembers`, which lists a group's selection with ListFunctions (read-only).
 */
import { read } from './activity-profiles';
import { fleetChildWorkflowId, type FleetGroup, type FleetInput, type FleetMember, type FleetWave, type ReleaseInput } from './definitions';

export function memberKey(member: Pick<FleetMember, 'namespace' | 'functionName'>): string {
  return `${member.namespace}/${member.functionName}`;
}

/**
 * Every group's functions in manifest order (a selection sorted by name), each once: a function
 * named by two groups would be two releases racing for one lock, so the manifest refuses that, and a
 * selection that finds a function another group names leaves it to the group that names it.
 */
export async function expandMembers(groups: readonly FleetGroup[]): Promise<FleetMember[]> {
  const members: FleetMember[] = [];
  const seen = new Set<string>();
  const named = new Set(
    groups.flatMap((g) => ('names' in g.functions ? g.functions.names.map((functionName) => memberKey({ namespace: g.release.namespace, functionName })) : [])),
  );
  for (const [group, g] of groups.entries()) {
    const { namespace, primaryRegion } = g.release;
    const names =
      'names' in g.functions
        ? g.functions.names
        : (await read.listFunctions({ region: primaryRegion, namespace, match: g.functions.match })).map((f) => f.functionName).sort();
    for (const functionName of names) {
      const key = memberKey({ namespace, functionName });
      if (seen.has(key) || ('match' in g.functions && named.has(key))) continue;
      seen.add(key);
      members.push({ group, namespace, functionName });
    }
  }
  return members;
}

/**
 * The wave of each member (same order). Named waves take their functions out of the order first;
 * `functions: n` takes the next n; `percent: p` takes up to p % of the fleet, counted over all waves
 * so far. Whatever the waves leave runs in one last wave.
 */
export function assignWaves(members: readonly FleetMember[], waves: readonly FleetWave[]): { ordered: FleetMember[]; waveOf: number[] } {
  const remaining = [...members];
  const ordered: FleetMember[] = [];
  const waveOf: number[] = [];
  waves.forEach((wave, index) => {
    let take: FleetMember[];
    if ('names' in wave) {
      take = remaining.filter((m) => wave.names.includes(m.functionName));
    } else {
      const count = 'functions' in wave ? wave.functions : Math.max(0, Math.ceil((members.length * wave.percent) / 100) - ordered.length);
      take = remaining.slice(0, count);
    }
    for (const m of take) remaining.splice(remaining.indexOf(m), 1);
    ordered.push(...take);
    waveOf.push(...take.map(() => index));
  });
  if (remaining.length > 0) {
    ordered.push(...remaining);
    waveOf.push(...remaining.map(() => waves.length));
  }
  return { ordered, waveOf };
}

export function waveCount(waveOf: readonly number[]): number {
  return waveOf.length === 0 ? 0 : waveOf[waveOf.length - 1] + 1;
}

/** The release of one member: its group's template, the function, the fleet as release id. */
export function memberReleaseInput(input: Pick<FleetInput, 'fleetId' | 'groups' | 'startedBy'>, member: FleetMember): ReleaseInput {
  return { ...input.groups[member.group].release, releaseId: input.fleetId, functionName: member.functionName, startedBy: input.startedBy };
}

export function memberWorkflowId(fleetId: string, member: FleetMember): string {
  return fleetChildWorkflowId(fleetId, member.namespace, member.functionName);
}
