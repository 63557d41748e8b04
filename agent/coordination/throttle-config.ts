/**
 * A throttle's configuration as scenarios write it, checked and normalised to a `RateLimit`, in amoc_throttle's
 * shapes: `{ rate, interval? }` (interval in ms, default one minute) or `{ interarrival }` (ms between two
 * executions, i.e. 60_000 / interarrival per minute). `rate: Infinity` / `interarrival: 0` unlock,
 * `rate: 0` / `interarrival: Infinity` pause, `interval: 0` caps concurrency at `rate` (a whole number).
 */
import { RookeryError, type Problem } from '../common/errors';
import type { RateLimit } from './throttle-schedule';

export const DEFAULT_INTERVAL = 60_000;

export type ThrottleConfig = { rate: number; interval?: number } | { interarrival: number };

/** Checks `config` (untrusted: it comes from scenario code) and returns its limit; throws listing every problem. */
export function normalizeThrottleConfig(name: string, config: unknown): RateLimit {
  const problems: Problem[] = [];
  const limit = readConfig(config, problems);
  if (problems.length > 0 || !limit) {
    throw new RookeryError('ROOKERY_USAGE', `invalid configuration for throttle "${name}"`, {
      where: `throttle "${name}"`,
      problems,
      hint: 'use { rate, interval? } (rate per interval in ms, default 60000) or { interarrival } (ms)',
    });
  }
  return limit;
}

/** Whether two limits are the same (Infinity and 0 compare as such). */
export function sameLimit(a: RateLimit, b: RateLimit): boolean {
  return a.rate === b.rate && a.interval === b.interval;
}

function readConfig(config: unknown, problems: Problem[]): RateLimit | undefined {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    problems.push({ message: `expected an object, got ${describe(config)}` });
    return undefined;
  }
  const fields = config as Record<string, unknown>;
  const keys = Object.keys(fields).filter((k) => fields[k] !== undefined);
  const unknown = keys.filter((k) => k !== 'rate' && k !== 'interval' && k !== 'interarrival');
  for (const k of unknown) problems.push({ message: `unknown field "${k}"`, where: k });
  if ('interarrival' in fields && fields.interarrival !== undefined) {
    if (keys.includes('rate') || keys.includes('interval')) {
      problems.push({ message: 'give either interarrival or rate (with interval), not both', where: 'interarrival' });
      return undefined;
    }
    const ia = fields.interarrival;
    if (!isNonNegative(ia)) {
      problems.push({ message: `must be a number ≥ 0 (ms) or Infinity, got ${describe(ia)}`, where: 'interarrival' });
      return undefined;
    }
    if (ia === 0) return { rate: Infinity, interval: DEFAULT_INTERVAL };
    if (ia === Infinity) return { rate: 0, interval: DEFAULT_INTERVAL };
    return { rate: DEFAULT_INTERVAL / ia, interval: DEFAULT_INTERVAL };
  }
  const rate = fields.rate;
  const interval = fields.interval ?? DEFAULT_INTERVAL;
  if (rate === undefined) problems.push({ message: 'missing: give rate (per interval) or interarrival', where: 'rate' });
  else if (!isNonNegative(rate)) problems.push({ message: `must be a number ≥ 0 or Infinity, got ${describe(rate)}`, where: 'rate' });
  if (!isNonNegative(interval) || interval === Infinity) {
    problems.push({ message: `must be a finite number of ms ≥ 0, got ${describe(interval)}`, where: 'interval' });
  } else if (interval === 0 && isNonNegative(rate) && rate !== Infinity && !Number.isInteger(rate)) {
    problems.push({ message: `interval 0 caps parallel executions: rate must be a whole number, got ${rate}`, where: 'rate' });
  }
  if (problems.length > 0) return undefined;
  return { rate: rate as number, interval: interval as number };
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && !Number.isNaN(value) && value >= 0;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return typeof value;
}
