import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTarget, type DemoTarget } from '../../agent/target/server';
import { runCli, startCli, ROOT } from '../helpers/cli';
import { ScenarioDir, waitFor } from '../helpers/scenario-files';

const dir = new ScenarioDir();
let target: DemoTarget;
before(async () => {
  target = await startTarget({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await target.close();
  dir.remove();
});

describe('rookery run (the built CLI as a process)', () => {
  test('runs the example plan for 3 s against the demo target and writes --out', async () => {
    const out = join(dir.dir, 'result.json');
    const r = await runCli(['run', join(ROOT, 'examples/http-api.plan.yaml'), '--duration', '3s', '--var', `base_url=${target.url}`, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /GET \/items\/:id/);
    assert.match(r.stdout, /p99/);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(result.format, 'rookery-result');
    assert.equal(result.endReason, 'duration');
    assert.ok(result.summary.total.count > 0, 'requests were made');
    assert.equal(result.summary.total.failed, 0, 'no request failed');
    assert.deepEqual(result.summary.errors, []);
    assert.ok(result.series.length >= 3, `one snapshot per second (${result.series.length})`);
    const names = result.summary.requests.map((r: { name: string }) => r.name).sort();
    assert.deepEqual(names, ['GET /', 'GET /items/:id', 'POST /items']);
    assert.ok(result.summary.checks.every((c: { fail: number }) => c.fail === 0), JSON.stringify(result.summary.checks));
    assert.equal(result.variables.values.base_url, target.url);
    assert.equal(result.variables.sources.base_url, 'cli');
    assert.equal(result.variables.sources.think_time_ms, 'plan');
    const perSecond = result.series.reduce((n: number, s: { requests: Record<string, { count: number }> }) =>
      n + Object.values(s.requests).reduce((m, r) => m + r.count, 0), 0);
    assert.equal(perSecond, result.summary.total.count, 'the series adds up to the total');
  });

  test('a broken plan exits 2 naming file:line:col, and starts nothing', async () => {
    const plan = dir.write('broken.plan.yaml', 'scenario: ./missing.scenario.ts\nusers: many\nuserRat: 10/s\n');
    const r = await runCli(['run', plan]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`${plan.replace(/[.]/g, '\\.')}:2:8`), r.stderr);
    assert.match(r.stderr, /userRat.*userRate/s, 'did-you-mean for the unknown key');
    assert.match(r.stderr, /missing\.scenario\.ts/);
  });

  test('a scenario that does not compile exits 2 with file:line:col', async () => {
    const file = dir.write('syntax.scenario.ts', "import { scenario } from 'rookery';\nexport default scenario({\n  start(user) { user. }\n});\n");
    const r = await runCli(['run', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /does not compile/);
    assert.match(r.stderr, /syntax\.scenario\.ts:3:\d+/);
  });

  test('invalid and missing variables are all reported at once, exit 2, no user started', async () => {
    const marker = join(dir.dir, 'started-marker');
    const file = dir.write(
      'vars.scenario.ts',
      `import { scenario, variable } from 'rookery';
       import { writeFileSync } from 'node:fs';
       export default scenario({
         variables: {
           token: variable({ description: 'no default' }),
           mode: variable({ description: 'one of two', default: 'fast', verify: ['fast', 'slow'] }),
           count: variable({ description: 'positive', default: -1, verify: (v) => (v as number) > 0 || { ok: false, reason: 'must be > 0' } }),
         },
         start() { writeFileSync(${JSON.stringify(marker)}, 'x'); },
       });`,
    );
    const r = await runCli(['run', file, '--var', 'mode=medium', '--var', 'cuont=3']);
    assert.equal(r.code, 2);
    for (const expected of [/token/, /ROOKERY_TOKEN/, /mode/, /medium/, /count/, /must be > 0/, /cuont/, /count/]) {
      assert.match(r.stderr, expected);
    }
    assert.equal(existsSync(marker), false, 'no user ran');
  });

  test('init that throws exits 2 with the scenario line; no user starts', async () => {
    const marker = join(dir.dir, 'init-marker');
    const file = dir.write(
      'init.scenario.ts',
      `import { scenario } from 'rookery';
       import { writeFileSync } from 'node:fs';
       export default scenario({
         init() { throw new Error('cannot reach the database'); },
         start() { writeFileSync(${JSON.stringify(marker)}, 'x'); },
       });`,
    );
    const r = await runCli(['run', file, '--users', '3']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot reach the database/);
    assert.match(r.stderr, /init\.scenario\.ts:4:\d+/);
    assert.equal(existsSync(marker), false);
  });

  test('Ctrl-C stops gracefully and still prints the summary', async () => {
    const file = dir.write(
      'forever.scenario.ts',
      `import { scenario, variable } from 'rookery';
       export default scenario({
         variables: { url: variable({ description: 'target' }) },
         async start(user) {
           const api = user.http(user.vars.url);
           while (!user.stopping) { await api.get('/'); await user.sleep(50); }
         },
       });`,
    );
    const cli = startCli(['run', file, '--users', '5', '--var', `url=${target.url}`], { timeoutMs: 20_000 });
    await waitFor(() => /users 5/.test(cli.output()) || /req\/s/.test(cli.output()), 'the first progress line', 10_000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1200));
    cli.child.kill('SIGINT');
    const r = await cli.result;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ended: stopped/);
    assert.match(r.stdout, /GET \//);
    assert.match(r.stdout, /5 started, 0 finished, 0 failed, 5 stopped/);
  });

  test('validate: a clean example passes, a broken scenario fails with positions', async () => {
    const ok = await runCli(['validate', join(ROOT, 'examples/http-api.scenario.ts'), join(ROOT, 'examples/http-api.plan.yaml'), join(ROOT, 'examples/chat.scenario.ts')]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const bad = dir.write(
      'invalid.scenario.ts',
      `import { scenario, variable } from 'rookery';
export default scenario({
  variables: {
    mode: variable({ description: 'mode', default: 'medium', verify: ['fast', 'slow'] }),
  },
  start(user) { return void user.vars.mode; },
});
`,
    );
    const r = await runCli(['validate', bad]);
    assert.equal(r.code, 2);
    assert.match(r.stdout + r.stderr, /invalid\.scenario\.ts:4:\d+: error: .*medium/);
  });
});

describe('rookery demo and rookery target', () => {
  test('demo: starts its own target and runs the example plan end to end', async () => {
    const out = join(dir.dir, 'demo.json');
    const r = await runCli(['demo', '--duration', '2s', '--users', '3', '--quiet', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    assert.ok(result.summary.total.count > 0);
    assert.equal(result.summary.total.failed, 0);
    assert.equal(result.summary.users.started, 3);
  });

  test('target: serves the API until Ctrl-C, then stops cleanly', async () => {
    const cli = startCli(['target', '--port', '0'], { timeoutMs: 15_000 });
    await waitFor(() => /HTTP API:\s+http:\/\/127\.0\.0\.1:\d+/.test(cli.output()), 'the target to listen', 10_000);
    const url = /HTTP API:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(cli.output())![1];
    const res = await fetch(`${url}/items/7`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { id: number }).id, 7);
    cli.child.kill('SIGINT');
    const r = await cli.result;
    assert.equal(r.code, 0);
    assert.match(r.stdout, /demo target stopped/);
  });
});
