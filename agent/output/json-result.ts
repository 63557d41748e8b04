/**
 * `--out result.json`: the run's configuration, resolved variables, per-second series (snapshots with their
 * encoded histograms, mergeable by any reader) and the final cumulative snapshot and summary.
 */
import { writeFile } from 'node:fs/promises';
import type { RunResult } from '../controller/local-run';
import { SNAPSHOT_VERSION } from '../protocol/snapshot';

export const RESULT_FORMAT = 'rookery-result';
export const RESULT_VERSION = 1;

export function resultToJson(result: RunResult): object {
  return {
    format: RESULT_FORMAT,
    version: RESULT_VERSION,
    snapshotVersion: SNAPSHOT_VERSION,
    config: result.config,
    variables: result.variables,
    startedAt: new Date(result.startedAt).toISOString(),
    endedAt: new Date(result.endedAt).toISOString(),
    endReason: result.endReason,
    summary: result.summary,
    series: result.series,
    total: result.total,
  };
}

export async function writeResultJson(file: string, result: RunResult): Promise<void> {
  await writeFile(file, `${JSON.stringify(resultToJson(result), null, 1)}\n`);
}
