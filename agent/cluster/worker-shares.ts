/**
 * How an agent divides work among its worker threads: user ids in equal, contiguous shares (each worker's ids stay
 * together, as the coordinator keeps each agent's together), and counts in proportion to what each worker holds.
 */
import { RookeryError } from '../common/errors';
import type { IdRange } from '../protocol/cluster';

/** `total` split into `parts` integers differing by at most one, the larger ones first. */
export function equalShares(total: number, parts: number): number[] {
  if (!Number.isInteger(parts) || parts < 1) throw new RookeryError('ROOKERY_INTERNAL', `cannot split into ${parts} parts`);
  if (!Number.isSafeInteger(total) || total < 0) throw new RookeryError('ROOKERY_INTERNAL', `cannot split ${total}: give a non-negative integer`);
  const base = Math.floor(total / parts);
  const extra = total % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

function checkRange(range: IdRange): void {
  const { from, to } = range;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || to < from) {
    throw new RookeryError('ROOKERY_USAGE', `invalid user id range ${String(from)}..${String(to)}`);
  }
}

/**
 * Splits id ranges into `parts` shares of equal size (see equalShares), walking the ids in the order given, so each
 * share is one contiguous run of those ids (several ranges only where the input itself had a gap). A share may be
 * empty when there are fewer ids than parts.
 */
export function splitRanges(ranges: readonly IdRange[], parts: number): IdRange[][] {
  for (const range of ranges) checkRange(range);
  const total = ranges.reduce((sum, r) => sum + (r.to - r.from + 1), 0);
  const shares = equalShares(total, parts);
  const out: IdRange[][] = shares.map(() => []);
  let index = 0;
  let next = ranges[0]?.from ?? 0;
  for (let part = 0; part < parts; part++) {
    let need = shares[part]!;
    while (need > 0) {
      const range = ranges[index]!;
      const take = Math.min(need, range.to - next + 1);
      const piece = { from: next, to: next + take - 1 };
      const last = out[part]!.at(-1);
      // Adjacent input ranges ([1..3], [4..6]) become one range: fewer, larger ranges for the worker's queue.
      if (last && last.to + 1 === piece.from) last.to = piece.to;
      else out[part]!.push(piece);
      need -= take;
      next += take;
      if (next > range.to) {
        index++;
        next = ranges[index]?.from ?? 0;
      }
    }
  }
  return out;
}

/**
 * `count` split in proportion to `weights` (largest remainders, ties to the lower index), never giving a part more
 * than its weight while the weights can absorb the count; what exceeds their sum is split equally. All-zero
 * weights split equally. Used to remove users from each worker in proportion to the users it holds.
 */
export function proportionalShares(count: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(count) || count < 0) throw new RookeryError('ROOKERY_USAGE', `cannot share ${count}: give a non-negative integer`);
  if (weights.length === 0) throw new RookeryError('ROOKERY_INTERNAL', 'cannot share among no parts');
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) throw new RookeryError('ROOKERY_INTERNAL', `invalid weight ${w}`);
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return equalShares(count, weights.length);
  const within = Math.min(count, sum);
  // Integer arithmetic (quotient and remainder of within·w / sum): no rounding error can over-allocate.
  const remainders = weights.map((w) => (within * w) % sum);
  const shares = weights.map((w, i) => (within * w - remainders[i]!) / sum);
  let left = within - shares.reduce((a, b) => a + b, 0);
  const order = remainders.map((remainder, i) => ({ i, remainder })).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of order) {
    if (left === 0) break;
    shares[i]!++;
    left--;
  }
  const beyond = equalShares(count - within, weights.length);
  return shares.map((share, i) => share + beyond[i]!);
}
