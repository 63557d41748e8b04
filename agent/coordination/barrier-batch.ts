/**
 * One plan item's batch: the users gathered since it last fired and the size that fills it. Pure state, no timers
 * and no actions — the barrier decides when to fire and runs the actions.
 */
import type { BarrierUser, BatchSize } from './barrier-plan';

export class BarrierBatch<D> {
  /** In `add` order; handed out most recent first, the order amoc's coordinator accumulates them in. */
  private users: BarrierUser<D>[] = [];
  /** The size that fills the current batch; `Infinity` for `'all'`, which only a drain empties. */
  private required: number;

  constructor(
    private readonly size: BatchSize,
    private readonly random: () => number,
  ) {
    this.required = this.drawSize();
  }

  /** Adds a user; returns the batch if that filled it (and starts the next one, with a new size for ranges). */
  add(user: BarrierUser<D>): BarrierUser<D>[] | undefined {
    this.users.push(user);
    return this.users.length >= this.required ? this.drain() : undefined;
  }

  /** Empties the batch, returning whoever was in it (possibly nobody), and draws the next size. */
  drain(): BarrierUser<D>[] {
    const batch = this.users.reverse();
    this.users = [];
    this.required = this.drawSize();
    return batch;
  }

  /** Users waiting in the current batch. */
  get waiting(): number {
    return this.users.length;
  }

  /** The size that will fill the current batch (`Infinity` for `'all'`). */
  get filledAt(): number {
    return this.required;
  }

  private drawSize(): number {
    switch (this.size.kind) {
      case 'fixed':
        return this.size.size;
      case 'all':
        return Infinity;
      case 'range': {
        const { min, max } = this.size;
        // Clamp: a generator stepping outside [0, 1) (1, -0.1, NaN) must still give a size that can fill.
        const r = this.random();
        const step = Number.isFinite(r) ? Math.floor(r * (max - min + 1)) : 0;
        return Math.max(min, Math.min(max, min + step));
      }
    }
  }
}
