/**
 * "Rookery: New Scenario": asks for a name, writes `<name>.scenario.ts`, `<name>.plan.yaml` and (when the folder
 * has none) a tsconfig.json pointing `rookery` at a copy of the types shipped with the extension
 * (`.rookery/types/rookery.d.ts`, kept up to date by workspace-types.ts), then opens the scenario.
 * The files' contents come from scenario-template.ts; this only asks, checks and writes. An existing file is never
 * replaced without the user saying so.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../ids';
import type { Services } from '../services';
import { planFileName, scenarioFileName, scenarioFiles, scenarioNameProblem, TSCONFIG_FILE_NAME, WORKSPACE_TYPES_FILE } from './scenario-template';
import { readShippedTypes, refreshWorkspaceTypes } from './workspace-types';

export { shippedTypesPath } from './shipped-types';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The folder to write into: the one given (a folder from the explorer), the only workspace folder, or a pick. */
async function targetFolder(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) {
    try {
      const stat = await vscode.workspace.fs.stat(arg);
      if (stat.type & vscode.FileType.Directory) return arg;
    } catch {
      // Not a folder that exists: fall back to the workspace's.
    }
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    const choice = await vscode.window.showErrorMessage('Rookery: open a folder first; the new scenario is written into it.', 'Open Folder');
    if (choice === 'Open Folder') await vscode.commands.executeCommand('workbench.action.files.openFolder');
    return undefined;
  }
  if (folders.length === 1) return folders[0].uri;
  return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'The folder to write the new scenario into' }))?.uri;
}

/** A free default name: `my-scenario`, else `my-scenario-2`... */
async function suggestName(folder: vscode.Uri): Promise<string> {
  for (let i = 1; i < 100; i++) {
    const name = i === 1 ? 'my-scenario' : `my-scenario-${i}`;
    if (!(await exists(vscode.Uri.joinPath(folder, scenarioFileName(name)))) && !(await exists(vscode.Uri.joinPath(folder, planFileName(name))))) return name;
  }
  return 'my-scenario';
}

async function newScenario(s: Services, arg: unknown): Promise<void> {
  const folder = await targetFolder(arg);
  if (folder === undefined) return;
  const name = await vscode.window.showInputBox({
    title: 'Rookery: New Scenario',
    prompt: `A name for the scenario: it writes <name>.scenario.ts and <name>.plan.yaml into ${folder.fsPath}`,
    value: await suggestName(folder),
    validateInput: (value) => scenarioNameProblem(value.trim()),
  });
  if (name === undefined) return;
  const declarations = await readShippedTypes(s.extension.extensionPath);
  const files = scenarioFiles(name.trim(), declarations, await exists(vscode.Uri.joinPath(folder, TSCONFIG_FILE_NAME)));
  const taken: string[] = [];
  // The declarations are the extension's own copy: replaced without asking.
  for (const file of files) if (file.name !== WORKSPACE_TYPES_FILE && (await exists(vscode.Uri.joinPath(folder, file.name)))) taken.push(file.name);
  if (taken.length > 0) {
    const choice = await vscode.window.showWarningMessage(
      `${taken.join(' and ')} already ${taken.length === 1 ? 'exists' : 'exist'} in ${folder.fsPath}. Replace ${taken.length === 1 ? 'it' : 'them'}?`,
      { modal: true },
      'Replace',
    );
    if (choice !== 'Replace') return;
  }
  const written: string[] = [];
  try {
    for (const file of files) {
      const uri = vscode.Uri.joinPath(folder, file.name);
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(file.content));
      written.push(file.name);
    }
  } catch (error) {
    s.output.error(`new scenario: writing into ${folder.fsPath} failed after ${written.length} file(s): ${describe(error)}`);
    const choice = await vscode.window.showErrorMessage(`Rookery: cannot write the new scenario into ${folder.fsPath}: ${describe(error)}`, 'Show Output');
    if (choice === 'Show Output') s.output.show(true);
    return;
  }
  s.output.info(`new scenario: wrote ${written.join(', ')} into ${folder.fsPath}`);
  await vscode.window.showTextDocument(vscode.Uri.joinPath(folder, files[0].name));
}

export function registerNewScenarioCommand(s: Services): vscode.Disposable[] {
  void refreshWorkspaceTypes(s);
  return [
    vscode.commands.registerCommand(COMMANDS.newScenario, async (arg?: unknown) => {
      try {
        await newScenario(s, arg);
      } catch (error) {
        s.output.error(`new scenario: ${describe(error)}`);
        const choice = await vscode.window.showErrorMessage(`Rookery: New Scenario failed: ${describe(error)}`, 'Show Output');
        if (choice === 'Show Output') s.output.show(true);
      }
    }),
  ];
}
