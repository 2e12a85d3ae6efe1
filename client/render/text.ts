/**
 * Small text helpers shared by the renderers: optional colour, and widths as the terminal counts
 * them (colour codes take no column, CJK characters take two), so colour never shifts a column.
 */
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
}

const ansi = (code: number) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;

/** Colour only on a TTY and only when NO_COLOR is unset (https://no-color.org). */
export function styleFor(stream: NodeJS.WritableStream): Style {
  const on = Boolean((stream as { isTTY?: boolean }).isTTY) && !process.env.NO_COLOR;
  const plain = (s: string) => s;
  return on
    ? { bold: ansi(1), dim: ansi(2), green: ansi(32), red: ansi(31), yellow: ansi(33) }
    : { bold: plain, dim: plain, green: plain, red: plain, yellow: plain };
}

/** The terminal's width for a TTY; undefined for a pipe or a file, whose lines are never cut. */
export function terminalWidth(stream: NodeJS.WritableStream): number | undefined {
  const tty = stream as { isTTY?: boolean; columns?: number };
  return tty.isTTY && tty.columns ? tty.columns : undefined;
}

/** Columns `s` takes on screen. */
export function visibleWidth(s: string): number {
  return stringWidth(s);
}

/** `s` padded with spaces to `width` columns (at least one space after it). */
export function pad(s: string, width: number): string {
  const w = stringWidth(s);
  return w >= width ? `${s} ` : s + ' '.repeat(width - w);
}

// An escape sequence (CSI ... letter), or one code point.
const TOKEN = /\x1b\[[0-9;]*[A-Za-z]|[\s\S]/gu;

/** At most `width` columns of `s`, ending in `…` when cut; colour codes are kept and closed. */
export function fitLine(s: string, width: number | undefined): string {
  if (width === undefined || stringWidth(s) <= width) return s;
  let out = '';
  let used = 0;
  let coloured = false;
  for (const [token] of s.matchAll(TOKEN)) {
    if (token.startsWith('\x1b[')) {
      out += token;
      coloured = token !== '\x1b[0m';
      continue;
    }
    const w = stringWidth(token);
    if (used + w > width - 1) break;
    out += token;
    used += w;
  }
  return `${out}…${coloured ? '\x1b[0m' : ''}`;
}

/**
 * A paragraph wrapped at words to `width` columns (a TTY's), colour codes kept: warnings and notes
 * are read whole, so they wrap where a table cell is cut. No width (a pipe): unchanged.
 */
export function wrapToWidth(text: string, width: number | undefined): string {
  return width === undefined ? text : wrapAnsi(text, Math.max(width - 1, 20), { hard: true, trim: false });
}

/** One line, at most `max` columns, cut at a word where one is near: messages can carry whole stack traces. */
export function oneLine(text: string, max = Infinity): string {
  const flat = text.replace(/\\n/g, ' ').replace(/\s+/g, ' ').trim();
  if (stringWidth(flat) <= max) return flat;
  const cut = fitLine(flat, max).slice(0, -1);
  const space = cut.lastIndexOf(' ');
  return `${space > cut.length * 0.6 ? cut.slice(0, space) : cut}…`;
}

export function shortSha(sha: string | undefined): string {
  return sha ? sha.slice(0, 12) : '-';
}

export function bar(percent: number, width = 20): string {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}%`;
}
