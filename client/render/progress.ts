/**
 * Live progress of a running release. On a TTY the whole picture (phase, regions, traffic bar,
 * recent steps) is redrawn in place from each query result; elsewhere (CI logs, pipes, `--json`'s
 * stderr) only what changed is printed, one plain line per change, so logs stay readable.
 */
import type { FleetProgress, RegionResult, ReleaseProgress, StepRecord } from '../../workflows/definitions';
import { formatDurationMs } from '../../workflows/durations';
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

// ---------------------------------------------------------------------------------------------
// A fleet: counts (done / running / failed / throttled), the wave, an ETA. Same two modes.
// ---------------------------------------------------------------------------------------------

/** What the fleet view draws: the fleet's progress and how many running releases wait on SCF's rate limits. */
export interface FleetView {
  progress: FleetProgress;
  throttled: number;
  /** The client's clock now, for the ETA (the fleet's own start time is in `progress`). */
  now: number;
}

export interface FleetProgressRenderer {
  update(view: FleetView): void;
  finish(): void;
}

export function fleetProgressRenderer(stream: NodeJS.WritableStream, workflowId: string): FleetProgressRenderer {
  const tty = (stream as { isTTY?: boolean }).isTTY;
  const style = styleFor(stream);
  let drawn = 0;
  let lastLine = '';
  return {
    update(view) {
      const line = fleetLine(view, style);
      if (tty) {
        const p = view.progress;
        const lines = [
          `${style.bold(workflowId)}  ${line}`,
          `  ${bar(p.totals.total ? Math.round((100 * p.totals.done) / p.totals.total) : 0)}`,
          ...(p.running.length ? [`  running: ${p.running.slice(0, 8).join(', ')}${p.running.length > 8 ? `, +${p.running.length - 8}` : ''}`] : []),
          ...(p.stopped ? [style.yellow(`  stopped: ${p.stopped}`)] : []),
          ...(p.aborted ? [style.yellow(`  aborting (by ${p.aborted.by}: ${p.aborted.reason})`)] : []),
        ];
        const rewind = drawn ? `\x1b[${drawn}F\x1b[J` : '';
        stream.write(rewind + lines.join('\n') + '\n');
        drawn = lines.length;
        return;
      }
      // Plain lines: one per change of the counts (the ETA alone changing is not news).
      const plain = fleetLine(view, style, false);
      if (plain === lastLine) return;
      lastLine = plain;
      stream.write(`${new Date(view.now).toISOString().slice(11, 19)} ${line}\n`);
    },
    finish() {
      drawn = 0;
    },
  };
}

/** `wave 1/2  done 3/6  running 2  failed 0  throttled 0  ETA 12s` */
export function fleetLine({ progress: p, throttled, now }: FleetView, style: Style, withEta = true): string {
  const t = p.totals;
  const elapsed = now - Date.parse(p.startedAt);
  const eta = withEta && t.done > 0 && t.done < t.total ? ` ETA ${formatDurationMs(Math.round(((t.total - t.done) * elapsed) / t.done / 1000) * 1000)}` : '';
  const failed = t.failed > 0 ? style.red(`failed ${t.failed}`) : `failed ${t.failed}`;
  return (
    `wave ${Math.min(p.wave + 1, Math.max(p.waves, 1))}/${Math.max(p.waves, 1)}  done ${t.done}/${t.total}  running ${t.running}  ${failed}  ` +
    `throttled ${throttled}${t.skipped ? `  skipped ${t.skipped}` : ''}${eta}`
  );
}
