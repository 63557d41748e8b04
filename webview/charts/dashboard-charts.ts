/**
 * The dashboard's five charts — throughput, latency percentiles, active users, errors/s by kind, utilization per
 * agent — built once into a container and redrawn from the store's points (and the compared run's) on demand.
 */
import type { DashboardPoint } from '../../agent/protocol/dashboard';
import { formatAmount, formatMs, formatUtilization } from '../format';
import type { Palette } from '../theme';
import { Chart } from './chart-setup';
import { LineChart, type DatasetDebug } from './line-chart';
import { CHART_NAMES, SERIES_OF, type ChartName } from './series';

const TITLES: Record<ChartName, string> = {
  throughput: 'Throughput (req/s)',
  latency: 'Latency (ms)',
  users: 'Active users',
  errors: 'Errors per second by kind',
  utilization: 'Generator utilization per agent',
};

const FORMAT_Y: Record<ChartName, (value: number) => string> = {
  throughput: formatAmount,
  latency: formatMs,
  users: formatAmount,
  errors: formatAmount,
  utilization: formatUtilization,
};

export interface ChartCallbacks {
  isHidden(key: string): boolean;
  onToggle(key: string): void;
}

export class DashboardCharts {
  private readonly charts = new Map<ChartName, LineChart>();

  constructor(container: HTMLElement, private readonly callbacks: ChartCallbacks) {
    for (const name of CHART_NAMES) {
      const figure = document.createElement('figure');
      figure.className = 'chart';
      figure.dataset.chart = name;
      const caption = document.createElement('figcaption');
      caption.textContent = TITLES[name];
      const box = document.createElement('div');
      box.className = 'chart-box';
      const canvas = document.createElement('canvas');
      box.append(canvas);
      figure.append(caption, box);
      container.append(figure);
      this.charts.set(
        name,
        new LineChart(canvas, {
          title: TITLES[name],
          formatY: FORMAT_Y[name],
          suggestedMaxY: name === 'utilization' ? 1 : undefined,
          onToggle: (key) => callbacks.onToggle(key),
        }),
      );
    }
  }

  draw(points: readonly DashboardPoint[], compare: readonly DashboardPoint[] | undefined, palette: Palette): void {
    applyFont(palette);
    for (const [name, chart] of this.charts) chart.draw(SERIES_OF[name](points, compare), palette, this.callbacks.isHidden);
  }

  /** Re-colours every chart (theme change, or a series hidden) without rebuilding data. */
  recolor(palette: Palette): void {
    applyFont(palette);
    for (const chart of this.charts.values()) chart.recolor(palette, this.callbacks.isHidden);
  }

  debug(): Record<string, DatasetDebug[]> {
    const out: Record<string, DatasetDebug[]> = {};
    for (const [name, chart] of this.charts) out[name] = chart.debug();
    return out;
  }
}

function applyFont(palette: Palette): void {
  Chart.defaults.font.family = palette.fontFamily;
  Chart.defaults.font.size = Math.max(10, palette.fontSize - 1);
  Chart.defaults.color = palette.muted;
}
