/**
 * A synthetic dashboard host for the browser tests: it produces a run's 1 Hz `dashboard/update`s and compacts its
 * series as the extension's bounded series store will — a fine tier of the last FINE seconds, older seconds merged
 * into coarse points, and the coarse points merged again (span doubled) whenever there are more than COARSE_MAX of
 * them — so what it holds, and what a page mirrors, stays bounded however long the run.
 *
 * The figures are made up (seeded, so reproducible). A coarse point's percentiles here are the worst of the points
 * it merges: the real host recomputes them from merged histograms, which the page cannot tell apart.
 */
import type { DashboardPoint, DashboardTables, DashboardView, HostMessage, RequestTableRow } from '../../agent/protocol/dashboard';
import { DASHBOARD_PROTOCOL_VERSION } from '../../agent/protocol/dashboard';
import { seededRandom } from './seeded-random';

export interface SyntheticOptions {
  /** Fine points kept (the fine tier). */
  fine?: number;
  /** Coarse points allowed before they are merged pairwise. */
  coarseMax?: number;
  /** Seconds between compactions. */
  compactEvery?: number;
  /** First coarse span, seconds. */
  coarseSpan?: number;
  agents?: number;
  requestNames?: number;
  seed?: number;
}

type Update = Extract<HostMessage, { type: 'dashboard/update' }>;

export class SyntheticHost {
  readonly runId = 'synthetic-run';
  private readonly fine: number;
  private readonly coarseMax: number;
  private readonly compactEvery: number;
  private span: number;
  private readonly baseSpan: number;
  private readonly agents: number;
  private readonly requestNames: number;
  private readonly random: () => number;
  private coarse: DashboardPoint[] = [];
  private recent: DashboardPoint[] = [];
  private next = 0;
  seq = 0;

  constructor(options: SyntheticOptions = {}) {
    this.fine = options.fine ?? 300;
    this.coarseMax = options.coarseMax ?? 300;
    this.compactEvery = options.compactEvery ?? 60;
    this.span = options.coarseSpan ?? 10;
    this.baseSpan = this.span;
    this.agents = options.agents ?? 3;
    this.requestNames = options.requestNames ?? 12;
    this.random = seededRandom(options.seed ?? 42);
  }

  /** Points the host holds (what a synced page must hold too). */
  get held(): number {
    return this.coarse.length + this.recent.length;
  }

  get points(): DashboardPoint[] {
    return [...this.coarse, ...this.recent];
  }

  get seconds(): number {
    return this.next;
  }

  view(): DashboardView {
    return { runId: this.runId, title: 'synthetic run', startedAt: 1_700_000_000_000, points: this.points, tables: this.tables(), runs: [] };
  }

  snapshot(): HostMessage {
    return { type: 'dashboard/snapshot', seq: ++this.seq, protocol: DASHBOARD_PROTOCOL_VERSION, view: this.view() };
  }

  /** The next second's update, with a compaction every `compactEvery` seconds once the fine tier is full. */
  tick(): Update {
    const point = this.point(this.next++);
    this.recent.push(point);
    const update: Update = { type: 'dashboard/update', seq: ++this.seq, points: [point], tables: this.tables() };
    if (this.next % this.compactEvery === 0 && this.recent.length > this.fine) {
      const compacted = this.compact();
      if (compacted) update.compacted = compacted;
    }
    return update;
  }

  private compact(): Update['compacted'] {
    // Keep at least `fine` fine points; merge the older ones, cut on the first span's grid so the fine tier does
    // not grow with the coarse span.
    const newest = this.recent[this.recent.length - 1].second + 1;
    let upTo = Math.floor((newest - this.fine) / this.baseSpan) * this.baseSpan;
    if (upTo <= this.recent[0].second) return undefined;
    const old = this.recent.filter((p) => p.second < upTo);
    this.recent = this.recent.filter((p) => p.second >= upTo);
    this.coarse.push(...groupBy(old, this.span));
    while (this.coarse.length > this.coarseMax) {
      this.span *= 2;
      this.coarse = groupBy(this.coarse, this.span);
    }
    upTo = this.recent[0].second;
    return { upTo, points: this.coarse.slice() };
  }

  private point(second: number): DashboardPoint {
    const r = this.random;
    const wave = Math.sin(second / 300);
    const ok = Math.round(900 + 200 * wave + 50 * r());
    const failed = r() < 0.3 ? Math.round(5 * r()) : 0;
    const errorsPerSecond: Record<string, number> = {};
    if (failed > 0) errorsPerSecond.http = failed;
    if (r() < 0.05) errorsPerSecond.timeout = 1;
    const p50 = 20 + 5 * wave + 2 * r();
    return {
      second,
      span: 1,
      okRps: ok,
      failedRps: failed,
      latency: { p50, p90: p50 * 2, p99: p50 * 4 + 10 * r(), max: p50 * 8 + 40 * r() },
      users: Math.min(500, 10 + second),
      errorsPerSecond,
      agents: Array.from({ length: this.agents }, (_, i) => ({
        agentId: `agent-${i + 1}`,
        name: `agent ${i + 1}`,
        utilization: Math.min(1, 0.55 + 0.1 * i + 0.1 * wave + 0.05 * r()),
        rps: ok / this.agents,
        users: Math.round(Math.min(500, 10 + second) / this.agents),
      })),
      counters: { orders: Math.round(10 * r()) },
      checks: { pass: ok, fail: failed },
    };
  }

  tables(): DashboardTables {
    const elapsed = Math.max(1, this.next);
    const row = (name: string, share: number): RequestTableRow => ({
      name,
      count: Math.round(1000 * elapsed * share),
      failed: Math.round(2 * elapsed * share),
      rps: 1000 * share,
      p50: 20,
      p90: 40,
      p99: 85,
      max: 180,
      errorPct: 0.2,
    });
    const requests = Array.from({ length: this.requestNames }, (_, i) => row(`GET /api/${i}`, 1 / this.requestNames));
    return {
      status: 'running',
      elapsedMs: elapsed * 1000,
      requests,
      total: row('total', 1),
      errors: [{ kind: 'http', count: 2 * elapsed, lastMessage: 'HTTP 503', lastName: 'GET /api/0' }],
      agents: Array.from({ length: this.agents }, (_, i) => ({ agentId: `agent-${i + 1}`, name: `agent ${i + 1}`, state: 'running', users: 100, rps: 300, utilization: 0.6 + 0.1 * i })),
      checks: [{ name: 'status is 200', pass: 1000 * elapsed, fail: 2 * elapsed }],
      counters: [{ name: 'orders', value: 5 * elapsed, rate: 5 }],
      histograms: [],
      otherNames: 0,
      nameCap: 100,
      thresholds: [],
      warnings: [],
    };
  }
}

/** Merges points into aligned groups of `span` seconds (time-weighted means; worst percentiles; last gauge). */
export function groupBy(points: readonly DashboardPoint[], span: number): DashboardPoint[] {
  const groups = new Map<number, DashboardPoint[]>();
  for (const p of points) {
    const start = Math.floor(p.second / span) * span;
    const list = groups.get(start);
    if (list) list.push(p);
    else groups.set(start, [p]);
  }
  // A group covers only the seconds its points cover: the last one may be partial (it never reaches past them).
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => merge(list[0].second, end(list) - list[0].second, list));
}

function end(list: readonly DashboardPoint[]): number {
  const last = list[list.length - 1];
  return last.second + last.span;
}

function merge(second: number, span: number, list: DashboardPoint[]): DashboardPoint {
  const seconds = list.reduce((n, p) => n + p.span, 0);
  const mean = (pick: (p: DashboardPoint) => number) => list.reduce((sum, p) => sum + pick(p) * p.span, 0) / seconds;
  const worst = (pick: (p: DashboardPoint) => number | undefined) => Math.max(...list.map((p) => pick(p) ?? 0));
  const kinds = new Set(list.flatMap((p) => Object.keys(p.errorsPerSecond)));
  const last = list[list.length - 1];
  return {
    second,
    span,
    okRps: mean((p) => p.okRps),
    failedRps: mean((p) => p.failedRps),
    latency: list.some((p) => p.latency)
      ? { p50: worst((p) => p.latency?.p50), p90: worst((p) => p.latency?.p90), p99: worst((p) => p.latency?.p99), max: worst((p) => p.latency?.max) }
      : null,
    users: last.users,
    errorsPerSecond: Object.fromEntries([...kinds].map((k) => [k, mean((p) => p.errorsPerSecond[k] ?? 0)])),
    agents: last.agents.map((a) => ({ ...a, utilization: mean((p) => p.agents.find((b) => b.agentId === a.agentId)?.utilization ?? 0) })),
    counters: { orders: mean((p) => p.counters.orders ?? 0) },
    checks: { pass: list.reduce((n, p) => n + p.checks.pass, 0), fail: list.reduce((n, p) => n + p.checks.fail, 0) },
  };
}
