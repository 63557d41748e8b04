import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runConfig, runLocally } from '../helpers/local-runs';
import { ScenarioDir } from '../helpers/scenario-files';
import {
  closedPortTarget, startGarbageTarget, startHangingTarget, startResetTarget, type Target,
} from '../helpers/targets';

// Whole runs (as `rookery run` makes them) against targets that misbehave in one way each: every failure is a counted error of its kind, the
// run ends on time, and no user fails (failures of the target are data, not crashes).
const dir = new ScenarioDir();
const targets: Target[] = [];
let scenarioFile: string;

before(() => {
  scenarioFile = dir.write(
    'hammer.scenario.ts',
    `import { scenario, variable } from 'rookery';
     export default scenario({
       variables: { url: variable({ description: 'target' }) },
       async start(user) {
         const api = user.http(user.vars.url, { timeout: 300 });
         while (!user.stopping) {
           const res = await api.get('/things/' + user.id);
           user.check('got an answer', res.ok);
           await user.sleep(20);
         }
       },
     });`,
  );
});
after(async () => {
  await Promise.all(targets.map((t) => t.close()));
  dir.remove();
});

async function runAgainst(url: string) {
  const t0 = Date.now();
  const result = await runLocally(runConfig(scenarioFile, { users: 5, durationMs: 1500, planVariables: { url } }));
  return { result, elapsed: Date.now() - t0 };
}

for (const [name, start, kind] of [
  ['refuses connections', closedPortTarget, 'refused'],
  ['resets mid-response', startResetTarget, 'reset'],
  ['never answers', startHangingTarget, 'timeout'],
  ['answers garbage', startGarbageTarget, 'protocol'],
] as const) {
  test(`a target that ${name}: errors counted as ${kind}, the run ends on time, no user fails`, async () => {
    const target = await start();
    targets.push(target);
    const { result, elapsed } = await runAgainst(target.url);
    const s = result.summary;
    assert.equal(result.endReason, 'duration');
    assert.ok(elapsed < 4000, `ended in ${elapsed} ms`);
    assert.ok(s.total.count > 0, 'requests were made and recorded');
    assert.equal(s.total.failed, s.total.count, 'every request failed');
    const error = s.errors.find((e) => e.kind === kind);
    assert.ok(error && error.count > 0, `errors: ${JSON.stringify(s.errors)}`);
    assert.equal(s.users.failed, 0, 'the target failing is not the user failing');
    assert.equal(s.users.started, 5);
    assert.equal(s.checks[0].pass, 0);
    assert.equal(s.requests[0].name, 'GET /things/:id');
  });
}
