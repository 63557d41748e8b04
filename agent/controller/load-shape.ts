/**
 * Follows a load shape (a plan's stages as a timeline) by adding and removing users on the controller: at each
 * point the target count (running + queued) is moved to the point's count. Removal is graceful, as a ramp down
 * should be. One timer at a time, chained, whatever the number of points.
 *
 * The shape lasts until `endAt` (the stages' whole duration), which may be after its last point: a trailing `hold`
 * adds time but no point, and a run must not end when the ramp before it does.
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

  private readonly endAt: number;

  /** `endAt`: ms from the start when the shape is done (default: its last point). */
  constructor(private readonly controller: Steerable, private readonly timeline: readonly TimelinePoint[], endAt?: number) {
    const lastPoint = timeline.length === 0 ? 0 : timeline[timeline.length - 1].at;
    this.endAt = Math.max(lastPoint, endAt ?? 0);
  }

  /** Milliseconds from the start to the end of the shape. */
  get length(): number {
    return this.endAt;
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
      if (elapsed < this.endAt) {
        this.timer = setTimeout(() => this.next(), this.endAt - elapsed);
        return;
      }
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
