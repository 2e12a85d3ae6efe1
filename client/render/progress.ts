/**
 * Live progress of a running release: the one progress renderer of the CLI. On a TTY the whole
 * picture (phase, regions, traffic bar, recent steps) is redrawn in place by log-update, which
 * counts the rows the terminal wrapped a line into (not the lines written), so a redraw never leaves
 * stale lines above it; every line is also fitted to the terminal's width as it is now. Elsewhere
 * (CI logs, pipes, `--json`'s stderr) only what changed is printed, one plain line per change.
 */
import logUpdate from 'log-update';
import type { FleetProgress, RegionResult, ReleaseProgress, StepRecord } from '../../workflows/definitions';
import { formatDurationMs } from '../../workflows/durations';
import { aliasText, errorText } from './summary';
import { gateStatusLines } from './gate';
import { renderTable } from './table';
import { bar, fitLine, styleFor, terminalWidth, type Style } from './text';
import { verificationText } from './verification';

export interface ProgressRenderer {
  update(progress: ReleaseProgress): void;
  /** Leaves the last picture on screen (without its transient lines); call before printing the summary. */
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

function stateText(region: RegionResult, style: Style): string {
  return region.state === 'done' ? style.green(region.state) : region.state === 'failed' ? style.red(region.state) : region.state;
}

/**
 * The picture of a release's progress, each line at most `width` columns. `final`: without what
 * only matters while it runs (the last error, which the summary reports once).
 */
export function progressLines(p: ReleaseProgress, workflowId: string, style: Style, width?: number, final = false, recentSteps = RECENT_STEPS): string[] {
  const fit = (line: string) => fitLine(line, width);
  const regions = renderTable(
    ['REGION', 'ACTION', 'STATE', 'VERSION', 'ALIAS', 'VERIFICATION'],
    p.regions.map((r) => [r.region, r.action, stateText(r, style), r.version ? `v${r.version}` : '', aliasText(r), verificationText(r)]),
    { width: width && width - 2, optional: ['ACTION'] },
  )
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`);
  return [
    fit(`${style.bold(workflowId)}  phase ${style.bold(p.phase)}`),
    ...regions,
    ...(p.trafficPercent !== undefined ? [fit(`  traffic ${bar(p.trafficPercent)}`)] : []),
    ...gateStatusLines(p).map((line) => fit(`  ${line}`)),
    ...p.steps.slice(p.steps.length - recentSteps).map((step) => fit(`    ${stepLine(step, style)}`)),
    ...(p.awaitingApproval ? [fit(style.yellow(`  waiting for approval: scf-release approve ${workflowId}${approvalDeadlineNote(p)}`))] : []),
    ...(p.lastError && !final ? [fit(style.red(`  last error: ${errorText(p.lastError)}`))] : []),
  ];
}

class RedrawingRenderer implements ProgressRenderer {
  private readonly style: Style;
  private readonly draw: ReturnType<typeof logUpdate.create>;
  private last?: ReleaseProgress;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly workflowId: string,
  ) {
    this.style = styleFor(stream);
    this.draw = logUpdate.create(stream as NodeJS.WriteStream, { showCursor: true });
  }

  private frame(p: ReleaseProgress, final: boolean): string {
    // One column spare: a line that fills the last column leaves some terminals a row behind.
    const width = terminalWidth(this.stream);
    // A picture taller than the screen cannot be erased (its top has scrolled away): fewer steps then.
    const rows = (this.stream as { rows?: number }).rows;
    let lines: string[];
    for (let steps = RECENT_STEPS; ; steps--) {
      lines = progressLines(p, this.workflowId, this.style, width && width - 1, final, steps);
      if (!rows || steps === 0 || lines.length < rows) break;
    }
    return lines.join('\n');
  }

  update(p: ReleaseProgress): void {
    this.last = p;
    this.draw(this.frame(p, false));
  }

  finish(): void {
    if (this.last) this.draw(this.frame(this.last, true));
    this.draw.done();
  }
}

class LineRenderer implements ProgressRenderer {
  private phase?: string;
  private traffic?: number;
  private approval = false;
  private readonly gateLines = new Set<string>();
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
      const state = `${region.state}|${region.version ?? ''}|${aliasText(region)}`;
      if (this.regionStates.get(region.region) !== state) {
        this.regionStates.set(region.region, state);
        const version = region.version ? ` v${region.version}` : '';
        const alias = region.alias ? `, alias ${aliasText(region)}` : '';
        this.say(`  ${region.region} ${region.action} ${region.state}${version}${alias}`);
      }
    }
    if (p.trafficPercent !== undefined && p.trafficPercent !== this.traffic) this.say(`  traffic ${p.trafficPercent}%`);
    this.traffic = p.trafficPercent;
    for (const line of gateStatusLines(p)) {
      if (!this.gateLines.has(line)) this.say(`  ${line}`);
      this.gateLines.add(line);
    }
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
  // The same redraw as a release's: log-update counts wrapped rows, every line fitted to the width.
  const draw = tty ? logUpdate.create(stream as NodeJS.WriteStream, { showCursor: true }) : undefined;
  let lastLine = '';
  return {
    update(view) {
      if (draw) {
        draw(fleetProgressLines(view, workflowId, style, terminalWidth(stream)).join('\n'));
        return;
      }
      const line = fleetLine(view, style);
      // Plain lines: one per change of the counts (the ETA alone changing is not news).
      const plain = fleetLine(view, style, false);
      if (plain === lastLine) return;
      lastLine = plain;
      stream.write(`${new Date(view.now).toISOString().slice(11, 19)} ${line}\n`);
    },
    finish() {
      draw?.done();
    },
  };
}

/** The fleet's picture: the counts line, a bar, what runs, why it stopped; each fitted to `width`. Drawn live, or once by `status`. */
export function fleetProgressLines(view: FleetView, workflowId: string, style: Style, width?: number): string[] {
  const p = view.progress;
  const fit = (text: string) => fitLine(text, width && width - 1);
  return [
    `${style.bold(workflowId)}  ${fleetLine(view, style)}`,
    `  ${bar(p.totals.total ? Math.round((100 * p.totals.done) / p.totals.total) : 0)}`,
    ...(p.running.length ? [`  running: ${p.running.slice(0, 8).join(', ')}${p.running.length > 8 ? `, +${p.running.length - 8}` : ''}`] : []),
    ...(p.stopped ? [style.yellow(`  stopped: ${p.stopped}`)] : []),
    ...(p.aborted ? [style.yellow(`  aborting (by ${p.aborted.by}: ${p.aborted.reason})`)] : []),
  ].map(fit);
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
