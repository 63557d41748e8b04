/**
 * What the agent's pool and its worker threads agree on beyond agent/protocol/worker.ts: the thread's `workerData`,
 * the `result` of a successful `worker/reply`, and how an error crosses the thread boundary (a RookeryError's
 * code, message, where and problems out; a RookeryError again on the other side).
 */
import { RookeryError, type ErrorCode } from '../common/errors';
import type { FromWorker } from '../protocol/worker';

/** Given to each thread at creation. */
export interface WorkerData {
  /** Its index in the pool. */
  index: number;
  /** Threads in the pool (for the CPU share of utilization). */
  workers: number;
}

/** A worker's users state, as `worker/status` carries it. */
export type WorkerStatusReport = Omit<Extract<FromWorker, { type: 'worker/status' }>, 'type'>;

/** The `result` of every successful reply: the worker's state right after the request was applied. */
export interface WorkerReplyResult extends WorkerStatusReport {
  /** `worker/update-variables`: the names applied. */
  applied?: string[];
}

type FailedReply = Extract<FromWorker, { type: 'worker/reply'; ok: false }>;

/** The failure fields of a reply, from whatever was thrown. */
export function workerFailure(error: unknown): Omit<FailedReply, 'type' | 'requestId' | 'ok'> {
  if (error instanceof RookeryError) {
    const failure: Omit<FailedReply, 'type' | 'requestId' | 'ok'> = { code: error.code, message: error.message };
    if (error.where !== undefined) failure.where = error.where;
    if (error.problems.length > 0) failure.problems = error.problems.map((p) => ({ where: p.where, message: p.message }));
    return failure;
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

const KNOWN_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'ROOKERY_USAGE', 'ROOKERY_SCENARIO_COMPILE', 'ROOKERY_SCENARIO_LOAD', 'ROOKERY_SCENARIO_INIT', 'ROOKERY_VARIABLES',
  'ROOKERY_PLAN', 'ROOKERY_STATE', 'ROOKERY_UPDATE', 'ROOKERY_INTERNAL',
]);

/** A failed reply as a RookeryError; `prefix` says which worker (`worker 1: ...`). */
export function replyError(reply: FailedReply, prefix: string): RookeryError {
  const code = reply.code !== undefined && KNOWN_CODES.has(reply.code) ? (reply.code as ErrorCode) : 'ROOKERY_INTERNAL';
  return new RookeryError(code, `${prefix}${reply.message}`, { where: reply.where, problems: reply.problems });
}
