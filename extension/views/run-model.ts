/**
 * The Run view as data, without VS Code: the current run (its title, its status, and one child per headline
 * figure: users, req/s, p99, errors, elapsed), then "Past runs" — this session's, then the workspace's history —
 * each labelled with its title and described by when it ran, how it ended and its throughput. Labels are fixed
 * words and ids are stable, so the tree keeps its state and the end-to-end tests find items by label.
 */
import { END_REASON_TEXT, formatCount, formatElapsed, formatLatency, headlineSummary, statusText } from '../runs/headline-format';
import type { RunHeadline } from '../runs/live-run';
import type { HistoryEntry } from '../runs/run-history';

export const CURRENT_RUN_ID = 'run:current';
export const PAST_RUNS_ID = 'run:past';
export const PAST_RUNS_LABEL = 'Past runs';

export interface CurrentRunNode {
  kind: 'current';
  id: typeof CURRENT_RUN_ID;
  runId: string;
  label: string;
  description: string;
  tooltip: string;
  /** The run ended in error (or was lost), or has failed requests: shown with a warning icon. */
  warning: boolean;
  running: boolean;
}

export interface MetricNode {
  kind: 'metric';
  id: string;
  label: string;
  description: string;
  icon: string;
}

export interface PastGroupNode {
  kind: 'pastGroup';
  id: typeof PAST_RUNS_ID;
  label: typeof PAST_RUNS_LABEL;
  description?: string;
}

export interface PastRunNode {
  kind: 'past';
  id: string;
  runId: string;
  label: string;
  description: string;
  tooltip: string;
  failed: boolean;
}

export type RunNode = CurrentRunNode | MetricNode | PastGroupNode | PastRunNode;

export function currentRunNode(h: RunHeadline): CurrentRunNode {
  const running = h.status === 'preparing' || h.status === 'running' || h.status === 'terminating';
  return {
    kind: 'current',
    id: CURRENT_RUN_ID,
    runId: h.runId,
    label: h.title,
    description: statusText(h.status, false, h.endReason),
    tooltip: `${h.title} — ${statusText(h.status, false, h.endReason)}\n${headlineSummary(h)}\nelapsed ${formatElapsed(h.elapsedMs)}\nrun ${h.runId}`,
    warning: h.status === 'error' || h.errors > 0,
    running,
  };
}

/** The current run's children, in this order, with these labels. */
export function metricNodes(h: RunHeadline): MetricNode[] {
  return [
    { kind: 'metric', id: 'run:users', label: 'Users', description: formatCount(h.users), icon: 'person' },
    { kind: 'metric', id: 'run:rps', label: 'Requests/s', description: formatCount(h.rps), icon: 'pulse' },
    { kind: 'metric', id: 'run:p99', label: 'p99', description: formatLatency(h.p99), icon: 'watch' },
    { kind: 'metric', id: 'run:errors', label: 'Errors', description: formatCount(h.errors), icon: h.errors > 0 ? 'warning' : 'pass' },
    { kind: 'metric', id: 'run:elapsed', label: 'Elapsed', description: formatElapsed(h.elapsedMs), icon: 'clock' },
  ];
}

export function pastGroupNode(count: number): PastGroupNode {
  const node: PastGroupNode = { kind: 'pastGroup', id: PAST_RUNS_ID, label: PAST_RUNS_LABEL };
  if (count > 0) node.description = String(count);
  return node;
}


/** Every past run, in the order given (the last run of the session included once it has ended). */
export function pastRunNodes(entries: readonly HistoryEntry[], now: number): PastRunNode[] {
  const seen = new Set<string>();
  return entries.filter((e) => !seen.has(e.runId) && seen.add(e.runId)).map((e) => pastRunNode(e, now));
}

export function pastRunNode(entry: HistoryEntry, now: number): PastRunNode {
  const ended = END_REASON_TEXT[entry.endReason] ?? entry.endReason;
  const thresholds = entry.thresholdsOk === null ? '' : entry.thresholdsOk ? ' · thresholds ✓' : ' · thresholds ✗';
  const description = `${formatWhen(entry.startedAt, now)} · ${ended} · ${formatCount(entry.rps)} req/s${entry.failed > 0 ? ` · ${formatPercent(entry.errorPct)} errors` : ''}${thresholds}`;
  const tooltip = [
    entry.title,
    `started ${new Date(entry.startedAt).toLocaleString()}, ran ${formatElapsed(entry.durationMs)} (${ended})`,
    `${formatCount(entry.requests)} requests, ${formatCount(entry.failed)} failed · ${formatCount(entry.rps)} req/s · p99 ${formatLatency(entry.p99)}`,
    `run ${entry.runId}`,
  ].join('\n');
  return {
    kind: 'past',
    id: `run:past:${entry.runId}`,
    runId: entry.runId,
    label: entry.title,
    description,
    tooltip,
    failed: entry.status === 'error' || entry.thresholdsOk === false,
  };
}

/** "14:03" today, "Mar 4 14:03" this year, "2023-03-04 14:03" before (local time). */
export function formatWhen(at: number, now: number): string {
  const date = new Date(at);
  const today = new Date(now);
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  if (date.getFullYear() === today.getFullYear() && date.getMonth() === today.getMonth() && date.getDate() === today.getDate()) return time;
  const month = MONTHS[date.getMonth()];
  if (date.getFullYear() === today.getFullYear()) return `${month} ${date.getDate()} ${time}`;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

function formatPercent(pct: number): string {
  if (pct > 0 && pct < 0.1) return '<0.1%';
  return `${Math.round(pct * 10) / 10}%`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
