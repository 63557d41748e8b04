/**
 * The run commands: Run Plan, Run Scenario…, Stop / Force Stop, Add Users…, Remove Users…, Update Variable…,
 * Change User Rate…. Each resolves its argument or asks for it (run-command-args.ts holds the parsing and the
 * picker items) and hands the request to the run service, which reports failures.
 */
import * as vscode from 'vscode';
import type { VariableDeclarationInfo } from '../../agent/protocol/variables';
import { COMMANDS } from '../ids';
import { EXCLUDE_GLOB, PLAN_GLOB, SCENARIO_GLOB } from '../views/plans-model';
import type { Services } from '../services';
import {
  isPlanPath,
  isScenarioPath,
  parseCount,
  parseRateInput,
  parseVariableInput,
  readOnlyMessage,
  removeModeItems,
  targetPathOf,
  userCountItems,
  valueText,
  variableItems,
} from './run-command-args';

export function registerRunCommands(s: Services): vscode.Disposable[] {
  const runs = s.runs;
  return [
    vscode.commands.registerCommand(COMMANDS.runPlan, async (arg?: unknown) => {
      const plan = await chooseFile(arg, isPlanPath, PLAN_GLOB, 'plan');
      if (plan) await showNewRun(s, () => runs.startPlan(plan));
    }),
    vscode.commands.registerCommand(COMMANDS.runScenario, async (arg?: unknown) => {
      const scenario = await chooseFile(arg, isScenarioPath, SCENARIO_GLOB, 'scenario');
      if (!scenario) return;
      const users = await askUserCount(vscode.workspace.asRelativePath(scenario));
      if (users !== undefined) await showNewRun(s, () => runs.startScenario(scenario, users));
    }),
    vscode.commands.registerCommand(COMMANDS.stopRun, () => runs.stop(false)),
    vscode.commands.registerCommand(COMMANDS.forceStopRun, () => runs.stop(true)),
    vscode.commands.registerCommand(COMMANDS.addUsers, async () => {
      const count = await askCount('Add users', 'How many users to add?');
      if (count !== undefined) await runs.addUsers(count);
    }),
    vscode.commands.registerCommand(COMMANDS.removeUsers, async () => {
      const count = await askCount('Remove users', 'How many users to remove?');
      if (count === undefined) return;
      const mode = await vscode.window.showQuickPick(removeModeItems(count), { title: `Remove ${count} user${count === 1 ? '' : 's'}`, placeHolder: 'Let them finish, or abort them?' });
      if (mode) await runs.removeUsers(count, mode.force);
    }),
    vscode.commands.registerCommand(COMMANDS.updateVariable, () => updateVariable(s)),
    vscode.commands.registerCommand(COMMANDS.changeUserRate, async () => {
      const current = s.agents.status?.run?.userRate;
      const text = await vscode.window.showInputBox({
        title: 'Change user rate',
        prompt: 'New users per time unit: 600/min, 10/s, 3600/h (a bare number is per minute)',
        ...(current === undefined ? {} : { value: `${Math.round(current * 1000) / 1000}/min` }),
        validateInput: (value) => {
          const parsed = parseRateInput(value);
          return parsed.ok ? undefined : parsed.message;
        },
      });
      if (text === undefined) return;
      const parsed = parseRateInput(text);
      if (parsed.ok) await runs.setUserRate(parsed.value);
    }),
  ];
}

/**
 * The file a Run command applies to: its argument (a tree item or a Uri), else the active editor's file when it
 * is of the right kind, else a quick pick of the workspace's files of that kind.
 */
async function chooseFile(arg: unknown, accepts: (path: string) => boolean, glob: string, kind: 'plan' | 'scenario'): Promise<vscode.Uri | undefined> {
  const given = targetPathOf(arg);
  if (given !== undefined) {
    if (accepts(given)) return vscode.Uri.file(given);
    void vscode.window.showErrorMessage(`Rookery: ${vscode.workspace.asRelativePath(given)} is not a ${kind} file (${kind === 'plan' ? '*.plan.yaml' : '*.scenario.ts'}).`);
    return undefined;
  }
  const editor = vscode.window.activeTextEditor?.document;
  if (editor && editor.uri.scheme === 'file' && accepts(editor.uri.fsPath)) return editor.uri;
  const files = await vscode.workspace.findFiles(glob, EXCLUDE_GLOB, 500);
  if (files.length === 0) {
    const choice = await vscode.window.showWarningMessage(`Rookery: no ${kind} file in this workspace.`, 'New Scenario');
    if (choice === 'New Scenario') void vscode.commands.executeCommand(COMMANDS.newScenario);
    return undefined;
  }
  const items = files
    .map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }))
    .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const picked = await vscode.window.showQuickPick(items, { title: `Run ${kind}`, placeHolder: `The ${kind} to run` });
  return picked?.uri;
}

async function askUserCount(name: string): Promise<number | undefined> {
  const picked = await vscode.window.showQuickPick(userCountItems(), { title: `Run ${name}`, placeHolder: 'How many users?' });
  if (picked === undefined) return undefined;
  if (picked.count !== undefined) return picked.count;
  return askCount(`Run ${name}`, 'How many users?');
}

async function askCount(title: string, prompt: string): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt,
    placeHolder: '10',
    validateInput: (value) => {
      const parsed = parseCount(value);
      return parsed.ok ? undefined : parsed.message;
    },
  });
  if (text === undefined) return undefined;
  const parsed = parseCount(text);
  return parsed.ok ? parsed.value : undefined;
}

/** The run's scenario: the coordinator's word for the running run, else the followed run's result. */
function runScenarioFile(s: Services): string | undefined {
  return s.agents.status?.run?.scenarioFile ?? s.runs.current?.runResult?.config.scenarioFile;
}

async function updateVariable(s: Services): Promise<void> {
  const scenarioFile = runScenarioFile(s);
  let declarations: VariableDeclarationInfo[] = [];
  if (scenarioFile !== undefined) {
    try {
      declarations = (await s.language.scenarioVariables(vscode.Uri.file(scenarioFile))).variables;
    } catch (error) {
      s.output.warn(`the variables of ${scenarioFile} could not be read: ${(error as Error).message}`);
    }
  }
  const items = variableItems(declarations, s.agents.status?.run?.variables);
  if (items.length === 0) {
    void vscode.window.showInformationMessage("Rookery: the run's scenario declares no variables.");
    return;
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Update variable', placeHolder: 'The variable to change during the run', matchOnDescription: true, matchOnDetail: true });
  if (picked === undefined) return;
  if (picked.readOnly) {
    void vscode.window.showInformationMessage(`Rookery: ${readOnlyMessage(picked.label)}`);
    return;
  }
  const text = await vscode.window.showInputBox({
    title: `Update ${picked.label}`,
    prompt: 'The new value: JSON (42, true, "text", [1, 2]) or plain text for a string',
    value: valueText(picked.value),
    validateInput: (value) => {
      const parsed = parseVariableInput(value, picked.declaration);
      return parsed.ok ? undefined : parsed.message;
    },
  });
  if (text === undefined) return;
  const parsed = parseVariableInput(text, picked.declaration);
  if (parsed.ok) await s.runs.updateVariables({ [picked.label]: parsed.value });
}

/** Starts a run and, when one did start (errors were shown by the service), opens its live dashboard beside. */
async function showNewRun(s: Services, start: () => Promise<void>): Promise<void> {
  const before = s.runs.current?.runId;
  await start();
  const started = s.runs.current;
  if (started && started.runId !== before) await s.dashboards.show(started.runId);
}
