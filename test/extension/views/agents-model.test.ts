import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentInfo, ClusterStatus, RunInfo } from '../../../agent/protocol/control';
import { COMMANDS, ITEMS } from '../../../extension/ids';
import {
  agentsViewItems, formatUtilization, RefreshThrottle, type AgentsViewInput, type AgentItemModel,
} from '../../../extension/views/agents-model';

const agent = (over: Partial<AgentInfo>): AgentInfo => ({
  agentId: 'id', name: 'n', state: 'ready', workers: 2, ranges: [], runningUsers: 0, rps: 0,
  utilization: { eventLoop: 0.1, cpu: 0.05 }, overloaded: false, lastSeen: 0, ...over,
});
const run = (status: RunInfo['status']): RunInfo => ({
  runId: 'run-1', status, scenarioFile: 's.ts', runningUsers: 0, pendingUsers: 0, highestUserId: 0, userRate: 600,
  variables: { values: {}, sources: {} },
});
const LOCAL = agent({ agentId: 'local-id', name: 'local', workers: 4 });
const REMOTE = agent({ agentId: 'box-id', name: 'box-1', url: 'ws://10.0.0.5:7401', runningUsers: 12, utilization: { eventLoop: 0.42, cpu: 0.3 } });
const status = (agents: AgentInfo[], r?: RunInfo): ClusterStatus => ({ coordinatorId: 'coord-1', protocolVersion: 1, agents, run: r });

const base: AgentsViewInput = { target: { kind: 'local' }, localState: 'stopped', connection: 'idle' };
const byId = (items: AgentItemModel[], id: string) => items.find((i) => i.id === id)!;
const local = (input: Partial<AgentsViewInput>) => byId(agentsViewItems({ ...base, ...input }), 'rookery.agents.local');
const coordinator = (input: Partial<AgentsViewInput>) => byId(agentsViewItems({ ...base, ...input }), 'rookery.agents.coordinator');

describe('agents view model', () => {
  test('the local agent in every state', () => {
    const stopped = local({});
    assert.deepEqual([stopped.label, stopped.description, stopped.contextValue, stopped.icon], ['Local agent', 'stopped', ITEMS.localAgent, 'circle-outline']);
    assert.equal(local({ localState: 'starting' }).description, 'starting…');

    const ready = local({ localState: 'ready', connection: 'connected', local: { workers: 4, pid: 1234, controlUrl: 'ws://127.0.0.1:5000/control' }, status: status([LOCAL]) });
    assert.equal(ready.description, 'ready · 4 workers');
    assert.match(ready.tooltip, /Process id: 1234/);
    assert.match(ready.tooltip, /Listening on ws:\/\/127\.0\.0\.1:5000\/control/);
    assert.equal(local({ localState: 'ready', local: { workers: 1 } }).description, 'ready · 1 worker', 'before the first status');

    const crashed = local({ localState: 'crashed', local: { exit: 'signal SIGKILL' } });
    assert.equal(crashed.description, 'crashed (signal SIGKILL)');
    assert.equal(crashed.contextValue, ITEMS.localAgentCrashed);
    assert.equal(crashed.tone, 'error');
    assert.deepEqual(crashed.command, { id: COMMANDS.showOutput, arguments: ['agent'] }, 'a click shows why');
    assert.equal(local({ localState: 'crashed' }).description, 'crashed');
  });

  test('the local agent while a run is going: users and utilization', () => {
    const busy = agent({ ...LOCAL, state: 'running', runningUsers: 30, utilization: { eventLoop: 0.85, cpu: 0.5 } });
    const item = local({ localState: 'ready', connection: 'connected', status: status([busy], run('running')) });
    assert.equal(item.description, 'running · 4 workers · 30 users · 85% ⚠');
    assert.equal(item.tone, 'warning');
    const live = new Map([['local-id', { users: 31, rps: 400, utilization: { eventLoop: 0.2, cpu: 0.25 } }]]);
    assert.equal(local({ localState: 'ready', status: status([busy], run('running')), live }).description, 'running · 4 workers · 31 users · 25%', 'run/point is fresher');
  });

  test('the coordinator line: local or remote, each connection state', () => {
    assert.deepEqual([coordinator({}).label, coordinator({}).description], ['Local coordinator', 'local agent not running']);
    assert.equal(coordinator({}).contextValue, ITEMS.coordinator);
    assert.equal(coordinator({ localState: 'ready' }).description, 'not connected');
    assert.equal(coordinator({ localState: 'ready', connection: 'connecting' }).description, 'connecting…');
    assert.equal(coordinator({ localState: 'ready', connection: 'connected', status: status([LOCAL], run('running')) }).description, 'connected');
    assert.match(coordinator({ localState: 'ready', connection: 'connected', status: status([LOCAL], run('running')) }).tooltip, /Run run-1: running/);
    const lost = coordinator({ localState: 'ready', connection: 'disconnected', connectionError: '1006' });
    assert.equal(lost.description, 'disconnected');
    assert.equal(lost.tone, 'error');
    assert.match(lost.tooltip, /Last error: 1006/);

    const remote = coordinator({ target: { kind: 'remote', url: 'ws://lab:7400' }, connection: 'connected' });
    assert.deepEqual([remote.label, remote.description, remote.icon], ['Remote coordinator', 'ws://lab:7400 · connected', 'remote']);
    assert.equal(coordinator({ target: { kind: 'remote', url: 'ws://lab:7400' } }).description, 'ws://lab:7400 · not connected');
  });

  test('remote agents: name, state, users, utilization, URL; ⚠ above 0.8', () => {
    const hot = agent({ agentId: 'hot', name: 'box-2', url: 'ws://10.0.0.6:7401', state: 'running', runningUsers: 1, utilization: { eventLoop: 0.5, cpu: 0.81 } });
    const gone = agent({ agentId: 'gone', name: 'box-3', url: 'ws://10.0.0.7:7401', state: 'lost' });
    const items = agentsViewItems({ ...base, localState: 'ready', connection: 'connected', status: status([LOCAL, REMOTE, hot, gone]) });
    assert.deepEqual(items.map((i) => i.label), ['Local coordinator', 'Local agent', 'box-1', 'box-2', 'box-3'], 'the local agent is not listed twice');
    const box1 = byId(items, 'rookery.agents.agent.box-id');
    assert.equal(box1.description, 'ready · 12 users · 42% · ws://10.0.0.5:7401');
    assert.equal(box1.contextValue, ITEMS.remoteAgent);
    assert.equal(box1.agentId, 'box-id');
    assert.equal(box1.tone, undefined);
    assert.match(box1.tooltip, /event loop 42%, CPU 30%/);
    assert.match(box1.tooltip, /Workers: 2/);
    const box2 = byId(items, 'rookery.agents.agent.hot');
    assert.equal(box2.description, 'running · 1 user · 81% ⚠ · ws://10.0.0.6:7401');
    assert.equal(box2.tone, 'warning');
    assert.match(box2.tooltip, /bottleneck/);
    const box3 = byId(items, 'rookery.agents.agent.gone');
    assert.deepEqual([box3.tone, box3.icon], ['error', 'debug-disconnect']);
    assert.match(box3.description, /^lost/);
  });

  test('with a remote coordinator every agent is listed, the local one marked as not in use', () => {
    const joined = agent({ agentId: 'j', name: 'local' });
    const items = agentsViewItems({ target: { kind: 'remote', url: 'ws://lab:7400' }, localState: 'ready', connection: 'connected', status: status([joined, REMOTE]), local: { workers: 2 } });
    assert.deepEqual(items.map((i) => i.label), ['Remote coordinator', 'Local agent', 'local', 'box-1']);
    assert.equal(byId(items, 'rookery.agents.local').description, 'ready · 2 workers · not in use');
    assert.match(byId(items, 'rookery.agents.agent.j').tooltip, /joined the coordinator/);
  });

  test('utilization as a percentage', () => {
    assert.equal(formatUtilization(0), '0%');
    assert.equal(formatUtilization(0.347), '35%');
    assert.equal(formatUtilization(1.2), '120%');
    assert.equal(formatUtilization(-0.1), '0%');
  });

  test('refreshes at most once per interval, and always shows the last state', async () => {
    let now = 0;
    const fired: number[] = [];
    const throttle = new RefreshThrottle(() => fired.push(now), 40, () => now);
    throttle.request();
    assert.deepEqual(fired, [0], 'the first refresh is immediate');
    now = 10;
    throttle.request();
    throttle.request();
    assert.deepEqual(fired, [0], 'coalesced');
    await new Promise<void>((resolve, reject) => {
      const end = setTimeout(() => reject(new Error('no trailing refresh within 2 s')), 2000);
      const poll = setInterval(() => {
        if (fired.length === 2) {
          clearInterval(poll);
          clearTimeout(end);
          resolve();
        }
      }, 5);
    });
    now = 100;
    throttle.request();
    assert.equal(fired.length, 3, 'after the interval: immediate again');
    now = 110;
    throttle.request();
    throttle.dispose();
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(fired.length, 3, 'dispose cancels the pending refresh');
  });
});
