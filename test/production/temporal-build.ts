/**
 * The production Temporal server, built from its Go modules and cached by version where a fresh clone
 * finds it again (CI runs in a new clone on the same machine):
 *
 *   ~/.cache/scf-release/temporal-server/<version>/bin/server   go.temporal.io/server/cmd/server
 *   ~/.cache/scf-release/temporal-server/<version>/bin/sql      go.temporal.io/server/cmd/tools/sql (temporal-sql-tool)
 *   ~/.cache/scf-release/temporal-server/<version>/schema/postgresql/v12   the module's schema, for the SQL tool
 *
 * A missing binary is built with exactly
 *   GOTOOLCHAIN=go1.27.3 GOBIN=<cache>/bin go install go.temporal.io/server/cmd/server@<version> go.temporal.io/server/cmd/tools/sql@<version>
 * (v1.32.2 needs Go >= 1.26.10; GOTOOLCHAIN makes the installed Go fetch that toolchain from the module
 * proxy). The build goes to a private folder first and is moved into place only when both binaries are
 * there, so an interrupted build is never mistaken for a finished one. Go's own caches ($HOME/go,
 * $HOME/.cache/go-build) make a rebuild after a cache wipe a few minutes, not the first ~30.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, openSync, closeSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.32.2';
/** The Go toolchain v1.32.2's go.mod asks for at least (1.26.10); the module proxy serves it. */
export const GO_TOOLCHAIN = 'go1.27.3';

export interface TemporalServerBinaries {
  version: string;
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12 of the same module version (temporal/ and visibility/ inside). */
  schemaDir: string;
  /** Whether this call built the binaries (false: reused from the cache), and how long it took. */
  built: boolean;
  buildMs: number;
}

export function temporalServerCacheDir(version = TEMPORAL_SERVER_VERSION): string {
  return path.join(os.homedir(), '.cache', 'scf-release', 'temporal-server', version);
}

function goEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN, GOFLAGS: '-mod=mod', ...extra };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): string {
  const fd = openSync(logFile, 'a');
  try {
    // No go.mod around: the build must not pick up anything from the checkout.
    const r = spawnSync(command, args, { cwd: os.tmpdir(), env, stdio: ['ignore', 'pipe', fd], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw new Error(`${command} ${args.join(' ')}: ${r.error.message} (is Go installed and on PATH?)`);
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}; see ${logFile}`);
    return r.stdout;
  } finally {
    closeSync(fd);
  }
}

/** The server and SQL tool of `version`, built with the pinned toolchain when missing from the cache. */
export function ensureTemporalServer(options: { logFile: string; log?: (line: string) => void; version?: string }): TemporalServerBinaries {
  const version = options.version ?? TEMPORAL_SERVER_VERSION;
  const log = options.log ?? (() => {});
  const dir = temporalServerCacheDir(version);
  const bin = path.join(dir, 'bin');
  const server = path.join(bin, 'server');
  const sqlTool = path.join(bin, 'sql');
  const schemaDir = path.join(dir, 'schema', 'postgresql', 'v12');
  mkdirSync(dir, { recursive: true });
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const began = Date.now();
  let built = false;

  if (!existsSync(server) || !existsSync(sqlTool)) {
    const partial = path.join(dir, `bin.partial-${process.pid}`);
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    log(`building the Temporal server ${version} with ${GO_TOOLCHAIN} into ${bin} (a first build takes about 30 minutes; log: ${options.logFile})`);
    run('go', ['install', `${TEMPORAL_SERVER_MODULE}/cmd/server@${version}`, `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql@${version}`], goEnv({ GOBIN: partial }), options.logFile);
    mkdirSync(bin, { recursive: true });
    for (const name of ['server', 'sql']) renameSync(path.join(partial, name), path.join(bin, name));
    rmSync(partial, { recursive: true, force: true });
    built = true;
  }

  if (!existsSync(path.join(schemaDir, 'temporal', 'versioned')) || !existsSync(path.join(schemaDir, 'visibility', 'versioned'))) {
    const out = run('go', ['mod', 'download', '-json', `${TEMPORAL_SERVER_MODULE}@${version}`], goEnv(), options.logFile);
    const moduleDir = (JSON.parse(out) as { Dir?: string }).Dir;
    if (!moduleDir) throw new Error(`go mod download ${TEMPORAL_SERVER_MODULE}@${version} did not say where the module is`);
    const partial = `${schemaDir}.partial-${process.pid}`;
    cpSync(path.join(moduleDir, 'schema', 'postgresql', 'v12'), partial, { recursive: true });
    rmSync(schemaDir, { recursive: true, force: true });
    renameSync(partial, schemaDir);
  }
  return { version, server, sqlTool, schemaDir, built, buildMs: Date.now() - began };
}
