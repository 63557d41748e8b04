import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { ScenarioDir } from '../helpers/scenario-files';
import { startHttpTarget, type HttpTarget } from '../helpers/targets';

// `rookery run` with thresholds, as a process against a local target: the ✓/✗ lines, exit 3 when one fails, and
// an abortOnFail threshold that ends a 20 s run within seconds. One worker each, to stay light.
const dir = new ScenarioDir();
let target: HttpTarget;
/** Each user makes 10 requests to `/`, then finishes. */
let tenRequests: string;
/** Users loop on `/` until stopped. */
let loop: string;

before(async () => {
  target = await startHttpTarget();
  tenRequests = dir.write(
    'ten.scenario.ts',
    `import { scenario, variable } from 'rookery';
     export default scenario({
       variables: { url: variable({ description: 'target' }) },
       async start(user) {
         const api = user.http(user.vars.url);
         for (let i = 0; i < 10; i++) user.check('is 200', (await api.get('/')).status === 200);
       },
     });`,
  );
  loop = dir.write(
    'loop.scenario.ts',
    `import { scenario, variable } from 'rookery';
     export default scenario({
       variables: { url: variable({ description: 'target' }) },
       async start(user) {
         const api = user.http(user.vars.url);
         while (!user.stopping) { await api.get('/'); await user.sleep(20); }
       },
     });`,
  );
});
after(async () => {
  await target.close();
  dir.remove();
});

function run(args: string[]) {
  return runCli(['run', ...args, '--workers', '1', '--var', `url=${target.url}`], { timeoutMs: 30_000 });
}

describe('rookery run with thresholds', () => {
  test('passing thresholds exit 0 with ✓ lines', async () => {
    const r = await run([tenRequests, '--users', '2', '--threshold', 'error_rate<1%', '--threshold', 'requests == 20', '--threshold', 'checks{is 200} >= 100%']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /ended: completed/);
    assert.match(r.stdout, /thresholds: all 3 passed/);
    assert.match(r.stdout, /✓ error_rate<1%\s+error_rate = 0%, limit < 1%/);
    assert.match(r.stdout, /✓ requests == 20\s+requests = 20, limit == 20/);
    assert.doesNotMatch(r.stdout, /✗/);
  });

  test('a failing threshold exits 3 and prints the ✗ line; the plan\'s and --threshold\'s are both judged, into --out too', async () => {
    const plan = dir.write('failing.plan.yaml', [
      `scenario: ${JSON.stringify(tenRequests)}`,
      'users: 1',
      'thresholds:',
      '  - errors == 0',
      '  - p99{GET /nope} < 1s',
      '',
    ].join('\n'));
    const out = join(dir.dir, 'failing.json');
    const r = await run([plan, '--threshold', 'requests > 1000', '--out', out]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /thresholds: 2 of 3 failed/);
    assert.match(r.stdout, /✓ errors == 0\s+errors = 0, limit == 0/);
    assert.match(r.stdout, /✗ p99\{GET \/nope\} < 1s\s+p99\{GET \/nope\}: no data \(no request named "GET \/nope" completed\), limit < 1000 ms/);
    assert.match(r.stdout, /✗ requests > 1000\s+requests = 10, limit > 1000/);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual(result.thresholds.map((t: { threshold: string; ok: boolean; actual: number | null }) => [t.threshold, t.ok, t.actual]), [
      ['errors == 0', true, 0],
      ['p99{GET /nope} < 1s', false, null],
      ['requests > 1000', false, 10],
    ]);
    assert.equal(result.config.thresholds.length, 3, 'the request carried every threshold');
  });

  test('an abortOnFail threshold stops a 20 s run within seconds, saying which and why', async () => {
    const plan = dir.write('abort.plan.yaml', [
      `scenario: ${JSON.stringify(loop)}`,
      'users: 2',
      'duration: 20s',
      'thresholds:',
      '  - errors == 0',
      '  - { threshold: requests < 30, abortOnFail: true, delay: 1s }',
      '',
    ].join('\n'));
    const out = join(dir.dir, 'abort.json');
    const t0 = Date.now();
    const r = await run([plan, '--out', out]);
    const elapsed = Date.now() - t0;
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.ok(elapsed < 12_000, `stopped early (${elapsed} ms)`);
    assert.match(r.stdout, /ended: thresholds/);
    assert.match(r.stdout, /stopped early: threshold `requests < 30` failed \(requests = \d+, limit < 30\)/);
    assert.match(r.stdout, /✗ requests < 30\s+requests = \d+, limit < 30; stopped the run \(requests = \d+, limit < 30\)/);
    assert.match(r.stdout, /✓ errors == 0/);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(result.endReason, 'thresholds');
    const failed = result.events.filter((e: { kind: string }) => e.kind === 'threshold-failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0].threshold, 'requests < 30');
    assert.ok(failed[0].at - Date.parse(result.startedAt) >= 1000, 'not before its delay');
    assert.ok(Date.parse(result.endedAt) - Date.parse(result.startedAt) < 10_000);
    assert.deepEqual(result.thresholds.map((t: { ok: boolean; aborted?: boolean }) => [t.ok, t.aborted ?? false]), [[true, false], [false, true]]);
  });

  test('a bad --threshold exits 2 naming the column; nothing runs', async () => {
    const before = target.requests.value;
    const r = await run([tenRequests, '--threshold', 'p99 < 500x', '--threshold', 'eror_rate < 1%']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid --threshold \(2\)/);
    assert.match(r.stderr, /--threshold "p99 < 500x": column 10: unknown unit "x"/);
    assert.match(r.stderr, /--threshold "eror_rate < 1%": column 1: unknown stat "eror_rate" \(did you mean "error_rate"\?\)/);
    assert.equal(target.requests.value, before, 'no request was made');
  });

  test('rookery validate reports a bad plan threshold at its line:column', async () => {
    const plan = dir.write('bad-threshold.plan.yaml', `scenario: ${JSON.stringify(tenRequests)}\nthresholds:\n  - p99 < 1s\n  - p98 < 1s\n`);
    const r = await runCli(['validate', plan]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`${plan.replace(/[.]/g, '\\.')}:4:5: error: invalid threshold: unknown stat "p98" \\(did you mean "p99"\\?\\)`));
  });
});
