import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCount, formatElapsed, formatLatency, headlineSummary, statusText, usersText } from '../../../extension/runs/headline-format';

test('formatCount: three significant figures at most, k/M/G above a thousand', () => {
  const cases: [number, string][] = [
    [0, '0'], [7, '7'], [2.25, '2.3'], [9.96, '10'], [12.5, '13'], [999, '999'], [999.6, '1k'], [1000, '1k'], [1234, '1.2k'],
    [12_345, '12k'], [999_499, '999k'], [999_500, '1M'], [1_500_000, '1.5M'], [2e9, '2G'], [-1234, '-1.2k'],
  ];
  for (const [value, text] of cases) assert.equal(formatCount(value), text, String(value));
  assert.equal(formatCount(Number.NaN), '–');
});

test('formatLatency: ms below a second, s above; a dash with no request', () => {
  assert.equal(formatLatency(null), '–');
  assert.equal(formatLatency(0.84), '0.8 ms');
  assert.equal(formatLatency(40), '40 ms');
  assert.equal(formatLatency(999.4), '999 ms');
  assert.equal(formatLatency(1250), '1.25 s');
  assert.equal(formatLatency(2000), '2 s');
});

test('formatElapsed: a clock', () => {
  assert.equal(formatElapsed(0), '0:00');
  assert.equal(formatElapsed(7_900), '0:07');
  assert.equal(formatElapsed(754_000), '12:34');
  assert.equal(formatElapsed(3_723_000), '1:02:03');
  assert.equal(formatElapsed(-5), '0:00');
});

test('statusText and usersText', () => {
  assert.equal(statusText('terminating'), 'stopping');
  assert.equal(statusText('running', true), 'lost');
  assert.equal(statusText('finished'), 'finished');
  assert.equal(statusText('finished', false, 'stopped'), 'stopped', 'a finished run says how it ended, as past runs do');
  assert.equal(statusText('finished', false, 'duration'), 'completed');
  assert.equal(statusText('finished', false, 'thresholds'), 'stopped by a threshold');
  assert.equal(statusText('running', false, 'stopped'), 'running', 'the end reason only matters once finished');
  assert.equal(usersText(1), '1 user');
  assert.equal(usersText(50), '50 users');
});

test('headlineSummary: the status bar\'s figures', () => {
  const headline = { runId: 'r', title: 't', status: 'running' as const, users: 50, rps: 1234, p99: 40.2, errors: 0, elapsedMs: 1000 };
  assert.equal(headlineSummary(headline), '50 users · 1.2k req/s · p99 40 ms · 0 err');
  assert.equal(headlineSummary({ ...headline, users: 1, rps: 0, p99: null, errors: 1500 }), '1 user · 0 req/s · p99 – · 1.5k err');
});
