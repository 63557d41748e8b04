/**
 * The agent ↔ worker-thread protocol (structured clone over MessagePort). Each worker is one node in amoc's sense:
 * it loads the scenario bundle, runs `init` once (state cannot cross threads), and runs the users of the id ranges
 * it is given. Plain data; imports nothing but other protocol files.
 */
import type { BarrierFire, BarrierOp, IdRange, ScenarioBundle, ThrottleLease, ThrottleOp, UserMessageEnvelope, VariableValues, WorkerFigures } from './cluster';
import type { ControllerStatus } from './run-state';
import type { MetricSnapshot } from './snapshot';

/** Agent → worker. Each carries a `requestId`; the worker answers `worker/reply` with it once applied. */
export type ToWorker =
  | { type: 'worker/prepare'; requestId: number; nodeId: string; scenario: ScenarioBundle; variables: VariableValues; userRate: number; maintain: boolean; gracePeriodMs?: number }
  | { type: 'worker/add-users'; requestId: number; ranges: IdRange[] }
  | { type: 'worker/remove-users'; requestId: number; count: number; force: boolean }
  | { type: 'worker/update-variables'; requestId: number; changes: VariableValues }
  | { type: 'worker/set-rate'; requestId: number; userRate: number }
  | { type: 'worker/stop'; requestId: number; force: boolean }
  /** A message for one of this worker's users (no reply: delivered, or dropped and counted). */
  | { type: 'worker/deliver'; message: UserMessageEnvelope }
  /** Run a coordination action (no reply; a failing action is reported as a user error). */
  | { type: 'worker/barrier-fire'; fire: BarrierFire }
  /** This worker's share of a throttle (no reply). */
  | { type: 'worker/throttle-lease'; lease: ThrottleLease };

/** Worker → agent. */
export type FromWorker =
  /** The answer to a request: `ok`, or the failure (a RookeryError's code, message, where). */
  | { type: 'worker/reply'; requestId: number; ok: true; result?: unknown }
  | { type: 'worker/reply'; requestId: number; ok: false; code?: string; message: string; where?: string; problems?: { where?: string; message: string }[] }
  /** One interval of this worker (every second while prepared, and a final one when stopped). */
  | { type: 'worker/snapshot'; second: number; snapshot: MetricSnapshot; figures: Omit<WorkerFigures, 'worker'> }
  | { type: 'worker/status'; status: ControllerStatus; idle: boolean }
  | { type: 'worker/user-error'; userId: number; message: string; where?: string }
  /** A message for a user this worker does not run: the agent finds who does. */
  | { type: 'worker/send'; message: UserMessageEnvelope }
  /** A coordination barrier operation, for the run's coordinator. */
  | { type: 'worker/barrier'; op: BarrierOp }
  /** A throttle operation or demand report, for the run's coordinator. */
  | { type: 'worker/throttle'; op: ThrottleOp };
