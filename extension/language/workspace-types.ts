/**
 * Keeps each workspace folder's copy of the `rookery` declarations (`.rookery/types/rookery.d.ts`, written by
 * "Rookery: New Scenario" and pointed at by its tsconfig) the same as the ones this version of the extension ships,
 * so that the types authors see follow the engine they run on after an update. Only existing copies are refreshed:
 * a folder that never asked for them gets none.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { WORKSPACE_TYPES_FILE } from './scenario-template';
import { shippedTypesPath } from './shipped-types';

export async function readShippedTypes(extensionPath: string): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(shippedTypesPath(extensionPath))));
}

/** Writes the shipped declarations into `folder`, creating `.rookery/types/` if needed. */
export async function writeWorkspaceTypes(folder: vscode.Uri, declarations: string): Promise<void> {
  const file = vscode.Uri.joinPath(folder, WORKSPACE_TYPES_FILE);
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(file, '..'));
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(declarations));
}

/** Refreshes every workspace folder's stale copy; failures are logged, never shown (nothing the user asked for). */
export async function refreshWorkspaceTypes(s: Services): Promise<void> {
  let shipped: string;
  try {
    shipped = await readShippedTypes(s.extension.extensionPath);
  } catch (error) {
    s.output.warn(`rookery types: cannot read the shipped declarations: ${(error as Error).message}`);
    return;
  }
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const file = vscode.Uri.joinPath(folder.uri, WORKSPACE_TYPES_FILE);
    let current: string;
    try {
      current = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    } catch {
      continue; // no copy in this folder
    }
    if (current === shipped) continue;
    try {
      await writeWorkspaceTypes(folder.uri, shipped);
      s.output.info(`rookery types: refreshed ${file.fsPath} to this version's declarations`);
    } catch (error) {
      s.output.warn(`rookery types: cannot refresh ${file.fsPath}: ${(error as Error).message}`);
    }
  }
}
