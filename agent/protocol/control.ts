/**
 * The control protocol: how clients — the CLI, the VS Code extension — drive a coordinator and watch its runs.
 * WebSocket at the coordinator's `/control` path, same token as agents, JSON text frames. Requests carry an `id`
 * and get exactly one `control/reply`; subscribers also receive pushed `run/*` and `cluster/*` messages.
 * Plain data; imports only other protocol files.
 */
import type { AgentLossPolicy, IdRange, ScenarioBundle, WorkerFigures } from './cluster';
import type { Stage } from './plan';
import type { RunSummary } from './summary';
import type { MetricSnapshot, Utilization } from './snapshot';
import type { ThresholdResult, ThresholdSpec } from './thresholds';
import type { ValueSource, VariableProblem } from './variables';

// ---------------------------------------------------------------------------------------------------------------
// Shapes

/** A run as a client asks for it. The client compiles the scenario (it has the files) and ships the bundle. */
export interface RunRequest {
  scenario: ScenarioBundle;
  planFile?: string;
  users: number;
  userRate: number;
  durationMs?: number;
  maintain: boolean;
  stages: Stage[];
  /** Values from the plan, from `--var`, and the client's `ROOKERY_*` environment (precedence default < env < plan < cli). */
  planVariables: Record<string, unknown>;
  cliVariables: Record<string, unknown>;
  envVariables: Record<string, string>;
  onAgentLoss: AgentLossPolicy;
  gracePeriodMs?: number;
  /** Run only on these agents (ids or names); all ready agents by default. */
  agents?: string[];
  /**
   * Pass/fail criteria (the plan's plus `--threshold`s), evaluated by the coordinator on the merged figures: at
   * the end for the result, and once a second for abortOnFail ones. Absent from clients that predate them.
   */
  thresholds?: ThresholdSpec[];
}

export type AgentState = 'ready' | 'preparing' | 'running' | 'stopping' | 'disconnected' | 'lost';

/** One agent as the coordinator sees it (amoc_dist:get_state, per node). */
export interface AgentInfo {
  agentId: string;
  name: string;
  /** The URL the coordinator dialled, for agents attached with `--agents`; absent for agents that joined. */
  url?: string;
  state: AgentState;
  workers: number;
  /** Id ranges this agent was given in the current run. */
  ranges: IdRange[];
  runningUsers: number;
  /** Last second's figures. */
  rps: number;
  utilization: Utilization;
  /** Above 0.8 in the last second: the generator, not the target, may be the bottleneck. */
  overloaded: boolean;
  lastSeen: number;
}

export type RunStatusName = 'idle' | 'preparing' | 'running' | 'terminating' | 'finished' | 'error';

export interface RunInfo {
  runId: string;
  status: RunStatusName;
  /** Why the run is in `error`, or ended. */
  reason?: string;
  scenarioFile: string;
  runningUsers: number;
  pendingUsers: number;
  highestUserId: number;
  userRate: number;
  startedAt?: number;
  variables: { values: Record<string, unknown>; sources: Record<string, ValueSource> };
}

/** The whole cluster: the answer to `control/status`. */
export interface ClusterStatus {
  coordinatorId: string;
  protocolVersion: number;
  agents: AgentInfo[];
  run?: RunInfo;
}

/** One agent's figures for one second (the per-agent series). */
export interface AgentPoint {
  agentId: string;
  name: string;
  users: number;
  rps: number;
  errors: number;
  utilization: Utilization;
  workers: WorkerFigures[];
}

/**
 * One second of the run, merged exactly across agents. A late snapshot updates its own second: the point is sent
 * again with a higher `revision`, and receivers replace what they had for that second.
 */
export interface SeriesPoint {
  runId: string;
  second: number;
  revision: number;
  snapshot: MetricSnapshot;
  agents: AgentPoint[];
}

/** Things that happen during a run, kept in the result and pushed to subscribers. */
export type RunEvent =
  | { kind: 'agent-joined'; at: number; agentId: string; name: string }
  | { kind: 'agent-lost'; at: number; agentId: string; name: string; users: number; policy: AgentLossPolicy; ranges: IdRange[] }
  | { kind: 'agent-reconnected'; at: number; agentId: string; name: string }
  | { kind: 'users-redistributed'; at: number; fromAgent: string; toAgents: string[]; ranges: IdRange[] }
  | { kind: 'agent-overloaded'; at: number; agentId: string; name: string; utilization: number }
  | { kind: 'user-error'; at: number; agentId: string; userId: number; message: string; where?: string }
  | { kind: 'command-failed'; at: number; agentId: string; command: string; message: string }
  /** An abortOnFail threshold failed mid-run; the run is being stopped because of it (endReason `thresholds`). */
  | { kind: 'threshold-failed'; at: number; threshold: string; line: string }
  | { kind: 'status'; at: number; status: RunStatusName; reason?: string };

/** The outcome of a run: what `--out` writes and the extension keeps as history. */
export interface RunResultData {
  runId: string;
  config: Omit<RunRequest, 'scenario' | 'envVariables'> & { scenarioFile: string };
  variables: { values: Record<string, unknown>; sources: Record<string, ValueSource> };
  startedAt: number;
  endedAt: number;
  /** `thresholds`: an abortOnFail threshold failed and stopped the run (see the `threshold-failed` event). */
  endReason: 'completed' | 'duration' | 'stopped' | 'aborted' | 'error' | 'thresholds';
  /** One merged snapshot per second. */
  series: MetricSnapshot[];
  /** Per-agent figures per second. */
  agentSeries: { second: number; agents: AgentPoint[] }[];
  total: MetricSnapshot;
  summary: RunSummary;
  events: RunEvent[];
  agents: { agentId: string; name: string; workers: number; ranges: IdRange[]; peakUtilization: number }[];
  /** Every threshold of the request, evaluated on the whole run, in request order; empty when none. */
  thresholds: ThresholdResult[];
}

/** A failure as the coordinator reports it to a client. */
export interface ControlError {
  code: string;
  message: string;
  where?: string;
  hint?: string;
  problems?: { where?: string; message: string }[];
  variableProblems?: VariableProblem[];
}

// ---------------------------------------------------------------------------------------------------------------
// Client → coordinator

export type ControlRequest =
  /** Prepare and start a run (fails if one is running). Result: `{ runId }`. */
  | { type: 'control/start-run'; id: number; run: RunRequest }
  | { type: 'control/stop'; id: number; force: boolean }
  /** Add users with the next ids, to all agents (in proportion to workers) or to the named ones. */
  | { type: 'control/add-users'; id: number; count: number; agents?: string[] }
  | { type: 'control/remove-users'; id: number; count: number; force: boolean }
  /** Verified by the coordinator first (all or nothing, read_only rejected), then applied on every worker. */
  | { type: 'control/update-variables'; id: number; changes: Record<string, unknown> }
  | { type: 'control/set-rate'; id: number; userRate: number }
  /** Result: ClusterStatus. */
  | { type: 'control/status'; id: number }
  /** Start receiving `run/point`, `run/event`, `run/finished`, `cluster/status`; the reply carries ClusterStatus. */
  | { type: 'control/subscribe'; id: number }
  /** Dial an agent that listens (`rookery agent --listen`). Result: AgentInfo. */
  | { type: 'control/attach-agent'; id: number; url: string; token?: string }
  | { type: 'control/detach-agent'; id: number; agent: string };

// ---------------------------------------------------------------------------------------------------------------
// Coordinator → client

export type ControlPush =
  | { type: 'control/reply'; id: number; ok: true; result?: unknown }
  | { type: 'control/reply'; id: number; ok: false; error: ControlError }
  | { type: 'run/point'; point: SeriesPoint }
  | { type: 'run/event'; runId: string; event: RunEvent }
  | { type: 'run/finished'; result: RunResultData }
  /** Pushed when agents come and go or change state, at most once a second. */
  | { type: 'cluster/status'; status: ClusterStatus };
