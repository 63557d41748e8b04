import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { planGradualChange, runGradualChange, MIN_STEP_MS, type GradualPlan } from '../../../agent/coordination/gradual-rate';
import { RookeryError } from '../../../agent/common/errors';

/** Runs `plan` to its end (deadline-bounded) and returns each applied rate with its time since the start. */
function runToEnd(plan: GradualPlan, deadlineMs: number): Promise<Array<{ rate: number; at: number }>> {
  return new Promise((resolve, reject) => {
    const applied: Array<{ rate: number; at: number }> = [];
    const start = performance.now();
    const deadline = setTimeout(() => reject(new Error(`gradual change not finished after ${deadlineMs} ms`)), deadlineMs);
    runGradualChange(plan, (rate) => applied.push({ rate, at: performance.now() - start }), {
      onFinished: () => {
        clearTimeout(deadline);
        resolve(applied);
      },
    });
  });
}

describe('planGradualChange', () => {
  test('steps evenly from `from` to `to`, up or down, in the per-minute default', () => {
    assert.deepEqual(planGradualChange('t', { from: 10, to: 40, stepInterval: 1000, stepCount: 3 }), {
      interval: 60_000,
      stepInterval: 1000,
      rates: [10, 20, 30, 40],
    });
    const down = planGradualChange('t', { from: 40, to: 10, interval: 1000, stepInterval: 500, stepCount: 2 });
    assert.deepEqual(down, { interval: 1000, stepInterval: 500, rates: [40, 25, 10] });
  });

  test('a duration takes steps of one, as amoc does, but never closer than MIN_STEP_MS', () => {
    assert.deepEqual(planGradualChange('t', { from: 0, to: 5, duration: 1000 }).rates, [0, 1, 2, 3, 4, 5]);
    assert.equal(planGradualChange('t', { from: 0, to: 5, duration: 1000 }).stepInterval, 200);
    const coarse = planGradualChange('t', { from: 100, to: 0, duration: 1000 });
    assert.equal(coarse.stepInterval, MIN_STEP_MS);
    assert.deepEqual(coarse.rates, [100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 0]);
    assert.deepEqual(planGradualChange('t', { from: 7, to: 7, duration: 500 }).rates, [7, 7]);
  });

  test('bad changes list every problem', () => {
    const bad: unknown[] = [
      null,
      { from: 1, to: 2 },
      { from: -1, to: 2, duration: 100 },
      { from: 1, to: Infinity, duration: 100 },
      { from: 1, to: 2, stepInterval: 100, stepCount: 1.5 },
      { from: 1, to: 2, stepInterval: 0, stepCount: 2 },
      { from: 1, to: 2, duration: 100, stepCount: 2 },
      { from: 1, to: 2, duration: 100, interval: 0 },
      { from: 1, to: 2, duration: 100, rate: 3 },
      { from: '1', to: 2, duration: 100 },
    ];
    for (const change of bad) {
      assert.throws(
        () => planGradualChange('msgs', change),
        (e: unknown) => e instanceof RookeryError && e.code === 'ROOKERY_USAGE' && e.problems.length > 0 && e.message.includes('"msgs"'),
        JSON.stringify(change),
      );
    }
    assert.throws(
      () => planGradualChange('msgs', { from: -1, to: 'x', stepInterval: 100, stepCount: 0 }),
      (e: RookeryError) => {
        assert.deepEqual(e.problems.map((p) => p.where), ['from', 'to', 'stepCount']);
        return true;
      },
    );
  });
});

describe('runGradualChange', () => {
  test('applies `from` at once and each step upwards on time (±50 ms)', async () => {
    const plan = planGradualChange('t', { from: 5, to: 25, interval: 1000, stepInterval: 150, stepCount: 4 });
    const applied = await runToEnd(plan, 3000);
    assert.deepEqual(applied.map((a) => a.rate), [5, 10, 15, 20, 25]);
    assert.ok(applied[0].at < 5, 'from is applied synchronously');
    applied.forEach((a, i) => assert.ok(Math.abs(a.at - i * 150) <= 50, `step ${i} at ${a.at}, expected ${i * 150}`));
  });

  test('steps downwards on time (±50 ms)', async () => {
    const plan = planGradualChange('t', { from: 60, to: 20, interval: 1000, duration: 400 });
    assert.equal(plan.stepInterval, MIN_STEP_MS);
    const applied = await runToEnd(plan, 3000);
    assert.deepEqual(applied.map((a) => a.rate), [60, 50, 40, 30, 20]);
    applied.forEach((a, i) => assert.ok(Math.abs(a.at - i * 100) <= 50, `step ${i} at ${a.at}, expected ${i * 100}`));
  });

  test('cancel stops further steps', async () => {
    const plan = planGradualChange('t', { from: 1, to: 3, stepInterval: 60, stepCount: 2 });
    const rates: number[] = [];
    const run = runGradualChange(plan, (rate) => rates.push(rate));
    run.cancel();
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(rates, [1]);
    assert.equal(run.finished, false);
  });
});
