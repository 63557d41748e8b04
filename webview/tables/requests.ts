/**
 * The requests table: one row per request name (count, req/s, latency percentiles, max, error %), the `(other)`
 * row last when the host folded names beyond its cap, and the total row in the footer.
 */
import type { DashboardTables, RequestTableRow } from '../../agent/protocol/dashboard';
import { formatCount, formatMs, formatPercent, formatRate } from '../format';
import { renderTable, type Column } from './table';

/** The row the host folds request names beyond its cap into. */
export const OTHER_ROW = '(other)';

const COLUMNS: Column<RequestTableRow>[] = [
  { title: 'Request', value: (r) => r.name },
  { title: 'Count', value: (r) => r.count, format: formatCount },
  { title: 'Req/s', value: (r) => r.rps, format: formatRate },
  { title: 'p50', value: (r) => r.p50, format: formatMs },
  { title: 'p90', value: (r) => r.p90, format: formatMs },
  { title: 'p99', value: (r) => r.p99, format: formatMs },
  { title: 'Max', value: (r) => r.max, format: formatMs },
  { title: 'Errors', value: (r) => r.errorPct, format: formatPercent, cellClass: (r) => (r.failed > 0 ? 'bad' : undefined) },
];

export function renderRequests(table: HTMLTableElement, tables: DashboardTables): void {
  const rows = [...tables.requests.filter((r) => r.name !== OTHER_ROW), ...tables.requests.filter((r) => r.name === OTHER_ROW)];
  renderTable(table, COLUMNS, rows, {
    footer: [tables.total],
    rowClass: (r) => (r === tables.total ? 'total' : r.name === OTHER_ROW ? 'other' : undefined),
    empty: 'No request completed yet.',
  });
}

/** The warning shown while names are folded into `(other)`: what happened and what to do. */
export function otherNamesWarning(tables: DashboardTables): string | undefined {
  if (tables.otherNames <= 0) return undefined;
  const n = tables.otherNames;
  return (
    `${n} request name${n === 1 ? '' : 's'} folded into ${OTHER_ROW}: the run made more than ${tables.nameCap} distinct names. ` +
    'Name requests with { name } (for example `api.get(url, { name: "GET /items/:id" })`) so URLs with ids group together.'
  );
}
