/**
 * "Did you mean …?" for unknown names (plan keys, variables, options): the closest known name by edit distance,
 * when it is close enough to be a likely typo.
 */

/**
 * Edit distance with adjacent transpositions (optimal string alignment), case-insensitive: "levle" is one edit from
 * "level", as a typist sees it, not two.
 */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j], beforePrevious[j - 2] + 1);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length];
}

/** The known name closest to `name`, if within a third of its length (at least 1, at most 3 edits). */
export function didYouMean(name: string, known: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** ` (did you mean "x"?)` or an empty string, for appending to a message. */
export function suggestionSuffix(name: string, known: Iterable<string>): string {
  const s = didYouMean(name, known);
  return s === undefined ? '' : ` (did you mean "${s}"?)`;
}
