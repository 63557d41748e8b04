/**
 * Releases queued user ids at a rate of N users per minute (amoc's interarrival, expressed as a rate).
 *
 * Paced against a fixed epoch rather than by chained intervals, so timer lateness never accumulates: at any time
 * t after the epoch, floor(t * rate / 60 000) + 1 users have been released (the first one at once). The epoch
 * resets when the rate changes or when users are queued after the queue ran dry, so idle time is never "owed" as a
 * burst. Rate Infinity releases everything at once; rate 0 pauses.
 */
import { IdQueue } from './id-queue';

export class Spawner {
  private readonly queue = new IdQueue();
  private rate: number;
  private epoch = 0;
  private released = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(rate: number, private readonly spawn: (id: number) => void) {
    this.rate = rate;
  }

  get pending(): number {
    return this.queue.size;
  }

  get userRate(): number {
    return this.rate;
  }

  enqueue(from: number, to: number): void {
    if (this.stopped) return;
    const wasEmpty = this.queue.size === 0;
    this.queue.push(from, to);
    if (wasEmpty) this.resetEpoch();
    this.schedule(0);
  }

  setRate(rate: number): void {
    this.rate = rate;
    this.resetEpoch();
    this.schedule(0);
  }

  /** Cancels up to `n` queued ids, highest first; returns how many. */
  cancel(n: number): number {
    return this.queue.popBack(n);
  }

  stop(): number {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.queue.clear();
  }

  private resetEpoch(): void {
    this.epoch = performance.now();
    this.released = 0;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped || this.queue.size === 0 || this.rate <= 0) return;
    this.timer = setTimeout(() => this.tick(), delayMs);
  }

  private tick(): void {
    this.timer = undefined;
    const elapsed = performance.now() - this.epoch;
    const due = this.rate === Infinity ? Infinity : Math.floor((elapsed * this.rate) / 60_000) + 1 - this.released;
    for (let i = 0; i < due && this.queue.size > 0 && !this.stopped; i++) {
      const id = this.queue.shift()!;
      this.released++;
      this.spawn(id);
    }
    if (this.queue.size > 0 && this.rate !== Infinity) {
      const nextAt = this.epoch + (this.released * 60_000) / this.rate;
      this.schedule(Math.max(0, nextAt - performance.now()));
    }
  }
}
