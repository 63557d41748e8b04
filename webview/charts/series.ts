/**
 * What each chart draws, as plain data: DashboardPoints in, one `Series` per line out (a fresh data array every
 * time — see line-chart.ts for why). No chart.js here, so the mapping is easy to read and to check.
 *
 * Every point is drawn at the middle of the seconds it covers (`second + span / 2`), a fine point included: a
 * coarse point then sits exactly where the fine points it replaced averaged, and compaction does not shift a line.
 * A point with no completed request has no latency; it is a gap in the latency lines, not a zero.
 */
import type { DashboardPoint } from '../../agent/protocol/dashboard';
import { ERROR_KINDS, type ErrorKind } from '../../agent/protocol/snapshot';
import type { SeriesColor } from '../theme';

export interface XY {
  x: number;
  y: number | null;
}

/** `line`: the run; `compare`: the compared run (dashed, lighter); `limit`: a reference line (dashed, muted). */
export type SeriesStyle = 'line' | 'compare' | 'limit';

export interface Series {
  /** Stable identity across updates, and the key the reader's hidden choice is saved under. */
  key: string;
  label: string;
  color: SeriesColor | 'muted';
  style: SeriesStyle;
  /** For a compared series: the run's series it mirrors (hidden with it). */
  twin?: string;
  data: XY[];
}

export type ChartName = 'throughput' | 'latency' | 'users' | 'errors' | 'utilization';

export const CHART_NAMES: readonly ChartName[] = ['throughput', 'latency', 'users', 'errors', 'utilization'];

/** Utilization above this means the load generator, not the target, may be the bottleneck. */
export const OVERLOAD = 0.8;

/** Colours in the order lines of one kind (error kinds, agents) take them. */
const CYCLE: readonly SeriesColor[] = ['blue', 'green', 'purple', 'orange', 'yellow', 'red'];

/** Six theme colours for nine kinds: the frequent ones (http, timeout, refused, reset) get distinct colours. */
const ERROR_COLORS: Record<ErrorKind, SeriesColor> = {
  http: 'red',
  timeout: 'yellow',
  refused: 'orange',
  reset: 'purple',
  tls: 'blue',
  dns: 'green',
  protocol: 'blue',
  aborted: 'green',
  other: 'purple',
};

export function pointX(point: DashboardPoint): number {
  return point.second + point.span / 2;
}

function line(points: readonly DashboardPoint[], pick: (point: DashboardPoint) => number | null): XY[] {
  const data = new Array<XY>(points.length);
  for (let i = 0; i < points.length; i++) data[i] = { x: pointX(points[i]), y: pick(points[i]) };
  return data;
}

interface Metric {
  key: string;
  label: string;
  color: SeriesColor;
  pick(point: DashboardPoint): number | null;
}

/** The run's series for `metrics`, then the compared run's twins. */
function withCompare(chart: ChartName, metrics: Metric[], points: readonly DashboardPoint[], compare: readonly DashboardPoint[] | undefined): Series[] {
  const out: Series[] = metrics.map((m) => ({ key: `${chart}:${m.key}`, label: m.label, color: m.color, style: 'line', data: line(points, m.pick) }));
  if (compare) {
    for (const m of metrics) {
      const twin = `${chart}:${m.key}`;
      out.push({ key: `${twin}~compare`, label: `${m.label} (compared)`, color: m.color, style: 'compare', twin, data: line(compare, m.pick) });
    }
  }
  return out;
}

export function throughputSeries(points: readonly DashboardPoint[], compare?: readonly DashboardPoint[]): Series[] {
  return withCompare(
    'throughput',
    [
      { key: 'ok', label: 'ok req/s', color: 'green', pick: (p) => p.okRps },
      { key: 'failed', label: 'failed req/s', color: 'red', pick: (p) => p.failedRps },
    ],
    points,
    compare,
  );
}

export function latencySeries(points: readonly DashboardPoint[], compare?: readonly DashboardPoint[]): Series[] {
  return withCompare(
    'latency',
    [
      { key: 'p50', label: 'p50', color: 'blue', pick: (p) => p.latency?.p50 ?? null },
      { key: 'p90', label: 'p90', color: 'green', pick: (p) => p.latency?.p90 ?? null },
      { key: 'p99', label: 'p99', color: 'orange', pick: (p) => p.latency?.p99 ?? null },
      { key: 'max', label: 'max', color: 'red', pick: (p) => p.latency?.max ?? null },
    ],
    points,
    compare,
  );
}

export function usersSeries(points: readonly DashboardPoint[], compare?: readonly DashboardPoint[]): Series[] {
  return withCompare('users', [{ key: 'users', label: 'active users', color: 'blue', pick: (p) => p.users }], points, compare);
}

/** One line per error kind seen in either run, in ERROR_KINDS order so a kind keeps its colour. */
export function errorSeries(points: readonly DashboardPoint[], compare?: readonly DashboardPoint[]): Series[] {
  const seen = new Set<string>();
  for (const list of [points, compare ?? []]) for (const p of list) for (const kind of Object.keys(p.errorsPerSecond)) seen.add(kind);
  const metrics: Metric[] = ERROR_KINDS.filter((kind) => seen.has(kind)).map((kind): Metric => ({
    key: kind,
    label: `${kind}/s`,
    color: ERROR_COLORS[kind],
    pick: (p) => p.errorsPerSecond[kind] ?? 0,
  }));
  return withCompare('errors', metrics, points, compare);
}

/** Agents in order of first appearance: id → latest name. */
function agentsOf(points: readonly DashboardPoint[]): Map<string, string> {
  const agents = new Map<string, string>();
  for (const p of points) for (const a of p.agents) agents.set(a.agentId, a.name);
  return agents;
}

function utilizationLine(points: readonly DashboardPoint[], agentId: string): XY[] {
  return line(points, (p) => p.agents.find((a) => a.agentId === agentId)?.utilization ?? null);
}

/** One line per agent (a gap where it sent nothing), the compared run's agents, and the 0.8 overload line. */
export function utilizationSeries(points: readonly DashboardPoint[], compare?: readonly DashboardPoint[]): Series[] {
  const out: Series[] = [];
  let i = 0;
  for (const [agentId, name] of agentsOf(points)) {
    out.push({ key: `utilization:${agentId}`, label: name, color: CYCLE[i++ % CYCLE.length], style: 'line', data: utilizationLine(points, agentId) });
  }
  if (compare) {
    let j = 0;
    for (const [agentId, name] of agentsOf(compare)) {
      const twin = `utilization:${agentId}`;
      out.push({ key: `${twin}~compare`, label: `${name} (compared)`, color: CYCLE[j++ % CYCLE.length], style: 'compare', twin, data: utilizationLine(compare, agentId) });
    }
  }
  const xs = [points, compare ?? []].filter((list) => list.length > 0);
  const first = Math.min(...xs.map((list) => list[0].second));
  const last = Math.max(...xs.map((list) => list[list.length - 1].second + list[list.length - 1].span));
  const limit: XY[] = xs.length > 0 ? [{ x: first, y: OVERLOAD }, { x: last, y: OVERLOAD }] : [];
  out.push({ key: 'utilization:limit', label: `overload (${OVERLOAD})`, color: 'muted', style: 'limit', data: limit });
  return out;
}

export const SERIES_OF: Record<ChartName, (points: readonly DashboardPoint[], compare?: readonly DashboardPoint[]) => Series[]> = {
  throughput: throughputSeries,
  latency: latencySeries,
  users: usersSeries,
  errors: errorSeries,
  utilization: utilizationSeries,
};
