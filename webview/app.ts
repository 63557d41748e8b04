/**
 * Wires the page together: the VS Code API, the host link (seq and resync), the store, the reader's saved
 * choices, the dashboard, the theme watcher and the test hook. Restores the reader's comparison after a reload:
 * if the first snapshot does not already compare with the saved run, the page asks the host for it once.
 */
import { Dashboard } from './dashboard';
import { installDebugHook } from './debug-hook';
import { acquireHostApi, HostLink } from './host';
import { DashboardStore } from './store';
import { watchTheme } from './theme';
import { UiStateStore } from './ui-state';

export function startDashboard(root: HTMLElement): void {
  const api = acquireHostApi();
  const store = new DashboardStore();
  const ui = new UiStateStore(api);
  let restoreCompare = true;

  const dashboard = new Dashboard(root, store, ui, {
    compare: (runId) => {
      ui.setCompareRun(runId);
      host.send(runId === undefined ? { type: 'dashboard/compare' } : { type: 'dashboard/compare', runId });
    },
  });

  const host: HostLink = new HostLink(api, {
    snapshot: ({ view }) => {
      store.applySnapshot(view);
      ui.setRun(view.runId);
      const saved = ui.get().compareRunId;
      if (restoreCompare && saved !== undefined && view.compare?.runId !== saved && view.runs.some((r) => r.runId === saved)) {
        host.send({ type: 'dashboard/compare', runId: saved });
      } else if (view.compare?.runId !== saved) {
        ui.setCompareRun(view.compare?.runId);
      }
      restoreCompare = false;
      dashboard.schedule();
    },
    update: (message) => {
      store.applyUpdate(message);
      dashboard.schedule();
    },
    compare: ({ compare }) => {
      store.applyCompare(compare);
      ui.setCompareRun(compare?.runId);
      dashboard.schedule();
    },
    problem: (reason) => console.warn(`rookery dashboard: ${reason}; asking the host for a snapshot`),
  });

  watchTheme(() => dashboard.themeChanged());
  installDebugHook({
    charts: () => dashboard.debugCharts(),
    lastSeq: () => host.lastSeq,
    pointsHeld: () => store.pointsHeld,
    renderMs: () => dashboard.renderMs,
  });
  host.start();
}
