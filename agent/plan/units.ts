/**
 * The units a plan and the command line share: durations ("500ms", "30s", "1m30s"), user rates ("600/min",
 * "10/s") and user counts, parsed into numbers (ms, users per minute, users) and formatted back for messages.
 * Pure functions with no YAML dependency, so `rookery run --duration 30s --rate 600/min` and plan files accept
 * exactly the same spellings. Bad input throws a `UnitError` whose message says what was wrong and shows a valid
 * form; callers add the position (a plan's line:col, or the option name).
 */

/** Thrown for a value that is not a valid duration, rate or user count; `message` is meant for the user. */
export class UnitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnitError';
  }
}

const DURATION_EXAMPLES = 'use a number with a unit, like 500ms, 30s, 5m, 1h (or 1m30s); a bare number is seconds';
const RATE_EXAMPLES = 'use users per time unit, like 600/min, 10/s or 3600/h; a bare number is per minute';
const COUNT_EXAMPLES = 'use a whole number of users, 0 or more';

/** Milliseconds per duration unit; the order is the order components must appear in ("1h5m", not "5m1h"). */
const DURATION_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];

/** One "<number><unit>" component; `ms` is tried before `m` so that "500ms" is not read as 500 minutes + "s". */
const DURATION_PART = /\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|h|m|s)/y;
const PLAIN_NUMBER = /^(?:\d+(?:\.\d+)?|\.\d+)$/;

/** How a value reads inside a message: strings quoted, everything else as written. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  return String(value);
}

function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * A duration in whole milliseconds. Accepts a non-negative number of seconds (number or numeric string) or
 * components with units in decreasing order, each at most once: "1h", "5m", "30s", "500ms", "1m30s", "1.5s".
 * Fractions of a millisecond are rounded.
 */
export function parseDuration(value: unknown): number {
  if (isMissing(value)) throw new UnitError(`missing duration: ${DURATION_EXAMPLES}`);
  if (typeof value === 'number') return secondsToMs(value, value);
  if (typeof value !== 'string') throw new UnitError(`invalid duration ${show(value)}: ${DURATION_EXAMPLES}`);
  const text = value.trim();
  if (PLAIN_NUMBER.test(text)) return secondsToMs(Number(text), value);
  if (text.startsWith('-')) throw new UnitError(`invalid duration ${show(value)}: a duration cannot be negative`);

  let total = 0;
  let lastUnit = -1;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < text.length) {
    const match = DURATION_PART.exec(text);
    if (!match) throw new UnitError(`invalid duration ${show(value)}: ${DURATION_EXAMPLES}`);
    const unit = DURATION_UNITS.findIndex(([name]) => name === match[2]);
    if (unit <= lastUnit) {
      throw new UnitError(`invalid duration ${show(value)}: give each unit once, largest first (h, m, s, ms), like 1m30s`);
    }
    lastUnit = unit;
    total += Number(match[1]) * DURATION_UNITS[unit][1];
  }
  return checkedMs(total, value);
}

function secondsToMs(seconds: number, original: unknown): number {
  if (!Number.isFinite(seconds)) throw new UnitError(`invalid duration ${show(original)}: ${DURATION_EXAMPLES}`);
  if (seconds < 0) throw new UnitError(`invalid duration ${show(original)}: a duration cannot be negative`);
  return checkedMs(seconds * 1000, original);
}

function checkedMs(ms: number, original: unknown): number {
  const rounded = Math.round(ms);
  if (!Number.isSafeInteger(rounded)) throw new UnitError(`invalid duration ${show(original)}: it is too long`);
  return rounded;
}

/** Minutes per rate unit, keyed by every spelling accepted after the slash. */
const RATE_UNITS: Readonly<Record<string, number>> = {
  s: 1 / 60, sec: 1 / 60, second: 1 / 60,
  m: 1, min: 1, minute: 1,
  h: 60, hr: 60, hour: 60,
};
const RATE = /^(\d+(?:\.\d+)?|\.\d+)\s*(?:\/\s*([a-z]+))?$/i;

/**
 * A rate of new users, in users per minute (may be fractional: "30/h" is 0.5). Accepts "N/s", "N/sec", "N/m",
 * "N/min", "N/h" (and "second", "minute", "hr", "hour") or a bare number, which is per minute. Must be above 0:
 * a rate of 0 would never start anyone.
 */
export function parseRate(value: unknown): number {
  if (isMissing(value)) throw new UnitError(`missing rate: ${RATE_EXAMPLES}`);
  let perMinute: number;
  if (typeof value === 'number') {
    perMinute = value;
  } else if (typeof value === 'string') {
    const match = RATE.exec(value.trim());
    if (!match) {
      const hint = value.trim().startsWith('-') ? 'a rate cannot be negative' : RATE_EXAMPLES;
      throw new UnitError(`invalid rate ${show(value)}: ${hint}`);
    }
    const minutes = match[2] === undefined ? 1 : RATE_UNITS[match[2].toLowerCase()];
    if (minutes === undefined) {
      throw new UnitError(`invalid rate ${show(value)}: unknown time unit "${match[2]}"; ${RATE_EXAMPLES}`);
    }
    perMinute = Number(match[1]) / minutes;
  } else {
    throw new UnitError(`invalid rate ${show(value)}: ${RATE_EXAMPLES}`);
  }
  if (!Number.isFinite(perMinute)) throw new UnitError(`invalid rate ${show(value)}: ${RATE_EXAMPLES}`);
  if (perMinute <= 0) throw new UnitError(`invalid rate ${show(value)}: it must be more than 0`);
  return perMinute;
}

/** A number of users: a whole number, 0 or more (a number, or a string of digits as given on a command line). */
export function parseUserCount(value: unknown): number {
  if (isMissing(value)) throw new UnitError(`missing user count: ${COUNT_EXAMPLES}`);
  let count: number;
  if (typeof value === 'number') count = value;
  else if (typeof value === 'string' && /^[+-]?\s*\d+(?:\.\d+)?$/.test(value.trim())) count = Number(value.trim().replace(/\s+/g, ''));
  else throw new UnitError(`invalid user count ${show(value)}: ${COUNT_EXAMPLES}`);

  if (!Number.isFinite(count)) throw new UnitError(`invalid user count ${show(value)}: ${COUNT_EXAMPLES}`);
  if (count < 0) throw new UnitError(`invalid user count ${show(value)}: it cannot be negative`);
  if (!Number.isInteger(count)) {
    throw new UnitError(`invalid user count ${show(value)}: users are whole, use ${Math.floor(count)} or ${Math.ceil(count)}`);
  }
  if (!Number.isSafeInteger(count)) throw new UnitError(`invalid user count ${show(value)}: it is too large`);
  return count;
}

/** Up to three decimals, without trailing zeros: 1.5, 0.125, 2. */
function trimmed(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

/**
 * A duration as the shortest string `parseDuration` reads back: "250ms", "30s", "1m30s", "1h5m", "1.5s".
 * Whole milliseconds are shown (fractions rounded); under a second it uses ms.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  const whole = Math.round(ms);
  if (whole < 1000) return `${whole}ms`;
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor((whole % 3_600_000) / 60_000);
  const seconds = (whole % 60_000) / 1000;
  let out = '';
  if (hours > 0) out += `${hours}h`;
  if (minutes > 0) out += `${minutes}m`;
  if (seconds > 0) out += `${trimmed(seconds)}s`;
  return out;
}

/** A rate in users per minute as "600/min" (fractions to three decimals), for messages and summaries. */
export function formatRate(perMinute: number): string {
  return `${trimmed(perMinute)}/min`;
}
