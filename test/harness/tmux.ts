/**
 * A real terminal for CLI tests: a detached tmux session of a given size, on a tmux server of its
 * own (`-L`), running one shell command; its screen and scrollback are read with `capture-pane`.
 * What a person sees is what the test checks: rows the terminal wrapped, what a redraw left behind.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

export interface TmuxOptions {
  width: number;
  height: number;
  /** A shell command line; the session keeps its screen after the command ended. */
  command: string;
  cwd: string;
  env?: Record<string, string>;
}

/** Printed once the command ends: `[exited <code>]`. */
const EXITED = /\[exited (\d+)\]/;

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export class TmuxSession {
  private constructor(
    private readonly socket: string,
    readonly width: number,
  ) {}

  static start(options: TmuxOptions): TmuxSession {
    const socket = `scf-release-test-${randomUUID().slice(0, 8)}`;
    const env = Object.entries(options.env ?? {})
      .map(([name, value]) => `${name}=${shellQuote(value)}`)
      .join(' ');
    // The shell stays after the command, so its last screen can be read; the exit code is printed.
    const script = `cd ${shellQuote(options.cwd)} && env ${env} sh -c ${shellQuote(options.command)}; echo "[exited $?]"; sleep 3600`;
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'cli', '-x', String(options.width), '-y', String(options.height), script]);
    // Keep every row that scrolled away, for the checks on the whole output.
    execFileSync('tmux', ['-L', socket, 'set-option', '-t', 'cli', 'history-limit', '50000']);
    return new TmuxSession(socket, options.width);
  }

  /**
   * The screen and its scrollback as text. `joined`: rows the terminal wrapped are joined back into
   * the line that was written, so a line wider than the terminal shows as one long line.
   */
  capture(options: { joined?: boolean } = {}): string {
    return execFileSync('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', 'cli', '-S', '-', ...(options.joined ? ['-J'] : [])], {
      encoding: 'utf8',
    });
  }

  /** Polls the screen until the command has ended; returns its exit code. */
  async waitForExit(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const exited = EXITED.exec(this.capture());
      if (exited) return Number(exited[1]);
      if (Date.now() > deadline) throw new Error(`the command in tmux did not end within ${timeoutMs} ms; screen:\n${this.capture()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  kill(): void {
    try {
      execFileSync('tmux', ['-L', this.socket, 'kill-server']);
    } catch {
      // already gone
    }
  }
}
