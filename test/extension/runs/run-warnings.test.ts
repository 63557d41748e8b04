import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent } from '../../../agent/protocol/control';
import { RunWarnings } from '../../../extension/runs/run-warnings';

const lost = (agentId: string, at: number): RunEvent => ({ kind: 'agent-lost', at, agentId, name: agentId, users: 4, policy: 'redistribute', ranges: [] });

describe('RunWarnings', () => {
  test('lost agents, one sentence each, saying when one came back', () => {
    const warnings = new RunWarnings();
    for (const e of [lost('a', 1), lost('b', 2), { kind: 'agent-reconnected', at: 3, agentId: 'a', name: 'a' } as RunEvent]) assert.equal(warnings.add(e), true);
    assert.deepEqual([...warnings.lostAgents()], ['b']);
    assert.deepEqual(warnings.sentences(), [
      'agent a (a) was lost with 4 users (on agent loss: redistribute); it reconnected later',
      'agent b (b) was lost with 4 users (on agent loss: redistribute)',
    ]);
    assert.equal(warnings.add({ kind: 'status', at: 4, status: 'running' }), false, 'a status is no warning');
    assert.equal(warnings.add({ kind: 'agent-reconnected', at: 5, agentId: 'zzz', name: 'zzz' }), false);
  });

  test('many events of a kind are counted into one sentence', () => {
    const warnings = new RunWarnings();
    for (let i = 0; i < 1000; i++) warnings.add({ kind: 'user-error', at: i, agentId: 'a', userId: i, message: `boom ${i}`, where: 's.ts:1:1' });
    for (let i = 0; i < 5; i++) warnings.add({ kind: 'agent-overloaded', at: i, agentId: 'a', name: 'a', utilization: 0.81 + i / 100 });
    warnings.add({ kind: 'command-failed', at: 1, agentId: 'a', command: 'run/add-users', message: 'no room' });
    warnings.add({ kind: 'threshold-failed', at: 2, threshold: 'p99 < 5ms', line: 'p99 = 27 ms, limit < 5 ms' });
    assert.equal(warnings.userErrorCount, 1000);
    assert.deepEqual(warnings.sentences(), [
      'agent a (a) was overloaded 5 times (utilization up to 0.85): the load generator, not the target, may be the bottleneck',
      '1000 user errors; last: boom 999 (at s.ts:1:1)',
      '1 command failed on agents; last: run/add-users on a: no room',
      'threshold p99 < 5ms failed (p99 = 27 ms, limit < 5 ms): the run was stopped',
    ]);
  });
});
