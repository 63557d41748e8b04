/**
 * How the coordinator divides a cluster-wide quantity over the agents of a run: new users (contiguous id ranges in
 * proportion to workers), a remove count (in proportion to the users each agent has), the user rate (in
 * proportion to workers), and a lost agent's ids (over the survivors, in proportion to workers).
 *
 * Whole quantities use the largest-remainder method on exact integer arithmetic: each agent gets the floor of its
 * quota, and the units left over go to the largest remainders, ties to the earlier agent. The result depends only
 * on the inputs and their order, and always sums to the total exactly. Pure functions, no state.
 */
import type { IdRange } from '../protocol/cluster';

/** Ranges handed to one agent. */
export interface IdAssignment {
  agentId: string;
  ranges: IdRange[];
  /** Ids in `ranges`. */
  count: number;
}

/** Splits a whole `total` in proportion to whole `weights` (largest remainder, ties to the lower index). */
export function apportion(total: number, weights: readonly number[]): number[] {
  checkWhole(total, 'total');
  weights.forEach((w, i) => checkWhole(w, `weight ${i}`));
  const sum = weights.reduce((a, b) => a + b, 0);
  if (total === 0) return weights.map(() => 0);
  if (sum === 0) throw new RangeError(`cannot split ${total} over ${weights.length} shares that weigh nothing`);
  if (!Number.isSafeInteger(total * sum)) throw new RangeError(`cannot split ${total} over a weight of ${sum}: too large`);
  // total·w = floor·sum + remainder, in integers: no floating-point tie can make the result depend on rounding.
  const shares = weights.map((w) => Math.floor((total * w) / sum));
  const remainders = weights.map((w, i) => total * w - shares[i]! * sum);
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = weights.map((_, i) => i).sort((a, b) => remainders[b]! - remainders[a]! || a - b);
  for (const i of order) {
    if (left === 0) break;
    shares[i] += 1;
    left--;
  }
  return shares;
}

/**
 * Gives `count` new users, ids `nextId`..`nextId + count - 1`, to `agents` in proportion to their workers: each
 * agent one contiguous range, in the agents' order. Agents whose share is 0 are left out.
 *
 * With the users the agents already have (`users`), the new ones go where the whole would be furthest below its
 * share: a ramp that adds one user at a time alternates between two equal agents instead of giving every user to
 * the first (each single add alone would send its one user to the earliest agent on the tie).
 */
export function splitUsers(
  count: number,
  nextId: number,
  agents: readonly { agentId: string; workers: number; users?: number }[],
): { assignments: IdAssignment[]; nextId: number } {
  checkWhole(nextId, 'nextId');
  if (nextId < 1) throw new RangeError(`user ids start at 1 (nextId ${nextId})`);
  if (count > 0 && agents.length === 0) throw new RangeError(`no agent to give ${count} users to`);
  const shares = balancedShares(count, agents);
  const assignments: IdAssignment[] = [];
  let id = nextId;
  agents.forEach((agent, i) => {
    const n = shares[i]!;
    if (n === 0) return;
    assignments.push({ agentId: agent.agentId, ranges: [{ from: id, to: id + n - 1 }], count: n });
    id += n;
  });
  return { assignments, nextId: id };
}

/**
 * `count` split so that existing + new users come as close as whole numbers allow to the workers' proportion: the
 * whole's shares (largest remainder), then the new users over each agent's shortfall. A shortfall is never
 * exceeded (a proportional share of `count ≤ Σ shortfalls` is at most the shortfall), and the result sums to `count`.
 */
function balancedShares(count: number, agents: readonly { workers: number; users?: number }[]): number[] {
  const workers = agents.map((a) => a.workers);
  const users = agents.map((a) => a.users ?? 0);
  users.forEach((u, i) => checkWhole(u, `users of agent ${i}`));
  const existing = users.reduce((a, b) => a + b, 0);
  if (existing === 0 || count === 0) return apportion(count, workers);
  const targets = apportion(existing + count, workers);
  const shortfalls = targets.map((t, i) => Math.max(0, t - users[i]!));
  return apportion(count, shortfalls);
}

/**
 * Splits a remove count in proportion to the users each agent has (never more than it has); asking for more than
 * the cluster has removes them all. Agents with nothing to remove are left out.
 */
export function splitRemove(count: number, agents: readonly { agentId: string; users: number }[]): { agentId: string; count: number }[] {
  checkWhole(count, 'count');
  const total = agents.reduce((sum, a) => sum + a.users, 0);
  // A proportional share never exceeds an agent's users: floor(c·u/T) < u, and the +1 only goes to a fraction.
  const shares = apportion(Math.min(count, total), agents.map((a) => a.users));
  return agents.map((a, i) => ({ agentId: a.agentId, count: shares[i]! })).filter((r) => r.count > 0);
}

/** Splits a user rate (users per minute, any non-negative number) in proportion to workers. */
export function splitRate(userRate: number, agents: readonly { agentId: string; workers: number }[]): { agentId: string; userRate: number }[] {
  if (!(Number.isFinite(userRate) && userRate >= 0)) throw new RangeError(`invalid user rate ${userRate}`);
  agents.forEach((a) => checkWhole(a.workers, `workers of ${a.agentId}`));
  const workers = agents.reduce((sum, a) => sum + a.workers, 0);
  if (agents.length > 0 && workers === 0) throw new RangeError('cannot split a rate over agents without workers');
  return agents.map((a) => ({ agentId: a.agentId, userRate: (userRate * a.workers) / workers }));
}

/**
 * Re-splits ids (a lost agent's) over `agents` in proportion to their workers, keeping the ids: walking the ids in
 * ascending order, each agent takes its share of consecutive ids (possibly spanning several of the given ranges).
 */
export function resplitRanges(ranges: readonly IdRange[], agents: readonly { agentId: string; workers: number }[]): IdAssignment[] {
  const ids = normalizeRanges(ranges);
  const total = countIds(ids);
  if (total > 0 && agents.length === 0) throw new RangeError(`no agent to give ${total} users to`);
  const shares = apportion(total, agents.map((a) => a.workers));
  const assignments: IdAssignment[] = [];
  let cursor = 0;
  agents.forEach((agent, i) => {
    const n = shares[i]!;
    if (n === 0) return;
    assignments.push({ agentId: agent.agentId, ranges: sliceIds(ids, cursor, n), count: n });
    cursor += n;
  });
  return assignments;
}

/** The `n` lowest ids of `ranges` (all of them when there are fewer). */
export function lowestIds(ranges: readonly IdRange[], n: number): IdRange[] {
  checkWhole(n, 'n');
  return sliceIds(normalizeRanges(ranges), 0, n);
}

/** How many ids the ranges hold (overlaps counted once). */
export function countIds(ranges: readonly IdRange[]): number {
  return normalizeRanges(ranges).reduce((sum, r) => sum + r.to - r.from + 1, 0);
}

/** Sorted, overlaps and adjacent ranges joined. Throws on a malformed range. */
export function normalizeRanges(ranges: readonly IdRange[]): IdRange[] {
  for (const r of ranges) {
    if (!Number.isSafeInteger(r.from) || !Number.isSafeInteger(r.to) || r.from < 1 || r.to < r.from) {
      throw new RangeError(`invalid id range ${r.from}..${r.to}`);
    }
  }
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const out: IdRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else out.push({ from: r.from, to: r.to });
  }
  return out;
}

/** `n` consecutive ids of normalized `ranges`, skipping the first `skip`. */
function sliceIds(ranges: readonly IdRange[], skip: number, n: number): IdRange[] {
  const out: IdRange[] = [];
  let toSkip = skip;
  let left = n;
  for (const r of ranges) {
    if (left === 0) break;
    const size = r.to - r.from + 1;
    if (toSkip >= size) {
      toSkip -= size;
      continue;
    }
    const from = r.from + toSkip;
    const take = Math.min(left, r.to - from + 1);
    out.push({ from, to: from + take - 1 });
    left -= take;
    toSkip = 0;
  }
  return out;
}

function checkWhole(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number >= 0 (got ${n})`);
}
