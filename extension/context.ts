/**
 * The extension's composition root: builds the services in dependency order (language client, agents, runs,
 * dashboards), then the views, commands and status bar that present them; everything lands in the extension's
 * subscriptions, so VS Code disposes it in reverse order on deactivate (the local agent is told to stop, and exits
 * by itself anyway when its stdin closes).
 */
import * as vscode from 'vscode';
import { registerAgentCommands } from './agents/agent-commands';
import { createAgentService } from './agents/agent-service';
import { registerDashboardCommands } from './dashboard/dashboard-commands';
import { createDashboardService } from './dashboard/dashboard-service';
import { OUTPUT_CHANNEL } from './ids';
import { startLanguageClient } from './language/language-client';
import { registerNewScenarioCommand } from './language/new-scenario';
import { registerRunCommands } from './runs/run-commands';
import { createRunService } from './runs/run-service';
import type { Services } from './services';
import { registerStatusBar } from './status/status-bar';
import { registerAgentsView } from './views/agents-tree';
import { registerPlansView } from './views/plans-tree';
import { registerRunView } from './views/run-tree';

export function activateRookery(extension: vscode.ExtensionContext): Services {
  const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL, { log: true });
  extension.subscriptions.push(output);
  const language = startLanguageClient(extension, output);
  const agents = createAgentService(extension, output);
  const runs = createRunService(extension, output, agents, language);
  const dashboards = createDashboardService(extension, output, runs);
  extension.subscriptions.push(language, agents, runs, dashboards);
  const services: Services = { extension, output, agents, runs, dashboards, language };
  extension.subscriptions.push(
    ...registerPlansView(services),
    ...registerAgentsView(services),
    ...registerRunView(services),
    ...registerStatusBar(services),
    ...registerRunCommands(services),
    ...registerAgentCommands(services),
    ...registerDashboardCommands(services),
    ...registerNewScenarioCommand(services),
  );
  output.info(`Rookery ${extension.extension.packageJSON.version} activated`);
  return services;
}
