/**
 * The extension's coordinator connection against a real coordinator service (in-process, 127.0.0.1, port 0) and a
 * real listening agent endpoint: subscribe, status pushes, attach/detach, a wrong agent token relayed, a close
 * asked for versus one that was not.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startAgentEndpoint, type AgentEndpoint } from '../../../agent/cluster/agent-endpoint';
import { startCoordinatorService, type CoordinatorService } from '../../../agent/cluster/coordinator-service';
import type { ClusterStatus } from '../../../agent/protocol/control';
import { explainFailure } from '../../../extension/agents/connection-errors';
import { CoordinatorConnection } from '../../../extension/agents/coordinator-connection';
import { deadline, nextEvent } from '../../helpers/transport-peers';

const TOKEN = 'coordinator-connection-test-token';
const AGENT_TOKEN = 'listening-agent-token';
let service: CoordinatorService;
let agent: AgentEndpoint;

before(async () => {
  service = await startCoordinatorService({ host: '127.0.0.1', port: 0, token: TOKEN });
  agent = await startAgentEndpoint({ agentId: 'box-1-id', name: 'box-1', workers: 2, token: AGENT_TOKEN, listen: { host: '127.0.0.1', port: 0 } });
});
after(async () => {
  await agent?.close();
  await service?.close();
});

describe('coordinator connection', () => {
  test('subscribes, follows the status through attach and detach', async () => {
    const connection = await CoordinatorConnection.open(service.url, { token: TOKEN });
    try {
      assert.equal(connection.status.agents.length, 0);
      assert.equal(connection.status.coordinatorId, service.coordinator.status().coordinatorId);

      // A wrong agent token: the coordinator dials, is refused, and relays the reason.
      const refused = await connection.client.request({ type: 'control/attach-agent', url: agent.url, token: 'nope' }).then(() => undefined, (e: Error) => e);
      assert.ok(refused, 'attach with a wrong token fails');
      const explained = explainFailure(refused, 'remote-agent', agent.url);
      assert.equal(explained.kind, 'auth', refused.message);
      assert.match(explained.message, new RegExp(`The agent at ${agent.url} refused the token`));

      const pushed = new Promise<ClusterStatus>((resolve) => connection.on('status', (s) => { if (s.agents.length === 1) resolve(s); }));
      await connection.client.request({ type: 'control/attach-agent', url: agent.url, token: AGENT_TOKEN });
      const refreshed = await connection.refresh();
      assert.deepEqual(refreshed.agents.map((a) => [a.name, a.url, a.state]), [['box-1', new URL(agent.url).toString(), 'ready']]);
      await deadline(pushed, 5000, 'a cluster/status push');
      assert.equal(connection.status.agents.length, 1);

      await connection.client.request({ type: 'control/detach-agent', agent: 'box-1-id' });
      assert.equal((await connection.refresh()).agents.length, 0);
    } finally {
      connection.close();
    }
  });

  test('a close asked for is not a disconnect; every push is re-emitted', async () => {
    const connection = await CoordinatorConnection.open(service.url, { token: TOKEN });
    let disconnects = 0;
    connection.on('disconnect', () => disconnects++);
    const push = nextEvent(connection, 'push', 5000);
    const other = await CoordinatorConnection.open(service.url, { token: TOKEN });
    await other.client.request({ type: 'control/attach-agent', url: agent.url, token: AGENT_TOKEN });
    const [first] = await push;
    assert.equal(first.type, 'cluster/status');
    await other.client.request({ type: 'control/detach-agent', agent: 'box-1-id' });
    other.close();
    connection.close();
    assert.equal(connection.closed, true);
    await assert.rejects(connection.client.request({ type: 'control/status' }), /closed/);
    assert.equal(disconnects, 0);
  });

  test('a wrong token or nothing listening: a clear error, nothing left open', async () => {
    await assert.rejects(CoordinatorConnection.open(service.url, { token: 'wrong' }), (e: Error) =>
      explainFailure(e, 'remote-coordinator', service.url).kind === 'auth');
    const spare = await startCoordinatorService({ host: '127.0.0.1', port: 0, token: TOKEN });
    const url = spare.url;
    await spare.close();
    await assert.rejects(CoordinatorConnection.open(url, { token: TOKEN }), (e: Error) => {
      const explained = explainFailure(e, 'remote-coordinator', url);
      return explained.kind === 'refused' && explained.message.includes(url) && explained.actions.includes('retry');
    });
  });

  test('a coordinator that goes away: disconnect with the reason, pending requests rejected', async () => {
    const doomed = await startCoordinatorService({ host: '127.0.0.1', port: 0, token: TOKEN });
    const connection = await CoordinatorConnection.open(doomed.url, { token: TOKEN });
    const disconnected = nextEvent(connection, 'disconnect', 10_000);
    const closing = doomed.close();
    const [reason] = await disconnected;
    assert.equal(typeof reason, 'string');
    assert.equal(connection.closed, true);
    await closing;
    await assert.rejects(connection.client.request({ type: 'control/status' }), /closed/);
  });
});
