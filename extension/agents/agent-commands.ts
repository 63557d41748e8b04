/**
 * The agent commands: start, restart and stop the local agent; attach and detach remote agents; switch between a
 * remote coordinator and the local one; show the output. The questions they ask (URL, token, which agent) are
 * validated by agent-input.ts; failures are explained by connection-errors.ts with buttons that lead on, Try Again
 * reopening the same question with what was typed.
 */
import * as vscode from 'vscode';
import { COMMANDS, tokenSecretKey } from '../ids';
import type { Services } from '../services';
import { agentIdOf, detachableAgents, isActiveRun, isLoopbackUrl, normalizeAgentUrl, validateAgentUrl, validateToken } from './agent-input';
import { showFailure } from './agent-messages';
import { agentServiceView } from './agent-service';
import { explainFailure, wasReported, type FailureRole } from './connection-errors';

export function registerAgentCommands(s: Services): vscode.Disposable[] {
  const agents = s.agents;
  const command = (id: string, run: (...args: any[]) => Promise<unknown> | unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await run(...args);
      } catch (error) {
        // The service shows the failures it knows how to explain; anything else still ends in a message.
        if (wasReported(error)) return;
        s.output.error(`${id}: ${error instanceof Error ? error.message : String(error)}`);
        void showFailure({ kind: 'other', message: error instanceof Error ? error.message : String(error), actions: ['showOutput'] });
      }
    });

  const withProgress = <T>(title: string, task: () => Promise<T>) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, task);

  /** Asks for a URL and a token (the token box is skipped when the user cancels the URL). */
  async function askEndpoint(role: FailureRole, url: string | undefined): Promise<{ url: string; token: string } | undefined> {
    const agent = role === 'remote-agent';
    const typed = await vscode.window.showInputBox({
      title: agent ? 'Attach Remote Agent' : 'Connect to Remote Coordinator',
      prompt: agent
        ? 'URL of an agent started with `rookery agent --listen host:port`'
        : 'URL of a coordinator started with `rookery coordinator --listen host:port`',
      placeHolder: 'ws://10.0.0.5:7401',
      value: url,
      ignoreFocusOut: true,
      validateInput: validateAgentUrl,
    });
    if (typed === undefined) return undefined;
    const endpoint = normalizeAgentUrl(typed);
    const saved = (await s.extension.secrets.get(tokenSecretKey(endpoint))) !== undefined;
    const token = await vscode.window.showInputBox({
      title: `Token for ${endpoint}`,
      prompt: saved
        ? 'Leave empty to use the token saved for this URL'
        : isLoopbackUrl(endpoint)
          ? 'Optional on loopback: leave empty if it was started without a token'
          : `The token the ${agent ? 'agent' : 'coordinator'} was started with (--token or ROOKERY_TOKEN)`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (text) => validateToken(text, endpoint, saved),
    });
    if (token === undefined) return undefined;
    return { url: endpoint, token };
  }

  async function attach(url?: string): Promise<void> {
    const answer = await askEndpoint('remote-agent', url);
    if (!answer) return;
    try {
      await withProgress(`Attaching the agent at ${answer.url}…`, () => agents.attachAgent(answer.url, answer.token || undefined));
      vscode.window.setStatusBarMessage(`Rookery: attached the agent at ${answer.url}`, 5000);
    } catch (error) {
      if (wasReported(error)) return;
      s.output.error(`attaching ${answer.url}: ${error instanceof Error ? error.message : String(error)}`);
      void showFailure(explainFailure(error, 'remote-agent', answer.url), { retry: () => attach(answer.url) });
    }
  }

  async function connect(url?: string): Promise<void> {
    const answer = await askEndpoint('remote-coordinator', url);
    if (!answer) return;
    try {
      await withProgress(`Connecting to the coordinator at ${answer.url}…`, () => agents.connectCoordinator(answer.url, answer.token || undefined));
      vscode.window.setStatusBarMessage(`Rookery: driving the coordinator at ${answer.url}`, 5000);
    } catch (error) {
      s.output.error(`connecting to ${answer.url}: ${error instanceof Error ? error.message : String(error)}`);
      void showFailure(explainFailure(error, 'remote-coordinator', answer.url), { retry: () => connect(answer.url) });
    }
  }

  async function detach(argument: unknown): Promise<void> {
    let agentId = agentIdOf(argument);
    if (!agentId) {
      const picks = detachableAgents(agents.status, agents.target.kind === 'remote');
      if (picks.length === 0) {
        const attachLabel = 'Attach Remote Agent';
        const chosen = await vscode.window.showInformationMessage('There is no remote agent to detach.', attachLabel);
        if (chosen === attachLabel) await attach();
        return;
      }
      const picked = await vscode.window.showQuickPick(picks, { title: 'Detach Agent', placeHolder: 'Which agent?' });
      if (!picked) return;
      agentId = picked.agentId;
    }
    const id = agentId;
    try {
      await withProgress('Detaching the agent…', () => agents.detachAgent(id));
    } catch (error) {
      if (wasReported(error)) return;
      const hint = (error as { hint?: string }).hint;
      const message = `Could not detach the agent: ${error instanceof Error ? error.message : String(error)}${hint ? ` (${hint})` : ''}`;
      s.output.error(message);
      void showFailure({ kind: 'other', message, actions: ['retry', 'showOutput'] }, { retry: () => detach(id) });
    }
  }

  async function stopLocal(): Promise<void> {
    const run = agents.target.kind === 'local' ? agents.status?.run : undefined;
    if (run && isActiveRun(run.status)) {
      const stop = 'Stop Agent and Run';
      const chosen = await vscode.window.showWarningMessage(`Run ${run.runId} is using the local agent. Stop the agent anyway?`, { modal: true }, stop);
      if (chosen !== stop) return;
    }
    await agents.stopLocal();
  }

  return [
    command(COMMANDS.startLocalAgent, () => withProgress('Starting the Rookery local agent…', () => agents.startLocal())),
    command(COMMANDS.restartLocalAgent, () => withProgress('Restarting the Rookery local agent…', () => agents.restartLocal())),
    command(COMMANDS.stopLocalAgent, stopLocal),
    command(COMMANDS.attachAgent, () => attach()),
    command(COMMANDS.detachAgent, detach),
    command(COMMANDS.connectCoordinator, () => connect()),
    command(COMMANDS.useLocalCoordinator, () => agents.useLocalCoordinator()),
    command(COMMANDS.showOutput, (which?: unknown) => {
      const view = agentServiceView(agents);
      if (which === 'agent' && view) view.showAgentOutput();
      else s.output.show(true);
    }),
  ];
}
