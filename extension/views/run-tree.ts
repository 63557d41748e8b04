/**
 * The Run view: the current run with its headline figures (updated from RunService.onDidChangeHeadline, at most
 * once a second) and its inline buttons (the menus' `when` clauses read `rookery.runState`), then the past runs,
 * each opening its dashboard. The view model is run-model.ts; this file only maps it onto TreeItems.
 */
import * as vscode from 'vscode';
import { COMMANDS, ITEMS, VIEWS } from '../ids';
import type { Services } from '../services';
import type { RunHeadline } from '../runs/live-run';
import type { HistoryEntry } from '../runs/run-history';
import { currentRunNode, metricNodes, pastGroupNode, pastRunNodes, type CurrentRunNode, type PastGroupNode, type RunNode } from './run-model';

const EMPTY_MESSAGE = 'No run yet: run a plan or a scenario from Plans & Scenarios.';

export function registerRunView(s: Services): vscode.Disposable[] {
  const provider = new RunProvider(s);
  const view = vscode.window.createTreeView(VIEWS.run, { treeDataProvider: provider });
  const updateMessage = () => (view.message = provider.empty ? EMPTY_MESSAGE : undefined);
  provider.onDidChangeTreeData(updateMessage);
  updateMessage();
  return [
    view,
    provider,
    s.runs.onDidChangeHeadline((headline) => provider.setHeadline(headline)),
    s.runs.onDidChangeCurrent(() => provider.reload()),
    view.onDidChangeVisibility((event) => {
      if (event.visible) provider.reload();
    }),
  ];
}

class RunProvider implements vscode.TreeDataProvider<RunNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Kept as one object and updated in place, so a headline refreshes just this item and its children. */
  private current: CurrentRunNode | undefined;
  private headline: RunHeadline | undefined;
  private past: HistoryEntry[] = [];
  private readonly group: PastGroupNode = pastGroupNode(0);
  private loading: Promise<void> | undefined;
  /** reload() was called while a listing was under way: list again after it (the history may have changed since). */
  private reloadAgain = false;

  constructor(private readonly s: Services) {
    this.headline = s.runs.current?.headline();
    this.reload();
  }

  get empty(): boolean {
    return this.current === undefined && this.past.length === 0;
  }

  setHeadline(headline: RunHeadline | undefined): void {
    this.headline = headline;
    if (headline === undefined || this.current === undefined || this.current.runId !== headline.runId) {
      this.rebuildCurrent();
      this.changed.fire(undefined);
      return;
    }
    Object.assign(this.current, currentRunNode(headline));
    this.changed.fire(this.current);
  }

  /** The current run changed (or was saved): read the past runs again. */
  reload(): void {
    if (this.loading) {
      this.reloadAgain = true;
      return;
    }
    this.loading = this.s.runs
      .pastRuns()
      .then(
        (past) => {
          this.past = past;
        },
        (error: unknown) => this.s.output.error(`listing past runs failed: ${(error as Error).message}`),
      )
      .finally(() => {
        this.loading = undefined;
        const live = this.s.runs.current;
        if (live && this.headline?.runId !== live.runId) this.headline = live.headline();
        this.rebuildCurrent();
        const group = pastGroupNode(this.past.length);
        this.group.description = group.description;
        this.changed.fire(undefined);
        if (this.reloadAgain) {
          this.reloadAgain = false;
          this.reload();
        }
      });
  }

  getTreeItem(node: RunNode): vscode.TreeItem {
    switch (node.kind) {
      case 'current': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.description = node.description;
        item.tooltip = node.tooltip;
        item.contextValue = ITEMS.currentRun;
        item.iconPath = node.running
          ? new vscode.ThemeIcon('pulse', node.warning ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined)
          : new vscode.ThemeIcon(node.warning ? 'warning' : 'pass', new vscode.ThemeColor(node.warning ? 'problemsWarningIcon.foreground' : 'testing.iconPassed'));
        item.command = { command: COMMANDS.openDashboard, title: 'Open Dashboard', arguments: [node.runId] };
        return item;
      }
      case 'metric': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = node.description;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        return item;
      }
      case 'pastGroup': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        if (node.description !== undefined) item.description = node.description;
        item.iconPath = new vscode.ThemeIcon('history');
        return item;
      }
      case 'past': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = node.description;
        item.tooltip = node.tooltip;
        item.contextValue = ITEMS.pastRun;
        item.iconPath = new vscode.ThemeIcon(node.failed ? 'error' : 'history', node.failed ? new vscode.ThemeColor('problemsErrorIcon.foreground') : undefined);
        item.command = { command: COMMANDS.openPastRun, title: 'Open Past Run', arguments: [node.runId] };
        return item;
      }
    }
  }

  getChildren(node?: RunNode): RunNode[] {
    if (node === undefined) return this.current ? [this.current, this.group] : this.past.length > 0 ? [this.group] : [];
    if (node.kind === 'current') return this.headline ? metricNodes(this.headline) : [];
    if (node.kind === 'pastGroup') return pastRunNodes(this.past, Date.now());
    return [];
  }

  dispose(): void {
    this.changed.dispose();
  }

  private rebuildCurrent(): void {
    const headline = this.headline ?? this.s.runs.current?.headline();
    if (headline === undefined) {
      this.current = undefined;
      return;
    }
    if (this.current && this.current.runId === headline.runId) Object.assign(this.current, currentRunNode(headline));
    else this.current = currentRunNode(headline);
  }
}
