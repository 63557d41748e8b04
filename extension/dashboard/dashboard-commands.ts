/**
 * The dashboard's commands: Open Dashboard (the run given, else the current run, else a pick of past runs) and Open
 * Past Run (the run given by a tree item, else a pick). Argument reading and pick items live in run-picks.ts.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../ids';
import type { Services } from '../services';
import { runIdOfArgument, runPickItems, type RunPickItem } from './run-picks';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A past run the user picks; undefined when they cancel or there is none (then they are told so). */
async function pickPastRun(s: Services): Promise<string | undefined> {
  let items: RunPickItem[];
  try {
    items = runPickItems(await s.runs.pastRuns());
  } catch (error) {
    s.output.error(`cannot list past runs: ${describe(error)}`);
    const choice = await vscode.window.showErrorMessage(`Rookery: cannot list past runs: ${describe(error)}`, 'Show Output');
    if (choice === 'Show Output') s.output.show(true);
    return undefined;
  }
  if (items.length === 0) {
    const choice = await vscode.window.showInformationMessage(
      'Rookery: no past runs in this workspace yet. Run a plan or a scenario from the Rookery sidebar.',
      'New Scenario',
    );
    if (choice === 'New Scenario') await vscode.commands.executeCommand(COMMANDS.newScenario);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Rookery: Open Past Run', placeHolder: 'The run whose dashboard to open', matchOnDescription: true, matchOnDetail: true });
  return picked?.runId;
}

export function registerDashboardCommands(s: Services): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.openDashboard, async (arg?: unknown) => {
      const runId = runIdOfArgument(arg) ?? s.runs.current?.runId ?? (await pickPastRun(s));
      if (runId !== undefined) await s.dashboards.show(runId);
    }),
    vscode.commands.registerCommand(COMMANDS.openPastRun, async (arg?: unknown) => {
      const runId = runIdOfArgument(arg) ?? (await pickPastRun(s));
      if (runId !== undefined) await s.dashboards.show(runId);
    }),
  ];
}
