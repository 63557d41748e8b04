/**
 * A debug hook for tests: when the page that embeds the dashboard sets `globalThis.__rookeryDashboardDebug = true`
 * before the script runs (the browser tests do; VS Code never does), `globalThis.__rookeryDashboard` exposes
 * read-only views of what is drawn — each chart's datasets as given to chart.js, the last applied seq, the points
 * held, the last render's duration. Accessors only: it holds no data of its own.
 */
import type { DatasetDebug } from './charts/line-chart';

export interface DashboardDebugSource {
  charts(): Record<string, DatasetDebug[]>;
  lastSeq(): number;
  pointsHeld(): number;
  renderMs(): number;
}

export interface DashboardDebugHook {
  charts(): Record<string, DatasetDebug[]>;
  readonly lastSeq: number;
  readonly pointsHeld: number;
  /** Milliseconds the last render took (building series, drawing charts, tables). */
  readonly renderMs: number;
}

export function installDebugHook(source: DashboardDebugSource): void {
  const global = globalThis as { __rookeryDashboardDebug?: unknown; __rookeryDashboard?: DashboardDebugHook };
  if (global.__rookeryDashboardDebug !== true) return;
  global.__rookeryDashboard = {
    charts: () => source.charts(),
    get lastSeq() {
      return source.lastSeq();
    },
    get pointsHeld() {
      return source.pointsHeld();
    },
    get renderMs() {
      return source.renderMs();
    },
  };
}
