/**
 * What a dashboard panel does with each message its page posts: a vscode-free function from (untrusted message, the
 * run the panel shows) to what to post back, so the panel adapter (dashboard-panel.ts) only moves messages.
 *
 * - `dashboard/ready` / `dashboard/resync` → the run's snapshot, with a fresh list of runs to compare with. The
 *   snapshot is taken after that list arrives, so every message the run sent before it has a lower `seq` and every
 *   later one a higher: the page's sequence check holds whatever was posted meanwhile.
 * - `dashboard/compare` → the other run's points handed to the run (`setCompare`), which numbers and sends the
 *   `dashboard/compare` message through its own stream (the panel posts it like any update).
 * - anything else → refused with the reason, for the log; the page gets nothing (it asks again on its own).
 *
 * Reading the history is disk work but the page must never wait forever: each look-up has a deadline, after which
 * the snapshot goes out with the runs listed before, or the comparison fails with a warning.
 */
import type { ComparedRun, HostMessage, RunListing } from '../../agent/protocol/dashboard';
import type { RunStatusName } from '../../agent/protocol/control';
import { parsePageMessage } from '../../agent/protocol/validate-dashboard';

type SnapshotMessage = Extract<HostMessage, { type: 'dashboard/snapshot' }>;

/** What a panel shows: a LiveRun (extension/runs/live-run.ts) or a past run's static view (static-run.ts). */
export interface RunSource {
  readonly runId: string;
  readonly title: string;
  /** The whole view at the seq of the last message sent. */
  snapshot(): SnapshotMessage;
  /** Every message from now on; returns the function that stops them. */
  onMessage(listener: (message: HostMessage) => void): () => void;
  /** The runs offered for comparison, sent with the next snapshot. */
  setRuns(runs: readonly RunListing[]): void;
  /** Draws another run beside this one (undefined: stop); the source sends `dashboard/compare` itself. */
  setCompare(compare: ComparedRun | undefined): void;
}

export interface RouterDeps {
  /** Every run the user could compare with (this one is left out by the router). */
  listRuns(): Promise<readonly RunListing[]>;
  /** Another run's points, from a live run or the history; throws when it cannot be found or read. */
  loadCompared(runId: string): Promise<ComparedRun>;
  /** Deadline of each look-up, ms (default 5 s). */
  deadlineMs?: number;
}

export type RouteResult =
  /** Post this to the page. */
  | { kind: 'post'; message: HostMessage }
  /** Done; the source sent whatever had to go out. */
  | { kind: 'done' }
  /** The page posted something the protocol does not allow: log it, post nothing. */
  | { kind: 'invalid'; reason: string }
  /** A valid request that could not be met: tell the user (the page keeps what it shows). */
  | { kind: 'failed'; reason: string };

export const ROUTE_DEADLINE_MS = 5000;

/** `promise`, or a rejection naming `what` after `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export async function routePageMessage(raw: unknown, source: RunSource, deps: RouterDeps): Promise<RouteResult> {
  let message;
  try {
    message = parsePageMessage(raw);
  } catch (error) {
    return { kind: 'invalid', reason: error instanceof Error ? error.message : String(error) };
  }
  const deadlineMs = deps.deadlineMs ?? ROUTE_DEADLINE_MS;
  switch (message.type) {
    case 'dashboard/ready':
    case 'dashboard/resync': {
      try {
        const runs = await withDeadline(deps.listRuns(), deadlineMs, 'listing the past runs');
        source.setRuns(runs.filter((r) => r.runId !== source.runId));
      } catch {
        // The snapshot still goes out, with the runs listed last time: the page must not stay empty.
      }
      return { kind: 'post', message: source.snapshot() };
    }
    case 'dashboard/compare': {
      if (message.runId === undefined) {
        source.setCompare(undefined);
        return { kind: 'done' };
      }
      if (message.runId === source.runId) return { kind: 'failed', reason: 'a run cannot be compared with itself' };
      try {
        source.setCompare(await withDeadline(deps.loadCompared(message.runId), deadlineMs, `reading run ${message.runId}`));
        return { kind: 'done' };
      } catch (error) {
        return { kind: 'failed', reason: `cannot compare with run ${message.runId}: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
  }
}

/** The run status a host message carries, if any (the panel's title follows it). */
export function statusOfMessage(message: HostMessage): RunStatusName | undefined {
  if (message.type === 'dashboard/snapshot') return message.view.tables.status;
  if (message.type === 'dashboard/update') return message.tables.status;
  return undefined;
}

const STATUS_LABELS: Record<RunStatusName, string> = {
  idle: 'idle',
  preparing: 'preparing',
  running: 'running',
  terminating: 'stopping',
  finished: 'finished',
  error: 'failed',
};

/** The panel's title: the run's name and status, e.g. `http-api.plan.yaml (running)`. */
export function panelTitle(title: string, status: RunStatusName | undefined): string {
  return status === undefined ? title : `${title} (${STATUS_LABELS[status]})`;
}
