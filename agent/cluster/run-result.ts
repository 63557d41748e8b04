/**
 * The outcome of a cluster run (RunResultData), built once at its end from the merged series: the cumulative
 * snapshot (merged seconds accumulated over time, gauges 'latest'), the summary, and the per-agent figures.
 *
 * Peak utilization is the highest max(eventLoop, cpu) of any agent in any second — not of the merged seconds,
 * whose utilization is a mean over agents and would hide one saturated agent among idle ones. Each agent that went
 * above the threshold gets its own warning naming it. Every threshold of the request is judged on the same
 * cumulative figures (threshold-watch.ts).
 */
import { normalizeRanges } from './id-ranges';
import { SnapshotAccumulator } from '../metrics/merge';
import { OVERLOAD_THRESHOLD, summarize } from '../metrics/summary';
import type { IdRange } from '../protocol/cluster';
import type { RunEvent, RunRequest, RunResultData } from '../protocol/control';
import type { ValueSource } from '../protocol/variables';
import { utilizationOf } from './overload-watch';
import type { SeriesMerger } from './series';
import { judgeThresholds, type ThresholdAbort } from './threshold-watch';

export interface RunResultInput {
  runId: string;
  request: RunRequest;
  variables: { values: Record<string, unknown>; sources: Record<string, ValueSource> };
  startedAt: number;
  endedAt: number;
  endReason: RunResultData['endReason'];
  /** Flushed. */
  merger: SeriesMerger;
  events: RunEvent[];
  agents: { agentId: string; name: string; workers: number; ranges: IdRange[] }[];
  /** Things the run itself noticed (e.g. a snapshot that could not be merged). */
  warnings?: string[];
  /** The abortOnFail threshold that stopped the run, if one did. */
  thresholdAbort?: ThresholdAbort;
}

export function buildRunResult(input: RunResultInput): RunResultData {
  const series = input.merger.series();
  const agentSeries = input.merger.agentSeries();
  const accumulator = new SnapshotAccumulator({ gauges: 'latest' });
  for (const snapshot of series) accumulator.add(snapshot);
  const total = accumulator.snapshot({ source: 'cluster' });

  const peaks = new Map<string, number>();
  for (const { agents } of agentSeries) {
    for (const point of agents) peaks.set(point.agentId, Math.max(peaks.get(point.agentId) ?? 0, utilizationOf(point.utilization)));
  }
  const peak = Math.max(0, ...peaks.values());
  const summary = summarize(total, Math.max(0, input.endedAt - input.startedAt), peak, { peakActive: accumulator.peakActive, histograms: accumulator });
  for (const agent of input.agents) {
    const agentPeak = peaks.get(agent.agentId) ?? 0;
    if (agentPeak > OVERLOAD_THRESHOLD) {
      summary.warnings.push(`agent ${agent.name} (${agent.agentId}) reached utilization ${agentPeak.toFixed(2)} (> ${OVERLOAD_THRESHOLD}): give it fewer users or more workers, or add agents`);
    }
  }
  summary.warnings.push(...(input.warnings ?? []));

  const { scenario, envVariables: _env, ...rest } = input.request;
  return {
    runId: input.runId,
    config: { ...rest, scenarioFile: scenario.file },
    variables: input.variables,
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    endReason: input.endReason,
    series,
    agentSeries,
    total,
    summary,
    events: input.events,
    agents: input.agents.map((a) => ({ ...a, ranges: normalizeRanges(a.ranges), peakUtilization: peaks.get(a.agentId) ?? 0 })),
    thresholds: judgeThresholds(input.request.thresholds ?? [], { summary, histograms: accumulator }, input.thresholdAbort),
  };
}
