/**
 * The VS Code extension's entry point: activation only. A failure to activate is shown to the user (VS Code would
 * only log it), with the output channel that says why.
 */
import * as vscode from 'vscode';
import { activateRookery } from './context';

export function activate(extension: vscode.ExtensionContext): void {
  try {
    activateRookery(extension);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`Rookery could not start: ${message}`);
    throw error;
  }
}

export function deactivate(): void {
  // Everything is in the extension's subscriptions, disposed by VS Code in reverse order.
}
