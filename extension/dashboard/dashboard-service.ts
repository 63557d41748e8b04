/**
 * The DashboardService: one webview panel per run (revealed when already open), fed by the run's LiveRun while the
 * extension follows it, else by a static view of its result from the workspace's history; and the
 * WebviewPanelSerializer that brings panels back after a window reload, with the run each showed (kept in the
 * workspace state by panel-registry.ts, since the page's own state holds UI choices only).
 */
import * as vscode from 'vscode';
import { RookeryError } from '../../agent/common/errors';
import type { RunListing } from '../../agent/protocol/dashboard';
import { COMMANDS, DASHBOARD_VIEW_TYPE } from '../ids';
import { compareFromHistory, compareLive } from '../runs/compare';
import { LiveRun } from '../runs/live-run';
import type { DashboardService, RunService } from '../services';
import { DashboardPanel, showGone, webviewOptions, type PanelHost } from './dashboard-panel';
import { PanelRegistry } from './panel-registry';
import { panelTitle, withDeadline, type RouterDeps, type RunSource } from './panel-router';
import { StaticRun } from './static-run';

/** Reading a past run from disk: a long run's file holds every second's histograms, but never this long. */
export const LOAD_DEADLINE_MS = 15_000;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class DashboardPanels implements DashboardService, PanelHost {
  readonly extensionUri: vscode.Uri;
  readonly registry: PanelRegistry;
  readonly routerDeps: RouterDeps;
  private readonly panels = new Map<string, DashboardPanel>();
  private readonly gone = new Set<vscode.Disposable>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    extension: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
    private readonly runs: RunService,
  ) {
    this.extensionUri = extension.extensionUri;
    this.registry = new PanelRegistry(extension.workspaceState, (error) => output.warn(`dashboard: cannot save the open panels: ${describe(error)}`));
    this.routerDeps = {
      listRuns: async () => (await runs.pastRuns()).map(({ runId, title, startedAt, status }): RunListing => ({ runId, title, startedAt, status })),
      loadCompared: async (runId) => {
        const live = this.liveRun(runId);
        if (live) return compareLive(live);
        return compareFromHistory(this.history(), runId);
      },
    };
    this.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state) => this.revive(panel, savedRunId(state)),
      }),
    );
  }

  async show(runId?: string): Promise<void> {
    const id = runId ?? this.runs.current?.runId;
    if (id === undefined) {
      const choice = await vscode.window.showInformationMessage('Rookery: no run to show yet. Run a plan or a scenario from the Rookery sidebar, or open a past run.', 'Open Past Run');
      if (choice === 'Open Past Run') await vscode.commands.executeCommand(COMMANDS.openPastRun);
      return;
    }
    const open = this.panels.get(id);
    if (open) {
      open.reveal();
      return;
    }
    let source: RunSource;
    try {
      source = await this.resolve(id);
    } catch (error) {
      this.output.error(`dashboard: cannot open run ${id}: ${describe(error)}`);
      const choice = await vscode.window.showErrorMessage(`Rookery: cannot open the dashboard of run ${id}: ${describe(error)}`, 'Open Past Run', 'Show Output');
      if (choice === 'Open Past Run') await vscode.commands.executeCommand(COMMANDS.openPastRun);
      else if (choice === 'Show Output') this.output.show(true);
      return;
    }
    // Another show() of the same run may have opened it while this one read the history.
    const raced = this.panels.get(id);
    if (raced) {
      if (source instanceof StaticRun) source.dispose();
      raced.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, panelTitle(source.title, undefined), vscode.ViewColumn.Active, {
      ...webviewOptions(this.extensionUri),
      // The page asks for a snapshot whenever it is shown again; keeping a hidden page alive would only cost memory.
      retainContextWhenHidden: false,
    });
    this.panels.set(id, new DashboardPanel(panel, source, this));
  }

  async refreshSource(current: RunSource): Promise<RunSource> {
    if (!(current instanceof LiveRun)) return current;
    const live = this.liveRun(current.runId);
    if (live) return live;
    // The run service let the live run go: its result is in the history now, and is the authoritative view.
    try {
      return await this.fromHistory(current.runId);
    } catch {
      return current;
    }
  }

  closed(panel: DashboardPanel): void {
    if (this.panels.get(panel.runId) === panel) this.panels.delete(panel.runId);
  }

  dispose(): void {
    // Closing the window disposes the panels, which must still be restored next time: stop recording first.
    this.registry.freeze();
    for (const panel of [...this.panels.values()]) panel.dispose();
    for (const page of [...this.gone]) page.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }

  private liveRun(runId: string): LiveRun | undefined {
    const current = this.runs.current;
    return this.runs.live(runId) ?? (current?.runId === runId ? current : undefined);
  }

  private history() {
    const history = this.runs.history;
    if (history === undefined) {
      throw new RookeryError('ROOKERY_STATE', 'there is no run history without a workspace folder', { hint: 'open a folder to keep past runs' });
    }
    return history;
  }

  private async fromHistory(runId: string): Promise<StaticRun> {
    return new StaticRun(await withDeadline(this.history().load(runId), LOAD_DEADLINE_MS, `reading run ${runId} from the history`));
  }

  private async resolve(runId: string): Promise<RunSource> {
    return this.liveRun(runId) ?? (await this.fromHistory(runId));
  }

  /**
   * A panel VS Code restored after a reload: its run is the one the page saved in its state (webview/ui-state.ts),
   * else the record of a panel with the same title.
   */
  private async revive(panel: vscode.WebviewPanel, saved: string | undefined): Promise<void> {
    const claimed = this.registry.claim(panel.title);
    const runId = saved ?? claimed;
    let reason = 'the extension does not know which run it showed';
    if (runId !== undefined && !this.panels.has(runId)) {
      try {
        const source = await this.resolve(runId);
        this.panels.set(runId, new DashboardPanel(panel, source, this));
        return;
      } catch (error) {
        reason = describe(error);
      }
    } else if (runId !== undefined) {
      reason = 'it is already open in another tab';
    }
    this.output.warn(`dashboard: a restored panel ("${panel.title}") has no run to show: ${reason}`);
    const page = showGone(panel, this.extensionUri, runId, reason);
    this.gone.add(page);
    panel.onDidDispose(() => this.gone.delete(page));
  }
}

export function createDashboardService(extension: vscode.ExtensionContext, output: vscode.LogOutputChannel, runs: RunService): DashboardService {
  return new DashboardPanels(extension, output, runs);
}

/** The run id a page saved with setState, if the state has one (it is untrusted data from the page). */
function savedRunId(state: unknown): string | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const runId = (state as { runId?: unknown }).runId;
  return typeof runId === 'string' && runId.length > 0 && runId.length <= 200 ? runId : undefined;
}
