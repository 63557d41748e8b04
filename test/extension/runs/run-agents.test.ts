import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent, RunResultData } from '../../../agent/protocol/control';
import { AgentRoster, finishedAgentRows, lostAgentsOf } from '../../../extension/runs/run-agents';

const lost = (agentId: string, at: number): RunEvent => ({ kind: 'agent-lost', at, agentId, name: agentId, users: 4, policy: 'redistribute', ranges: [] });

describe('run agents', () => {
  test('a reconnected agent is no longer lost', () => {
    const events: RunEvent[] = [lost('a', 1), lost('b', 2), { kind: 'agent-reconnected', at: 3, agentId: 'a', name: 'a' }];
    assert.deepEqual([...lostAgentsOf(events)], ['b']);
    const roster = new AgentRoster('run-1');
    for (const e of events) roster.noteEvent(e);
    assert.deepEqual(roster.liveRows().map((r) => [r.agentId, r.state, r.users]), [['a', 'running', 0], ['b', 'lost', 0]]);
  });

  test('an ended run shows each agent over the whole run', () => {
    const result = {
      startedAt: 0,
      endedAt: 4000,
      agentSeries: [0, 1, 2, 3].map((second) => ({
        second,
        agents: [{ agentId: 'b', name: 'b', users: 3 - second, rps: 10, errors: 0, utilization: { eventLoop: 0.2, cpu: 0.1 }, workers: [] }],
      })),
      agents: [
        { agentId: 'b', name: 'b', workers: 1, ranges: [], peakUtilization: 0.2 },
        { agentId: 'a', name: 'a', workers: 1, ranges: [], peakUtilization: 0.9 },
      ],
    } as unknown as RunResultData;
    assert.deepEqual(finishedAgentRows(result, new Set(['a'])), [
      { agentId: 'a', name: 'a', state: 'lost', users: 0, rps: 0, utilization: 0.9 },
      { agentId: 'b', name: 'b', state: 'finished', users: 0, rps: 10, utilization: 0.2 },
    ]);
  });
});
