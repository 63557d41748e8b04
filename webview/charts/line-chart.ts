/**
 * One chart.js line chart drawing a list of `Series`: seconds on a linear x axis, no parsing (points are already
 * `{x, y}`), no animation, min-max decimation for when a run holds more points than the chart has pixels.
 *
 * Data is always replaced, never mutated (chart.js issue #11929): once decimation kicks in, chart.js swaps
 * `dataset.data` for an accessor that returns the decimated copy, so a `push` into it changes a copy that is
 * thrown away and the line stops moving. Assigning a new array goes through the accessor's setter and works in
 * both states. Dataset objects themselves are kept per series key, so chart.js keeps its per-dataset state.
 */
import type { ChartDataset, LegendItem } from 'chart.js';
import { formatClock } from '../format';
import { fade, type Palette } from '../theme';
import { Chart } from './chart-setup';
import type { Series, XY } from './series';
import { clockLabel, clockTicks } from './time-axis';

export interface LineChartOptions {
  /** For the canvas's accessible name. */
  title: string;
  formatY(value: number): string;
  /** Keeps the y axis up to at least this value (utilization: 1). */
  suggestedMaxY?: number;
  /** The reader clicked a legend entry: hide or show the series with this key. */
  onToggle(key: string): void;
}

/** What the debug hook reports per dataset: what was given, and what chart.js laid out after decimation. */
export interface DatasetDebug {
  key: string;
  label: string;
  color: string;
  hidden: boolean;
  data: XY[];
  /** Elements chart.js drew (fewer than `data` when decimated), and the x value of the last one. */
  drawn: number;
  lastDrawnX: number | null;
}

type LineDataset = ChartDataset<'line', XY[]>;

const COMPARE_DASH = [6, 4];
const LIMIT_DASH = [2, 3];
const COMPARE_ALPHA = 0.5;
const X_TICKS = 8;

export class LineChart {
  private readonly chart: Chart<'line', XY[]>;
  private readonly datasets = new Map<string, LineDataset>();
  private series: Series[] = [];
  /** The palette the axes, legend and tooltip were last styled with (re-styling every frame is costly). */
  private styledWith: Palette | undefined;

  constructor(canvas: HTMLCanvasElement, options: LineChartOptions) {
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', options.title);
    this.chart = new Chart<'line', XY[]>(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        parsing: false,
        normalized: true,
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        spanGaps: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        elements: { point: { radius: 0, hitRadius: 4, hoverRadius: 3 }, line: { borderWidth: 1.5, tension: 0 } },
        scales: {
          x: {
            type: 'linear',
            min: 0,
            ticks: { callback: clockLabel, maxRotation: 0 },
            afterBuildTicks: (scale) => {
              scale.ticks = clockTicks(scale.min, scale.max, X_TICKS).map((value) => ({ value }));
            },
          },
          y: {
            type: 'linear',
            beginAtZero: true,
            suggestedMax: options.suggestedMaxY,
            ticks: { callback: (value) => options.formatY(Number(value)) },
          },
        },
        plugins: {
          decimation: { enabled: true, algorithm: 'min-max' },
          legend: {
            position: 'bottom',
            labels: {
              boxWidth: 12,
              boxHeight: 2,
              // The compared run's lines follow their twin: one legend entry per metric.
              filter: (item: LegendItem) => this.series[item.datasetIndex ?? -1]?.style !== 'compare',
            },
            onClick: (_event, item) => {
              const key = this.series[item.datasetIndex ?? -1]?.key;
              if (key !== undefined) options.onToggle(key);
            },
          },
          tooltip: {
            callbacks: {
              title: (items) => (items.length > 0 ? formatClock(items[0].parsed.x ?? 0) : ''),
              label: (item) => `${item.dataset.label ?? ''}: ${item.parsed.y === null ? '—' : options.formatY(item.parsed.y)}`,
            },
          },
        },
      },
    });
  }

  /** Draws `series` (fresh data arrays) in `palette`, hiding what the reader hid. */
  draw(series: Series[], palette: Palette, isHidden: (key: string) => boolean): void {
    const sameKeys = series.length === this.series.length && series.every((s, i) => s.key === this.series[i].key);
    const list: LineDataset[] = [];
    for (const s of series) {
      let dataset = this.datasets.get(s.key);
      if (!dataset) {
        dataset = { data: [] };
        this.datasets.set(s.key, dataset);
      }
      dataset.label = s.label;
      dataset.data = s.data; // a new array every time: see the file comment
      dataset.hidden = isHidden(s.twin ?? s.key);
      style(dataset, s, palette);
      list.push(dataset);
    }
    for (const key of this.datasets.keys()) if (!series.some((s) => s.key === key)) this.datasets.delete(key);
    this.series = series;
    if (!sameKeys) this.chart.data.datasets = list;
    this.applyPalette(palette);
    this.chart.update('none');
  }

  /** Re-colours the existing lines (a theme change) without new data. */
  recolor(palette: Palette, isHidden: (key: string) => boolean): void {
    this.draw(this.series, palette, isHidden);
  }

  debug(): DatasetDebug[] {
    return this.series.map((s, i) => {
      const meta = this.chart.getDatasetMeta(i);
      const last = meta.data[meta.data.length - 1];
      const dataset = this.datasets.get(s.key);
      return {
        key: s.key,
        label: s.label,
        color: String(dataset?.borderColor ?? ''),
        hidden: dataset?.hidden === true,
        data: s.data,
        drawn: meta.data.length,
        lastDrawnX: last ? this.chart.scales.x.getValueForPixel(last.x) ?? null : null,
      };
    });
  }

  destroy(): void {
    this.chart.destroy();
  }

  private applyPalette(palette: Palette): void {
    if (this.styledWith === palette) return;
    this.styledWith = palette;
    const scales = this.chart.options.scales ?? {};
    // High contrast themes give a bright border colour: full strength for the axes, softened for the grid lines
    // so the data stays the brightest thing on the chart.
    const gridLines = palette.kind.startsWith('high-contrast') ? fade(palette.grid, 0.45) : palette.grid;
    for (const axis of [scales.x, scales.y]) {
      if (!axis) continue;
      if (axis.grid) axis.grid.color = gridLines;
      if (axis.border) axis.border.color = palette.grid;
      if (axis.ticks) axis.ticks.color = palette.muted;
    }
    const legend = this.chart.options.plugins?.legend;
    if (legend?.labels) legend.labels.color = palette.foreground;
    const tooltip = this.chart.options.plugins?.tooltip;
    if (tooltip) {
      tooltip.backgroundColor = palette.background;
      tooltip.titleColor = palette.foreground;
      tooltip.bodyColor = palette.foreground;
      tooltip.borderColor = palette.grid;
      tooltip.borderWidth = 1;
    }
  }
}

function style(dataset: LineDataset, series: Series, palette: Palette): void {
  const base = series.color === 'muted' ? palette.muted : palette.series[series.color];
  const color = series.style === 'compare' ? fade(base, COMPARE_ALPHA) : base;
  dataset.borderColor = color;
  dataset.backgroundColor = color;
  dataset.borderDash = series.style === 'compare' ? COMPARE_DASH : series.style === 'limit' ? LIMIT_DASH : [];
  dataset.borderWidth = series.style === 'line' ? 1.5 : 1.25;
}
