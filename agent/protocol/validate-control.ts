/**
 * Checkers for the control protocol (control.ts): requests a coordinator receives from clients, and the replies
 * and pushes a client receives. Part of validate.ts, which exports the entry points.
 */
import { AGENT_LOSS_POLICIES } from './cluster';
import type {
  AgentInfo,
  AgentPoint,
  AgentState,
  ClusterStatus,
  ControlError,
  ControlPush,
  ControlRequest,
  RunEvent,
  RunInfo,
  RunRequest,
  RunResultData,
  RunStatusName,
  SeriesPoint,
} from './control';
import type { Stage } from './plan';
import type { ValueSource, VariableProblem } from './variables';
import { checkIdRange, checkScenarioBundle, checkValues, checkWorkerFigures } from './validate-cluster';
import { checkMetricSnapshot, checkRunSummary, checkUtilization } from './validate-snapshot';
import { checkThresholdResults, checkThresholdSpec } from './validate-thresholds';
import {
  amount,
  arr,
  bool,
  count,
  fail,
  int,
  isObject,
  json,
  literal,
  name,
  num,
  obj,
  oneOf,
  opt,
  record,
  text,
  union,
  type Check,
} from './validate-core';

const VALUE_SOURCES: readonly ValueSource[] = ['default', 'env', 'plan', 'cli', 'update'];
const AGENT_STATES: readonly AgentState[] = ['ready', 'preparing', 'running', 'stopping', 'disconnected', 'lost'];
const RUN_STATUSES: readonly RunStatusName[] = ['idle', 'preparing', 'running', 'terminating', 'finished', 'error'];
const END_REASONS: readonly RunResultData['endReason'][] = ['completed', 'duration', 'stopped', 'aborted', 'error', 'thresholds'];

/** Request ids: any safe integer >= 0, chosen by the client. */
const id = int(0);
const interval = num(1);

const checkStage: Check<Stage> = union<Stage, 'kind'>('kind', {
  ramp: obj<Extract<Stage, { kind: 'ramp' }>>({ kind: literal('ramp'), to: count, duration: amount }),
  hold: obj<Extract<Stage, { kind: 'hold' }>>({ kind: literal('hold'), duration: amount }),
  seq: obj<Extract<Stage, { kind: 'seq' }>>({ kind: literal('seq'), interval, users: arr(count) }),
  aseq: obj<Extract<Stage, { kind: 'aseq' }>>({ kind: literal('aseq'), interval, add: int(1), to: count }),
});

/** The plan-ish part of a run request, shared with the result's `config`. */
const runConfigShape = {
  planFile: opt(text),
  users: count,
  userRate: amount,
  durationMs: opt(amount),
  maintain: bool,
  stages: arr(checkStage),
  planVariables: checkValues,
  cliVariables: checkValues,
  onAgentLoss: oneOf(AGENT_LOSS_POLICIES),
  gracePeriodMs: opt(amount),
  agents: opt(arr(name)),
  thresholds: opt(arr(checkThresholdSpec, 1000)),
};

const checkRunRequest: Check<RunRequest> = obj<RunRequest>({
  scenario: checkScenarioBundle,
  envVariables: record(text),
  ...runConfigShape,
});

type Req<T extends ControlRequest['type']> = Extract<ControlRequest, { type: T }>;

export const checkControlRequest: Check<ControlRequest> = union<ControlRequest, 'type'>('type', {
  'control/start-run': obj<Req<'control/start-run'>>({ type: literal('control/start-run'), id, run: checkRunRequest }),
  'control/stop': obj<Req<'control/stop'>>({ type: literal('control/stop'), id, force: bool }),
  'control/add-users': obj<Req<'control/add-users'>>({ type: literal('control/add-users'), id, count, agents: opt(arr(name)) }),
  'control/remove-users': obj<Req<'control/remove-users'>>({ type: literal('control/remove-users'), id, count, force: bool }),
  'control/update-variables': obj<Req<'control/update-variables'>>({ type: literal('control/update-variables'), id, changes: checkValues }),
  'control/set-rate': obj<Req<'control/set-rate'>>({ type: literal('control/set-rate'), id, userRate: amount }),
  'control/status': obj<Req<'control/status'>>({ type: literal('control/status'), id }),
  'control/subscribe': obj<Req<'control/subscribe'>>({ type: literal('control/subscribe'), id }),
  'control/attach-agent': obj<Req<'control/attach-agent'>>({ type: literal('control/attach-agent'), id, url: text, token: opt(text) }),
  'control/detach-agent': obj<Req<'control/detach-agent'>>({ type: literal('control/detach-agent'), id, agent: name }),
});

// ---------------------------------------------------------------------------------------------------------------
// Coordinator → client

const problem = obj<{ where?: string; message: string }>({ where: opt(text), message: text });

const checkVariableProblem: Check<VariableProblem> = obj<VariableProblem>({
  variable: text,
  kind: oneOf(['missing', 'invalid', 'unknown', 'read_only', 'update_failed'] as const),
  source: opt(oneOf(VALUE_SOURCES)),
  value: opt(json),
  reason: text,
});

export const checkControlError: Check<ControlError> = obj<ControlError>({
  code: name,
  message: text,
  where: opt(text),
  hint: opt(text),
  problems: opt(arr(problem)),
  variableProblems: opt(arr(checkVariableProblem)),
});

const checkVariablesState = obj<RunInfo['variables']>({ values: checkValues, sources: record(oneOf(VALUE_SOURCES)) });

const checkAgentInfo: Check<AgentInfo> = obj<AgentInfo>({
  agentId: name,
  name,
  url: opt(text),
  state: oneOf(AGENT_STATES),
  workers: count,
  ranges: arr(checkIdRange),
  runningUsers: count,
  rps: amount,
  utilization: checkUtilization,
  overloaded: bool,
  lastSeen: amount,
});

const checkRunInfo: Check<RunInfo> = obj<RunInfo>({
  runId: name,
  status: oneOf(RUN_STATUSES),
  reason: opt(text),
  scenarioFile: text,
  runningUsers: count,
  pendingUsers: count,
  highestUserId: count,
  userRate: amount,
  startedAt: opt(amount),
  variables: checkVariablesState,
});

export const checkClusterStatus: Check<ClusterStatus> = obj<ClusterStatus>({
  coordinatorId: name,
  protocolVersion: count,
  agents: arr(checkAgentInfo),
  run: opt(checkRunInfo),
});

const checkAgentPoint: Check<AgentPoint> = obj<AgentPoint>({
  agentId: name,
  name,
  users: count,
  rps: amount,
  errors: count,
  utilization: checkUtilization,
  workers: arr(checkWorkerFigures),
});

const checkSeriesPoint: Check<SeriesPoint> = obj<SeriesPoint>({
  runId: name,
  second: count,
  revision: int(1),
  snapshot: checkMetricSnapshot,
  agents: arr(checkAgentPoint),
});

type Ev<K extends RunEvent['kind']> = Extract<RunEvent, { kind: K }>;
const at = amount;

const checkRunEvent: Check<RunEvent> = union<RunEvent, 'kind'>('kind', {
  'agent-joined': obj<Ev<'agent-joined'>>({ kind: literal('agent-joined'), at, agentId: name, name }),
  'agent-lost': obj<Ev<'agent-lost'>>({
    kind: literal('agent-lost'),
    at,
    agentId: name,
    name,
    users: count,
    policy: oneOf(AGENT_LOSS_POLICIES),
    ranges: arr(checkIdRange),
  }),
  'agent-reconnected': obj<Ev<'agent-reconnected'>>({ kind: literal('agent-reconnected'), at, agentId: name, name }),
  'users-redistributed': obj<Ev<'users-redistributed'>>({
    kind: literal('users-redistributed'),
    at,
    fromAgent: name,
    toAgents: arr(name),
    ranges: arr(checkIdRange),
  }),
  'agent-overloaded': obj<Ev<'agent-overloaded'>>({ kind: literal('agent-overloaded'), at, agentId: name, name, utilization: amount }),
  'user-error': obj<Ev<'user-error'>>({ kind: literal('user-error'), at, agentId: name, userId: count, message: text, where: opt(text) }),
  'command-failed': obj<Ev<'command-failed'>>({ kind: literal('command-failed'), at, agentId: name, command: name, message: text }),
  'threshold-failed': obj<Ev<'threshold-failed'>>({ kind: literal('threshold-failed'), at, threshold: text, line: text }),
  status: obj<Ev<'status'>>({ kind: literal('status'), at, status: oneOf(RUN_STATUSES), reason: opt(text) }),
});

const checkRunResult: Check<RunResultData> = obj<RunResultData>({
  runId: name,
  config: obj<RunResultData['config']>({ scenarioFile: text, ...runConfigShape }),
  variables: checkVariablesState,
  startedAt: amount,
  endedAt: amount,
  endReason: oneOf(END_REASONS),
  series: arr(checkMetricSnapshot),
  agentSeries: arr(obj<RunResultData['agentSeries'][number]>({ second: count, agents: arr(checkAgentPoint) })),
  total: checkMetricSnapshot,
  summary: checkRunSummary,
  events: arr(checkRunEvent),
  agents: arr(
    obj<RunResultData['agents'][number]>({ agentId: name, name, workers: count, ranges: arr(checkIdRange), peakUtilization: amount }),
  ),
  thresholds: checkThresholdResults,
});

type Push<T extends ControlPush['type']> = Extract<ControlPush, { type: T }>;

/** A reply is a success (`result`) or a failure (`error`), told apart by `ok`. */
const checkReply: Check<Push<'control/reply'>> = (value, path) => {
  const input = value as Record<string, unknown>;
  const replyId = id(input.id, `${path}.id`);
  if (input.ok === true) return { type: 'control/reply', id: replyId, ok: true, result: opt(json)(input.result, `${path}.result`) };
  if (input.ok === false) return { type: 'control/reply', id: replyId, ok: false, error: checkControlError(input.error, `${path}.error`) };
  return fail(`${path}.ok`, 'expected a boolean');
};

export const checkControlPush: Check<ControlPush> = union<ControlPush, 'type'>('type', {
  'control/reply': checkReply,
  'run/point': obj<Push<'run/point'>>({ type: literal('run/point'), point: checkSeriesPoint }),
  'run/event': obj<Push<'run/event'>>({ type: literal('run/event'), runId: name, event: checkRunEvent }),
  'run/finished': obj<Push<'run/finished'>>({ type: literal('run/finished'), result: checkRunResult }),
  'cluster/status': obj<Push<'cluster/status'>>({ type: literal('cluster/status'), status: checkClusterStatus }),
});

/** The request id of something that failed validation, when it carries a usable one (to answer it with an error). */
export function requestIdOf(value: unknown): number | undefined {
  return isObject(value) && typeof value.id === 'number' && Number.isSafeInteger(value.id) && value.id >= 0 ? value.id : undefined;
}
