/** Small text helpers shared by the renderers: fixed-width columns and optional colour. */

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

export function pad(s: string, width: number): string {
  return s.length >= width ? `${s} ` : s + ' '.repeat(width - s.length);
}

export function shortSha(sha: string | undefined): string {
  return sha ? sha.slice(0, 12) : '-';
}

export function bar(percent: number, width = 20): string {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}%`;
}
