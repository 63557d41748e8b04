/** The custom metrics tables: counters (value, rate) and histograms (count, min, mean, percentiles, max). */
import type { DashboardTables } from '../../agent/protocol/dashboard';
import type { CounterRow, HistogramRow } from '../../agent/protocol/summary';
import { formatAmount, formatCount, formatRate } from '../format';
import { renderTable, type Column } from './table';

const COUNTERS: Column<CounterRow>[] = [
  { title: 'Counter', value: (r) => r.name },
  { title: 'Value', value: (r) => r.value, format: formatAmount },
  { title: 'Rate', value: (r) => r.rate, format: formatRate },
];

// Histogram values are in whatever unit the scenario recorded, so they are shown without one.
const HISTOGRAMS: Column<HistogramRow>[] = [
  { title: 'Histogram', value: (r) => r.name },
  { title: 'Count', value: (r) => r.count, format: formatCount },
  { title: 'Min', value: (r) => r.min, format: formatAmount },
  { title: 'Mean', value: (r) => r.mean, format: formatAmount },
  { title: 'p50', value: (r) => r.p50, format: formatAmount },
  { title: 'p90', value: (r) => r.p90, format: formatAmount },
  { title: 'p99', value: (r) => r.p99, format: formatAmount },
  { title: 'Max', value: (r) => r.max, format: formatAmount },
];

export function renderCustomMetrics(counters: HTMLTableElement, histograms: HTMLTableElement, tables: DashboardTables): void {
  renderTable(counters, COUNTERS, tables.counters, { empty: 'No counters (user.metrics.counter(name) records them).' });
  renderTable(histograms, HISTOGRAMS, tables.histograms, { empty: 'No histograms (user.metrics.histogram(name) records them).' });
}
