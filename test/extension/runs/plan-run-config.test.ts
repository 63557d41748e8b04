import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RookeryError } from '../../../agent/common/errors';
import { buildRunConfig, toRunRequest } from '../../../agent/cli/run-config';
import { TOKEN_ENV } from '../../../agent/cli/network-options';
import { parsePlan } from '../../../agent/plan/parse-plan';
import { compileScenario } from '../../../agent/scenario/compile';
import { planErrorsMessage, planRunConfig, runRequestOf, scenarioRunConfig } from '../../../extension/runs/plan-run-config';

const EXAMPLE_PLAN = resolve('examples/http-api.plan.yaml');
const FULL_PLAN = resolve('test/fixtures/plans/valid-full.plan.yaml');
const MISTAKES = resolve('test/fixtures/plans/many-mistakes.plan.yaml');
const ENV = { ROOKERY_BASE_URL: 'http://127.0.0.1:1', ROOKERY_TOKEN: 'secret', PATH: '/bin' };

const dir = mkdtempSync(join(tmpdir(), 'rookery-plan-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('planRunConfig', () => {
  for (const file of [EXAMPLE_PLAN, FULL_PLAN]) {
    test(`builds what \`rookery run ${file.slice(process.cwd().length + 1)}\` builds`, async () => {
      const built = planRunConfig(file, readFileSync(file, 'utf8'), ENV);
      assert.equal(built.ok, true);
      if (!built.ok) return;
      assert.deepEqual(built.cli, await buildRunConfig(file, {}, ENV));
    });
  }

  test('reads the text it is given (unsaved edits), not the file on disk', async () => {
    const disk = readFileSync(EXAMPLE_PLAN, 'utf8');
    const edited = disk.replace('userRate: 1200/min', 'userRate: 60/s\nduration: 7s').replace('think_time_ms: 200', 'think_time_ms: 5');
    const built = planRunConfig(EXAMPLE_PLAN, edited, ENV);
    assert.ok(built.ok);
    assert.equal(built.cli.config.userRate, 3600);
    assert.equal(built.cli.config.durationMs, 7000);
    assert.deepEqual(built.cli.config.planVariables, { base_url: 'http://127.0.0.1:8080', think_time_ms: 5 });
    // The same text saved (beside a copy of its scenario) gives the CLI's configuration.
    const saved = join(dir, 'edited.plan.yaml');
    writeFileSync(join(dir, 'http-api.scenario.ts'), readFileSync('examples/http-api.scenario.ts'));
    writeFileSync(saved, edited);
    const again = planRunConfig(saved, edited, ENV);
    assert.ok(again.ok);
    assert.deepEqual(again.cli, await buildRunConfig(saved, {}, ENV));
    assert.equal(again.cli.config.scenarioFile, join(dir, 'http-api.scenario.ts'));
  });

  test('keeps where the plan sets each variable, and its variables: key', () => {
    const built = planRunConfig(EXAMPLE_PLAN, readFileSync(EXAMPLE_PLAN, 'utf8'), ENV);
    assert.ok(built.ok);
    assert.deepEqual(built.positions.variables.base_url, { file: EXAMPLE_PLAN, line: 6, character: 2 });
    assert.deepEqual(built.positions.variables.think_time_ms, { file: EXAMPLE_PLAN, line: 7, character: 2 });
    assert.deepEqual(built.positions.variablesKey, { file: EXAMPLE_PLAN, line: 5, character: 0 });
  });

  test('a plan without variables points a missing value at its first line', () => {
    const file = join(dir, 'bare.plan.yaml');
    writeFileSync(join(dir, 'x.scenario.ts'), '');
    const built = planRunConfig(file, 'users: 2\nscenario: ./x.scenario.ts\n', ENV);
    assert.ok(built.ok);
    assert.deepEqual(built.positions.variablesKey, { file, line: 0, character: 0 });
    assert.deepEqual(built.positions.variables, {});
  });

  test('a plan with errors: every error, the same count the CLI refuses it with, nothing built', async () => {
    const text = readFileSync(MISTAKES, 'utf8');
    const built = planRunConfig(MISTAKES, text, ENV);
    assert.equal(built.ok, false);
    if (built.ok) return;
    const expected = parsePlan(MISTAKES, text).problems.filter((p) => p.severity === 'error');
    assert.ok(expected.length > 5);
    assert.deepEqual(built.errors, expected);
    await assert.rejects(buildRunConfig(MISTAKES, {}, ENV), (error: unknown) => {
      assert.ok(error instanceof RookeryError);
      assert.equal(error.message, `invalid plan: ${expected.length} errors`);
      return true;
    });
  });

  test('unsaved text with a new error is refused even though the file on disk is fine', () => {
    const built = planRunConfig(EXAMPLE_PLAN, readFileSync(EXAMPLE_PLAN, 'utf8').replace('userRate: 1200/min', 'userRate: fast'), ENV);
    assert.equal(built.ok, false);
    if (built.ok) return;
    assert.equal(built.errors.length, 1);
    assert.equal(built.errors[0].code, 'ROOKERY_PLAN_RATE');
    assert.equal(built.errors[0].range.start.line, 4);
  });

  test('warnings go with the configuration, formatted as the CLI prints them', () => {
    writeFileSync(join(dir, 'w.scenario.ts'), '');
    const file = join(dir, 'w.plan.yaml');
    const built = planRunConfig(file, 'scenario: ./w.scenario.ts\nusers: 0\n', ENV);
    assert.ok(built.ok);
    assert.equal(built.cli.warnings.length, 1);
    assert.match(built.cli.warnings[0], new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: warning: `));
  });
});

describe('scenarioRunConfig and runRequestOf', () => {
  test('a scenario with N users is `rookery run <scenario> --users N`', async () => {
    const file = resolve('examples/http-api.scenario.ts');
    const cli = await scenarioRunConfig(file, 25, ENV);
    assert.deepEqual(cli, await buildRunConfig(file, { users: '25' }, ENV));
    assert.equal(cli.config.users, 25);
    assert.deepEqual(cli.config.stages, []);
  });

  test('the request is the CLI\'s: same bundle, env values without the token, the plan\'s agent-loss policy', async () => {
    const built = planRunConfig(FULL_PLAN, readFileSync(FULL_PLAN, 'utf8'), ENV);
    assert.ok(built.ok);
    const compiled = await compileScenario(built.cli.config.scenarioFile);
    const request = runRequestOf(built.cli, compiled);
    assert.deepEqual(request, toRunRequest(built.cli.config, compiled, built.cli.onAgentLoss ?? 'continue', TOKEN_ENV));
    assert.deepEqual(request.envVariables, { ROOKERY_BASE_URL: 'http://127.0.0.1:1' });
    assert.equal(request.scenario.file, resolve('test/fixtures/plans/ping.scenario.ts'));
    assert.equal(request.planFile, FULL_PLAN);
    assert.equal(request.onAgentLoss, 'continue');
  });

  test('a plan\'s onAgentLoss reaches the request', async () => {
    const built = planRunConfig(EXAMPLE_PLAN, `${readFileSync(EXAMPLE_PLAN, 'utf8')}\nonAgentLoss: redistribute\n`, ENV);
    assert.ok(built.ok);
    const request = runRequestOf(built.cli, { file: '/x.ts', bundlePath: '/x.rookery.js', code: '', sources: [] });
    assert.equal(request.onAgentLoss, 'redistribute');
  });
});

test('planErrorsMessage counts errors', () => {
  assert.equal(planErrorsMessage('a.plan.yaml', 1), 'Plan has 1 error: fix it before running a.plan.yaml.');
  assert.equal(planErrorsMessage('a.plan.yaml', 3), 'Plan has 3 errors: fix them before running a.plan.yaml.');
});
