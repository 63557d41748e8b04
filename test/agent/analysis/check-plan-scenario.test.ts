import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPlanScenario, type PlanScenarioFacts } from '../../../agent/analysis/check-plan-scenario';
import { extractDeclarations } from '../../../agent/analysis/extract-variables';

const RANGE = { start: { line: 0, character: 10 }, end: { line: 0, character: 24 } };

function facts(over: Partial<PlanScenarioFacts>): PlanScenarioFacts {
  return { given: './x.scenario.ts', range: RANGE, path: '/p/x.scenario.ts', exists: true, decls: undefined, ...over };
}

describe('checkPlanScenario', () => {
  test('a scenario: nothing to say', () => {
    const decls = extractDeclarations('/p/x.scenario.ts', "import { scenario } from 'rookery';\nexport default scenario({ async start() {} });");
    assert.equal(checkPlanScenario(facts({ decls })), undefined);
  });

  test('no such file: an error on the value, naming where it looked', () => {
    assert.deepEqual(checkPlanScenario(facts({ exists: false })), {
      severity: 'error', code: 'ROOKERY_PLAN_SCENARIO_NOT_FOUND', range: RANGE, message: 'scenario file not found: ./x.scenario.ts (looked for /p/x.scenario.ts)',
    });
  });

  test('a file that could not be read: a warning', () => {
    const p = checkPlanScenario(facts({ decls: undefined }));
    assert.equal(p?.severity, 'warning');
    assert.match(p!.message, /cannot be read, so its variables are not checked/);
  });

  test('not a scenario: an error saying so, or the reader\'s own reason when it has one', () => {
    const notScenario = extractDeclarations('/p/x.scenario.ts', 'export default 42;');
    const p = checkPlanScenario(facts({ decls: notScenario }));
    assert.equal(p?.code, 'ROOKERY_VAR_NOT_A_SCENARIO');
    assert.equal(p?.message, './x.scenario.ts is not a scenario: no `export default scenario({...})` found in it');
    const empty = extractDeclarations('/p/x.scenario.ts', '');
    assert.equal(checkPlanScenario(facts({ decls: empty }))?.code, 'ROOKERY_VAR_NOT_A_SCENARIO');
    const tooLarge = { file: '/p/x.scenario.ts', isScenario: false, variables: [], reads: [], problems: [{ severity: 'warning' as const, code: 'ROOKERY_FILE_TOO_LARGE', message: 'too large', range: RANGE }] };
    assert.deepEqual(checkPlanScenario(facts({ decls: tooLarge })), { severity: 'warning', code: 'ROOKERY_FILE_TOO_LARGE', range: RANGE, message: './x.scenario.ts: too large' });
  });
});
