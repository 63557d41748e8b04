/**
 * The Agents view: a thin TreeDataProvider over agents-model.ts. It keeps the latest per-agent figures of the
 * running test (run/point pushes, fresher than cluster/status) and refreshes at most once a second.
 */
import * as vscode from 'vscode';
import type { ControlPush } from '../../agent/protocol/control';
import { agentServiceView } from '../agents/agent-service';
import { VIEWS } from '../ids';
import type { Services } from '../services';
import { agentsViewItems, RefreshThrottle, type AgentItemModel, type LiveAgentFigures } from './agents-model';

export function registerAgentsView(s: Services): vscode.Disposable[] {
  const provider = new AgentsTreeProvider(s);
  const view = vscode.window.createTreeView(VIEWS.agents, { treeDataProvider: provider });
  return [view, provider];
}

class AgentsTreeProvider implements vscode.TreeDataProvider<AgentItemModel>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly live = new Map<string, LiveAgentFigures>();
  private readonly throttle = new RefreshThrottle(() => this.changed.fire(), 1000);
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly s: Services) {
    const refresh = () => this.throttle.request();
    const agents = s.agents;
    this.subscriptions.push(
      agents.onDidChangeStatus((status) => {
        if (!status) this.live.clear();
        refresh();
      }),
      agents.onDidChangeLocalState(refresh),
      agents.onDidDisconnect(refresh),
      agents.onPush((push) => {
        if (this.notePush(push)) refresh();
      }),
    );
    const view = agentServiceView(agents);
    if (view) this.subscriptions.push(view.onDidChangeView(refresh));
  }

  /** Whether the push changes what the view shows. */
  private notePush(push: ControlPush): boolean {
    if (push.type === 'run/point') {
      for (const a of push.point.agents) this.live.set(a.agentId, { users: a.users, rps: a.rps, utilization: a.utilization });
      return true;
    }
    if (push.type === 'run/finished') {
      this.live.clear();
      return true;
    }
    return false;
  }

  getChildren(element?: AgentItemModel): AgentItemModel[] {
    if (element) return [];
    const agents = this.s.agents;
    const view = agentServiceView(agents);
    return agentsViewItems({
      target: agents.target,
      localState: agents.localState,
      connection: view?.connectionState ?? (agents.status ? 'connected' : 'idle'),
      connectionError: view?.connectionError,
      local: view?.localInfo,
      status: agents.status,
      live: this.live,
    });
  }

  getTreeItem(model: AgentItemModel): vscode.TreeItem {
    const item = new vscode.TreeItem(model.label, vscode.TreeItemCollapsibleState.None);
    item.id = model.id;
    item.description = model.description;
    item.tooltip = model.tooltip;
    item.contextValue = model.contextValue;
    const color = model.tone === 'error' ? new vscode.ThemeColor('list.errorForeground')
      : model.tone === 'warning' ? new vscode.ThemeColor('list.warningForeground')
      : undefined;
    item.iconPath = new vscode.ThemeIcon(model.icon, color);
    if (model.command) item.command = { command: model.command.id, title: model.label, arguments: model.command.arguments };
    return item;
  }

  dispose(): void {
    this.throttle.dispose();
    for (const d of this.subscriptions) d.dispose();
    this.changed.dispose();
  }
}
