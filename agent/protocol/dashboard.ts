/**
 * The dashboard boundary: messages between the VS Code extension (the host, which holds the run's data) and the
 * dashboard webview (the page, which only draws). Plain data that survives postMessage's structured clone.
 *
 * The page never owns the run: on load, or when shown again, it sends `dashboard/ready` and gets a full
 * `dashboard/snapshot`; then numbered `dashboard/update`s. An update whose `seq` is not the last seen + 1 means one
 * was lost (a hidden webview drops messages): the page sends `dashboard/resync` and waits for a snapshot.
 *
 * Points are figures the host computed: coarse points (span > 1) have percentiles recomputed from merged
 * histograms, never averaged. The host bounds how many points exist (a fine tier of recent seconds, a coarse tier
 * of older ones); the page mirrors exactly what it is sent, so its memory is bounded by the host's.
 */
import type { RunStatusName } from './control';
import type { CheckRow, CounterRow, ErrorRow, HistogramRow, RequestRow } from './summary';
import type { ThresholdResult } from './thresholds';

export const DASHBOARD_PROTOCOL_VERSION = 1;

/** Latencies of one point, in ms; `null` in a point with no completed request. */
export interface PointLatency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** One agent's figures in one point. */
export interface PointAgent {
  agentId: string;
  name: string;
  /** max(event-loop, CPU) utilization, [0, 1]. */
  utilization: number;
  rps: number;
  users: number;
}

/** The run's figures over `span` seconds starting at `second` (seconds since the run started). */
export interface DashboardPoint {
  second: number;
  /** 1 for a fine point; 10, 60... for coarse points of older data. */
  span: number;
  okRps: number;
  failedRps: number;
  latency: PointLatency | null;
  /** Users running at the end of the span. */
  users: number;
  /** Errors per second by kind (ErrorKind), kinds with none omitted. */
  errorsPerSecond: Record<string, number>;
  agents: PointAgent[];
  /** Custom counters per second, by name (the same name cap as requests applies). */
  counters: Record<string, number>;
  checks: { pass: number; fail: number };
}

export type RequestTableRow = Pick<RequestRow, 'name' | 'count' | 'failed' | 'rps' | 'p50' | 'p90' | 'p99' | 'max' | 'errorPct'>;

export interface AgentTableRow {
  agentId: string;
  name: string;
  /** AgentState, or 'lost' / 'disconnected'. */
  state: string;
  users: number;
  rps: number;
  utilization: number;
}

/** The tables and headline figures, cumulative over the run so far; replaced whole by each update. */
export interface DashboardTables {
  status: RunStatusName;
  elapsedMs: number;
  requests: RequestTableRow[];
  total: RequestTableRow;
  errors: ErrorRow[];
  agents: AgentTableRow[];
  checks: CheckRow[];
  counters: CounterRow[];
  histograms: HistogramRow[];
  /** Request names folded into the `(other)` row because the run had more distinct names than the cap. */
  otherNames: number;
  /** The cap, for the warning text. */
  nameCap: number;
  thresholds: ThresholdResult[];
  /** Sentences the reader should not miss (an overloaded generator, a lost agent, failed users). */
  warnings: string[];
}

/** A past or other run, for the comparison picker. */
export interface RunListing {
  runId: string;
  title: string;
  startedAt: number;
  status: RunStatusName;
}

/** A second run drawn on the same charts, aligned on seconds since each run's start. */
export interface ComparedRun {
  runId: string;
  title: string;
  points: DashboardPoint[];
}

/** Everything the page shows. */
export interface DashboardView {
  runId: string;
  title: string;
  startedAt?: number;
  endedAt?: number;
  /** Coarse points first, then fine ones, in time order; never overlapping. */
  points: DashboardPoint[];
  tables: DashboardTables;
  runs: RunListing[];
  compare?: ComparedRun;
}

// ---------------------------------------------------------------------------------------------------------------
// Host → page

export type HostMessage =
  /** The whole view, as the answer to `ready` or `resync` (or when the host switches the panel to another run). */
  | { type: 'dashboard/snapshot'; seq: number; protocol: typeof DASHBOARD_PROTOCOL_VERSION; view: DashboardView }
  /**
   * Changes since `seq - 1`: points to add or replace (same `second` and `span`: a late snapshot revised it), then,
   * when older fine points were merged into coarse ones, `compacted`: drop every point with `second < upTo` and
   * insert `points` of it (already coarse) in their place. Tables are replaced whole.
   */
  | {
      type: 'dashboard/update';
      seq: number;
      points: DashboardPoint[];
      compacted?: { upTo: number; points: DashboardPoint[] };
      tables: DashboardTables;
      endedAt?: number;
    }
  /** The comparison run changed (or was removed: `compare` undefined). */
  | { type: 'dashboard/compare'; seq: number; compare?: ComparedRun };

// ---------------------------------------------------------------------------------------------------------------
// Page → host

export type PageMessage =
  /** The page loaded (or was revived) and wants a snapshot. */
  | { type: 'dashboard/ready' }
  /** The page saw a gap in `seq` (or a message it could not apply) and wants a snapshot. */
  | { type: 'dashboard/resync'; lastSeq: number }
  /** Draw another run beside this one (`runId` undefined: stop comparing). */
  | { type: 'dashboard/compare'; runId?: string };
