/**
 * Checkers for the coordinator ↔ agent protocol (cluster.ts): the link frames each side may receive and the
 * reliable message bodies inside them. Part of validate.ts, which exports the entry points.
 */
import type {
  AgentHello,
  AgentMessage,
  AgentRunStatus,
  AgentSnapshot,
  AgentUserError,
  CoordinatorMessage,
  CoordinatorWelcome,
  IdRange,
  LinkAck,
  LinkData,
  LinkHeartbeat,
  LinkRefused,
  RunAddUsers,
  BarrierFire,
  BarrierMember,
  BarrierOp,
  BarrierShape,
  RunBarrier,
  RunBarrierFire,
  RunThrottle,
  RunThrottleLease,
  ThrottleLease,
  ThrottleOp,
  RunCommandFailed,
  RunDeliver,
  RunFailed,
  RunPrepare,
  RunPrepared,
  RunRemoveUsers,
  RunSend,
  RunSetRate,
  RunStop,
  RunStopped,
  RunUpdateVariables,
  ScenarioBundle,
  WorkerFigures,
} from './cluster';
import { checkMetricSnapshot, checkUtilization } from './validate-snapshot';
import {
  BLOB_MAX,
  amount,
  arr,
  bool,
  count,
  fail,
  int,
  isObject,
  json,
  literal,
  num,
  name,
  obj,
  oneOf,
  opt,
  record,
  refine,
  str,
  text,
  union,
  type Check,
} from './validate-core';

/** Frames an agent may receive (from a coordinator). */
export type FrameFromCoordinator = CoordinatorWelcome | LinkRefused | LinkAck | LinkHeartbeat | LinkData<CoordinatorMessage>;
/** Frames a coordinator may receive (from an agent). */
export type FrameFromAgent = AgentHello | LinkRefused | LinkAck | LinkHeartbeat | LinkData<AgentMessage>;

// ---------------------------------------------------------------------------------------------------------------
// Shapes shared with the control protocol

export const checkIdRange: Check<IdRange> = refine(obj<IdRange>({ from: int(1), to: int(1) }), (r) =>
  r.from > r.to ? `from (${r.from}) is greater than to (${r.to})` : undefined,
);

export const checkScenarioBundle: Check<ScenarioBundle> = obj<ScenarioBundle>({
  file: str(BLOB_MAX, 1),
  code: str(BLOB_MAX),
  sources: arr(text),
});

export const checkWorkerFigures: Check<WorkerFigures> = obj<WorkerFigures>({ worker: count, users: count, utilization: checkUtilization });

/** Variable values: names to any JSON value. */
export const checkValues: Check<Record<string, unknown>> = record(json);

// ---------------------------------------------------------------------------------------------------------------
// Coordinator → agent bodies

const runId = name;
const COMMAND_TYPES: readonly CoordinatorMessage['type'][] = [
  'run/prepare',
  'run/add-users',
  'run/remove-users',
  'run/update-variables',
  'run/set-rate',
  'run/stop',
];

const checkMember = obj<BarrierMember>({ userId: int(1), data: json });
const barrierName = name;
const checkShape = obj<BarrierShape>({
  items: arr(obj<BarrierShape['items'][number]>({
    users: (value, path) => {
      if (value === 'all') return 'all';
      if (Array.isArray(value)) return [int(1)(value[0], `${path}[0]`), int(1)(value[1], `${path}[1]`)] as [number, number];
      return int(1)(value, path);
    },
    actions: arr(oneOf(['event', 'users', 'pairs'] as const), 1000),
  }), 1000),
  timeoutMs: opt(amount),
});
const checkBarrierOp: Check<BarrierOp> = union<BarrierOp, 'kind'>('kind', {
  start: obj<Extract<BarrierOp, { kind: 'start' }>>({ kind: literal('start'), name: barrierName, shape: checkShape }),
  add: obj<Extract<BarrierOp, { kind: 'add' }>>({ kind: literal('add'), name: barrierName, userId: int(1), data: json }),
  reset: obj<Extract<BarrierOp, { kind: 'reset' }>>({ kind: literal('reset'), name: barrierName }),
  stop: obj<Extract<BarrierOp, { kind: 'stop' }>>({ kind: literal('stop'), name: barrierName }),
});
const checkBarrierFire = obj<BarrierFire>({
  name: barrierName,
  item: int(0),
  action: int(0),
  event: obj<BarrierFire['event']>({ type: oneOf(['coordinate', 'timeout', 'reset', 'stop'] as const), users: int(0) }),
  users: opt(arr(checkMember)),
  pair: opt((value, path) => {
    if (!Array.isArray(value) || value.length !== 2) return fail(path, 'expected a pair [member, member | null]');
    return [checkMember(value[0], `${path}[0]`), value[1] === null ? null : checkMember(value[1], `${path}[1]`)] as [BarrierMember, BarrierMember | null];
  }),
});

/** Executions per interval: a non-negative number, or Infinity (which JSON carries as null). */
const leaseRate: Check<number> = (value, path) => (value === null ? Infinity : num(0)(value, path));
const checkThrottleOp: Check<ThrottleOp> = union<ThrottleOp, 'kind'>('kind', {
  start: obj<Extract<ThrottleOp, { kind: 'start' }>>({ kind: literal('start'), name, rate: leaseRate, interval: num(0) }),
  change: obj<Extract<ThrottleOp, { kind: 'change' }>>({ kind: literal('change'), name, rate: leaseRate, interval: num(0) }),
  gradual: obj<Extract<ThrottleOp, { kind: 'gradual' }>>({ kind: literal('gradual'), name, change: json }),
  pause: obj<Extract<ThrottleOp, { kind: 'pause' }>>({ kind: literal('pause'), name }),
  resume: obj<Extract<ThrottleOp, { kind: 'resume' }>>({ kind: literal('resume'), name }),
  unlock: obj<Extract<ThrottleOp, { kind: 'unlock' }>>({ kind: literal('unlock'), name }),
  stop: obj<Extract<ThrottleOp, { kind: 'stop' }>>({ kind: literal('stop'), name }),
  demand: obj<Extract<ThrottleOp, { kind: 'demand' }>>({ kind: literal('demand'), demands: record(num(0), 10_000) }),
});
const checkThrottleLease = obj<ThrottleLease>({ name, rate: leaseRate, interval: num(0), stopped: opt(bool) });

/** A user-to-user message: a recipient id, an optional sender id, JSON data. */
const checkUserMessage = obj<RunSend['message']>({ to: int(1), from: opt(int(1)), data: json });

export const checkCoordinatorMessage: Check<CoordinatorMessage> = union<CoordinatorMessage, 'type'>('type', {
  'run/prepare': obj<RunPrepare>({
    type: literal('run/prepare'),
    runId,
    scenario: checkScenarioBundle,
    variables: checkValues,
    userRate: amount,
    maintain: bool,
    gracePeriodMs: opt(amount),
  }),
  'run/add-users': obj<RunAddUsers>({ type: literal('run/add-users'), runId, ranges: arr(checkIdRange) }),
  'run/remove-users': obj<RunRemoveUsers>({ type: literal('run/remove-users'), runId, count, force: bool }),
  'run/update-variables': obj<RunUpdateVariables>({ type: literal('run/update-variables'), runId, changes: checkValues }),
  'run/set-rate': obj<RunSetRate>({ type: literal('run/set-rate'), runId, userRate: amount }),
  'run/stop': obj<RunStop>({ type: literal('run/stop'), runId, force: bool }),
  'run/deliver': obj<RunDeliver>({ type: literal('run/deliver'), runId, message: checkUserMessage }),
  'run/barrier-fire': obj<RunBarrierFire>({ type: literal('run/barrier-fire'), runId, fire: checkBarrierFire }),
  'run/throttle-lease': obj<RunThrottleLease>({ type: literal('run/throttle-lease'), runId, lease: checkThrottleLease }),
});

// ---------------------------------------------------------------------------------------------------------------
// Agent → coordinator bodies

export const checkAgentMessage: Check<AgentMessage> = union<AgentMessage, 'type'>('type', {
  'run/prepared': obj<RunPrepared>({ type: literal('run/prepared'), runId }),
  'run/send': obj<RunSend>({ type: literal('run/send'), runId, message: checkUserMessage }),
  'run/barrier': obj<RunBarrier>({ type: literal('run/barrier'), runId, op: checkBarrierOp }),
  'run/throttle': obj<RunThrottle>({ type: literal('run/throttle'), runId, op: checkThrottleOp }),
  'run/failed': obj<RunFailed>({ type: literal('run/failed'), runId, message: text, where: opt(text), code: opt(name) }),
  'run/snapshot': obj<AgentSnapshot>({
    type: literal('run/snapshot'),
    runId,
    second: count,
    snapshot: checkMetricSnapshot,
    workers: arr(checkWorkerFigures),
  }),
  'run/user-error': obj<AgentUserError>({ type: literal('run/user-error'), runId, userId: count, message: text, where: opt(text) }),
  'run/status': obj<AgentRunStatus>({ type: literal('run/status'), runId, runningUsers: count, pendingUsers: count, idle: bool }),
  'run/stopped': obj<RunStopped>({ type: literal('run/stopped'), runId }),
  'run/command-failed': obj<RunCommandFailed>({ type: literal('run/command-failed'), runId, command: oneOf(COMMAND_TYPES), message: text }),
});

// ---------------------------------------------------------------------------------------------------------------
// Link frames

/** A `link/data` frame: the body is checked as a message of its own, so its reasons start with its type. */
function linkData<T>(body: Check<T>): Check<LinkData<T>> {
  const seq = int(1);
  return (value, path) => {
    const input = value as Record<string, unknown>;
    const out = { type: 'link/data' as const, seq: seq(input.seq, `${path}.seq`), body: undefined as T };
    if (!isObject(input.body)) fail(`${path}.body`, 'expected a message object');
    out.body = body(input.body, '');
    return out;
  };
}

const checkRefused = obj<LinkRefused>({ type: literal('link/refused'), reason: text });
const checkAck = obj<LinkAck>({ type: literal('link/ack'), seq: count });
const checkHeartbeat = obj<LinkHeartbeat>({ type: literal('link/heartbeat'), at: amount });

export const checkFrameFromAgent: Check<FrameFromAgent> = union<FrameFromAgent, 'type'>('type', {
  'agent/hello': obj<AgentHello>({
    type: literal('agent/hello'),
    protocolVersion: count,
    agentId: name,
    name,
    workers: int(1),
    lastReceived: count,
    runId: opt(runId),
  }),
  'link/refused': checkRefused,
  'link/ack': checkAck,
  'link/heartbeat': checkHeartbeat,
  'link/data': linkData(checkAgentMessage),
});

export const checkFrameFromCoordinator: Check<FrameFromCoordinator> = union<FrameFromCoordinator, 'type'>('type', {
  'coordinator/welcome': obj<CoordinatorWelcome>({
    type: literal('coordinator/welcome'),
    protocolVersion: count,
    coordinatorId: name,
    resumed: bool,
    lastReceived: count,
  }),
  'link/refused': checkRefused,
  'link/ack': checkAck,
  'link/heartbeat': checkHeartbeat,
  'link/data': linkData(checkCoordinatorMessage),
});
