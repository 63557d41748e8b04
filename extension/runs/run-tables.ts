/**
 * The dashboard's tables from a run's cumulative (name-capped, exactly merged) snapshot: the same `summarize` as
 * the terminal summary and `--out`, so the editor and the terminal cannot disagree, cut down to what the page
 * shows, with `(other)` last and the warnings gathered in one list.
 */
import { summarize, type DecodedHistograms } from '../../agent/metrics/summary';
import type { RunStatusName } from '../../agent/protocol/control';
import type { AgentTableRow, DashboardTables, RequestTableRow } from '../../agent/protocol/dashboard';
import type { MetricSnapshot } from '../../agent/protocol/snapshot';
import type { RequestRow } from '../../agent/protocol/summary';
import type { ThresholdResult } from '../../agent/protocol/thresholds';
import { OTHER_NAME, type NameCap } from './name-cap';

export interface TablesInput {
  status: RunStatusName;
  /** The run's length so far (or in all): the rates' denominator. */
  elapsedMs: number;
  /** Every second merged (gauges 'latest'), names capped; `histograms` its decoded form, when the caller has it. */
  total: MetricSnapshot;
  histograms?: DecodedHistograms;
  /** Highest per-second max(eventLoop, cpu) of any agent, for the overload warning. */
  peakUtilization: number;
  peakActive?: number;
  agents: AgentTableRow[];
  cap: NameCap;
  thresholds: ThresholdResult[];
  /** Sentences from elsewhere (events, the run's own summary); duplicates are dropped. */
  warnings: readonly string[];
}

function tableRow(row: RequestRow): RequestTableRow {
  return { name: row.name, count: row.count, failed: row.failed, rps: row.rps, p50: row.p50, p90: row.p90, p99: row.p99, max: row.max, errorPct: row.errorPct };
}

/** The cap's warning, or none when nothing was folded. */
export function capWarning(cap: NameCap): string | undefined {
  const kinds = (['requests', 'counters', 'checks', 'histograms'] as const)
    .filter((kind) => cap.folded(kind) > 0)
    .map((kind) => `${cap.folded(kind)}${cap.saturated(kind) ? '+' : ''} ${kind === 'requests' ? 'request' : kind.slice(0, -1)} names`);
  if (kinds.length === 0) return undefined;
  return (
    `${kinds.join(', ')} beyond the first ${cap.cap} were folded into "${OTHER_NAME}": ` +
    'name requests by route (e.g. `GET /items/:id`) rather than by URL, or raise the name cap'
  );
}

export function buildTables(input: TablesInput): DashboardTables {
  const summary = summarize(input.total, Math.max(0, input.elapsedMs), input.peakUtilization, {
    ...(input.peakActive === undefined ? {} : { peakActive: input.peakActive }),
    ...(input.histograms === undefined ? {} : { histograms: input.histograms }),
  });
  const requests = summary.requests.filter((r) => r.name !== OTHER_NAME).map(tableRow);
  const other = summary.requests.find((r) => r.name === OTHER_NAME);
  if (other) requests.push(tableRow(other));
  const cap = capWarning(input.cap);
  const warnings = [...new Set([...summary.warnings, ...input.warnings, ...(cap === undefined ? [] : [cap])])];
  return {
    status: input.status,
    elapsedMs: Math.max(0, input.elapsedMs),
    requests,
    total: tableRow(summary.total),
    errors: summary.errors,
    agents: input.agents,
    checks: summary.checks,
    counters: summary.counters,
    histograms: summary.histograms,
    otherNames: input.cap.folded('requests'),
    nameCap: input.cap.cap,
    thresholds: input.thresholds,
    warnings,
  };
}
