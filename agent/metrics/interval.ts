/**
 * The 1-second interval clock: calls back once per whole wall-clock second so that every node's snapshots cover
 * the same seconds and can be merged second by second.
 *
 * Intervals are [k·1000, (k+1)·1000) in `Date.now()` terms, except the first, which starts at `start()`, and the
 * last, which ends at `stop()`. Each timer is set for the next boundary from the current time (drift-corrected,
 * never a fixed `setInterval` period) and unref'd, so the clock alone keeps no process alive.
 *
 * A late timer (an event loop blocked for more than a second) produces ONE interval from the last end to the
 * latest boundary passed, rather than several made-up empty seconds: what was recorded during the block cannot be
 * split among them. An early timer, or a wall clock stepped backwards, produces nothing until a boundary is
 * really passed, so intervals never overlap and never repeat.
 */
import { RookeryError } from '../common/errors';

export const INTERVAL_MS = 1000;

/** What to call at each boundary: the interval closed, and whether it is the last one (from `stop()`). */
export type IntervalCallback<T> = (start: number, end: number, final: boolean) => T;

export interface IntervalClockOptions {
  /** Wall clock in ms; `Date.now` by default (tests inject their own). */
  now?: () => number;
  /**
   * Called with what the callback threw at a timer boundary (the clock keeps going). Without it the error is
   * rethrown from the timer, i.e. becomes an uncaught exception. Errors thrown during `stop()` reach its caller.
   */
  onError?: (error: unknown) => void;
}

/** The end of the interval to close at time `now`, or undefined if no boundary after `lastEnd` has passed. */
export function closableEnd(lastEnd: number, now: number): number | undefined {
  const boundary = Math.floor(now / INTERVAL_MS) * INTERVAL_MS;
  return boundary > lastEnd ? boundary : undefined;
}

export class IntervalClock<T = unknown> {
  private readonly now: () => number;
  private readonly onError: ((error: unknown) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private lastEnd = 0;

  constructor(
    private readonly callback: IntervalCallback<T>,
    options: IntervalClockOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.onError = options.onError;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts the first interval now; returns its start time. */
  start(): number {
    if (this.running) throw new RookeryError('ROOKERY_INTERNAL', 'the interval clock is already running');
    const now = this.now();
    this.running = true;
    this.lastEnd = now;
    this.schedule(now);
    return now;
  }

  /**
   * Closes the final interval [last end, now] synchronously (even if shorter than a second, or empty) and returns
   * what the callback returned for it. Returns undefined, doing nothing, if the clock is not running.
   */
  stop(): T | undefined {
    if (!this.running) return undefined;
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    const start = this.lastEnd;
    const end = Math.max(start, this.now());
    this.lastEnd = end;
    return this.callback(start, end, true);
  }

  private schedule(now: number): void {
    const next = (Math.floor(now / INTERVAL_MS) + 1) * INTERVAL_MS;
    this.timer = setTimeout(this.tick, next - now);
    this.timer.unref();
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    if (!this.running) return;
    const now = this.now();
    const end = closableEnd(this.lastEnd, now);
    // Schedule first: the callback may throw, or call stop() (which then clears this timer).
    this.schedule(now);
    if (end === undefined) return;
    const start = this.lastEnd;
    this.lastEnd = end;
    try {
      this.callback(start, end, false);
    } catch (error) {
      if (this.onError) this.onError(error);
      else throw error;
    }
  };
}
