/**
 * `--out result.json`: the run's configuration, resolved variables, per-second series (snapshots with their
 * encoded histograms, mergeable by any reader), the final cumulative snapshot and summary, and each threshold's
 * outcome (`thresholds`: threshold, ok, actual, unit, line).
 */
import { writeFile } from 'node:fs/promises';
import type { RunResultData } from '../protocol/control';
import { SNAPSHOT_VERSION } from '../protocol/snapshot';

export const RESULT_FORMAT = 'rookery-result';
export const RESULT_VERSION = 1;

export function resultToJson(result: RunResultData): object {
  return {
    format: RESULT_FORMAT,
    version: RESULT_VERSION,
    runId: result.runId,
    snapshotVersion: SNAPSHOT_VERSION,
    config: result.config,
    variables: result.variables,
    startedAt: new Date(result.startedAt).toISOString(),
    endedAt: new Date(result.endedAt).toISOString(),
    endReason: result.endReason,
    summary: result.summary,
    thresholds: result.thresholds ?? [],
    agents: result.agents,
    events: result.events,
    series: result.series,
    agentSeries: result.agentSeries,
    total: result.total,
  };
}

export async function writeResultJson(file: string, result: RunResultData): Promise<void> {
  await writeFile(file, `${JSON.stringify(resultToJson(result), null, 1)}\n`);
}
