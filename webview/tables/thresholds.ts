/** The thresholds table: ✓ or ✗ per threshold, its measured value, and the host's actual-vs-limit line. */
import type { DashboardTables } from '../../agent/protocol/dashboard';
import type { ThresholdResult, ThresholdUnit } from '../../agent/protocol/thresholds';
import { formatAmount, formatCount, formatMs, formatPercent, formatRate } from '../format';
import { renderTable, type Column } from './table';

const UNIT_FORMAT: Record<ThresholdUnit, (value: number) => string> = {
  ms: formatMs,
  '%': formatPercent,
  count: formatCount,
  rps: formatRate,
  value: formatAmount,
};

const COLUMNS: Column<ThresholdResult>[] = [
  { title: 'Threshold', value: (r) => r.threshold },
  {
    title: 'Result',
    value: (r) => (r.ok ? '✓ pass' : r.aborted ? '✗ fail (stopped the run)' : '✗ fail'),
    cellClass: (r) => (r.ok ? 'good' : 'bad'),
  },
  { title: 'Actual', value: (r) => r.actual, format: (value, r) => UNIT_FORMAT[r.unit](value) },
  { title: 'Actual vs limit', value: (r) => r.line, cellClass: () => 'message' },
];

export function renderThresholds(table: HTMLTableElement, tables: DashboardTables): void {
  renderTable(table, COLUMNS, tables.thresholds, { empty: 'No thresholds (add them in the plan or with --threshold).' });
}
