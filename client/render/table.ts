/**
 * The one table helper of the CLI (cli-table3, no borders): columns as wide as their content, and,
 * given a width (a TTY's columns), narrowed to fit it: text wraps at words, a long word (an id) is cut
 * with `…`. Without a width (a pipe, a file) nothing is cut, so output greps and diffs cleanly.
 */
import { formatDurationMs } from '../../workflows/durations';
import Table from 'cli-table3';
import { visibleWidth } from './text';

const NO_BORDERS = Object.fromEntries(
  ['top', 'top-mid', 'top-left', 'top-right', 'bottom', 'bottom-mid', 'bottom-left', 'bottom-right', 'left', 'left-mid', 'mid', 'mid-mid', 'right', 'right-mid', 'middle'].map(
    (name) => [name, ''],
  ),
);
const GAP = 2;
/** A column is never narrowed below this (or its header). */
const MIN_COLUMN = 6;
/** A column of words wraps down to this before any column of ids is cut. */
const MIN_WRAPPED = 12;

export interface TableOptions {
  /** Fit the table into this many columns; undefined: as wide as the content. */
  width?: number;
  /** Headers of columns to leave out, in this order, while the rest does not fit `width` without cutting ids. */
  optional?: string[];
  /** Headers of columns never cut (ids to copy): the others give way. */
  keep?: string[];
}

interface Column {
  header: string;
  natural: number;
  /** Holds words (spaces): it wraps, where a column of ids would be cut. */
  wraps: boolean;
  keep: boolean;
}

/** Column widths (gap included) that fit `width`: columns of words wrap first, widest first; then ids are cut. */
function columnWidths(columns: Column[], width: number | undefined): number[] {
  const widths = columns.map((c) => c.natural + GAP);
  if (width === undefined) return widths;
  let total = widths.reduce((a, b) => a + b, 0);
  const floors = [
    (c: Column) => (c.wraps && !c.keep ? Math.min(c.natural, MIN_WRAPPED) : c.natural),
    (c: Column) => (c.keep ? c.natural : Math.min(c.natural, Math.max(MIN_COLUMN, visibleWidth(c.header)))),
  ];
  for (const floorFor of floors) {
    while (total > width) {
      let widest = -1;
      widths.forEach((w, i) => {
        if (w > floorFor(columns[i]!) + GAP && (widest < 0 || w > widths[widest]!)) widest = i;
      });
      if (widest < 0) break;
      widths[widest]!--;
      total--;
    }
  }
  return widths;
}

/** What the table needs at least before cutting ids: wrapped columns at their floor, the others whole. */
function leastWidth(columns: Column[]): number {
  return columns.reduce((sum, c) => sum + (c.wraps ? Math.min(c.natural, MIN_WRAPPED) : c.natural) + GAP, 0);
}

export function renderTable(headers: string[], rows: string[][], options: TableOptions = {}): string {
  // The last column needs no gap after it.
  const width = options.width === undefined ? undefined : options.width + GAP;
  let columns: Column[] = headers.map((header, i) => ({
    header,
    natural: Math.max(visibleWidth(header), ...rows.map((row) => visibleWidth(row[i] ?? ''))),
    wraps: rows.some((row) => (row[i] ?? '').includes(' ')),
    keep: options.keep?.includes(header) ?? false,
  }));
  let kept = headers.map((_, i) => i);
  for (const optional of options.optional ?? []) {
    if (width === undefined || leastWidth(columns) <= width) break;
    const at = columns.findIndex((c) => c.header === optional);
    if (at < 0) continue;
    columns = columns.filter((_, i) => i !== at);
    kept = kept.filter((_, i) => i !== at);
  }
  const widths = columnWidths(columns, width);
  const table = new Table({
    head: columns.map((c) => c.header),
    colWidths: widths,
    wordWrap: true,
    wrapOnWordBoundary: true,
    chars: NO_BORDERS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': GAP, compact: true },
  });
  table.push(widths.map((w, i) => '-'.repeat(Math.min(columns[i]!.natural, w - GAP))), ...rows.map((row) => kept.map((i) => row[i] ?? '')));
  return `${table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}

/** `2025-01-31T08:00:00.000Z` → `2025-01-31 08:00:00Z`: shorter, still unambiguous. */
export function shortTime(iso: string | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

/** A step's or run's length in the one duration grammar (`450ms`, `1.2s`, `1m15s`, `1h15m`). */
export function durationText(startIso: string, endIso: string | undefined): string {
  return endIso ? formatDurationMs(Date.parse(endIso) - Date.parse(startIso)) : '';
}
