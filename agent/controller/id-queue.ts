/**
 * User ids waiting to be spawned, as ranges so that queuing a million users costs two numbers, not a million.
 * Ids leave from the front (lowest first); cancellation takes from the back (highest first).
 */
export class IdQueue {
  /** Inclusive ranges in ascending order. */
  private ranges: [number, number][] = [];
  private total = 0;

  get size(): number {
    return this.total;
  }

  push(from: number, to: number): void {
    if (to < from) return;
    const last = this.ranges[this.ranges.length - 1];
    if (last && last[1] + 1 === from) last[1] = to;
    else this.ranges.push([from, to]);
    this.total += to - from + 1;
  }

  shift(): number | undefined {
    const first = this.ranges[0];
    if (!first) return undefined;
    const id = first[0];
    if (first[0] === first[1]) this.ranges.shift();
    else first[0]++;
    this.total--;
    return id;
  }

  /** Removes up to `n` ids from the back; returns how many were removed. */
  popBack(n: number): number {
    let removed = 0;
    while (removed < n && this.ranges.length > 0) {
      const last = this.ranges[this.ranges.length - 1];
      const take = Math.min(n - removed, last[1] - last[0] + 1);
      last[1] -= take;
      if (last[1] < last[0]) this.ranges.pop();
      removed += take;
    }
    this.total -= removed;
    return removed;
  }

  clear(): number {
    const n = this.total;
    this.ranges = [];
    this.total = 0;
    return n;
  }
}
