/**
 * The page's layout and its render loop: header, comparison picker, charts and tabbed tables, redrawn from the
 * store at most once per animation frame, and only the parts whose data (or the theme, or a hidden series)
 * changed since the last frame.
 */
import { DashboardCharts } from './charts/dashboard-charts';
import type { DatasetDebug } from './charts/line-chart';
import { el } from './dom';
import { FrameScheduler } from './frame';
import { Header } from './header';
import { RunPicker } from './run-picker';
import type { DashboardStore, Revisions } from './store';
import { TableTabs } from './tables/table-tabs';
import { readPalette, type Palette } from './theme';
import type { UiStateStore } from './ui-state';

interface Parts {
  header: Header;
  picker: RunPicker;
  charts: DashboardCharts;
  tabs: TableTabs;
}

export interface DashboardActions {
  /** The reader picked a run to compare with (or none). */
  compare(runId: string | undefined): void;
}

export class Dashboard {
  private parts: Parts | undefined;
  private drawn: Revisions = { points: -1, tables: -1, compare: -1, runs: -1 };
  private palette: Palette | undefined;
  private paletteStale = true;
  private hiddenStale = false;
  private readonly frames = new FrameScheduler(() => this.render());
  private lastRenderMs = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly store: DashboardStore,
    private readonly ui: UiStateStore,
    private readonly actions: DashboardActions,
  ) {}

  /** Something in the store changed: draw it on the next frame. */
  schedule(): void {
    this.frames.request();
  }

  themeChanged(): void {
    this.paletteStale = true;
    this.frames.request();
  }

  get renderMs(): number {
    return this.lastRenderMs;
  }

  debugCharts(): Record<string, DatasetDebug[]> {
    return this.parts?.charts.debug() ?? {};
  }

  private build(): Parts {
    const top = el('header', { className: 'top' });
    const compare = el('div', { className: 'compare' });
    const charts = el('section', { className: 'charts' });
    const tables = el('section', { className: 'tables' });
    this.root.replaceChildren(top, compare, charts, tables);
    return {
      header: new Header(top),
      picker: new RunPicker(compare, (runId) => this.actions.compare(runId)),
      charts: new DashboardCharts(charts, {
        isHidden: (key) => this.ui.isHidden(key),
        onToggle: (key) => {
          this.ui.toggleSeries(key);
          this.hiddenStale = true;
          this.frames.request();
        },
      }),
      tabs: new TableTabs(tables, this.ui.get().tab, (tab) => this.ui.setTab(tab)),
    };
  }

  private render(): void {
    const view = this.store.view;
    if (!view) return;
    const started = performance.now();
    const first = this.parts === undefined;
    const parts = (this.parts ??= this.build());
    const revisions = this.store.revisions;
    if (this.paletteStale || !this.palette) this.palette = readPalette();

    if (revisions.points !== this.drawn.points || revisions.compare !== this.drawn.compare) {
      parts.charts.draw(view.points, view.compare?.points, this.palette);
    } else if (this.paletteStale || this.hiddenStale) {
      parts.charts.recolor(this.palette);
    }
    if (revisions.tables !== this.drawn.tables || revisions.runs !== this.drawn.runs) {
      parts.header.render(view);
      parts.tabs.render(view.tables);
    }
    if (revisions.runs !== this.drawn.runs || revisions.compare !== this.drawn.compare) parts.picker.render(view);

    this.drawn = { ...revisions };
    this.paletteStale = false;
    this.hiddenStale = false;
    this.lastRenderMs = performance.now() - started;
    if (first) {
      this.root.setAttribute('aria-busy', 'false');
      document.body.dataset.ready = 'true';
    }
  }
}
