import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalRun, type RunConfig } from '../../../agent/controller/local-run';
import { RookeryError } from '../../../agent/common/errors';
import { ScenarioDir } from '../../helpers/scenario-files';

const dir = new ScenarioDir();
after(() => dir.remove());

const WAITING = `
import { scenario, variable } from 'rookery';
export default scenario({
  variables: { pause: variable({ description: 'ms between checks', default: 20 }) },
  async start(user) {
    while (!user.stopping) { user.check('alive', true); await user.sleep(user.vars.pause); }
  },
});`;

function config(scenarioFile: string, overrides: Partial<RunConfig> = {}): RunConfig {
  return {
    scenarioFile,
    users: 0,
    userRate: 60_000,
    maintain: false,
    stages: [],
    planVariables: {},
    cliVariables: {},
    env: {},
    gracePeriodMs: 200,
    ...overrides,
  };
}

test('follows stages: ramps up, holds, ramps down, then ends by itself', async () => {
  const file = dir.write('waiting.scenario.ts', WAITING);
  const run = await LocalRun.prepare(config(file, {
    stages: [
      { kind: 'ramp', to: 6, duration: 600 },
      { kind: 'hold', duration: 1200 },
      { kind: 'ramp', to: 0, duration: 300 },
    ],
  }));
  const t0 = Date.now();
  const result = await run.start();
  const elapsed = Date.now() - t0;
  assert.equal(result.endReason, 'completed');
  assert.ok(elapsed >= 2000 && elapsed < 5000, `about 2.1 s of stages, took ${elapsed} ms`);
  assert.equal(result.summary.users.started, 6);
  assert.equal(result.summary.users.stopped, 6, 'the ramp down removed every user');
  assert.equal(result.summary.users.peakActive, 6);
  assert.ok(result.series.length >= 2, 'a snapshot per second');
  const alive = result.summary.checks.find((c) => c.name === 'alive');
  assert.ok(alive && alive.pass > 0 && alive.fail === 0);
});

test('a duration ends a run of users that would never finish, with maintain', async () => {
  const file = dir.write('waiting2.scenario.ts', WAITING);
  const run = await LocalRun.prepare(config(file, { users: 4, durationMs: 1200, maintain: true }));
  const result = await run.start();
  assert.equal(result.endReason, 'duration');
  assert.equal(result.summary.users.started, 4);
  assert.equal(result.summary.users.stopped, 4);
  assert.ok(result.endedAt - result.startedAt < 3000);
});

test('the series adds up to the total, and the run can be stopped from outside', async () => {
  const file = dir.write('waiting3.scenario.ts', WAITING);
  const run = await LocalRun.prepare(config(file, { users: 3 }));
  const done = run.start();
  await new Promise((r) => setTimeout(r, 1500));
  const result = await run.stop('stopped');
  assert.equal(await done, result);
  assert.equal(result.endReason, 'stopped');
  const perSecond = result.series.reduce((n, s) => n + (s.checks.alive?.pass ?? 0), 0);
  assert.equal(perSecond, result.summary.checks[0].pass);
  assert.equal(result.total.checks.alive.pass, perSecond);
});

test('prepare rejects bad input before anything runs: variables (all at once) and a missing file', async () => {
  const file = dir.write(
    'vars.scenario.ts',
    `import { scenario, variable } from 'rookery';
     export default scenario({
       variables: {
         a: variable({ description: 'required' }),
         b: variable({ description: 'allowlisted', default: 'x', verify: ['x', 'y'] }),
       },
       start() {},
     });`,
  );
  await assert.rejects(LocalRun.prepare(config(file, { planVariables: { b: 'z' }, env: { ROOKERY_C: '1' } })), (e: unknown) => {
    assert.ok(e instanceof RookeryError);
    assert.equal(e.code, 'ROOKERY_VARIABLES');
    const text = e.format();
    assert.match(text, /"?a"?.*(missing|no value)/is);
    assert.match(text, /z/);
    return true;
  });
  const ok = await LocalRun.prepare(config(file, { cliVariables: { a: 1 }, env: { ROOKERY_B: 'y' } }));
  assert.deepEqual(ok.variables.values(), { a: 1, b: 'y' });
  await assert.rejects(LocalRun.prepare(config(`${dir.dir}/nope.scenario.ts`)), (e: unknown) => e instanceof RookeryError && e.code === 'ROOKERY_SCENARIO_COMPILE');
});
