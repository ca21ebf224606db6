// "Did you mean": the closest known word by edit distance, counting a swap of two neighbouring
// letters as one edit (`/slign` → `/sling`), or the only word the input starts (`/conv`).

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      let best = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/**
 * The candidate closest to `input`, or null when none is close: within 2 edits (1 for inputs of
 * 3 letters or fewer) and nearer than the input is long; failing that, the only candidate that
 * starts with an input of 3 letters or more. Ties go to the earlier candidate.
 */
export function closestMatch(input: string, candidates: readonly string[]): string | null {
  const word = input.toLowerCase();
  const limit = word.length <= 3 ? 1 : 2;
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== null && bestDistance <= limit && bestDistance < word.length) return best;
  if (word.length >= 3) {
    const starts = candidates.filter((candidate) => candidate.toLowerCase().startsWith(word));
    if (starts.length === 1) return starts[0] as string;
  }
  return null;
}
