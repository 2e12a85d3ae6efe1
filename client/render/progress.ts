/**
 * Live progress of a running release. On a TTY the whole picture (phase, regions, traffic bar,
 * recent steps) is redrawn in place from each query result; elsewhere (CI logs, pipes, `--json`'s
 * stderr) only what changed is printed, one plain line per change, so logs stay readable.
 */
import type { RegionResult, ReleaseProgress, StepRecord } from '../../workflows/definitions';
import { errorText } from './summary';
import { bar, pad, shortSha, styleFor, type Style } from './text';

export interface ProgressRenderer {
  update(progress: ReleaseProgress): void;
  /** Leaves the last picture on screen; call before printing the summary. */
  finish(): void;
}

export function progressRenderer(stream: NodeJS.WritableStream, workflowId: string): ProgressRenderer {
  return (stream as { isTTY?: boolean }).isTTY ? new RedrawingRenderer(stream, workflowId) : new LineRenderer(stream);
}

const RECENT_STEPS = 8;

function stepLine(step: StepRecord, style: Style): string {
  const mark = !step.endedAt ? style.yellow('…') : step.outcome === 'ok' ? style.green('✓') : style.red('✗');
  const took = step.endedAt ? ` ${((Date.parse(step.endedAt) - Date.parse(step.startedAt)) / 1000).toFixed(1)}s` : '';
  return `${mark} ${step.name}${step.region ? ` ${style.dim(step.region)}` : ''}${style.dim(took)}`;
}

function regionLine(region: RegionResult, style: Style): string {
  const state =
    region.state === 'done' ? style.green(region.state) : region.state === 'failed' ? style.red(region.state) : region.state;
  const version = region.version ? `v${region.version}` : '';
  const sha = region.codeSha256 ? `sha ${shortSha(region.codeSha256)}` : '';
  return `${pad(region.region, 18)}${pad(region.action, 18)}${pad(state, 12)}${pad(version, 6)}${sha}`;
}

class RedrawingRenderer implements ProgressRenderer {
  private drawn = 0;
  private readonly style: Style;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly workflowId: string,
  ) {
    this.style = styleFor(stream);
  }

  update(p: ReleaseProgress): void {
    const s = this.style;
    const lines = [
      `${s.bold(this.workflowId)}  phase ${s.bold(p.phase)}`,
      ...p.regions.map((r) => `  ${regionLine(r, s)}`),
      ...(p.trafficPercent !== undefined ? [`  traffic ${bar(p.trafficPercent)}`] : []),
      ...p.steps.slice(-RECENT_STEPS).map((step) => `    ${stepLine(step, s)}`),
      ...(p.awaitingApproval ? [s.yellow(`  waiting for approval: scf-release approve ${this.workflowId}${approvalDeadlineNote(p)}`)] : []),
      ...(p.lastError ? [s.red(`  last error: ${errorText(p.lastError)}`)] : []),
    ];
    // Move to the start of the previous picture and clear it, then draw the new one.
    const rewind = this.drawn ? `\x1b[${this.drawn}F\x1b[J` : '';
    this.stream.write(rewind + lines.join('\n') + '\n');
    this.drawn = lines.length;
  }

  finish(): void {
    this.drawn = 0;
  }
}

class LineRenderer implements ProgressRenderer {
  private phase?: string;
  private traffic?: number;
  private approval = false;
  private readonly regionStates = new Map<string, string>();
  private readonly printedSteps = new Set<string>();

  constructor(private readonly stream: NodeJS.WritableStream) {}

  private say(line: string): void {
    this.stream.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  }

  update(p: ReleaseProgress): void {
    const plain = styleFor(this.stream);
    if (p.phase !== this.phase) this.say(`phase ${p.phase}`);
    this.phase = p.phase;
    for (const step of p.steps) {
      const key = `${step.name}|${step.region ?? ''}|${step.startedAt}`;
      if (step.endedAt && !this.printedSteps.has(key)) {
        this.printedSteps.add(key);
        this.say(`  ${stepLine(step, plain)}`);
      }
    }
    for (const region of p.regions) {
      const state = `${region.state}|${region.version ?? ''}`;
      if (this.regionStates.get(region.region) !== state) {
        this.regionStates.set(region.region, state);
        this.say(`  ${regionLine(region, plain).trimEnd()}`);
      }
    }
    if (p.trafficPercent !== undefined && p.trafficPercent !== this.traffic) this.say(`  traffic ${p.trafficPercent}%`);
    this.traffic = p.trafficPercent;
    if (p.awaitingApproval && !this.approval) this.say(`  waiting for approval (scf-release approve)${approvalDeadlineNote(p)}`);
    this.approval = p.awaitingApproval;
  }

  finish(): void {}
}

/** `; aborts at <time> unless approved`, when the gate has a deadline. */
function approvalDeadlineNote(p: ReleaseProgress): string {
  return p.approvalDeadline ? `; aborts at ${p.approvalDeadline} unless approved` : '';
}
