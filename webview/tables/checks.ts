/** The checks table: passes, failures and pass rate per check name. */
import type { DashboardTables } from '../../agent/protocol/dashboard';
import type { CheckRow } from '../../agent/protocol/summary';
import { formatCount, formatPercent } from '../format';
import { renderTable, type Column } from './table';

const passRate = (r: CheckRow) => (r.pass + r.fail > 0 ? (r.pass / (r.pass + r.fail)) * 100 : 0);

const COLUMNS: Column<CheckRow>[] = [
  { title: 'Check', value: (r) => r.name },
  { title: 'Pass', value: (r) => r.pass, format: formatCount },
  { title: 'Fail', value: (r) => r.fail, format: formatCount, cellClass: (r) => (r.fail > 0 ? 'bad' : undefined) },
  { title: 'Pass rate', value: passRate, format: formatPercent },
];

export function renderChecks(table: HTMLTableElement, tables: DashboardTables): void {
  renderTable(table, COLUMNS, tables.checks, { empty: 'No checks (user.check(name, condition) records them).' });
}
