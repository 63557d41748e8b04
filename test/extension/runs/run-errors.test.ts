import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { RookeryError } from '../../../agent/common/errors';
import { controlErrorToRookery } from '../../../agent/cluster/control-client';
import { compileScenario } from '../../../agent/scenario/compile';
import { VariablesError } from '../../../agent/variables/variables-error';
import type { PlanPositions } from '../../../extension/runs/plan-run-config';
import { describeRunError, locateVariableProblem, parseWhere } from '../../../extension/runs/run-errors';

const plan: PlanPositions = {
  planFile: '/w/a.plan.yaml',
  variables: { host: { file: '/w/a.plan.yaml', line: 6, character: 2 } },
  variablesKey: { file: '/w/a.plan.yaml', line: 5, character: 0 },
};
const declarations = {
  host: { file: '/w/a.scenario.ts', line: 3, character: 4 },
  rate: { file: '/w/a.scenario.ts', line: 4, character: 4 },
};

describe('parseWhere', () => {
  test('file:line:col, 1-based, becomes zero-based', () => {
    assert.deepEqual(parseWhere('/w/a.ts:12:5'), { file: '/w/a.ts', line: 11, character: 4 });
    assert.deepEqual(parseWhere('/w/a.ts:3'), { file: '/w/a.ts', line: 2, character: 0 });
    assert.deepEqual(parseWhere('C:\\w\\a.ts:2:1'), { file: 'C:\\w\\a.ts', line: 1, character: 0 });
  });
  test('anything else is no location', () => {
    for (const where of [undefined, '', '--users', 'ws://h:7400', 'plan variables.host', '/w/a.ts:0:1', 'a.ts:x:y', 'https://h/a.ts:3:4']) {
      assert.equal(parseWhere(where), undefined, String(where));
    }
  });
});

describe('locateVariableProblem', () => {
  test('a plan value points at the plan; an unknown plan variable too', () => {
    assert.deepEqual(locateVariableProblem({ variable: 'host', kind: 'invalid', source: 'plan', reason: 'bad' }, { plan, declarations }), plan.variables.host);
    assert.deepEqual(locateVariableProblem({ variable: 'host', kind: 'unknown', source: 'plan', reason: 'not declared' }, { plan, declarations: {} }), plan.variables.host);
  });
  test('a missing value: the plan\'s variables: in a plan run, the declaration otherwise', () => {
    const missing = { variable: 'rate', kind: 'missing' as const, reason: 'required' };
    assert.deepEqual(locateVariableProblem(missing, { plan, declarations }), plan.variablesKey);
    assert.deepEqual(locateVariableProblem(missing, { declarations }), declarations.rate);
  });
  test('a default, environment or update value points at the declaration', () => {
    for (const source of ['default', 'env', 'cli', 'update'] as const) {
      assert.deepEqual(locateVariableProblem({ variable: 'host', kind: 'invalid', source, reason: 'x' }, { plan, declarations }), declarations.host);
    }
    assert.equal(locateVariableProblem({ variable: 'nope', kind: 'invalid', source: 'env', reason: 'x' }, { plan, declarations }), undefined);
  });
});

describe('describeRunError', () => {
  test('a scenario that does not compile: the compiler\'s message, and a button to its line', async () => {
    const file = resolve('test/fixtures/scenarios/broken-syntax.ts');
    const error = await compileScenario(file).then(
      () => assert.fail('it compiled'),
      (e: unknown) => e,
    );
    const report = describeRunError(error, 'start broken-syntax.ts', { localTarget: true });
    assert.match(report.message, /^Could not start broken-syntax\.ts: scenario does not compile: /);
    const open = report.actions.find((a) => a.kind === 'open');
    assert.ok(open && open.kind === 'open');
    assert.equal(open.location.file, file);
    assert.equal(open.location.line, 9); // `user.http(user.vars.host;` is line 10
    assert.equal(open.title, `Open broken-syntax.ts:10`);
    assert.deepEqual(report.actions.map((a) => a.kind), ['open', 'output']); // not a connection problem: no restart
    assert.match(report.detail, /^\[ROOKERY_SCENARIO_COMPILE\] /);
  });

  test('variables rejected by the coordinator: its message, the first problem, the plan line', () => {
    const error = controlErrorToRookery({
      code: 'ROOKERY_VARIABLES',
      message: '2 problems with scenario variables',
      variableProblems: [
        { variable: 'host', kind: 'invalid', source: 'plan', value: 'ftp://x', reason: 'not one of the allowed values: "http://a"' },
        { variable: 'rate', kind: 'missing', reason: 'required, and no value was given' },
      ],
      hint: 'set values with ROOKERY_<NAME>=value',
    });
    const report = describeRunError(error, 'start a.plan.yaml', { plan, declarations, localTarget: true });
    assert.equal(
      report.message,
      'Could not start a.plan.yaml: 2 problems with scenario variables: variable "host" = "ftp://x": not one of the allowed values: "http://a" (and 1 more) (a.plan.yaml:7) — set values with ROOKERY_<NAME>=value',
    );
    assert.deepEqual(report.actions[0], { kind: 'open', title: 'Open a.plan.yaml:7', location: plan.variables.host });
    assert.match(report.detail, /rate/);
  });

  test('the engine\'s own VariablesError locates through the declarations', () => {
    const error = new VariablesError([{ variable: 'rate', kind: 'invalid', source: 'default', value: 7, reason: 'not one of the allowed values: 1, 5' }]);
    const report = describeRunError(error, 'start it', { declarations, localTarget: false });
    assert.deepEqual(report.actions[0], { kind: 'open', title: 'Open a.scenario.ts:5', location: declarations.rate });
  });

  test('the coordinator out of reach: Restart Local Agent when it is ours, Show Output always', () => {
    const error = new RookeryError('ROOKERY_CONNECT', 'connection refused', { where: 'ws://127.0.0.1:1' });
    assert.deepEqual(describeRunError(error, 'start it', { localTarget: true }).actions.map((a) => a.title), ['Restart Local Agent', 'Show Output']);
    assert.deepEqual(describeRunError(error, 'start it', { localTarget: false }).actions.map((a) => a.title), ['Show Output']);
  });

  test('a read-only update: the engine\'s message as it is', () => {
    const error = controlErrorToRookery({
      code: 'ROOKERY_UPDATE',
      message: 'update rejected',
      variableProblems: [{ variable: 'host', kind: 'read_only', source: 'update', value: 'x', reason: 'read-only: it cannot change during a run' }],
    });
    const report = describeRunError(error, 'update the variables', { localTarget: true });
    assert.equal(report.message, 'Could not update the variables: update rejected: variable "host" = "x": read-only: it cannot change during a run');
    assert.deepEqual(report.actions.map((a) => a.kind), ['output']);
  });

  test('anything that is not a RookeryError still reads, with Show Output', () => {
    const report = describeRunError(new Error('boom'), 'stop the run', { localTarget: true });
    assert.equal(report.message, 'Could not stop the run: boom');
    assert.deepEqual(report.actions.map((a) => a.kind), ['output']);
    assert.equal(describeRunError('weird', 'x', { localTarget: true }).message, 'Could not x: weird');
  });
});
