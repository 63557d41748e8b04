/**
 * The Plans & Scenarios view: the workspace's plans and scenarios by folder (plans-model.ts), kept current by file
 * watchers, workspace-folder changes, the language server's diagnostics and the Refresh button; clicking a file
 * opens it, and its inline Run button starts it (the menus in package.json).
 */
import * as vscode from 'vscode';
import { COMMANDS, ITEMS, VIEWS } from '../ids';
import type { Services } from '../services';
import { EXCLUDE_GLOB, PLAN_GLOB, SCENARIO_GLOB, planGroups, type FileProblems, type PlanFileNode, type PlanGroupNode, type WorkspaceRoot } from './plans-model';

type Node = PlanGroupNode | PlanFileNode;

/** Files listed at most (a workspace with more plans than this has other problems). */
const MAX_FILES = 2000;
/** Bursts of file events (a git checkout, a build) refresh once. */
const REFRESH_DELAY_MS = 250;

export function registerPlansView(s: Services): vscode.Disposable[] {
  const provider = new PlansProvider(s.output);
  const view = vscode.window.createTreeView(VIEWS.plans, { treeDataProvider: provider, showCollapseAll: true });
  const disposables: vscode.Disposable[] = [view, provider];
  for (const glob of [PLAN_GLOB, SCENARIO_GLOB]) {
    const watcher = vscode.workspace.createFileSystemWatcher(glob);
    disposables.push(watcher, watcher.onDidCreate(() => provider.rescan()), watcher.onDidDelete(() => provider.rescan()), watcher.onDidChange(() => provider.redraw()));
  }
  disposables.push(
    vscode.workspace.onDidChangeWorkspaceFolders(() => provider.rescan()),
    vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((uri) => provider.lists(uri))) provider.redraw();
    }),
    vscode.commands.registerCommand(COMMANDS.refreshPlans, () => provider.rescan(true)),
  );
  provider.rescan(true);
  return disposables;
}

class PlansProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private files: string[] = [];
  /** `files` as a set: diagnostics events (every language's, on every edit) ask about many URIs at a time. */
  private listed = new Set<string>();
  private groups: PlanGroupNode[] | undefined;
  private scanning: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private rescanPending = false;

  constructor(private readonly output: vscode.LogOutputChannel) {}

  lists(uri: vscode.Uri): boolean {
    return uri.scheme === 'file' && this.listed.has(uri.fsPath);
  }

  /** Looks for the files again (soon, or now). */
  rescan(now = false): void {
    this.rescanPending = true;
    this.schedule(now);
  }

  /** Rebuilds the items from the files known (problems changed, a file was edited). */
  redraw(): void {
    this.schedule(false);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.id;
      item.iconPath = vscode.ThemeIcon.Folder;
      item.tooltip = node.folder;
      return item;
    }
    const uri = vscode.Uri.file(node.file);
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.resourceUri = uri;
    item.contextValue = node.kind === 'plan' ? ITEMS.plan : ITEMS.scenario;
    item.tooltip = node.tooltip;
    if (node.description !== undefined) item.description = node.description;
    item.iconPath =
      node.severity === 'error'
        ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
        : node.severity === 'warning'
          ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
          : new vscode.ThemeIcon(node.kind === 'plan' ? 'checklist' : 'file-code');
    item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
    return item;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node) return node.kind === 'group' ? node.files : [];
    if (this.groups === undefined) await this.refresh();
    return this.groups ?? [];
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
  }

  private schedule(now: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh().then(() => this.changed.fire(undefined));
    }, now ? 0 : REFRESH_DELAY_MS);
  }

  private refresh(): Promise<void> {
    // A rescan asked for while a scan is under way must look again once it is done: that scan may predate the change.
    if (this.scanning) return this.scanning.then(() => (this.rescanPending ? this.refresh() : undefined));
    this.scanning = this.build().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async build(): Promise<void> {
    if (this.rescanPending || this.groups === undefined) {
      this.rescanPending = false;
      try {
        const found = await Promise.all([PLAN_GLOB, SCENARIO_GLOB].map((glob) => vscode.workspace.findFiles(glob, EXCLUDE_GLOB, MAX_FILES)));
        this.files = found.flat().filter((uri) => uri.scheme === 'file').map((uri) => uri.fsPath);
        this.listed = new Set(this.files);
      } catch (error) {
        this.output.error(`listing plans and scenarios failed: ${(error as Error).message}`);
      }
    }
    const roots: WorkspaceRoot[] = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ name: f.name, path: f.uri.fsPath }));
    this.groups = planGroups(this.files, roots, (file) => problemsOf(vscode.Uri.file(file)));
  }
}

/** The file's errors and warnings as the language server last published them. */
function problemsOf(uri: vscode.Uri): FileProblems | undefined {
  const diagnostics = vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.severity === vscode.DiagnosticSeverity.Error || d.severity === vscode.DiagnosticSeverity.Warning)
    .sort((a, b) => a.severity - b.severity || a.range.start.line - b.range.start.line);
  if (diagnostics.length === 0) return undefined;
  const errors = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
  return { errors, warnings: diagnostics.length - errors, messages: diagnostics.map((d) => `line ${d.range.start.line + 1}: ${d.message}`) };
}
