/**
 * Shows an explained agent failure (connection-errors.ts) as a VS Code message whose buttons lead on: each action
 * id becomes a button, and the chosen one runs. Actions without a handler fall back to the commands that do the
 * same thing; a `retry` with no handler is left out rather than shown and doing nothing.
 */
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS } from '../ids';
import { ACTION_LABELS, type AgentAction, type ExplainedFailure } from './connection-errors';

export type ActionHandlers = Partial<Record<AgentAction, () => unknown>>;

const DEFAULT_HANDLERS: ActionHandlers = {
  startLocalAgent: () => vscode.commands.executeCommand(COMMANDS.startLocalAgent),
  restartLocalAgent: () => vscode.commands.executeCommand(COMMANDS.restartLocalAgent),
  useLocalCoordinator: () => vscode.commands.executeCommand(COMMANDS.useLocalCoordinator),
  showAgentOutput: () => vscode.commands.executeCommand(COMMANDS.showOutput, 'agent'),
  showOutput: () => vscode.commands.executeCommand(COMMANDS.showOutput),
};

/** Resolves when the message is dismissed or its button's action has been started; never rejects. */
export async function showFailure(failure: ExplainedFailure, handlers: ActionHandlers = {}, severity: 'error' | 'warning' = 'error'): Promise<void> {
  const settingsQuery = failure.kind === 'runtime' ? `${SETTINGS.section}.${SETTINGS.nodePath}` : `${SETTINGS.section}.localAgent`;
  const all: ActionHandlers = {
    ...DEFAULT_HANDLERS,
    openSettings: () => vscode.commands.executeCommand('workbench.action.openSettings', settingsQuery),
    ...handlers,
  };
  const actions = failure.actions.filter((a) => all[a] !== undefined);
  const labels = [...new Set(actions.map((a) => ACTION_LABELS[a]))];
  const show = severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
  const chosen = await show(failure.message, ...labels);
  const action = actions.find((a) => ACTION_LABELS[a] === chosen);
  if (!action) return;
  try {
    await all[action]!();
  } catch {
    // The action reports its own failure (every command here does); a second message would only repeat it.
  }
}
