/**
 * The top of the page: the run's title and status, the headline figures (elapsed, users, req/s, p99, errors) and
 * the warnings a reader must not miss. While a run is live, users and req/s are the last second's; once it has
 * ended, req/s is the run's mean (a last second of ramp-down says nothing).
 */
import type { DashboardView } from '../agent/protocol/dashboard';
import { el } from './dom';
import { formatClock, formatCount, formatMs, formatPercent, formatRate } from './format';
import { otherNamesWarning } from './tables/requests';

const LIVE = new Set(['preparing', 'running', 'terminating']);

type Figure = 'elapsed' | 'users' | 'rps' | 'p99' | 'errors';

export class Header {
  private readonly title = el('h1', { className: 'title' });
  private readonly status = el('span', { className: 'status' });
  private readonly figures = new Map<Figure, { label: HTMLElement; value: HTMLElement }>();
  private readonly warnings = el('ul', { className: 'warnings' });

  constructor(container: HTMLElement) {
    const list = el('dl', { className: 'figures' });
    for (const figure of ['elapsed', 'users', 'rps', 'p99', 'errors'] as const) {
      const label = el('dt');
      const value = el('dd');
      list.append(el('div', { className: 'figure', data: { figure } }, label, value));
      this.figures.set(figure, { label, value });
    }
    this.warnings.setAttribute('role', 'status');
    container.append(el('div', { className: 'heading' }, this.title, this.status), list, this.warnings);
  }

  render(view: DashboardView): void {
    const { tables } = view;
    this.title.textContent = view.title;
    this.status.textContent = tables.status;
    this.status.dataset.status = tables.status;

    const live = LIVE.has(tables.status);
    const last = view.points[view.points.length - 1];
    this.set('elapsed', 'Elapsed', tables.elapsedMs / 1000, (s) => formatClock(s));
    this.set('users', 'Users', last?.users ?? 0, formatCount);
    if (live) this.set('rps', 'Req/s (last second)', last ? last.okRps + last.failedRps : 0, formatRate);
    else this.set('rps', 'Req/s (mean)', tables.total.rps, formatRate);
    this.set('p99', 'p99', tables.total.p99, formatMs);
    this.set('errors', 'Errors', tables.total.failed, (n) => `${formatCount(n)} (${formatPercent(tables.total.errorPct)})`);
    this.figures.get('errors')!.value.classList.toggle('bad', tables.total.failed > 0);

    const lines = [...tables.warnings];
    const other = otherNamesWarning(tables);
    if (other) lines.unshift(other);
    this.warnings.replaceChildren(...lines.map((line) => el('li', { text: line })));
    this.warnings.hidden = lines.length === 0;
  }

  private set(figure: Figure, label: string, value: number, format: (value: number) => string): void {
    const parts = this.figures.get(figure)!;
    parts.label.textContent = label;
    parts.value.textContent = format(value);
    parts.value.dataset.value = String(value);
  }
}
