import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentInfo, ClusterStatus } from '../../../agent/protocol/control';
import { agentsOfPlan, sameAgentUrl } from '../../../extension/runs/plan-agents';

function agent(agentId: string, url: string | undefined, state: AgentInfo['state'] = 'ready'): AgentInfo {
  return { agentId, name: agentId, ...(url ? { url } : {}), state, workers: 1, ranges: [], runningUsers: 0, rps: 0, utilization: { eventLoop: 0, cpu: 0 }, overloaded: false, lastSeen: 0 };
}

test('sameAgentUrl ignores case and trailing slashes only', () => {
  assert.ok(sameAgentUrl('ws://H:7400/', 'ws://h:7400'));
  assert.ok(!sameAgentUrl('ws://h:7400', 'ws://h:7401'));
  assert.ok(!sameAgentUrl('ws://h:7400', 'wss://h:7400'));
});

test('agentsOfPlan: ids of the attached agents, URLs of the others; lost ones do not count', () => {
  const status: ClusterStatus = {
    coordinatorId: 'c',
    protocolVersion: 1,
    agents: [agent('local', undefined), agent('a1', 'ws://10.0.0.5:7400'), agent('a2', 'ws://10.0.0.6:7400', 'lost'), agent('a3', 'ws://10.0.0.7:7400/')],
  };
  assert.deepEqual(agentsOfPlan(status, ['ws://10.0.0.5:7400', 'ws://10.0.0.6:7400', 'ws://10.0.0.7:7400', 'ws://10.0.0.5:7400/']), {
    ids: ['a1', 'a3'],
    missing: ['ws://10.0.0.6:7400'],
  });
  assert.deepEqual(agentsOfPlan(status, []), { ids: [], missing: [] });
});
