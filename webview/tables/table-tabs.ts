/**
 * The tabbed tables under the charts: requests, errors, agents, checks, custom metrics, thresholds. Only the
 * selected tab's table is rebuilt on an update (the others on selection); the tab labels carry the counts a
 * reader should notice without switching (errors, failed checks and thresholds).
 */
import type { DashboardTables } from '../../agent/protocol/dashboard';
import { el } from '../dom';
import { formatCount } from '../format';
import { TABLE_TABS, type TableTab } from '../ui-state';
import { renderAgents } from './agents';
import { renderChecks } from './checks';
import { renderCustomMetrics } from './custom-metrics';
import { renderErrors } from './errors';
import { renderRequests } from './requests';
import { renderThresholds } from './thresholds';

const LABELS: Record<TableTab, string> = {
  requests: 'Requests',
  errors: 'Errors',
  agents: 'Agents',
  checks: 'Checks',
  custom: 'Custom metrics',
  thresholds: 'Thresholds',
};

/** A count to show in a tab's label, or undefined for none. */
function badge(tab: TableTab, tables: DashboardTables): string | undefined {
  switch (tab) {
    case 'errors': {
      const n = tables.errors.reduce((sum, e) => sum + e.count, 0);
      return n > 0 ? formatCount(n) : undefined;
    }
    case 'checks': {
      const failed = tables.checks.filter((c) => c.fail > 0).length;
      return failed > 0 ? `${failed} failing` : undefined;
    }
    case 'thresholds': {
      if (tables.thresholds.length === 0) return undefined;
      const failed = tables.thresholds.filter((t) => !t.ok).length;
      return failed > 0 ? `${failed} ✗` : '✓';
    }
    case 'agents':
      return tables.agents.length > 0 ? String(tables.agents.length) : undefined;
    default:
      return undefined;
  }
}

export class TableTabs {
  private readonly buttons = new Map<TableTab, HTMLButtonElement>();
  private readonly panels = new Map<TableTab, HTMLElement>();
  private readonly table = {
    requests: el('table', { data: { table: 'requests' } }),
    errors: el('table', { data: { table: 'errors' } }),
    agents: el('table', { data: { table: 'agents' } }),
    checks: el('table', { data: { table: 'checks' } }),
    counters: el('table', { data: { table: 'counters' } }),
    histograms: el('table', { data: { table: 'histograms' } }),
    thresholds: el('table', { data: { table: 'thresholds' } }),
  };
  private selected: TableTab;
  private tables: DashboardTables | undefined;

  constructor(container: HTMLElement, initial: TableTab, private readonly onSelect: (tab: TableTab) => void) {
    this.selected = initial;
    const bar = el('div', { className: 'tabs' });
    bar.setAttribute('role', 'tablist');
    const contents: Record<TableTab, HTMLElement[]> = {
      requests: [this.table.requests],
      errors: [this.table.errors],
      agents: [this.table.agents],
      checks: [this.table.checks],
      custom: [this.table.counters, this.table.histograms],
      thresholds: [this.table.thresholds],
    };
    for (const tab of TABLE_TABS) {
      const button = el('button', { className: 'tab', text: LABELS[tab], data: { tab } });
      button.type = 'button';
      button.id = `tab-${tab}`;
      button.setAttribute('role', 'tab');
      button.setAttribute('aria-controls', `panel-${tab}`);
      button.addEventListener('click', () => this.select(tab, true));
      this.buttons.set(tab, button);
      bar.append(button);
      const panel = el('div', { className: 'panel', data: { panel: tab } }, ...contents[tab].map((t) => el('div', { className: 'table-scroll' }, t)));
      panel.id = `panel-${tab}`;
      panel.setAttribute('role', 'tabpanel');
      panel.setAttribute('aria-labelledby', button.id);
      this.panels.set(tab, panel);
    }
    // Roving focus, as the WAI-ARIA tabs pattern has it: one tab in the Tab order, arrows move between tabs.
    bar.addEventListener('keydown', (event) => {
      const at = TABLE_TABS.indexOf(this.selected);
      const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: TABLE_TABS.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      const tab = TABLE_TABS[(to + TABLE_TABS.length) % TABLE_TABS.length];
      this.select(tab, true);
      this.buttons.get(tab)?.focus();
    });
    container.append(bar, ...this.panels.values());
    this.select(initial, false);
  }

  select(tab: TableTab, byReader: boolean): void {
    this.selected = tab;
    for (const [t, button] of this.buttons) {
      const on = t === tab;
      button.setAttribute('aria-selected', String(on));
      button.tabIndex = on ? 0 : -1;
      this.panels.get(t)!.hidden = !on;
    }
    if (this.tables) this.renderSelected(this.tables);
    if (byReader) this.onSelect(tab);
  }

  render(tables: DashboardTables): void {
    this.tables = tables;
    for (const [tab, button] of this.buttons) {
      const count = badge(tab, tables);
      button.textContent = count === undefined ? LABELS[tab] : `${LABELS[tab]} (${count})`;
    }
    this.renderSelected(tables);
  }

  private renderSelected(tables: DashboardTables): void {
    const t = this.table;
    switch (this.selected) {
      case 'requests':
        return renderRequests(t.requests, tables);
      case 'errors':
        return renderErrors(t.errors, tables);
      case 'agents':
        return renderAgents(t.agents, tables);
      case 'checks':
        return renderChecks(t.checks, tables);
      case 'custom':
        return renderCustomMetrics(t.counters, t.histograms, tables);
      case 'thresholds':
        return renderThresholds(t.thresholds, tables);
    }
  }
}
