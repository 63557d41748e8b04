/**
 * Distinct pairs of a batch, as amoc_coordinator defines them: every unordered pair once, never an item with itself,
 * and a lone item paired with `undefined` so that a batch of one still reaches a pair action.
 */

/**
 * `[a]` → `[[a, undefined]]`; `[a, b]` → `[[a, b]]`; `[a, b, c]` → `[[a, b], [a, c], [b, c]]`; `[]` → `[]`.
 * Pairs come in the order amoc forms them: the first item with each later one, then the second with each later
 * one, and so on.
 */
export function distinctPairs<T>(items: readonly T[]): [T, T | undefined][] {
  if (items.length === 1) return [[items[0], undefined]];
  const pairs: [T, T | undefined][] = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) pairs.push([items[i], items[j]]);
  }
  return pairs;
}
