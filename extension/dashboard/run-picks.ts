/**
 * The dashboard commands' plain parts: which run a command argument names (a run id, or a tree item that carries
 * one), and the quick-pick items of past runs (title, when and how it ended, its headline figures).
 */
import type { HistoryEntry } from '../runs/run-history';

/**
 * The run id a command was given: a string, or an object with a `runId` (a HistoryEntry, a RunHeadline, a LiveRun,
 * a tree element), or one holding such an object under `run` or `entry`. Undefined when there is none.
 */
export function runIdOfArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg.length > 0 ? arg : undefined;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const o = arg as Record<string, unknown>;
  if (typeof o.runId === 'string' && o.runId.length > 0) return o.runId;
  for (const key of ['run', 'entry']) {
    const inner = o[key];
    if (typeof inner === 'object' && inner !== null) {
      const id = (inner as Record<string, unknown>).runId;
      if (typeof id === 'string' && id.length > 0) return id;
    }
  }
  return undefined;
}

export interface RunPickItem {
  label: string;
  description: string;
  detail: string;
  runId: string;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** A local date and time, `2024-05-01 14:03:07`. */
export function formatWhen(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** `42 s`, `3 min 5 s`, `1 h 2 min`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
}

function round(n: number, digits: number): string {
  return Number(n.toFixed(digits)).toString();
}

const ENDINGS: Record<HistoryEntry['endReason'], string> = {
  completed: 'completed',
  duration: 'ran its duration',
  stopped: 'stopped',
  aborted: 'aborted',
  error: 'failed',
  thresholds: 'stopped by a threshold',
};

export function runPickItem(entry: HistoryEntry): RunPickItem {
  const ending = ENDINGS[entry.endReason] ?? String(entry.endReason);
  const thresholds = entry.thresholdsOk === null ? '' : entry.thresholdsOk ? ' · thresholds ✓' : ' · thresholds ✗';
  return {
    label: entry.title,
    description: `${formatWhen(entry.startedAt)} · ${formatDuration(entry.durationMs)} · ${ending}`,
    detail: `${entry.requests} requests · ${round(entry.rps, 1)} req/s · p99 ${entry.p99 === null ? '–' : `${round(entry.p99, 1)} ms`} · ${round(entry.errorPct, 2)}% errors${thresholds}`,
    runId: entry.runId,
  };
}

export function runPickItems(entries: readonly HistoryEntry[]): RunPickItem[] {
  return entries.map(runPickItem);
}
