import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentInfo, ClusterStatus } from '../../../agent/protocol/control';
import {
  agentIdOf, detachableAgents, isLocalAgent, isLoopbackUrl, normalizeAgentUrl, validateAgentUrl, validateToken,
} from '../../../extension/agents/agent-input';

const agent = (over: Partial<AgentInfo>): AgentInfo => ({
  agentId: 'id', name: 'n', state: 'ready', workers: 2, ranges: [], runningUsers: 0, rps: 0,
  utilization: { eventLoop: 0, cpu: 0 }, overloaded: false, lastSeen: 0, ...over,
});

describe('agent input', () => {
  test('URLs: ws:// and wss:// only, with a host, without credentials', () => {
    assert.equal(validateAgentUrl('ws://10.0.0.5:7401'), undefined);
    assert.equal(validateAgentUrl('  wss://agents.example.com:443/ '), undefined);
    assert.match(validateAgentUrl('')!, /Enter the URL/);
    assert.match(validateAgentUrl('10.0.0.5:7401')!, /ws:\/\/ or wss:\/\/|not a URL/);
    assert.match(validateAgentUrl('http://10.0.0.5:7401')!, /not http:/);
    assert.match(validateAgentUrl('not a url')!, /not a URL/);
    assert.match(validateAgentUrl('ws://user:pw@host:1')!, /credentials/);
  });

  test('one URL, one form: trimmed, no trailing slash', () => {
    assert.equal(normalizeAgentUrl(' ws://Host:7401/ '), 'ws://host:7401');
    assert.equal(normalizeAgentUrl('wss://h:1/agent/'), 'wss://h:1/agent');
  });

  test('loopback URLs may go without a token', () => {
    for (const url of ['ws://127.0.0.1:7401', 'ws://localhost:1', 'ws://[::1]:7401', 'ws://127.1.2.3:9']) assert.equal(isLoopbackUrl(url), true, url);
    for (const url of ['ws://10.0.0.5:7401', 'ws://localhost.evil.com:1', 'nonsense']) assert.equal(isLoopbackUrl(url), false, url);
    assert.equal(validateToken('', 'ws://127.0.0.1:1', false), undefined);
    assert.match(validateToken('', 'ws://10.0.0.5:1', false)!, /token/);
    assert.equal(validateToken('', 'ws://10.0.0.5:1', true), undefined, 'a saved token is reused');
    assert.equal(validateToken('s3cret', 'ws://10.0.0.5:1', false), undefined);
  });

  test('detach offers every agent but the local one, unless the coordinator is remote', () => {
    const status: ClusterStatus = {
      coordinatorId: 'c', protocolVersion: 1,
      agents: [agent({ agentId: 'l', name: 'local' }), agent({ agentId: 'r', name: 'box-1', url: 'ws://10.0.0.5:7401', state: 'running' })],
    };
    assert.deepEqual(detachableAgents(status, false), [{ label: 'box-1', description: 'ws://10.0.0.5:7401 · running', agentId: 'r' }]);
    assert.deepEqual(detachableAgents(status, true).map((p) => p.agentId), ['l', 'r']);
    assert.deepEqual(detachableAgents(undefined, false), []);
    assert.equal(isLocalAgent({ name: 'local' }), true);
    assert.equal(isLocalAgent({ name: 'local', url: 'ws://x:1' }), false);
  });

  test('the agent named by a command argument', () => {
    assert.equal(agentIdOf({ agentId: 'a-1', label: 'x' }), 'a-1');
    assert.equal(agentIdOf('a-2'), 'a-2');
    assert.equal(agentIdOf(undefined), undefined);
    assert.equal(agentIdOf({ id: 'rookery.agents.local' }), undefined);
    assert.equal(agentIdOf(''), undefined);
  });
});
