import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UnitError, formatDuration, formatRate, parseDuration, parseRate, parseUserCount } from '../../../agent/plan/units';

/** Asserts that `fn` throws a UnitError whose message matches `pattern`. */
function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof UnitError, `expected a UnitError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('parseDuration', () => {
  test('reads each unit and combinations, largest first', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('1h2m3s4ms'), 3_723_004);
    assert.equal(parseDuration('1m 30s'), 90_000);
    assert.equal(parseDuration(' 2 s '), 2000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('.25s'), 250);
    assert.equal(parseDuration('0s'), 0);
  });

  test('a bare number, or a numeric string, is seconds', () => {
    assert.equal(parseDuration(30), 30_000);
    assert.equal(parseDuration(0.5), 500);
    assert.equal(parseDuration('45'), 45_000);
    assert.equal(parseDuration(0.0004), 0, 'fractions of a ms round');
  });

  test('rejects bad input with a message showing valid forms', () => {
    rejects(() => parseDuration('30x'), /^invalid duration "30x": use a number with a unit, like 500ms, 30s, 5m, 1h/);
    rejects(() => parseDuration('soon'), /invalid duration "soon"/);
    rejects(() => parseDuration('s'), /invalid duration "s"/);
    rejects(() => parseDuration('30s10'), /invalid duration "30s10"/);
    rejects(() => parseDuration('1.2.3s'), /invalid duration/);
    rejects(() => parseDuration('30S'), /invalid duration "30S"/);
  });

  test('rejects units out of order or repeated', () => {
    rejects(() => parseDuration('30s1m'), /largest first/);
    rejects(() => parseDuration('1m1m'), /give each unit once/);
    rejects(() => parseDuration('5ms1s'), /largest first/);
  });

  test('rejects negative, non-finite, missing and non-scalar values', () => {
    rejects(() => parseDuration(-1), /invalid duration -1: a duration cannot be negative/);
    rejects(() => parseDuration('-5s'), /cannot be negative/);
    rejects(() => parseDuration(Infinity), /invalid duration Infinity/);
    rejects(() => parseDuration(Number.NaN), /invalid duration NaN/);
    rejects(() => parseDuration(null), /^missing duration/);
    rejects(() => parseDuration(''), /^missing duration/);
    rejects(() => parseDuration(true), /invalid duration true/);
    rejects(() => parseDuration([30]), /invalid duration a list/);
    rejects(() => parseDuration({ s: 30 }), /invalid duration a mapping/);
    rejects(() => parseDuration(1e300), /too long/);
  });
});

describe('parseRate', () => {
  test('reads every time unit into users per minute', () => {
    assert.equal(parseRate('600/min'), 600);
    assert.equal(parseRate('600/m'), 600);
    assert.equal(parseRate('600/minute'), 600);
    assert.equal(parseRate('10/s'), 600);
    assert.equal(parseRate('10/sec'), 600);
    assert.equal(parseRate('10/second'), 600);
    assert.equal(parseRate('3600/h'), 60);
    assert.equal(parseRate('30/hour'), 0.5);
    assert.equal(parseRate('120 / MIN'), 120);
    assert.equal(parseRate('2.5/s'), 150);
  });

  test('a bare number is per minute', () => {
    assert.equal(parseRate(1200), 1200);
    assert.equal(parseRate('90'), 90);
    assert.equal(parseRate(0.5), 0.5);
  });

  test('rejects bad input', () => {
    rejects(() => parseRate('10/d'), /invalid rate "10\/d": unknown time unit "d"/);
    rejects(() => parseRate('fast'), /invalid rate "fast": use users per time unit, like 600\/min/);
    rejects(() => parseRate('10/'), /invalid rate "10\/"/);
    rejects(() => parseRate('/s'), /invalid rate "\/s"/);
    rejects(() => parseRate('0/min'), /it must be more than 0/);
    rejects(() => parseRate(0), /invalid rate 0: it must be more than 0/);
    rejects(() => parseRate(-5), /must be more than 0/);
    rejects(() => parseRate('-5/s'), /cannot be negative/);
    rejects(() => parseRate(Infinity), /invalid rate Infinity/);
    rejects(() => parseRate(undefined), /^missing rate/);
    rejects(() => parseRate(false), /invalid rate false/);
  });
});

describe('parseUserCount', () => {
  test('reads whole numbers, 0 included, from numbers and digit strings', () => {
    assert.equal(parseUserCount(0), 0);
    assert.equal(parseUserCount(250), 250);
    assert.equal(parseUserCount('42'), 42);
    assert.equal(parseUserCount(' 7 '), 7);
  });

  test('rejects negative, fractional, non-numeric and missing values', () => {
    rejects(() => parseUserCount(-3), /^invalid user count -3: it cannot be negative$/);
    rejects(() => parseUserCount('-3'), /cannot be negative/);
    rejects(() => parseUserCount(2.5), /^invalid user count 2\.5: users are whole, use 2 or 3$/);
    rejects(() => parseUserCount('ten'), /^invalid user count "ten": use a whole number of users, 0 or more$/);
    rejects(() => parseUserCount('10/s'), /invalid user count "10\/s"/);
    rejects(() => parseUserCount(Number.NaN), /invalid user count NaN/);
    rejects(() => parseUserCount(2 ** 60), /too large/);
    rejects(() => parseUserCount(null), /^missing user count/);
    rejects(() => parseUserCount(true), /invalid user count true/);
  });
});

describe('formatDuration and formatRate', () => {
  test('formats the shortest form', () => {
    assert.equal(formatDuration(0), '0ms');
    assert.equal(formatDuration(250), '250ms');
    assert.equal(formatDuration(1000), '1s');
    assert.equal(formatDuration(1500), '1.5s');
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(3_600_000), '1h');
    assert.equal(formatDuration(3_723_004), '1h2m3.004s');
    assert.equal(formatDuration(-2000), '-2s');
    assert.equal(formatDuration(Infinity), 'Infinity');
    assert.equal(formatRate(600), '600/min');
    assert.equal(formatRate(1 / 3), '0.333/min');
  });

  test('formatDuration reads back through parseDuration', () => {
    for (const ms of [0, 1, 999, 1000, 1001, 59_999, 60_000, 61_500, 3_599_999, 3_600_000, 86_400_123]) {
      assert.equal(parseDuration(formatDuration(ms)), ms, `round trip of ${ms}`);
    }
  });
});
