import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ThresholdError, parseThreshold } from '../../../agent/plan/thresholds';
import { UnitError } from '../../../agent/plan/units';
import { THRESHOLD_OPERATORS, THRESHOLD_STATS } from '../../../agent/protocol/thresholds';

/** The error parseThreshold throws for `text`, with the characters it points at. */
function failure(text: string): { message: string; start: number; end: number; part: string } {
  try {
    parseThreshold(text);
  } catch (error) {
    assert.ok(error instanceof ThresholdError, `not a ThresholdError: ${String(error)}`);
    assert.ok(error instanceof UnitError, 'a UnitError, as the other plan value parsers throw');
    return { message: error.message, start: error.start, end: error.end, part: text.slice(error.start, error.end) };
  }
  assert.fail(`${JSON.stringify(text)} parsed`);
}

describe('parseThreshold: valid expressions', () => {
  test('every latency stat, over all requests, with the limit in ms', () => {
    for (const stat of THRESHOLD_STATS) {
      assert.deepEqual(parseThreshold(`${stat} < 500ms`), {
        source: `${stat} < 500ms`, metric: 'latency', stat, operator: '<', limit: 500, abortOnFail: false, delayMs: 0,
      });
    }
  });

  test('every operator, with or without spaces around it', () => {
    for (const operator of THRESHOLD_OPERATORS) {
      assert.equal(parseThreshold(`p99 ${operator} 1`).operator, operator);
      assert.equal(parseThreshold(`p99${operator}1`).operator, operator);
    }
  });

  test('latency units: ms, s, m, h and a bare number of ms; fractions; a space before the unit', () => {
    const limit = (text: string) => parseThreshold(`p95 < ${text}`).limit;
    assert.equal(limit('500ms'), 500);
    assert.equal(limit('1.5s'), 1500);
    assert.equal(limit('2m'), 120_000);
    assert.equal(limit('1h'), 3_600_000);
    assert.equal(limit('250'), 250, 'a bare number is ms (not seconds as in a plan duration)');
    assert.equal(limit('0.5ms'), 0.5);
    assert.equal(limit('.5s'), 500);
    assert.equal(limit('20 ms'), 20);
  });

  test('a selected request name: anything but `}`, trimmed, spaces inside kept', () => {
    assert.deepEqual(parseThreshold('p95{GET /api/items} <= 200ms'), {
      source: 'p95{GET /api/items} <= 200ms', metric: 'latency', stat: 'p95', name: 'GET /api/items', operator: '<=', limit: 200, abortOnFail: false, delayMs: 0,
    });
    assert.equal(parseThreshold('max{ POST /items?x={y  } < 1s').name, 'POST /items?x={y');
    assert.equal(parseThreshold('  p99 < 1s  ').source, 'p99 < 1s', 'the source is trimmed');
  });

  test('error_rate and checks take percentages; errors, requests, rps and custom metrics plain numbers', () => {
    assert.deepEqual(parseThreshold('error_rate < 1%'), { source: 'error_rate < 1%', metric: 'error_rate', operator: '<', limit: 1, abortOnFail: false, delayMs: 0 });
    assert.deepEqual(parseThreshold('error_rate{GET /} <= 0.5 %'), {
      source: 'error_rate{GET /} <= 0.5 %', metric: 'error_rate', name: 'GET /', operator: '<=', limit: 0.5, abortOnFail: false, delayMs: 0,
    });
    assert.equal(parseThreshold('checks > 99%').limit, 99);
    assert.deepEqual(parseThreshold('checks{status is 200} >= 100%'), {
      source: 'checks{status is 200} >= 100%', metric: 'checks', name: 'status is 200', operator: '>=', limit: 100, abortOnFail: false, delayMs: 0,
    });
    assert.deepEqual(parseThreshold('errors == 0'), { source: 'errors == 0', metric: 'errors', operator: '==', limit: 0, abortOnFail: false, delayMs: 0 });
    assert.deepEqual(parseThreshold('requests > 1000'), { source: 'requests > 1000', metric: 'requests', operator: '>', limit: 1000, abortOnFail: false, delayMs: 0 });
    assert.deepEqual(parseThreshold('rps >= 100'), { source: 'rps >= 100', metric: 'rps', operator: '>=', limit: 100, abortOnFail: false, delayMs: 0 });
    assert.equal(parseThreshold('requests{GET /} != 3').name, 'GET /');
    assert.deepEqual(parseThreshold('counter{chat.sent} > 0'), {
      source: 'counter{chat.sent} > 0', metric: 'counter', name: 'chat.sent', operator: '>', limit: 0, abortOnFail: false, delayMs: 0,
    });
    assert.equal(parseThreshold('counter{balance} > -5').limit, -5, 'a custom value may be negative');
  });

  test('histogram.<stat>{name} for every stat, in the histogram\'s own unit', () => {
    for (const stat of THRESHOLD_STATS) {
      assert.deepEqual(parseThreshold(`histogram.${stat}{chat.delivery_ms} < 50`), {
        source: `histogram.${stat}{chat.delivery_ms} < 50`, metric: 'histogram', stat, name: 'chat.delivery_ms', operator: '<', limit: 50, abortOnFail: false, delayMs: 0,
      });
    }
  });
});

describe('parseThreshold: bad input points at the exact characters', () => {
  test('unknown stats and metrics, with did-you-mean', () => {
    assert.deepEqual(failure('p98 < 1s'), {
      message: 'unknown stat "p98" (did you mean "p99"?); expected a latency stat (min, mean, p50, p90, p95, p99, p999, max), error_rate, errors, requests, rps, checks, counter or histogram.<stat>',
      start: 0, end: 3, part: 'p98',
    });
    assert.match(failure('  eror_rate < 1%').message, /^unknown stat "eror_rate" \(did you mean "error_rate"\?\)/);
    assert.equal(failure('  eror_rate < 1%').part, 'eror_rate');
    assert.match(failure('p100 < 1s').message, /did you mean "max"/);
    assert.match(failure('p9999 < 1s').message, /did you mean "p999"/);
    assert.match(failure('chekcs > 99%').message, /did you mean "checks"/);
    assert.doesNotMatch(failure('latency < 1s').message, /did you mean/, 'no suggestion when nothing is close');
    const stat = failure('histogram.p98{x} < 3');
    assert.deepEqual([stat.start, stat.end, stat.part], [10, 13, 'p98']);
    assert.match(stat.message, /^unknown histogram stat "p98" \(did you mean "p99"\?\)/);
    assert.match(failure('histogram.meen{x} < 3').message, /did you mean "mean"/);
  });

  test('missing parts: the whole text, a histogram stat, a counter or histogram name', () => {
    assert.deepEqual(failure('   '), { message: 'empty threshold: write an expression like `p99 < 500ms`, `error_rate < 1%` or `checks > 99%`', start: 0, end: 3, part: '   ' });
    assert.deepEqual([failure('histogram{x} < 3').part, failure('histogram.{x} < 3').part], ['histogram', 'histogram.']);
    const counter = failure('counter > 0');
    assert.equal(counter.part, 'counter');
    assert.match(counter.message, /needs the counter's name in braces, like `counter\{chat.sent\} > 0`/);
    assert.equal(failure('histogram.p99 < 50').part, 'histogram.p99');
  });

  test('braces: a space before them, never closed, empty', () => {
    assert.deepEqual(failure('p95 {GET /} < 1s'), {
      message: 'no space between `p95` and `{`: write it like `p95{GET /api/items}`', start: 3, end: 4, part: ' ',
    });
    assert.deepEqual(failure('p95{GET / < 1s'), { message: 'the `{` is never closed: end the name with `}`', start: 3, end: 14, part: '{GET / < 1s' });
    assert.equal(failure('p95{ } < 1s').part, '{ }');
  });

  test('operators: missing, and the ones people type by habit', () => {
    assert.deepEqual(failure('p99 500ms'), { message: 'expected a comparison after `p99` (< <= > >= == !=), found "500ms"', start: 4, end: 9, part: '500ms' });
    assert.deepEqual(failure('p99{GET /}'), { message: 'expected a comparison after `p99{GET /}` (< <= > >= == !=), found nothing', start: 10, end: 10, part: '' });
    for (const [typed, fix] of [['=', '=='], ['=<', '<='], ['=>', '>='], ['≤', '<='], ['≥', '>='], ['≠', '!=']]) {
      const f = failure(`errors ${typed} 0`);
      assert.deepEqual([f.part, f.message], [typed, `unknown operator "${typed}": use ${fix}`]);
    }
    assert.equal(failure('< 5').part, '<', 'no metric before the operator');
  });

  test('limits: missing, not a number, wrong or missing unit, out of range', () => {
    assert.deepEqual(failure('p99 <  '), { message: 'missing the limit after <: give a duration like 500ms, 1.5s or 2m (a bare number is ms)', start: 7, end: 7, part: '' });
    assert.deepEqual(failure('p99 < fast'), { message: 'invalid limit "fast": give a duration like 500ms, 1.5s or 2m (a bare number is ms)', start: 6, end: 10, part: 'fast' });
    assert.deepEqual(failure('p99 < 500x'), { message: 'unknown unit "x": give a duration like 500ms, 1.5s or 2m (a bare number is ms)', start: 9, end: 10, part: 'x' });
    assert.equal(failure('p99 < 500 ms trailing').part, 'ms trailing');
    assert.deepEqual(failure('p99 < 5%'), { message: 'a latency is a duration, not a percentage: give a duration like 500ms, 1.5s or 2m (a bare number is ms)', start: 7, end: 8, part: '%' });
    assert.match(failure('p99 < -1ms').message, /a latency cannot be negative/);
    assert.deepEqual(failure('error_rate < 1'), { message: '`error_rate` is a percentage: write the %, like 1%', start: 13, end: 14, part: '1' });
    assert.deepEqual(failure('checks > 0.99'), { message: '`checks` is a percentage: write the %, like 0.99%', start: 9, end: 13, part: '0.99' });
    assert.equal(failure('error_rate < 1ms').part, 'ms');
    assert.deepEqual(failure('error_rate < 120%'), { message: 'invalid percentage 120%: it must be between 0% and 100%', start: 13, end: 17, part: '120%' });
    assert.deepEqual(failure('rps > 10/s'), { message: '`rps` takes a plain number, without a unit: found "/s"', start: 8, end: 10, part: '/s' });
    assert.equal(failure('requests > 5%').part, '%');
    assert.deepEqual(failure('errors < -1'), { message: 'invalid limit -1: errors cannot be negative', start: 9, end: 11, part: '-1' });
    assert.match(failure('counter{x} > many').message, /^invalid limit "many": give a plain number in the counter's own unit/);
  });
});
