/**
 * The node's named throttles (amoc_throttle on one node): start/stop, wait/run, rate changes (at once or gradual),
 * pause/resume/unlock, and per-name figures. Scheduling is `ThrottleSchedule`'s; this file owns the names, the
 * configured-versus-effective rate (pause keeps the configuration that resume restores) and the bookkeeping.
 *
 * Rate semantics (see throttle-config.ts): `rate` per `interval` ms, `interval: 0` a concurrency cap, `rate: 0`
 * a pause (resume restores the configuration before it), `rate: Infinity` unlocked. A gradual change keeps running
 * while paused (as amoc's does) and updates the configuration resume will restore; any new change (changeRate,
 * unlock, another gradual change) cancels it.
 */
import { RookeryError } from '../common/errors';
import { planGradualChange, runGradualChange, type GradualChange, type GradualRun } from './gradual-rate';
import { normalizeThrottleConfig, sameLimit, type ThrottleConfig } from './throttle-config';
import { ThrottleSchedule, type RateLimit, type Release } from './throttle-schedule';

export type { Release, RateLimit } from './throttle-schedule';
export type { ThrottleConfig } from './throttle-config';
export type { GradualChange } from './gradual-rate';

export type ThrottleEvent = 'request' | 'execution';

export interface ThrottlesOptions {
  /** Called on every wait/run call ('request') and every grant ('execution'): the metrics hook. */
  onEvent?: (name: string, event: ThrottleEvent) => void;
  /** Where a `run` function's failure goes (a user's action failed); ignored without it. */
  onRunError?: (name: string, error: unknown) => void;
  /** Monotonic clock in ms, for schedules and gradual changes; `performance.now` by default. */
  now?: () => number;
}

/** Per-name figures, a snapshot. */
export interface ThrottleStats {
  /** wait/run calls so far. */
  requests: number;
  /** Executions granted so far. */
  executions: number;
  /** Waiting now. */
  queued: number;
  /** Granted and not yet released (ended). */
  running: number;
  /** The rate in effect (0 while paused) per `interval` ms. */
  rate: number;
  interval: number;
  /** The configured rate, restored by resume. */
  configuredRate: number;
  paused: boolean;
  /** A gradual change is still stepping. */
  changingGradually: boolean;
}

interface Entry {
  readonly startedWith: RateLimit;
  config: RateLimit;
  paused: boolean;
  readonly schedule: ThrottleSchedule;
  requests: number;
  gradual?: GradualRun;
}

export class Throttles {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: ThrottlesOptions = {}) {}

  /** Starts `name`. The same configuration again is a no-op; another one is an error (use changeRate). */
  start(name: string, config: ThrottleConfig): void {
    const limit = normalizeThrottleConfig(name, config);
    const existing = this.entries.get(name);
    if (existing) {
      if (sameLimit(existing.startedWith, limit)) return;
      throw new RookeryError('ROOKERY_STATE', `throttle "${name}" is already started with another configuration`, {
        where: `throttle "${name}"`,
        hint: 'use changeRate to change a running throttle',
      });
    }
    const onEvent = this.options.onEvent;
    const schedule = new ThrottleSchedule(limit, { now: this.options.now, onGrant: onEvent && (() => onEvent(name, 'execution')) });
    this.entries.set(name, { startedWith: limit, config: limit, paused: false, schedule, requests: 0 });
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Blocks until `name` allows an execution; call the returned `Release` when it ends. */
  wait(name: string, signal?: AbortSignal): Promise<Release> {
    let entry: Entry;
    try {
      entry = this.entry(name);
    } catch (error) {
      return Promise.reject(error);
    }
    this.request(name, entry);
    return entry.schedule.acquire(signal);
  }

  /** Returns at once; runs `fn` when `name` allows. The execution ends when `fn`'s promise settles. */
  run(name: string, fn: () => unknown): void {
    const entry = this.entry(name);
    this.request(name, entry);
    entry.schedule.acquire().then(
      async (release) => {
        try {
          await fn();
        } catch (error) {
          this.options.onRunError?.(name, error);
        } finally {
          release();
        }
      },
      () => undefined, // the throttle was stopped before fn's turn: fn never runs, by design
    );
  }

  /** Sets a new configuration at once; `rate: 0` pauses (keeping the configuration resume restores). */
  changeRate(name: string, config: ThrottleConfig): void {
    const entry = this.entry(name);
    const limit = normalizeThrottleConfig(name, config);
    this.cancelGradual(entry);
    if (limit.rate === 0) {
      entry.paused = true;
      entry.config = { rate: entry.config.rate, interval: limit.interval };
    } else {
      entry.config = limit;
      entry.paused = false;
    }
    this.apply(entry);
  }

  /** Starts a gradual change (see gradual-rate.ts for its shape); cancels a running one. */
  changeRateGradually(name: string, change: GradualChange): void {
    const entry = this.entry(name);
    const plan = planGradualChange(name, change);
    this.cancelGradual(entry);
    let run: GradualRun | undefined;
    const onFinished = () => {
      if (run && entry.gradual === run) entry.gradual = undefined;
    };
    const apply = (rate: number, interval: number) => {
      entry.config = { rate, interval };
      this.apply(entry);
    };
    run = runGradualChange(plan, apply, { now: this.options.now, onFinished });
    if (!run.finished) entry.gradual = run;
  }

  /** Stops executions until resume (a running gradual change keeps stepping, as amoc's does). */
  pause(name: string): void {
    const entry = this.entry(name);
    entry.paused = true;
    this.apply(entry);
  }

  /** Restores the configuration in place before pause (or before `rate: 0`). */
  resume(name: string): void {
    const entry = this.entry(name);
    entry.paused = false;
    this.apply(entry);
  }

  /** Removes the limit (`rate: Infinity`). */
  unlock(name: string): void {
    this.changeRate(name, { rate: Infinity, interval: this.entry(name).config.interval });
  }

  stats(name: string): ThrottleStats {
    const entry = this.entry(name);
    const { schedule } = entry;
    return {
      requests: entry.requests,
      executions: schedule.executions,
      queued: schedule.queued,
      running: schedule.running,
      rate: schedule.limit.rate,
      interval: schedule.limit.interval,
      configuredRate: entry.config.rate,
      paused: entry.paused,
      changingGradually: entry.gradual !== undefined,
    };
  }

  /** Removes `name`: its waiters reject with ROOKERY_STATE and queued `run`s never run. */
  stop(name: string): void {
    const entry = this.entry(name);
    this.cancelGradual(entry);
    this.entries.delete(name);
    entry.schedule.close(
      new RookeryError('ROOKERY_STATE', `throttle "${name}" was stopped while waiting`, { where: `throttle "${name}"` }),
    );
  }

  /** Stops every throttle and clears every timer. */
  close(): void {
    for (const name of [...this.entries.keys()]) this.stop(name);
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (entry) return entry;
    const known = [...this.entries.keys()];
    throw new RookeryError('ROOKERY_STATE', `no throttle named "${name}"`, {
      where: `throttle "${name}"`,
      hint: known.length > 0 ? `start it first; started throttles: ${known.join(', ')}` : 'start it first with start(name, config)',
    });
  }

  private request(name: string, entry: Entry): void {
    entry.requests++;
    this.options.onEvent?.(name, 'request');
  }

  private apply(entry: Entry): void {
    entry.schedule.setRate(entry.paused ? { rate: 0, interval: entry.config.interval } : entry.config);
  }

  private cancelGradual(entry: Entry): void {
    entry.gradual?.cancel();
    entry.gradual = undefined;
  }
}
