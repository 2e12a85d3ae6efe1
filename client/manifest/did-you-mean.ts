/**
 * "did you mean ...?" for a misspelt region or field: the known word nearest to what was typed, when
 * it is near enough to be the likely intent (a swapped pair of letters counts as one edit).
 */

/** Edits (insert, delete, substitute, swap two neighbours) between `a` and `b`: optimal string alignment. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The known word `typed` most likely meant, or undefined when none is close (about one edit in three letters). */
export function closest(typed: string, known: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  let best: { word: string; distance: number } | undefined;
  for (const word of known) {
    const distance = editDistance(lower, word.toLowerCase());
    if (!best || distance < best.distance) best = { word, distance };
  }
  if (!best || best.word === typed) return undefined;
  return best.distance <= Math.max(1, Math.floor(typed.length / 3)) ? best.word : undefined;
}

/** ` — did you mean X?` to end a message with, or '' when nothing is close. */
export function didYouMean(typed: string, known: readonly string[], quote = false): string {
  const match = closest(typed, known);
  return match ? ` — did you mean ${quote ? `"${match}"` : match}?` : '';
}
