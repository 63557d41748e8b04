/**
 * `rookery coordinator --local-agent --ready-json --exit-with-stdin`: the process the VS Code extension launches as
 * its local agent. It prints where to connect once ready, runs a test driven through the control protocol, refuses
 * a client without the token, and exits by itself when its parent closes stdin.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import type { CoordinatorReady } from '../../agent/cli/coordinator-command';
import { connectControl } from '../../agent/cluster/control-client';
import { compileScenario } from '../../agent/scenario/compile';
import type { ClusterStatus, ControlPush, RunResultData } from '../../agent/protocol/control';
import { startCli } from '../helpers/cli';
import { ScenarioDir } from '../helpers/scenario-files';

const dir = new ScenarioDir();
after(() => dir.remove());

const TOKEN = 'local-agent-test-token-0123456789';

async function readReady(running: ReturnType<typeof startCli>): Promise<CoordinatorReady> {
  const lines = createInterface({ input: running.child.stdout! });
  const deadline = setTimeout(() => running.child.kill('SIGKILL'), 20_000);
  try {
    for await (const line of lines) return JSON.parse(line) as CoordinatorReady;
  } finally {
    clearTimeout(deadline);
  }
  throw new Error(`the coordinator exited before it was ready:\n${running.output()}`);
}

test('runs a test for a parent process and exits when the parent closes stdin', async () => {
  const server = createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const running = startCli(['coordinator', '--listen', '127.0.0.1:0', '--local-agent', '--workers', '1', '--ready-json', '--exit-with-stdin'],
    { env: { ROOKERY_TOKEN: TOKEN }, stdin: 'pipe', timeoutMs: 60_000 });
  try {
    const ready = await readReady(running);
    assert.equal(ready.ready, true);
    assert.equal(ready.localAgent, true);
    assert.equal(ready.workers, 1);
    assert.match(ready.controlUrl, /^ws:\/\/127\.0\.0\.1:\d+\/control$/);

    await assert.rejects(connectControl(ready.controlUrl, { token: 'wrong' }), /token/i, 'a wrong token is refused');

    const client = await connectControl(ready.controlUrl, { token: TOKEN });
    const status = await client.request({ type: 'control/status' }) as ClusterStatus;
    assert.equal(status.agents.length, 1);
    assert.equal(status.agents[0].state, 'ready');

    const scenarioFile = dir.write('ping.scenario.ts', `import { scenario, variable } from 'rookery';
export default scenario({
  variables: { url: variable({ description: 'target', default: '' }) },
  async start(user) {
    const api = user.http(user.vars.url);
    while (!user.stopping) { await api.get('/'); await user.sleep(50); }
  },
});`);
    const finished = new Promise<RunResultData>((resolve) => client.on('push', (push: ControlPush) => {
      if (push.type === 'run/finished') resolve(push.result);
    }));
    await client.request({ type: 'control/subscribe' });
    await client.request({ type: 'control/start-run', run: {
      scenario: await compileScenario(scenarioFile), users: 2, userRate: 6000, durationMs: 1500, maintain: false, stages: [],
      planVariables: { url }, cliVariables: {}, envVariables: {}, onAgentLoss: 'continue', thresholds: [],
    } });
    const result = await finished;
    assert.ok(result.summary.total.count > 0, `requests were made: ${JSON.stringify({ end: result.endReason, users: result.summary.users, errors: result.summary.errors, failures: result.summary.userFailures, events: result.events })}`);
    assert.equal(result.summary.total.failed, 0);
    client.close();

    running.child.stdin!.end();
    const exit = await running.result;
    assert.equal(exit.code, 0, running.output());
    assert.match(exit.stderr, /shutting down/);
  } finally {
    running.child.kill('SIGKILL');
    server.close();
  }
});

test('--workers without --local-agent is a usage error', async () => {
  const exit = await startCli(['coordinator', '--listen', '127.0.0.1:0', '--workers', '2']).result;
  assert.equal(exit.code, 2);
  assert.match(exit.stderr, /--workers needs --local-agent/);
});
