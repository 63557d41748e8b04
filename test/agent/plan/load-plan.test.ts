import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { RookeryError } from '../../../agent/common/errors';
import { loadPlan } from '../../../agent/plan/load-plan';

const FIXTURES = resolve(__dirname, '../../../../test/fixtures/plans');

/** Runs `fn`, expecting a RookeryError, and returns it. */
function rookeryError(fn: () => unknown): RookeryError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof RookeryError, `expected a RookeryError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an error');
}

describe('loadPlan', () => {
  test('reads a valid plan file', () => {
    const { plan, warnings } = loadPlan(join(FIXTURES, 'valid-full.plan.yaml'));
    assert.equal(plan.scenario, join(FIXTURES, 'ping.scenario.ts'));
    assert.equal(plan.stages.length, 5);
    assert.deepEqual(warnings, []);
  });

  test('throws one ROOKERY_PLAN error with every problem of an invalid file', () => {
    const file = join(FIXTURES, 'many-mistakes.plan.yaml');
    const error = rookeryError(() => loadPlan(file));
    assert.equal(error.code, 'ROOKERY_PLAN');
    assert.equal(error.message, 'invalid plan: 15 errors');
    assert.equal(error.problems[0].where, `${file}:2:11`);
  });

  test('a file that does not exist, or a directory', () => {
    const missing = rookeryError(() => loadPlan(join(FIXTURES, 'absent.plan.yaml')));
    assert.equal(missing.code, 'ROOKERY_PLAN');
    assert.match(missing.message, /^plan file not found: .*absent\.plan\.yaml$/);
    const folder = rookeryError(() => loadPlan(FIXTURES));
    assert.match(folder.message, /^the plan path is a directory/);
  });
});
