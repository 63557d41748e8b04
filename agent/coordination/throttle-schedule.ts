/**
 * The scheduling core of one throttle: a FIFO queue of waiters and the rule that decides when the head may run,
 * for a limit (`rate` per `interval`) that can be replaced at any moment — by the user, a gradual change, or
 * later by a cluster coordinator handing this node a share of a global rate.
 *
 * Two conditions must both hold to grant an execution at time t (`interval > 0`, finite `rate`):
 *
 *   spacing   t ≥ last grant + interval / rate          executions are spread evenly, never a burst
 *   window    fewer than cap grants in (t − W, t]       the hard guarantee, whatever happened before
 *
 * where cap = max(1, ⌊rate⌋) and W = interval (or interval / rate when rate < 1: one execution per W). Spacing
 * alone would suffice for a constant rate, but not across a change: after 20/s drops to 10/s the old,
 * tighter grants are still inside the window, and only the window condition holds the new rate there. Each
 * sliding window therefore holds at most the rate in effect at its last execution, i.e. never more than the old
 * or the new rate. A fractional rate is honoured from below (⌊rate⌋ per window), never rounded up.
 *
 * Grant times are kept for the longest window set since the last unlock; an unlocked throttle (`rate: Infinity`)
 * records nothing (it may run millions a second), so re-limiting it starts a fresh window. `interval: 0` is a
 * concurrency cap: at most ⌊rate⌋ granted and not yet released. One timer per schedule, re-armed for the head
 * only; a timer that fires early (Node's ms timers versus `performance.now()`) is simply re-armed.
 */
import { performance } from 'node:perf_hooks';

/** Ends an execution: frees a concurrency slot (`interval: 0`); harmless otherwise. Idempotent. */
export type Release = () => void;

/** A normalised limit: `rate` executions per `interval` ms. `rate` may be 0 (paused) or Infinity (unlocked). */
export interface RateLimit {
  readonly rate: number;
  readonly interval: number;
}

export interface ScheduleOptions {
  /** Monotonic clock in ms; `performance.now` by default. */
  now?: () => number;
  /** Called synchronously on every grant (metrics). */
  onGrant?: () => void;
}

interface Waiter {
  resolve: (release: Release) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  settled: boolean;
}

/** Compact a head-indexed array once this many leading slots are dead and they are most of it. */
const COMPACT_AT = 1024;

export class ThrottleSchedule {
  private current: RateLimit;
  private readonly now: () => number;
  private readonly onGrant?: () => void;

  private queue: Waiter[] = [];
  private queueHead = 0;
  private waiting = 0;

  /** Grant times, ascending, younger than `horizon`. */
  private history: number[] = [];
  private historyHead = 0;
  private horizon = 0;
  private lastGrant = -Infinity;

  private inFlight = 0;
  private granted = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private pumping = false;
  private closedWith: Error | undefined;

  constructor(limit: RateLimit, options: ScheduleOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.onGrant = options.onGrant;
    this.current = limit;
    this.horizon = windowOf(limit);
  }

  get limit(): RateLimit {
    return this.current;
  }
  /** Waiters not yet granted. */
  get queued(): number {
    return this.waiting;
  }
  /** Granted and not yet released. */
  get running(): number {
    return this.inFlight;
  }
  /** Grants since creation. */
  get executions(): number {
    return this.granted;
  }

  /** Replaces the limit; queued waiters are rescheduled against it at once. */
  setRate(limit: RateLimit): void {
    this.current = limit;
    if (limit.rate === Infinity) {
      this.history = [];
      this.historyHead = 0;
      this.horizon = 0;
    } else {
      this.horizon = Math.max(this.horizon, windowOf(limit));
    }
    this.disarm();
    this.pump();
  }

  /** Resolves with a `Release` when the limit allows, FIFO. Aborting `signal` rejects with its reason. */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, settled: false };
      if (signal) {
        waiter.signal = signal;
        waiter.onAbort = () => {
          if (waiter.settled) return;
          waiter.settled = true;
          this.waiting--;
          reject(signal.reason);
          this.pump();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      this.waiting++;
      this.pump();
    });
  }

  /** Rejects every waiter with `error`, clears the timer; later `acquire`s reject with it too. */
  close(error: Error): void {
    if (this.closedWith) return;
    this.closedWith = error;
    this.disarm();
    const waiters = this.queue.slice(this.queueHead);
    this.queue = [];
    this.queueHead = 0;
    this.waiting = 0;
    for (const w of waiters) {
      if (w.settled) continue;
      w.settled = true;
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
      w.reject(error);
    }
  }

  /** Grants every waiter that may run now, then arms the timer for the next one (or none). */
  private pump(): void {
    if (this.pumping || this.closedWith) return;
    this.pumping = true;
    try {
      while (this.waiting > 0) {
        const at = this.nextAllowedAt();
        if (at === Infinity) break; // paused, or the concurrency cap is full: a release or setRate resumes
        const now = this.now();
        if (at > now) {
          this.arm(at, now);
          return;
        }
        this.grant(this.dequeue(), now);
      }
      this.disarm();
    } finally {
      this.pumping = false;
    }
  }

  /** The earliest time the head may run under the current limit: −Infinity for now, Infinity for not by time. */
  private nextAllowedAt(): number {
    const { rate, interval } = this.current;
    if (rate === Infinity) return -Infinity;
    if (rate <= 0) return Infinity;
    if (interval === 0) return this.inFlight < Math.floor(rate) ? -Infinity : Infinity;
    let at = this.lastGrant + interval / rate;
    const cap = Math.max(1, Math.floor(rate));
    if (this.history.length - this.historyHead >= cap) {
      at = Math.max(at, this.history[this.history.length - cap] + windowOf(this.current));
    }
    return at;
  }

  private dequeue(): Waiter {
    for (;;) {
      const w = this.queue[this.queueHead++];
      if (this.queueHead >= COMPACT_AT && this.queueHead * 2 >= this.queue.length) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
      if (!w.settled) return w;
    }
  }

  private grant(waiter: Waiter, now: number): void {
    this.waiting--;
    this.granted++;
    this.inFlight++;
    this.lastGrant = now;
    if (this.current.rate !== Infinity && this.current.interval > 0) this.record(now);
    waiter.settled = true;
    if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
    let released = false;
    waiter.resolve(() => {
      if (released) return;
      released = true;
      this.inFlight--;
      if (this.current.interval === 0 && this.waiting > 0) this.pump();
    });
    this.onGrant?.();
  }

  private record(now: number): void {
    this.history.push(now);
    while (this.historyHead < this.history.length && this.history[this.historyHead] <= now - this.horizon) this.historyHead++;
    if (this.historyHead >= COMPACT_AT && this.historyHead * 2 >= this.history.length) {
      this.history = this.history.slice(this.historyHead);
      this.historyHead = 0;
    }
  }

  private arm(at: number, now: number): void {
    if (this.timer && this.timerAt === at) return;
    this.disarm();
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, Math.max(1, Math.ceil(at - now)));
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}

/** The window the count condition applies to (see the module comment); 0 when no window applies. */
function windowOf({ rate, interval }: RateLimit): number {
  if (rate === Infinity || rate <= 0 || interval === 0) return 0;
  return rate >= 1 ? interval : interval / rate;
}
