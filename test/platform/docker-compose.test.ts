/**
 * The self-hosted stack (docker-compose.yml, Dockerfile, deploy/temporal/), checked statically: there is
 * no Docker engine in the test environment, so nothing here starts a container.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { DYNAMIC_CONFIG_FILE, NAMESPACE_SCRIPT, SCHEMA_SCRIPT, SERVER_CONFIG_FILE, SERVER_ENV } from '../production/cluster';
import { COS_ENV, cosEnv } from '../production/cos-env';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface HealthCheck { test: string[] | string }
interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string } | string;
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: HealthCheck;
  restart?: string;
  volumes?: string[];
  entrypoint?: string[];
  command?: string[];
}
interface Compose { services: Record<string, Service>; volumes?: Record<string, unknown> }

function loadCompose(): Compose {
  // Compose files use YAML merge keys (`<<: *anchor`), which YAML 1.2 leaves off unless asked.
  const doc = parseDocument(read('docker-compose.yml'), { merge: true });
  if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
  return doc.toJS() as Compose;
}

/** Upper-case identifiers in a source file: every environment variable it reads or documents. */
function namesIn(file: string): Set<string> {
  return new Set(read(file).match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g) ?? []);
}

/** The Dockerfile's instructions, with line continuations joined. */
function dockerfileInstructions(): Array<{ op: string; args: string }> {
  return read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** `name:tag` (or `name:tag@sha256:…`) with a real tag: not missing, not `latest`. */
function isPinned(image: string): boolean {
  const withoutDigest = image.split('@')[0];
  const lastPart = withoutDigest.split('/').pop() ?? '';
  const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : '';
  return tag !== '' && tag !== 'latest';
}

const SECRET_NAME = /PASSWORD|PWD|SECRET|TOKEN|API_KEY/;
/** `${VAR}`, `${VAR:-}` (empty default), `${VAR:?message}` / `${VAR?message}`: substituted, never a literal. */
const SUBSTITUTION_WITHOUT_VALUE = /^\$\{[A-Z_][A-Z0-9_]*(?::-|:?\?[^}]*)?\}$/;

describe('the self-hosted docker-compose stack', () => {
  const compose = loadCompose();
  const { services } = compose;

  it('when the compose file is read, then it parses and has the database, Temporal, its UI, the setup job and the worker', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal-schema', 'temporal', 'temporal-namespace', 'temporal-ui', 'scf-release-setup', 'scf-release-worker']),
    );
    expect(services['temporal'].environment).toMatchObject({ DB: 'postgres12', DB_PORT: '5432', POSTGRES_SEEDS: 'postgresql' });
    expect(services['temporal-ui'].environment).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(services['scf-release-worker'].environment).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233' });
  });

  it('when the compose file is read, then every pulled image has a pinned tag and every built one a Dockerfile with pinned bases', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) {
        const build = typeof service.build === 'string' ? { context: service.build } : service.build;
        expect({ name, dockerfile: existsSync(path.join(root, build.context, build.dockerfile ?? 'Dockerfile')) }).toEqual({ name, dockerfile: true });
        continue;
      }
      expect({ name, image: service.image, pinned: !!service.image && isPinned(service.image) }).toEqual({ name, image: service.image, pinned: true });
    }
    const bases = dockerfileInstructions().filter((i) => i.op === 'FROM').map((i) => i.args.split(/\s+/)[0]);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect({ base, pinned: isPinned(base) }).toEqual({ base, pinned: true });
    expect(isPinned('postgres')).toBe(false);
    expect(isPinned('temporalio/ui:latest')).toBe(false);
  });

  it('when the compose file is read, then the worker is given only variables that worker/config.ts or activities/config.ts read', () => {
    const known = new Set([...namesIn('worker/config.ts'), ...namesIn('activities/config.ts')]);
    const given = Object.keys(services['scf-release-worker'].environment ?? {});
    expect(given.length).toBeGreaterThan(0);
    expect(given.filter((name) => !known.has(name))).toEqual([]);
    for (const name of ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'SCF_RELEASE_TASK_QUEUE', 'LOG_LEVEL', 'TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRET_KEY']) {
      expect(given).toContain(name);
    }
  });

  it('when the compose file is read, then the worker is given the SCF_COS_* variables the production test gives its workers, empty unless set, and .env.example names them', () => {
    const worker = services['scf-release-worker'].environment ?? {};
    // What `npm run test:production` gives each worker (and its client) for COS, from the same list.
    const productionNames = Object.keys(cosEnv({ bucket: 'code-1250000000', region: 'ap-guangzhou', prefix: 'scf-release', endpoint: '127.0.0.1:9000' }));
    expect(productionNames).toEqual([...COS_ENV]);
    for (const name of COS_ENV) {
      expect({ name, value: worker[name] }).toEqual({ name, value: `\${${name}:-}` });
    }
    const example = read('.env.example');
    for (const name of COS_ENV) expect({ name, inExample: new RegExp(`^#? ?${name}=`, 'm').test(example) }).toEqual({ name, inExample: true });
    expect(COS_ENV.every((name) => namesIn('activities/config.ts').has(name))).toBe(true);
  });

  it('when the compose file is read, then no secret is written in it: passwords and keys come from ${VAR} substitution', () => {
    const secrets = Object.entries(services).flatMap(([name, service]) =>
      Object.entries(service.environment ?? {})
        .filter(([key]) => SECRET_NAME.test(key))
        .map(([key, value]) => ({ service: name, key, value })),
    );
    expect(secrets.map((s) => s.key)).toEqual(expect.arrayContaining(['POSTGRES_PASSWORD', 'POSTGRES_PWD', 'TENCENTCLOUD_SECRET_KEY']));
    for (const secret of secrets) {
      expect({ ...secret, substituted: SUBSTITUTION_WITHOUT_VALUE.test(String(secret.value)) }).toEqual({ ...secret, substituted: true });
    }
    expect(SUBSTITUTION_WITHOUT_VALUE.test('${POSTGRES_PASSWORD:-temporal}')).toBe(false);
    expect(SUBSTITUTION_WITHOUT_VALUE.test('temporal')).toBe(false);
  });

  it('when the compose file is read, then every dependency condition can be met: healthy ones have a healthcheck, completed ones run once', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = services[dependency];
        expect({ name, dependency, exists: !!target }).toEqual({ name, dependency, exists: true });
        if (condition === 'service_healthy') expect({ dependency, healthcheck: !!target.healthcheck }).toEqual({ dependency, healthcheck: true });
        if (condition === 'service_completed_successfully') {
          expect({ dependency, restart: target.restart ?? 'no' }).toEqual({ dependency, restart: expect.stringMatching(/^(no|on-failure(:\d+)?)$/) });
        }
      }
    }
    expect(services['scf-release-worker'].depends_on?.['scf-release-setup']).toEqual({ condition: 'service_completed_successfully' });
    expect(services['scf-release-setup'].depends_on?.['temporal-namespace']).toEqual({ condition: 'service_completed_successfully' });
  });

  it('when the compose file is read, then the setup job runs the `scf-release setup` command and the mounted files exist', () => {
    const setup = services['scf-release-setup'];
    expect([...(setup.entrypoint ?? []), ...(setup.command ?? [])].join(' ')).toContain('node dist/client/cli.js setup');
    expect(read('client/commands/setup.ts')).toMatch(/\.command\('setup'\)/);
    const mounts = Object.values(services).flatMap((s) => s.volumes ?? []).map((v) => v.split(':')[0]).filter((source) => source.startsWith('./'));
    expect(mounts.length).toBeGreaterThan(0);
    for (const source of mounts) expect({ source, exists: existsSync(path.join(root, source)) }).toEqual({ source, exists: true });
  });

  it('when the compose file is read, then Temporal runs from the files `npm run test:production` runs: server config, dynamic config, schema and namespace jobs', () => {
    /** The host file (relative to the repository) that a service sees at `containerPath`, through its bind mounts. */
    const hostFileOf = (service: Service, containerPath: string): string | undefined => {
      for (const volume of service.volumes ?? []) {
        const [source, target] = volume.split(':') as [string, string];
        if (!source.startsWith('./')) continue;
        if (containerPath === target) return path.normalize(source);
        if (containerPath.startsWith(`${target}/`)) return path.normalize(path.join(source, containerPath.slice(target.length + 1)));
      }
      return undefined;
    };
    const relative = (file: string) => path.relative(root, file);
    const temporal = services.temporal;
    const env = temporal.environment ?? {};
    expect({
      config: hostFileOf(temporal, String(env.TEMPORAL_SERVER_CONFIG_FILE_PATH)),
      dynamicConfig: hostFileOf(temporal, String(env.DYNAMIC_CONFIG_FILE_PATH)),
      schemaJob: hostFileOf(services['temporal-schema'], services['temporal-schema'].entrypoint?.at(-1) ?? ''),
      namespaceJob: hostFileOf(services['temporal-namespace'], services['temporal-namespace'].entrypoint?.at(-1) ?? ''),
    }).toEqual({ config: relative(SERVER_CONFIG_FILE), dynamicConfig: relative(DYNAMIC_CONFIG_FILE), schemaJob: relative(SCHEMA_SCRIPT), namespaceJob: relative(NAMESPACE_SCRIPT) });
    // Every variable compose gives the server is one the shared template reads (or the server itself).
    // The template names each variable it reads as a string: (env "DB_PORT"), list "POSTGRES_SEEDS" ...
    const templateReads = new Set([...read(relative(SERVER_CONFIG_FILE)).matchAll(/"([A-Z][A-Z0-9_]*)"/g)].map((m) => m[1]!));
    const unread = Object.keys(env).filter((name) => !templateReads.has(name) && !(SERVER_ENV as readonly string[]).includes(name));
    expect(unread).toEqual([]);
  });

  it('when the Dockerfile is read, then its CMD runs the compiled form of the file `npm run worker` runs, as one node process, built by `npm run build`', () => {
    const cmd = dockerfileInstructions().filter((i) => i.op === 'CMD').pop();
    expect(cmd).toBeDefined();
    const argv = JSON.parse(cmd!.args) as string[];
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    const entry = /^tsx (\S+)\.ts$/.exec(scripts.worker)?.[1];
    expect(entry).toBe('worker/main');
    expect(existsSync(path.join(root, `${entry}.ts`))).toBe(true);
    expect(argv).toEqual(['node', `dist/${entry}.js`]);
    // `npm run build` compiles worker/ to dist/ and prebuilds the bundle the image points the worker at.
    expect(scripts.build).toMatch(/^tsc -p tsconfig\.build\.json && node scripts\/bundle-workflows\.mjs dist\/workflow-bundle\.js$/);
    const build = JSON.parse(read('tsconfig.build.json').replace(/^\s*\/\/.*$/gm, '')) as { include: string[]; compilerOptions: { outDir: string; rootDir: string } };
    expect(build.compilerOptions).toMatchObject({ outDir: 'dist', rootDir: '.' });
    expect(build.include).toEqual(expect.arrayContaining(['worker', 'client', 'activities', 'workflows']));
    const runs = dockerfileInstructions().filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(runs.some((r) => /\bnpm run build\b/.test(r))).toBe(true);
    expect(dockerfileInstructions().find((i) => i.op === 'ENV' && /SCF_RELEASE_WORKFLOW_BUNDLE=\/app\/dist\/workflow-bundle\.js/.test(i.args))).toBeDefined();
    // The `scf-release` command runs the compiled CLI where only dist/ exists, the sources in a checkout.
    expect((JSON.parse(read('package.json')) as { bin: Record<string, string> }).bin).toEqual({ 'scf-release': 'client/bin.js' });
    expect(read('client/bin.js')).toContain("'dist', 'client', 'cli.js'");
  });

  it('when the Dockerfile is read, then every base is a Node LTS line in support (22 or 24)', () => {
    const bases = dockerfileInstructions().filter((i) => i.op === 'FROM').map((i) => i.args.split(/\s+/)[0]);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect({ base, lts: /^node:(22|24)\.\d+\.\d+-(bookworm|trixie)-slim$/.test(base) }).toEqual({ base, lts: true });
  });

  /** The port of a `host:port` the image's ENV gives `variable`. */
  function imagePort(variable: string): string {
    const env = dockerfileInstructions().filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
    const port = new RegExp(`\\b${variable}=[^\\s:]+:(\\d+)`).exec(env)?.[1];
    expect({ variable, port }).toEqual({ variable, port: expect.stringMatching(/^\d+$/) });
    return port!;
  }

  it('when the Dockerfile is read, then its HEALTHCHECK asks /readyz on the health port the image sets, and it exposes the metrics port', () => {
    const healthPort = imagePort('SCF_RELEASE_HEALTH_ADDRESS');
    const metricsPort = imagePort('SCF_RELEASE_METRICS_ADDRESS');
    const check = dockerfileInstructions().find((i) => i.op === 'HEALTHCHECK');
    expect(check?.args).toContain(`http://127.0.0.1:${healthPort}/readyz`);
    expect(dockerfileInstructions().find((i) => i.op === 'EXPOSE')?.args.split(/\s+/)).toEqual(expect.arrayContaining([healthPort, metricsPort]));
  });

  it('when the compose file is read, then the worker has a /readyz healthcheck and its metrics port is published on loopback', () => {
    const worker = services['scf-release-worker'];
    const test = Array.isArray(worker.healthcheck?.test) ? worker.healthcheck!.test.join(' ') : String(worker.healthcheck?.test);
    expect(test).toContain(`http://127.0.0.1:${imagePort('SCF_RELEASE_HEALTH_ADDRESS')}/readyz`);
    const metricsPort = imagePort('SCF_RELEASE_METRICS_ADDRESS');
    expect((worker as Service & { ports?: string[] }).ports).toEqual([`127.0.0.1:${metricsPort}:${metricsPort}`]);
  });

  it('when the Grafana dashboard is read, then it parses and every query names a metric the worker exports', () => {
    const dashboard = JSON.parse(read('deploy/grafana/scf-release.json')) as { title: string; panels: Array<{ title: string; targets?: Array<{ expr: string }> }> };
    expect(dashboard.title).toBeTruthy();
    const sources = ['activities/scf-telemetry.ts', 'activities/notify-telemetry.ts', 'workflows/metrics.ts'];
    const ours = new Set(sources.flatMap((file) => [...read(file).matchAll(/'(scf_release_[a-z_]+)'/g)].map((m) => m[1])));
    expect(ours.size).toBe(8);
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    expect(exprs.length).toBeGreaterThan(0);
    const used = new Set<string>();
    for (const { panel, expr } of exprs) {
      const names = [...expr.matchAll(/\b((?:scf_release|temporal)_[a-z_]+?)(?:_bucket|_sum|_count)?\b(?=[{[\s)]|$)/g)].map((m) => m[1]);
      expect({ panel, names: names.length > 0 }).toEqual({ panel, names: true });
      for (const name of names) {
        used.add(name);
        if (name.startsWith('scf_release_')) expect({ panel, name, ours: ours.has(name) }).toEqual({ panel, name, ours: true });
      }
    }
    // Every one of ours is on the dashboard, and the SDK's key ones.
    expect([...ours].filter((name) => !used.has(name))).toEqual([]);
    for (const sdk of ['temporal_workflow_task_schedule_to_start_latency', 'temporal_activity_schedule_to_start_latency', 'temporal_worker_task_slots_available']) expect(used).toContain(sdk);
  });

  it('when the build context is filtered, then environment files and local installs stay out of the image and out of git', () => {
    const dockerignore = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const pattern of ['.env', 'node_modules', '.git', 'dist']) expect(dockerignore).toContain(pattern);
    const gitignore = read('.gitignore').split('\n').map((l) => l.trim());
    for (const pattern of ['.env', 'dist/']) expect(gitignore).toContain(pattern);
  });
});
