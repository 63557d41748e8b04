/** The errors table: one row per error kind, most frequent first, with the last message seen and where. */
import type { DashboardTables } from '../../agent/protocol/dashboard';
import type { ErrorRow } from '../../agent/protocol/summary';
import { formatCount } from '../format';
import { renderTable, type Column } from './table';

const COLUMNS: Column<ErrorRow>[] = [
  { title: 'Kind', value: (r) => r.kind },
  { title: 'Count', value: (r) => r.count, format: formatCount },
  { title: 'Last message', value: (r) => r.lastMessage, cellClass: () => 'message' },
  { title: 'Last request', value: (r) => r.lastName ?? null },
];

export function renderErrors(table: HTMLTableElement, tables: DashboardTables): void {
  renderTable(table, COLUMNS, tables.errors, { empty: 'No errors.' });
}
