/**
 * The agents table: state, users, req/s and utilization per agent. Utilization above 0.8 is highlighted: that
 * agent (the load generator) may be the bottleneck, not the target.
 */
import type { AgentTableRow, DashboardTables } from '../../agent/protocol/dashboard';
import { OVERLOAD } from '../charts/series';
import { formatCount, formatRate, formatUtilization } from '../format';
import { renderTable, type Column } from './table';

const overloaded = (r: AgentTableRow) => r.utilization > OVERLOAD;

const COLUMNS: Column<AgentTableRow>[] = [
  { title: 'Agent', value: (r) => r.name, cellTitle: (r) => r.agentId },
  { title: 'State', value: (r) => r.state, cellClass: (r) => (r.state === 'lost' || r.state === 'disconnected' ? 'bad' : undefined) },
  { title: 'Users', value: (r) => r.users, format: formatCount },
  { title: 'Req/s', value: (r) => r.rps, format: formatRate },
  {
    title: 'Utilization',
    value: (r) => r.utilization,
    format: formatUtilization,
    cellClass: (r) => (overloaded(r) ? 'over' : undefined),
    cellTitle: (r) => (overloaded(r) ? `above ${OVERLOAD}: this generator may be the bottleneck; add agents or workers` : undefined),
  },
];

export function renderAgents(table: HTMLTableElement, tables: DashboardTables): void {
  renderTable(table, COLUMNS, tables.agents, { rowClass: (r) => (overloaded(r) ? 'overloaded' : undefined), empty: 'No agent.' });
}
