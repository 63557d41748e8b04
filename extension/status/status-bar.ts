/**
 * The run's status bar item (status-model.ts decides what it shows): updated from the run service's headline,
 * hidden a minute after the run ends (or by the user, from the status bar's context menu: the item has an id and
 * a name); clicking it opens the run's dashboard.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../ids';
import type { Services } from '../services';
import { StatusBarModel } from './status-model';

export const STATUS_BAR_ITEM_ID = 'rookery.runStatus';

export function registerStatusBar(s: Services): vscode.Disposable[] {
  const item = vscode.window.createStatusBarItem(STATUS_BAR_ITEM_ID, vscode.StatusBarAlignment.Left, 50);
  item.name = 'Rookery Run';
  const model = new StatusBarModel();
  let timer: NodeJS.Timeout | undefined;

  const render = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const now = Date.now();
    const view = model.view(now);
    if (!view.visible) {
      item.hide();
      return;
    }
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.command = { command: COMMANDS.openDashboard, title: 'Open Dashboard', arguments: view.runId === undefined ? [] : [view.runId] };
    item.show();
    const next = model.nextChangeIn(now);
    if (next !== undefined) timer = setTimeout(render, next + 50);
  };

  model.update(s.runs.current?.headline(), Date.now());
  render();
  return [
    item,
    s.runs.onDidChangeHeadline((headline) => {
      model.update(headline, Date.now());
      render();
    }),
    { dispose: () => timer && clearTimeout(timer) },
  ];
}
