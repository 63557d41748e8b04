/**
 * The language client of the Rookery language server (dist/language-server.js, a Node process over IPC): plans,
 * scenarios (TypeScript files: the server tells scenarios from other files) and .env files; the LanguageService
 * the other services ask for a scenario's declared variables.
 *
 * Failures are the user's to see, with a way forward: a server that cannot initialize says so with Show Output; a
 * server that dies is restarted a few times (restart-policy.ts), then the user is told and can restart it by hand.
 * Start-up is asynchronous (activation must not wait for it); requests wait for it, within their deadline.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { SCENARIO_VARIABLES_REQUEST, type ScenarioVariablesResult } from '../language-server/protocol';
import type { LanguageService } from '../services';
import { RestartPolicy } from './restart-policy';
import { requestScenarioVariables } from './scenario-variables-request';

export const LANGUAGE_CLIENT_ID = 'rookery';
export const LANGUAGE_CLIENT_NAME = 'Rookery Language Server';
/** Read/write errors on the connection tolerated before the client shuts the server down (then `closed` decides). */
const MAX_CONNECTION_ERRORS = 3;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class RookeryLanguageClient implements LanguageService {
  private readonly client: LanguageClient;
  private readonly policy = new RestartPolicy();
  private readonly watchers: vscode.FileSystemWatcher[];
  private started: Promise<void>;
  private disposed = false;
  /** initializationFailedHandler already told the user: the rejected start says nothing more. */
  private initFailureShown = false;

  constructor(
    extension: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {
    const module = join(extension.extensionPath, 'dist', 'language-server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc },
    };
    this.watchers = [vscode.workspace.createFileSystemWatcher('**/*.{ts,yaml,yml}'), vscode.workspace.createFileSystemWatcher('**/.env*')];
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { language: 'rookery-plan' },
        { language: 'typescript', scheme: 'file' },
        // .env files have no language of their own in VS Code: matched by name, whatever language they show as.
        { scheme: 'file', pattern: '**/.env*' },
      ],
      synchronize: { fileEvents: this.watchers },
      // One place to look when something goes wrong: the server's log joins the extension's channel.
      outputChannel: output,
      initializationFailedHandler: (error: unknown) => {
        output.error(`language server: initialization failed: ${describe(error)}`);
        this.initFailureShown = true;
        void vscode.window
          .showErrorMessage(`Rookery: the language server could not start (${describe(error)}): no completions or diagnostics in plans and scenarios.`, 'Show Output')
          .then((choice) => {
            if (choice === 'Show Output') output.show(true);
          });
        return false;
      },
      errorHandler: {
        error: (error, _message, count) => {
          output.warn(`language server: connection error ${count ?? 1}: ${describe(error)}`);
          return { action: (count ?? 1) <= MAX_CONNECTION_ERRORS ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
        },
        closed: () => {
          if (this.disposed) return { action: CloseAction.DoNotRestart, handled: true };
          if (this.policy.shouldRestart()) {
            output.warn(`language server: the connection closed; restarting it (${this.policy.recent} of the last restarts allowed)`);
            return { action: CloseAction.Restart, handled: true };
          }
          output.error('language server: it stopped again right after restarting; not restarting it any more');
          this.offerRestart();
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
    };
    this.client = new LanguageClient(LANGUAGE_CLIENT_ID, LANGUAGE_CLIENT_NAME, serverOptions, clientOptions);
    this.started = this.start();
  }

  scenarioVariables(uri: vscode.Uri): Promise<ScenarioVariablesResult> {
    return requestScenarioVariables(uri.toString(), {
      ready: () => this.started,
      send: (params, signal) => {
        const cancel = new vscode.CancellationTokenSource();
        signal.addEventListener('abort', () => cancel.cancel(), { once: true });
        return this.client.sendRequest<unknown>(SCENARIO_VARIABLES_REQUEST, params, cancel.token).finally(() => cancel.dispose());
      },
      onFailure: (reason) => this.output.warn(`language server: ${reason}`),
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const watcher of this.watchers) watcher.dispose();
    // VS Code gives deactivation little time: ask the server to stop, and let it exit on its own if it is slow.
    this.client.dispose(2000).catch((error: unknown) => this.output.warn(`language server: stopping it failed: ${describe(error)}`));
  }

  private start(): Promise<void> {
    const started = this.client.start();
    // Failures are reported by initializationFailedHandler or below; `started` stays rejected so requests answer
    // "nothing found" at once instead of waiting for a server that is not coming.
    started.catch((error: unknown) => {
      if (this.disposed) return;
      this.output.error(`language server: could not start: ${describe(error)}`);
      if (!this.initFailureShown) this.offerRestart();
    });
    return started;
  }

  private offerRestart(): void {
    void vscode.window
      .showErrorMessage('Rookery: the language server stopped. Completions and diagnostics in plans and scenarios are off until it runs again.', 'Restart Language Server', 'Show Output')
      .then((choice) => {
        if (choice === 'Show Output') this.output.show(true);
        if (choice !== 'Restart Language Server' || this.disposed) return;
        this.policy.reset();
        this.initFailureShown = false;
        this.started = this.client.needsStart() ? this.start() : this.client.stop().then(() => this.start());
      });
  }

}

export function startLanguageClient(extension: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageService {
  return new RookeryLanguageClient(extension, output);
}
