/**
 * Guards for the dashboard boundary (dashboard.ts): `isPageMessage` for the extension, which must treat whatever a
 * webview posts as untrusted, and `isHostMessage` for the page, which checks what it is given before drawing it.
 * The `parse*` forms return a fresh, typed copy or throw a ProtocolError naming the path and the reason.
 *
 * Page messages are closed: a field the protocol does not define is refused (a page has no business adding any).
 * Host messages drop unknown fields instead, like validate.ts, so a newer host may add optional ones. Beyond field
 * types, a view's points must be in time order without overlap, which the page's store relies on.
 */
import {
  DASHBOARD_PROTOCOL_VERSION,
  type AgentTableRow,
  type ComparedRun,
  type DashboardPoint,
  type DashboardTables,
  type DashboardView,
  type HostMessage,
  type PageMessage,
  type PointAgent,
  type PointLatency,
  type RequestTableRow,
  type RunListing,
} from './dashboard';
import type { RunStatusName } from './control';
import { ERROR_KINDS } from './snapshot';
import type { CheckRow, CounterRow, ErrorRow, HistogramRow } from './summary';
import { checkHistogramFigures } from './validate-snapshot';
import { checkThresholdResult } from './validate-thresholds';
import {
  amount,
  arr,
  count,
  fail,
  int,
  isObject,
  literal,
  name,
  num,
  obj,
  oneOf,
  opt,
  partialRecord,
  record,
  refine,
  text,
  union,
  ProtocolError,
  type Check,
} from './validate-core';

// A record keyed by every status makes this list fail to compile when RunStatusName gains one.
const STATUS_SET: Record<RunStatusName, true> = { idle: true, preparing: true, running: true, terminating: true, finished: true, error: true };
const RUN_STATUSES = Object.keys(STATUS_SET) as RunStatusName[];

const seq = int(0);
const status = oneOf(RUN_STATUSES);

const checkLatency: Check<PointLatency> = obj<PointLatency>({ p50: amount, p90: amount, p99: amount, max: amount });
const nullableLatency: Check<PointLatency | null> = (value, path) => (value === null ? null : checkLatency(value, path));

const checkPointAgent: Check<PointAgent> = obj<PointAgent>({ agentId: name, name, utilization: amount, rps: amount, users: count });

const checkPoint: Check<DashboardPoint> = obj<DashboardPoint>({
  second: count,
  span: int(1),
  okRps: amount,
  failedRps: amount,
  latency: nullableLatency,
  users: count,
  errorsPerSecond: partialRecord(ERROR_KINDS, amount) as Check<Record<string, number>>,
  agents: arr(checkPointAgent),
  counters: record(num()),
  checks: obj<DashboardPoint['checks']>({ pass: amount, fail: amount }),
});

/** Where a list of points breaks "in time order, never overlapping", or undefined. */
export function pointOrderProblem(points: readonly DashboardPoint[]): string | undefined {
  for (let i = 1; i < points.length; i++) {
    const before = points[i - 1];
    if (points[i].second < before.second + before.span) {
      return `points[${i}] (second ${points[i].second}) overlaps or precedes points[${i - 1}] (second ${before.second}, span ${before.span})`;
    }
  }
  return undefined;
}

const orderedPoints: Check<DashboardPoint[]> = refine(arr(checkPoint), pointOrderProblem);

const checkRequestRow: Check<RequestTableRow> = obj<RequestTableRow>({
  name: text,
  count,
  failed: count,
  rps: amount,
  p50: amount,
  p90: amount,
  p99: amount,
  max: amount,
  errorPct: num(0, 100),
});

const checkAgentRow: Check<AgentTableRow> = obj<AgentTableRow>({ agentId: name, name, state: name, users: count, rps: amount, utilization: amount });

const checkErrorRow: Check<ErrorRow> = obj<ErrorRow>({ kind: oneOf(ERROR_KINDS), count, lastMessage: text, lastName: opt(text) });

const checkHistogramRow: Check<HistogramRow> = obj<HistogramRow>({ name: text, ...checkHistogramFigures });

const checkTables: Check<DashboardTables> = obj<DashboardTables>({
  status,
  elapsedMs: amount,
  requests: arr(checkRequestRow),
  total: checkRequestRow,
  errors: arr(checkErrorRow),
  agents: arr(checkAgentRow),
  checks: arr(obj<CheckRow>({ name: text, pass: count, fail: count })),
  counters: arr(obj<CounterRow>({ name: text, value: num(), rate: num() })),
  histograms: arr(checkHistogramRow),
  otherNames: count,
  nameCap: count,
  thresholds: arr(checkThresholdResult),
  warnings: arr(text),
});

const checkRunListing: Check<RunListing> = obj<RunListing>({ runId: name, title: text, startedAt: amount, status });

const checkComparedRun: Check<ComparedRun> = obj<ComparedRun>({ runId: name, title: text, points: orderedPoints });

const checkView: Check<DashboardView> = obj<DashboardView>({
  runId: name,
  title: text,
  startedAt: opt(amount),
  endedAt: opt(amount),
  points: orderedPoints,
  tables: checkTables,
  runs: arr(checkRunListing),
  compare: opt(checkComparedRun),
});

type Host<T extends HostMessage['type']> = Extract<HostMessage, { type: T }>;

// An update's points need no order (a revised second may come with a new one); the page's store places each and
// refuses an overlap. A view's are the page's whole series and must already be in order.
const checkCompacted = obj<NonNullable<Host<'dashboard/update'>['compacted']>>({ upTo: count, points: arr(checkPoint) });

/** Host → page. The variants' record is keyed by every `type`, so a new message fails to compile until checked. */
export const checkHostMessage: Check<HostMessage> = union<HostMessage, 'type'>('type', {
  'dashboard/snapshot': obj<Host<'dashboard/snapshot'>>({
    type: literal('dashboard/snapshot'),
    seq,
    protocol: literal(DASHBOARD_PROTOCOL_VERSION),
    view: checkView,
  }),
  'dashboard/update': obj<Host<'dashboard/update'>>({
    type: literal('dashboard/update'),
    seq,
    points: arr(checkPoint),
    compacted: opt(checkCompacted),
    tables: checkTables,
    endedAt: opt(amount),
  }),
  'dashboard/compare': obj<Host<'dashboard/compare'>>({ type: literal('dashboard/compare'), seq, compare: opt(checkComparedRun) }),
});

/** `obj`, but a field outside `allowed` is an error rather than dropped: for messages from an untrusted page. */
function closed<T>(allowed: readonly string[], check: Check<T>): Check<T> {
  return (value, path) => {
    if (isObject(value)) {
      for (const key of Object.keys(value)) if (!allowed.includes(key)) fail(`${path}.${key.length > 60 ? `${key.slice(0, 60)}…` : key}`, 'unknown field');
    }
    return check(value, path);
  };
}

type Page<T extends PageMessage['type']> = Extract<PageMessage, { type: T }>;

/** Page → host. */
export const checkPageMessage: Check<PageMessage> = union<PageMessage, 'type'>('type', {
  'dashboard/ready': closed(['type'], obj<Page<'dashboard/ready'>>({ type: literal('dashboard/ready') })),
  'dashboard/resync': closed(['type', 'lastSeq'], obj<Page<'dashboard/resync'>>({ type: literal('dashboard/resync'), lastSeq: seq })),
  'dashboard/compare': closed(['type', 'runId'], obj<Page<'dashboard/compare'>>({ type: literal('dashboard/compare'), runId: opt(name) })),
});

/** A message from a dashboard page, typed and copied, or a ProtocolError saying what is wrong with it. */
export function parsePageMessage(value: unknown): PageMessage {
  return checkPageMessage(value, '');
}

/** A message from the extension host, typed and copied (unknown fields dropped), or a ProtocolError. */
export function parseHostMessage(value: unknown): HostMessage {
  return checkHostMessage(value, '');
}

function passes(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch (error) {
    if (error instanceof ProtocolError) return false;
    throw error;
  }
}

export function isPageMessage(value: unknown): value is PageMessage {
  return passes(() => parsePageMessage(value));
}

export function isHostMessage(value: unknown): value is HostMessage {
  return passes(() => parseHostMessage(value));
}
