/**
 * The demo scenario, start to finish, against a running dev stack: seed `hello-scf` v1, release v2
 * from `examples/hello-function` to three regions with a canary alias shift, then release the
 * broken v3 from `examples/broken-function` and watch it roll back. Then the canary only live
 * traffic catches: with the traffic generator sending mixed events through the alias, v4 from
 * `examples/partly-broken-function` (fails for some events) passes its probes and is rolled back
 * by the metrics gate (`examples/gated-release.yaml`), on the simulator's fast monitor period. It
 * drives the same manifest loader, API and renderers as `scf-release release`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunningSimulator } from '../../simulator';
import type { TrafficStatus } from '../../simulator/traffic';
import { releaseRegions, type ReleaseResult, type ReleaseStatus } from '../../workflows/definitions';
import { METRICS_GATE_BREACHED, type GateRecord } from '../../workflows/metrics-gate';
import { startRelease } from '../api';
import type { TemporalTarget } from '../connection';
import { followRelease, uiLink, type EndedView } from '../follow';
import { buildRelease } from '../manifest';
import { renderResult } from '../render/summary';
import { styleFor } from '../render/text';
import { packageStagingFromEnv, type PackageStaging } from '../package/stage';
import { zipDirectory } from './build-zip';
import { projectRoot } from '../../scripts/project-root';

const EXAMPLES = path.join(projectRoot, 'examples');
const DEMO_MANIFEST = path.join(EXAMPLES, 'release.yaml');
const GATED_MANIFEST = path.join(EXAMPLES, 'gated-release.yaml');
/** The live traffic of the gated release, per region: the events v4 fails for ask for a language it lacks. */
const LIVE_RATE_PER_SECOND = 20;
const LIVE_EVENTS = [{ name: 'ana' }, { name: 'zoe', lang: 'fr' }, { name: 'li', lang: 'en' }, { name: 'max', lang: 'de' }].map((e) => JSON.stringify(e));
/** The simulator's fast Cloud Monitor period (simulator only), which the gated manifest's `period: 1s` reads. */
const FAST_PERIOD_SECONDS = 1;
export const DEMO_FUNCTION = 'hello-scf';
const NAMESPACE = 'default';
/** Where v1 already runs before the demo: the primary, and one region updated in place. */
const SEEDED_REGIONS = ['ap-guangzhou', 'ap-shanghai'];

export interface DemoOutcome {
  label: string;
  expected: ReleaseStatus;
  status: string;
  uiUrl: string;
  /** When the outcome must also have failed this way (the gated release: MetricsGateBreached). */
  expectedErrorType?: string;
  errorType?: string;
  /** Whether every verification probe of the release passed. */
  probesPassed?: boolean;
  /** The gate figures that broke the canary. */
  breach?: GateRecord & { region: string };
}

/** Ended as expected: the status, and the failure's type when one is expected. */
export function asExpected(o: DemoOutcome): boolean {
  return o.status === o.expected && (o.expectedErrorType === undefined || o.errorType === o.expectedErrorType);
}

export interface DemoReport {
  outcomes: DemoOutcome[];
  /** Regions whose $LATEST or alias does not serve v2's code after the rollback (empty = all good). */
  regionsNotOnV2: string[];
  v2Sha256: string;
  /** The live traffic runs of the gated release, as they stopped. */
  traffic: TrafficStatus[];
  ok: boolean;
}

export async function runDemoScenario(
  target: TemporalTarget,
  simulator: RunningSimulator,
  taskQueue: string,
  /** Where the zips are built: the worker's SCF_PACKAGE_DIR. */
  work: string,
  say: (line: string) => void,
): Promise<DemoReport> {
  const style = styleFor(process.stdout);

  say(style.bold(`Seeding ${DEMO_FUNCTION} v1 in ${SEEDED_REGIONS.join(' and ')} (ap-singapore has no copy yet)`));
  // v1 is the example with its version line set back: the only difference between v1 and v2.
  const v2Source = await readFile(path.join(EXAMPLES, 'hello-function/index.js'), 'utf8');
  const v1Source = v2Source.replace(/const VERSION = '[^']*';/, "const VERSION = '1.0.0';");
  for (const region of SEEDED_REGIONS) {
    simulator.admin.seedFunction({
      region,
      namespace: NAMESPACE,
      functionName: DEMO_FUNCTION,
      files: { 'index.js': v1Source },
      handler: 'index.main_handler',
      runtime: 'Nodejs18.15',
      description: 'hello-function 1.0.0',
      publishVersions: 1,
    });
  }

  const v2Zip = path.join(work, 'hello-function.zip');
  const brokenZip = path.join(work, 'broken-function.zip');
  const partlyBrokenZip = path.join(work, 'partly-broken-function.zip');
  await zipDirectory(path.join(EXAMPLES, 'hello-function'), v2Zip);
  await zipDirectory(path.join(EXAMPLES, 'broken-function'), brokenZip);
  await zipDirectory(path.join(EXAMPLES, 'partly-broken-function'), partlyBrokenZip);

  const staging = packageStagingFromEnv({ SCF_ENDPOINT: simulator.url }, simulator.endpoint);
  const good = await releaseAndFollow(target, taskQueue, say, staging, {
    label: 'v2 (examples/hello-function)',
    expected: 'Succeeded',
    zip: v2Zip,
    description: 'hello-function 2.0.0',
  });
  const broken = await releaseAndFollow(target, taskQueue, say, staging, {
    label: 'v3 (examples/broken-function: throws outside ap-guangzhou)',
    expected: 'RolledBack',
    zip: brokenZip,
    description: 'broken-function 3.0.0 (expected to roll back)',
  });

  const { outcome: gated, traffic } = await gatedRelease(target, taskQueue, say, staging, simulator, good.regions, partlyBrokenZip);

  const regionsNotOnV2 = regionsNotServing(simulator, good.sha256, good.regions, good.aliasName);
  const outcomes = [good.outcome, broken.outcome, gated];
  return {
    outcomes,
    regionsNotOnV2,
    v2Sha256: good.sha256,
    traffic,
    ok: outcomes.every(asExpected) && regionsNotOnV2.length === 0,
  };
}

/**
 * v4 under live traffic: the traffic generator invokes alias `live` in every region with mixed
 * events while the release runs (the fast monitor period on), and stops when it ends.
 */
async function gatedRelease(
  target: TemporalTarget,
  taskQueue: string,
  say: (line: string) => void,
  staging: PackageStaging | undefined,
  simulator: RunningSimulator,
  regions: string[],
  zip: string,
): Promise<{ outcome: DemoOutcome; traffic: TrafficStatus[] }> {
  const alias = 'live';
  simulator.admin.setMonitor({ fastPeriodSeconds: FAST_PERIOD_SECONDS });
  say('');
  say(`Live traffic through alias ${alias} in ${regions.join(', ')}: ${LIVE_RATE_PER_SECOND} events/s each, mixed: ${LIVE_EVENTS.join(' ')}`);
  const runs = regions.map((region) =>
    simulator.admin.startTraffic({ region, namespace: NAMESPACE, functionName: DEMO_FUNCTION, alias, ratePerSecond: LIVE_RATE_PER_SECOND, events: LIVE_EVENTS }),
  );
  let gated: Awaited<ReturnType<typeof releaseAndFollow>>;
  try {
    gated = await releaseAndFollow(target, taskQueue, say, staging, {
      label: 'v4 (examples/partly-broken-function: fails for some events)',
      expected: 'RolledBack',
      expectedErrorType: METRICS_GATE_BREACHED,
      zip,
      description: 'partly-broken-function 4.0.0 (expected to be rolled back by the metrics gate)',
      manifest: GATED_MANIFEST,
    });
  } finally {
    simulator.admin.setMonitor({ fastPeriodSeconds: undefined });
  }
  const traffic = runs.map((id) => simulator.admin.stopTraffic(id));
  say(`  live traffic sent ${traffic.reduce((n, t) => n + t.sent, 0)} events, ${traffic.reduce((n, t) => n + t.errors, 0)} failed`);
  const breach = gated.result && breachOf(gated.result);
  const probesPassed = gated.result?.regions.every((r) => (r.verification ?? []).every((v) => v.passed));
  if (breach) say(`  ${breachLine(breach, probesPassed === true)}`);
  return { outcome: { ...gated.outcome, ...(breach && { breach }), ...(probesPassed !== undefined && { probesPassed }) }, traffic };
}

function breachOf(result: ReleaseResult): (GateRecord & { region: string }) | undefined {
  for (const r of result.regions) {
    const record = r.gate?.find((g) => g.verdict === 'breach' || g.verdict === 'inconclusive-fail');
    if (record) return { ...record, region: r.region };
  }
  return undefined;
}

/** `The gate broke it in ap-shanghai at 25%: 60 invocations of v4, 30 errors (50%), avg 3 ms: ...`. */
export function breachLine(b: GateRecord & { region: string }, probesPassed: boolean): string {
  return (
    `The gate broke it in ${b.region} at ${b.percent}%: ${b.invocations} invocations of v${b.version}, ${b.errors} errors (${b.errorRatePercent}%), ` +
    `avg ${b.avgDurationMs} ms: ${b.detail ?? b.verdict}; its probes ${probesPassed ? 'passed' : 'failed too'}`
  );
}

interface DemoRelease {
  label: string;
  expected: ReleaseStatus;
  expectedErrorType?: string;
  zip: string;
  description: string;
  /** Default examples/release.yaml. */
  manifest?: string;
}

async function releaseAndFollow(
  target: TemporalTarget,
  taskQueue: string,
  say: (line: string) => void,
  staging: PackageStaging | undefined,
  release: DemoRelease,
) {
  const style = styleFor(process.stdout);
  const { input, warnings } = await buildRelease({
    file: release.manifest ?? DEMO_MANIFEST,
    flags: { package: release.zip, description: release.description },
    startedBy: 'scf-release-demo',
    staging,
  });
  for (const warning of warnings) say(`${style.yellow('warning')}: ${warning}`);
  say('');
  say(style.bold(`Releasing ${release.label}: expected ${release.expected}`));
  say(`  ${input.primaryRegion} (primary) → ${input.regions.join(', ')}; alias ${input.alias?.name}: ${input.alias?.steps.map((s) => `${s.percent}%`).join(' → ')}`);
  say(`  package sha256 ${input.pkg.sha256}`);
  const started = await startRelease(target.client, input, { taskQueue });
  say(`  ${started.workflowId}\n  Temporal UI: ${uiLink(target, started)}`);
  const view: EndedView = await followRelease(target, started.workflowId, process.stdout);
  const status = view.state === 'completed' ? view.result.status : `workflow ${view.status}`;
  if (view.state === 'completed') say(`\n${renderResult(view.result, style).join('\n')}`);
  else say(style.red(`  the workflow ended ${view.status} without a result: ${view.error}`));
  return {
    sha256: input.pkg.sha256,
    regions: releaseRegions(input),
    aliasName: input.alias?.name,
    result: view.state === 'completed' ? view.result : undefined,
    outcome: {
      label: release.label,
      expected: release.expected,
      status,
      uiUrl: uiLink(target, started),
      ...(release.expectedErrorType && { expectedErrorType: release.expectedErrorType }),
      ...(view.state === 'completed' && view.result.error && { errorType: view.result.error.type }),
    } as DemoOutcome,
  };
}

/** Reads the simulator's model: which regions' $LATEST, or alias, do not serve `sha256`. */
function regionsNotServing(simulator: RunningSimulator, sha256: string, regions: string[], aliasName: string | undefined): string[] {
  return regions.filter((region) => {
    const fn = simulator.admin.getFunction(region, NAMESPACE, DEMO_FUNCTION);
    if (!fn || fn.codeSha256 !== sha256) return true;
    const alias = aliasName && fn.aliases.find((a) => a.name === aliasName);
    if (!alias) return false;
    const served = [alias.functionVersion, ...alias.weights.map((w) => w.Version)];
    return served.some((version) => fn.versions.find((v) => v.version === version)?.codeSha256 !== sha256);
  });
}
