/**
 * The coordinator ↔ agent protocol: every message that crosses the WebSocket between the process that owns a run
 * (the coordinator) and the processes that run its users (agents). JSON text frames, one message per frame.
 *
 * Layers:
 * - The handshake carries the token (`Authorization: Bearer <token>`); the first message each way is `hello` /
 *   `welcome`, which checks PROTOCOL_VERSION and resumes a session after a blip.
 * - Reliable messages travel inside `link/data` frames with a per-direction sequence number; the receiver answers
 *   `link/ack` with the highest sequence it has processed, and processes each sequence once. The sender keeps what
 *   is not acknowledged and resends it after a reconnect: nothing is lost, nothing is counted twice.
 * - Heartbeats travel outside the sequence, both ways, every second; a peer silent for 5 s is lost.
 *
 * Plain data only; imports nothing but other protocol files. Each message says who sends it and what the
 * receiver does with it.
 */
import type { MetricSnapshot, Utilization } from './snapshot';

/** Bump on any incompatible change; peers with another version are refused at hello with a clear reason. */
export const PROTOCOL_VERSION = 1;

/** Largest frame either side accepts (a scenario bundle travels in one frame). Larger frames close the link. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
export const HEARTBEAT_INTERVAL_MS = 1000;
/** A peer silent this long is lost. */
export const PEER_TIMEOUT_MS = 5000;
/** Agents stop their users when the coordinator has been unreachable this long (default; `--orphan-grace`). */
export const DEFAULT_ORPHAN_GRACE_MS = 30_000;

/** A user-to-user message crossing a thread or a machine (see `send` in the scenario API). */
export interface UserMessageEnvelope {
  to: number;
  from?: number;
  /** JSON data. */
  data: unknown;
}

/** An inclusive range of user ids. Ranges handed to agents are contiguous and never overlap across the cluster. */
export interface IdRange {
  from: number;
  to: number;
}

/** What the coordinator does when an agent is lost mid-run. */
/** Every agent-loss policy, for parsers and guards (plan files, --on-agent-loss, the control protocol). */
export const AGENT_LOSS_POLICIES = ['continue', 'redistribute', 'abort'] as const;
export type AgentLossPolicy = (typeof AGENT_LOSS_POLICIES)[number];

/** The compiled scenario, shipped with the run: agents need no copy of the scenario files. */
export interface ScenarioBundle {
  /** The scenario's path on the coordinator's machine (for messages and source-mapped stack traces). */
  file: string;
  /** CommonJS code with an inline source map (agent/scenario/compile.ts). */
  code: string;
  /** Source files in the bundle, as paths on the coordinator's machine. */
  sources: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Link frames (both directions)

/** Opens (or resumes) a session: always the first frame on a connection, sent by the agent whichever side dialled. */
export interface AgentHello {
  type: 'agent/hello';
  protocolVersion: number;
  /** Stable for the agent process's lifetime; a reconnect with the same id resumes the session. */
  agentId: string;
  /** Human name (hostname by default, `--name`). */
  name: string;
  workers: number;
  /** Highest reliable sequence received from the coordinator in this session (0 if none): resumption point. */
  lastReceived: number;
  /** The run the agent is part of, if any (after a blip). */
  runId?: string;
}

/** The coordinator's answer to hello. `resumed: false` on a known agent id means: drop the old session's state. */
export interface CoordinatorWelcome {
  type: 'coordinator/welcome';
  protocolVersion: number;
  coordinatorId: string;
  /** True when the coordinator still had this agent's session (a blip): both sides resend what is unacknowledged. */
  resumed: boolean;
  /** Highest reliable sequence the coordinator received from this agent in the session (0 if none). */
  lastReceived: number;
}

/** Refusal at hello (version mismatch, duplicate name...). The sender closes the connection after it. */
export interface LinkRefused {
  type: 'link/refused';
  reason: string;
}

/** A reliable message. */
export interface LinkData<T> {
  type: 'link/data';
  seq: number;
  body: T;
}

/** Acknowledges every reliable message up to `seq`: the sender drops them from its resend buffer. */
export interface LinkAck {
  type: 'link/ack';
  seq: number;
}

/** Liveness, both ways, every HEARTBEAT_INTERVAL_MS. `at` is the sender's wall clock (ms). */
export interface LinkHeartbeat {
  type: 'link/heartbeat';
  at: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Coordinator → agent (reliable, inside link/data)

/** Variable values as resolved and verified by the coordinator (default < env < plan < --var). */
export type VariableValues = Record<string, unknown>;

/**
 * Prepare a run: load the bundle in every worker, run `init` once per worker with these values. The agent answers
 * `run/prepared` or `run/failed`. No user starts yet.
 */
export interface RunPrepare {
  type: 'run/prepare';
  runId: string;
  scenario: ScenarioBundle;
  variables: VariableValues;
  /** This agent's share of the user rate, users per minute. */
  userRate: number;
  maintain: boolean;
  /** Graceful removal's grace period (ms, 2000 by default). */
  gracePeriodMs?: number;
}

/** Start these users (ids), at this agent's share of the rate. Also used for `add`. */
export interface RunAddUsers {
  type: 'run/add-users';
  runId: string;
  ranges: IdRange[];
}

/** Remove `count` of this agent's users (queued first, then the highest ids), gracefully or forced. */
export interface RunRemoveUsers {
  type: 'run/remove-users';
  runId: string;
  count: number;
  force: boolean;
}

/** Apply variable updates already verified and accepted by the coordinator; update hooks run in every worker. */
export interface RunUpdateVariables {
  type: 'run/update-variables';
  runId: string;
  changes: VariableValues;
}

/** This agent's new share of the user rate (users per minute). */
export interface RunSetRate {
  type: 'run/set-rate';
  runId: string;
  userRate: number;
}

/** End the run: users asked to finish (aborted after the grace period, or at once with force), then terminate. */
export interface RunStop {
  type: 'run/stop';
  runId: string;
  force: boolean;
}

/** A message for a user this agent runs (sent by another agent's user); delivered, or dropped and counted. */
export interface RunDeliver {
  type: 'run/deliver';
  runId: string;
  message: UserMessageEnvelope;
}

// ---------------------------------------------------------------------------------------------------------------
// Coordination barriers (amoc_coordinator): the coordinator holds each barrier; its actions run on an agent.

/** A barrier's plan as the coordinator needs it: batch sizes and each action's shape (its functions stay in workers). */
export interface BarrierShape {
  items: { users: number | [number, number] | 'all'; actions: ('event' | 'users' | 'pairs')[] }[];
  timeoutMs?: number;
}

/** A user of a coordination batch. */
export interface BarrierMember {
  userId: number;
  data: unknown;
}

/** What a worker's scenario asked of a barrier. */
export type BarrierOp =
  | { kind: 'start'; name: string; shape: BarrierShape }
  | { kind: 'add'; name: string; userId: number; data: unknown }
  | { kind: 'reset'; name: string }
  | { kind: 'stop'; name: string };

/** Run action `action` of plan item `item` of barrier `name`, with these users (or this pair). */
export interface BarrierFire {
  name: string;
  item: number;
  action: number;
  event: { type: 'coordinate' | 'timeout' | 'reset' | 'stop'; users: number };
  users?: BarrierMember[];
  pair?: [BarrierMember, BarrierMember | null];
}

/** Agent → coordinator: a barrier operation from a worker (start in init, add from users, reset, stop). */
export interface RunBarrier {
  type: 'run/barrier';
  runId: string;
  op: BarrierOp;
}

/** Coordinator → agent: run one barrier action in a worker that registered the plan. */
export interface RunBarrierFire {
  type: 'run/barrier-fire';
  runId: string;
  fire: BarrierFire;
}

// ---------------------------------------------------------------------------------------------------------------
// Throttles (amoc_throttle): the coordinator holds each throttle's rate and leases shares of it to agents.

/** What a worker's scenario asked of a throttle, or its demand report. Rates are per `interval` ms. */
export type ThrottleOp =
  | { kind: 'start'; name: string; rate: number; interval: number }
  | { kind: 'change'; name: string; rate: number; interval: number }
  | { kind: 'gradual'; name: string; change: unknown }
  | { kind: 'pause'; name: string }
  | { kind: 'resume'; name: string }
  | { kind: 'unlock'; name: string }
  | { kind: 'stop'; name: string }
  /** Requests per throttle in the last second (queued + executed): what leases are rebalanced by. */
  | { kind: 'demand'; demands: Record<string, number> };

/** The share of a throttle's rate an agent (or a worker) may use: at most `rate` executions per `interval`. */
export interface ThrottleLease {
  name: string;
  /** Whole executions per interval; 0 pauses, Infinity unlocks. */
  rate: number;
  interval: number;
  stopped?: boolean;
}

/** Agent → coordinator: a throttle operation (or demand report) from a worker. */
export interface RunThrottle {
  type: 'run/throttle';
  runId: string;
  op: ThrottleOp;
}

/** Coordinator → agent: this agent's share of a throttle. */
export interface RunThrottleLease {
  type: 'run/throttle-lease';
  runId: string;
  lease: ThrottleLease;
}

export type CoordinatorMessage = RunPrepare | RunAddUsers | RunRemoveUsers | RunUpdateVariables | RunSetRate | RunStop | RunDeliver | RunBarrierFire | RunThrottleLease;

// ---------------------------------------------------------------------------------------------------------------
// Agent → coordinator (reliable, inside link/data)

/** Every worker loaded the scenario and ran `init`. */
export interface RunPrepared {
  type: 'run/prepared';
  runId: string;
}

/** Preparing failed (the bundle did not load, `init` threw): no user was started on this agent. */
export interface RunFailed {
  type: 'run/failed';
  runId: string;
  message: string;
  /** `file:line:col` in the scenario (coordinator's paths), when known. */
  where?: string;
  /** A RookeryError code, when it was one. */
  code?: string;
}

/** Per-worker figures carried with each agent snapshot. */
export interface WorkerFigures {
  worker: number;
  users: number;
  utilization: Utilization;
}

/**
 * One second of this agent: its workers' snapshots for that second merged exactly (gauges summed). `second` is
 * floor(start / 1000) of the interval, the key the coordinator merges on.
 */
export interface AgentSnapshot {
  type: 'run/snapshot';
  runId: string;
  second: number;
  snapshot: MetricSnapshot;
  workers: WorkerFigures[];
}

/** A user failed (first few only: the summary has them all): for live messages. */
export interface AgentUserError {
  type: 'run/user-error';
  runId: string;
  userId: number;
  message: string;
  where?: string;
}

/** The agent's users state changed: running users, queued users, highest id started. Sent at most once a second. */
export interface AgentRunStatus {
  type: 'run/status';
  runId: string;
  runningUsers: number;
  pendingUsers: number;
  /** True once every worker is idle (no user running or queued). */
  idle: boolean;
}

/** Every worker stopped its users and ran `terminate`; the last snapshots were sent before this. */
export interface RunStopped {
  type: 'run/stopped';
  runId: string;
}

/** A command could not be applied (e.g. an update hook threw in a worker). The run goes on. */
export interface RunCommandFailed {
  type: 'run/command-failed';
  runId: string;
  command: CoordinatorMessage['type'];
  message: string;
}

/** A message for a user this agent does not run: the coordinator forwards it to the agent that runs the id. */
export interface RunSend {
  type: 'run/send';
  runId: string;
  message: UserMessageEnvelope;
}

export type AgentMessage = RunPrepared | RunFailed | AgentSnapshot | AgentUserError | AgentRunStatus | RunStopped | RunCommandFailed | RunSend | RunBarrier | RunThrottle;

/** Every frame on the link, either direction. */
export type ClusterFrame =
  | AgentHello
  | CoordinatorWelcome
  | LinkRefused
  | LinkAck
  | LinkHeartbeat
  | LinkData<CoordinatorMessage>
  | LinkData<AgentMessage>;
