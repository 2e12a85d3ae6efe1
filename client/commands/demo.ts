/**
 * `scf-release demo` (`npm run demo`): the whole product in under two minutes on one machine.
 * Starts the dev stack (Temporal dev server + Web UI, SCF simulator, in-process worker), releases a
 * good version to three regions with a canary alias shift, releases a broken one that rolls back,
 * then one that fails only for some events, which the metrics gate rolls back on live traffic, and
 * exits 0 only when all three end as expected. Nothing contacts Tencent Cloud.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { connectTemporalAt } from '../connection';
import { asExpected, breachLine, DEMO_FUNCTION, runDemoScenario, type DemoReport } from '../demo/scenario';
import pino from 'pino';
import { createWorkerLogger, installSdkLogging } from '../../worker/logger';
import { DEFAULT_DATA_DIR, startDevStack } from '../dev/dev-stack';
import { parsePort, portOrFree } from '../dev/ports';
import { EXIT } from '../exit-codes';
import { pad, styleFor } from '../render/text';
import { runCommand } from './shared';

interface DemoFlags {
  keepRunning?: boolean;
  port: string;
  uiPort: string;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run a good release, a broken one and one the metrics gate rolls back on live traffic, against the local simulator, with the Temporal UI')
    .option('--keep-running', 'keep the stack (and its Temporal UI) up afterwards; Ctrl-C stops it')
    .option('--port <port>', 'Temporal frontend port (a free one is picked when it is taken)', '7233')
    .option('--ui-port <port>', 'Temporal Web UI port (a free one is picked when it is taken)', '8233')
    .action((flags: DemoFlags) => runCommand(() => demo(flags)));
}

async function demo(flags: DemoFlags): Promise<number> {
  // Bad ports are refused before anything starts.
  const temporalPort = parsePort('--port', flags.port);
  const uiPort = parsePort('--ui-port', flags.uiPort);
  const style = styleFor(process.stdout);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const began = Date.now();

  say(style.bold('Starting the dev stack: Temporal dev server + Web UI, SCF simulator, worker ...'));
  // The worker's log (SDK, workflows, every SCF call) goes to a file, so the terminal shows the releases.
  const workerLog = path.join(DEFAULT_DATA_DIR, 'logs', 'demo-worker.log');
  mkdirSync(path.dirname(workerLog), { recursive: true });
  const workerLogger = createWorkerLogger('INFO', pino.destination({ dest: workerLog, append: false, sync: true }));
  installSdkLogging(workerLogger, 'INFO', { shutdownSignals: [] });
  say(`  worker log: ${path.relative(process.cwd(), workerLog)}`);
  // The demo's zips are built here, the one directory the worker may read packages from.
  const packageDir = mkdtempSync(path.join(os.tmpdir(), 'scf-release-demo-'));
  const stack = await startDevStack({
    withWorker: true,
    packageDir,
    workerLogger,
    temporalPort: await portOrFree(temporalPort),
    uiPort: await portOrFree(uiPort),
    log: (line) => process.stderr.write(`${style.dim(line)}\n`),
  });
  let report: DemoReport | undefined;
  try {
    say(`  Temporal UI ${stack.uiUrl}   simulator ${stack.simulator.url}   task queue ${stack.taskQueue}\n`);
    const target = await connectTemporalAt(stack.temporalAddress, stack.namespace, stack.uiUrl);
    try {
      report = await runDemoScenario(target, stack.simulator, stack.taskQueue, packageDir, say);
    } finally {
      await target.close();
    }
    printReport(report, style, (Date.now() - began) / 1000, say);
    if (flags.keepRunning) {
      say(`\nThe stack keeps running: browse ${stack.uiUrl}/namespaces/${stack.namespace}/workflows`);
      say(`  TEMPORAL_ADDRESS=${stack.temporalAddress} TEMPORAL_UI_URL=${stack.uiUrl} npx scf-release history --function ${DEMO_FUNCTION}`);
      say('Ctrl-C stops it.');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
  } finally {
    await stack.stop();
  }
  return report?.ok ? EXIT.OK : EXIT.ERROR;
}

function printReport(report: DemoReport, style: ReturnType<typeof styleFor>, seconds: number, say: (line: string) => void): void {
  say('');
  say(style.bold(`Demo outcome (${seconds.toFixed(0)}s):`));
  for (const o of report.outcomes) {
    const expected = `${o.expected}${o.expectedErrorType ? ` (${o.expectedErrorType})` : ''}`;
    const mark = asExpected(o) ? style.green('as expected') : style.red(`expected ${expected}`);
    say(`  ${pad(o.label, 62)}${pad(o.status, 12)}${mark}`);
    if (o.breach) say(`    ${breachLine(o.breach, o.probesPassed === true)}`);
    say(`    ${o.uiUrl}`);
  }
  say(
    report.regionsNotOnV2.length === 0
      ? `  every region serves v2 again (sha256 ${report.v2Sha256.slice(0, 12)}): ${style.green('yes')}`
      : `  ${style.red(`not back on v2 (sha256 ${report.v2Sha256.slice(0, 12)})`)}: ${report.regionsNotOnV2.join(', ')}`,
  );
  say(report.ok ? style.green('Demo passed.') : style.red('Demo failed: see above.'));
}
