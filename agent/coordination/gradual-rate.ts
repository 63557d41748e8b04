/**
 * Gradual rate changes in amoc_throttle's semantics: move to `from` at once (not a step), then step evenly to
 * `to`, up or down, each step on time (targets are computed from the start, so timer lateness never accumulates).
 *
 * Shapes (rates are per `interval` ms, default 60_000 — per minute, as amoc's):
 *   { from, to, interval?, stepInterval, stepCount }  step i (1..stepCount) at i·stepInterval sets
 *                                                      from + (to − from)·i / stepCount; the last one is `to`
 *   { from, to, interval?, duration }                  amoc's step size of 1: |to − from| steps over `duration`,
 *                                                      but never closer than MIN_STEP_MS apart (fewer, larger
 *                                                      steps then, rounded to whole rates)
 */
import { performance } from 'node:perf_hooks';
import { RookeryError, type Problem } from '../common/errors';
import { DEFAULT_INTERVAL } from './throttle-config';

export type GradualChange =
  | { from: number; to: number; interval?: number; stepInterval: number; stepCount: number }
  | { from: number; to: number; interval?: number; duration: number };

/** A checked change: `rates[0]` (= from) applies at once, `rates[i]` at i·stepInterval. */
export interface GradualPlan {
  readonly interval: number;
  readonly stepInterval: number;
  readonly rates: readonly number[];
}

/** Steps of a `duration` plan are at least this far apart: a timer per millisecond would cost more than it shows. */
export const MIN_STEP_MS = 100;

export interface GradualRun {
  /** Stops further steps (the rate already applied stays). */
  cancel(): void;
  /** Whether every step has been applied. */
  readonly finished: boolean;
}

/** Checks a change written by a scenario; throws one RookeryError listing every problem. */
export function planGradualChange(name: string, change: unknown): GradualPlan {
  const problems: Problem[] = [];
  const plan = readChange(change, problems);
  if (problems.length > 0 || !plan) {
    throw new RookeryError('ROOKERY_USAGE', `invalid gradual rate change for throttle "${name}"`, {
      where: `throttle "${name}"`,
      problems,
      hint: 'use { from, to, interval?, stepInterval, stepCount } or { from, to, interval?, duration } (ms)',
    });
  }
  return plan;
}

/**
 * Applies `plan`: `apply(rates[0])` synchronously, then each step at its time with one chained timer.
 * `onFinished` is called after the last step.
 */
export function runGradualChange(
  plan: GradualPlan,
  apply: (rate: number, interval: number) => void,
  options: { now?: () => number; onFinished?: () => void } = {},
): GradualRun {
  const now = options.now ?? (() => performance.now());
  const start = now();
  let next = 1;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  const finish = () => {
    finished = true;
    options.onFinished?.();
  };
  const tick = () => {
    timer = undefined;
    const t = now();
    // Apply every step that is due (normally one; several only after the event loop was blocked).
    while (next < plan.rates.length && start + next * plan.stepInterval <= t) apply(plan.rates[next++], plan.interval);
    if (next >= plan.rates.length) return finish();
    timer = setTimeout(tick, Math.max(1, Math.ceil(start + next * plan.stepInterval - t)));
  };
  apply(plan.rates[0], plan.interval);
  if (plan.rates.length > 1) timer = setTimeout(tick, Math.max(1, Math.ceil(plan.stepInterval)));
  else finish();
  return {
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    get finished() {
      return finished;
    },
  };
}

function readChange(change: unknown, problems: Problem[]): GradualPlan | undefined {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) {
    problems.push({ message: 'expected an object' });
    return undefined;
  }
  const c = change as Record<string, unknown>;
  const known = new Set(['from', 'to', 'interval', 'stepInterval', 'stepCount', 'duration']);
  for (const k of Object.keys(c)) if (!known.has(k) && c[k] !== undefined) problems.push({ message: `unknown field "${k}"`, where: k });
  const from = c.from;
  const to = c.to;
  const interval = c.interval ?? DEFAULT_INTERVAL;
  if (!isFiniteAtLeast(from, 0)) problems.push({ message: `must be a finite rate ≥ 0, got ${String(from)}`, where: 'from' });
  if (!isFiniteAtLeast(to, 0)) problems.push({ message: `must be a finite rate ≥ 0, got ${String(to)}`, where: 'to' });
  if (!isFiniteAtLeast(interval, 0) || interval === 0) {
    problems.push({ message: `must be a finite number of ms > 0, got ${String(interval)}`, where: 'interval' });
  }
  const bySteps = c.stepInterval !== undefined || c.stepCount !== undefined;
  const byDuration = c.duration !== undefined;
  if (bySteps && byDuration) {
    problems.push({ message: 'give either stepInterval and stepCount, or duration, not both', where: 'duration' });
    return undefined;
  }
  if (!bySteps && !byDuration) {
    problems.push({ message: 'missing: give stepInterval and stepCount, or duration', where: 'duration' });
    return undefined;
  }
  if (bySteps) {
    if (!isFiniteAtLeast(c.stepInterval, 1)) problems.push({ message: `must be ≥ 1 ms, got ${String(c.stepInterval)}`, where: 'stepInterval' });
    if (!isFiniteAtLeast(c.stepCount, 1) || !Number.isInteger(c.stepCount)) {
      problems.push({ message: `must be a whole number ≥ 1, got ${String(c.stepCount)}`, where: 'stepCount' });
    }
  } else if (!isFiniteAtLeast(c.duration, 1)) {
    problems.push({ message: `must be ≥ 1 ms, got ${String(c.duration)}`, where: 'duration' });
  }
  if (problems.length > 0) return undefined;
  const f = from as number;
  const t = to as number;
  if (bySteps) {
    const count = c.stepCount as number;
    const rates = [f];
    for (let i = 1; i <= count; i++) rates.push(i === count ? t : f + ((t - f) * i) / count);
    return { interval: interval as number, stepInterval: c.stepInterval as number, rates };
  }
  const duration = c.duration as number;
  const count = Math.max(1, Math.min(Math.ceil(Math.abs(t - f)), Math.floor(duration / MIN_STEP_MS)));
  const rates = [f];
  for (let i = 1; i <= count; i++) rates.push(i === count ? t : Math.round(f + ((t - f) * i) / count));
  return { interval: interval as number, stepInterval: duration / count, rates };
}

function isFiniteAtLeast(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min;
}
