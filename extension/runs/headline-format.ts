/**
 * How a run's headline figures read in the sidebar and the status bar: compact numbers ("1.2k req/s"), latencies
 * in ms or s, elapsed time as a clock, and the run's status in words. One place, so the two never disagree.
 */
import type { RunResultData, RunStatusName } from '../../agent/protocol/control';
import type { RunHeadline } from './live-run';

/** 0, 7, 12.5 → "12", 1234 → "1.2k", 12_345 → "12k", 1_500_000 → "1.5M": three significant figures at most. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const sign = value < 0 ? '-' : '';
  const v = Math.abs(value);
  if (v < 10) return sign + trim(v.toFixed(1));
  if (v < 999.5) return sign + String(Math.round(v));
  for (const [unit, size] of [['k', 1e3], ['M', 1e6], ['G', 1e9]] as const) {
    const scaled = v / size;
    if (scaled < 999.5 || unit === 'G') return sign + (scaled < 10 ? trim(scaled.toFixed(1)) : String(Math.round(scaled))) + unit;
  }
  return sign + String(v);
}

/** A latency in ms: "0.8 ms", "40 ms", "1.25 s"; "–" when there is none yet. */
export function formatLatency(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  if (ms < 10) return `${trim(ms.toFixed(1))} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${trim((ms / 1000).toFixed(2))} s`;
}

/** "0:07", "12:34", "1:02:03". */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

/** The status in words; `lost` when the extension lost the run (the coordinator went away before its end). */
/** Why a run ended, in the words the Run view uses for past runs too. */
export const END_REASON_TEXT: Record<RunResultData['endReason'], string> = {
  completed: 'completed',
  duration: 'completed',
  stopped: 'stopped',
  aborted: 'aborted',
  error: 'error',
  thresholds: 'stopped by a threshold',
};

/** The status word; a finished run says how it ended ("stopped", "completed") when `endReason` is known. */
export function statusText(status: RunStatusName, lost = false, endReason?: RunResultData['endReason']): string {
  if (lost) return 'lost';
  if (status === 'finished' && endReason !== undefined) return END_REASON_TEXT[endReason];
  switch (status) {
    case 'idle':
      return 'idle';
    case 'preparing':
      return 'preparing';
    case 'running':
      return 'running';
    case 'terminating':
      return 'stopping';
    case 'finished':
      return 'finished';
    case 'error':
      return 'error';
  }
}

export function usersText(users: number): string {
  return `${formatCount(users)} ${users === 1 ? 'user' : 'users'}`;
}

/** "50 users · 1.2k req/s · p99 40 ms · 0 err" */
export function headlineSummary(h: RunHeadline): string {
  return `${usersText(h.users)} · ${formatCount(h.rps)} req/s · p99 ${formatLatency(h.p99)} · ${formatCount(h.errors)} err`;
}

function trim(fixed: string): string {
  return fixed.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1');
}
