import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { RookeryError } from '../../agent/common/errors';
import { runConfig, runLocally, startLocalRun } from '../helpers/local-runs';
import { ScenarioDir } from '../helpers/scenario-files';

// Whole runs as `rookery run` makes them (in-process coordinator, local agent, worker threads), checking how a
// run follows its load shape, ends, and refuses bad input.
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

test('a plan that ends with a hold runs until the hold is over, not until the ramp before it ends', async () => {
  const file = dir.write('waiting-hold.scenario.ts', WAITING);
  const t0 = Date.now();
  const result = await runLocally(runConfig(file, {
    users: 0,
    stages: [{ kind: 'ramp', to: 2, duration: 300 }, { kind: 'hold', duration: 1500 }],
  }), { workers: 1 });
  const elapsed = Date.now() - t0;
  assert.equal(result.endReason, 'completed');
  assert.ok(elapsed >= 1800 && elapsed < 8000, `ramp 0.3 s + hold 1.5 s, took ${elapsed} ms`);
  assert.equal(result.summary.users.started, 2);
});

test('follows stages: ramps up, holds, ramps down, then ends by itself', async () => {
  const file = dir.write('waiting.scenario.ts', WAITING);
  const t0 = Date.now();
  const result = await runLocally(runConfig(file, {
    users: 0,
    stages: [
      { kind: 'ramp', to: 6, duration: 600 },
      { kind: 'hold', duration: 1200 },
      { kind: 'ramp', to: 0, duration: 300 },
    ],
  }), { workers: 2 });
  const elapsed = Date.now() - t0;
  assert.equal(result.endReason, 'completed');
  assert.ok(elapsed >= 2000 && elapsed < 8000, `about 2.1 s of stages, took ${elapsed} ms`);
  assert.equal(result.summary.users.started, 6);
  assert.equal(result.summary.users.stopped, 6, 'the ramp down removed every user');
  assert.ok(result.series.length >= 2, 'a snapshot per second');
  const alive = result.summary.checks.find((c) => c.name === 'alive');
  assert.ok(alive && alive.pass > 0 && alive.fail === 0);
});

test('a duration ends a run of users that would never finish, with maintain', async () => {
  const file = dir.write('waiting2.scenario.ts', WAITING);
  const result = await runLocally(runConfig(file, { users: 4, durationMs: 1200, maintain: true }));
  assert.equal(result.endReason, 'duration');
  assert.equal(result.summary.users.started, 4);
  assert.equal(result.summary.users.stopped, 4);
  assert.ok(result.endedAt - result.startedAt < 4000);
});

test('the series adds up to the total, and the run can be stopped from outside', async () => {
  const file = dir.write('waiting3.scenario.ts', WAITING);
  const run = await startLocalRun(runConfig(file, { users: 3 }));
  await new Promise((r) => setTimeout(r, 1500));
  await run.client.request({ type: 'control/stop', force: false });
  const result = await run.result;
  assert.equal(result.endReason, 'stopped');
  const perSecond = result.series.reduce((n, s) => n + (s.checks.alive?.pass ?? 0), 0);
  assert.equal(perSecond, result.summary.checks[0].pass);
  assert.equal(result.total.checks.alive.pass, perSecond);
});

test('bad input is refused before anything runs: variables (all at once) and a missing file', async () => {
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
  await assert.rejects(runLocally(runConfig(file, { planVariables: { b: 'z' }, env: { ROOKERY_C: '1' } })), (e: unknown) => {
    assert.ok(e instanceof RookeryError);
    assert.equal(e.code, 'ROOKERY_VARIABLES');
    const text = e.format();
    assert.match(text, /"?a"?.*(missing|no value)/is);
    assert.match(text, /z/);
    return true;
  });
  const ok = await runLocally(runConfig(file, { cliVariables: { a: 1 }, env: { ROOKERY_B: 'y' } }));
  assert.deepEqual(ok.variables.values, { a: 1, b: 'y' });
  assert.deepEqual(ok.variables.sources, { a: 'cli', b: 'env' });
  await assert.rejects(runLocally(runConfig(`${dir.dir}/nope.scenario.ts`)), (e: unknown) => e instanceof RookeryError && e.code === 'ROOKERY_SCENARIO_COMPILE');
});
