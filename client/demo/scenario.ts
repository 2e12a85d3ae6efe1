/**
 * The demo scenario, start to finish, against a running dev stack: seed `hello-scf` v1, release v2
 * from `examples/hello-function` to three regions with a canary alias shift, then release the
 * broken v3 from `examples/broken-function` and watch it roll back. It drives the same manifest
 * loader, API and renderers as `scf-release release`, and `examples/release.yaml` is its manifest.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunningSimulator } from '../../simulator';
import { releaseRegions, type ReleaseStatus } from '../../workflows/definitions';
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
export const DEMO_FUNCTION = 'hello-scf';
const NAMESPACE = 'default';
/** Where v1 already runs before the demo: the primary, and one region updated in place. */
const SEEDED_REGIONS = ['ap-guangzhou', 'ap-shanghai'];

export interface DemoOutcome {
  label: string;
  expected: ReleaseStatus;
  status: string;
  uiUrl: string;
}

export interface DemoReport {
  outcomes: DemoOutcome[];
  /** Regions whose $LATEST or alias does not serve v2's code after the rollback (empty = all good). */
  regionsNotOnV2: string[];
  v2Sha256: string;
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
  await zipDirectory(path.join(EXAMPLES, 'hello-function'), v2Zip);
  await zipDirectory(path.join(EXAMPLES, 'broken-function'), brokenZip);

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

  const regionsNotOnV2 = regionsNotServing(simulator, good.sha256, good.regions, good.aliasName);
  const outcomes = [good.outcome, broken.outcome];
  return {
    outcomes,
    regionsNotOnV2,
    v2Sha256: good.sha256,
    ok: outcomes.every((o) => o.status === o.expected) && regionsNotOnV2.length === 0,
  };
}

interface DemoRelease {
  label: string;
  expected: ReleaseStatus;
  zip: string;
  description: string;
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
    file: DEMO_MANIFEST,
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
    outcome: { label: release.label, expected: release.expected, status, uiUrl: uiLink(target, started) },
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
