/**
 * Follows a load shape (a plan's stages as a timeline) by adding and removing users on the controller: at each
 * point the target count (running + queued) is moved to the point's count. Removal is graceful, as a ramp down
 * should be. One timer at a time, chained, whatever the number of points.
 */
import type { TimelinePoint } from '../protocol/plan';

/** What the shape needs of a controller. */
export interface Steerable {
  readonly targetUsers: number;
  add(n: number): unknown;
  remove(n: number, options?: { force?: boolean }): unknown;
}

export class LoadShape {
  private timer: NodeJS.Timeout | undefined;
  private index = 0;
  private startedAt = 0;
  private finished = false;
  private onDone: (() => void) | undefined;

  constructor(private readonly controller: Steerable, private readonly timeline: readonly TimelinePoint[]) {}

  /** Milliseconds from the start to the last point. */
  get length(): number {
    return this.timeline.length === 0 ? 0 : this.timeline[this.timeline.length - 1].at;
  }

  /** Starts following the timeline; `done` is called after the last point was applied. */
  start(done?: () => void): void {
    this.onDone = done;
    this.startedAt = performance.now();
    this.next();
  }

  stop(): void {
    this.finished = true;
    clearTimeout(this.timer);
  }

  private next(): void {
    if (this.finished) return;
    const elapsed = performance.now() - this.startedAt;
    while (this.index < this.timeline.length && this.timeline[this.index].at <= elapsed) {
      this.apply(this.timeline[this.index].users);
      this.index++;
    }
    if (this.index >= this.timeline.length) {
      this.finished = true;
      this.onDone?.();
      return;
    }
    this.timer = setTimeout(() => this.next(), Math.max(0, this.timeline[this.index].at - elapsed));
  }

  private apply(users: number): void {
    const diff = users - this.controller.targetUsers;
    if (diff > 0) this.controller.add(diff);
    else if (diff < 0) this.controller.remove(-diff);
  }
}
