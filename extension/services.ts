/**
 * The extension's services and what each promises the others: the contracts between agents/, runs/, dashboard/,
 * views/ and the language client. context.ts builds them once, in dependency order, and disposes them in reverse.
 * Services talk through these interfaces and vscode.Events, never through each other's internals.
 */
import type * as vscode from 'vscode';
import type { ControlClient } from '../agent/cluster/control-client';
import type { ClusterStatus, ControlPush } from '../agent/protocol/control';
import type { VariableDeclarationInfo } from '../agent/protocol/variables';
import type { LiveRun, RunHeadline } from './runs/live-run';
import type { HistoryEntry } from './runs/run-history';

/** Where the extension's coordinator is: its own local one (child process), or a remote one the user connected. */
export type CoordinatorTarget =
  | { kind: 'local' }
  | { kind: 'remote'; url: string };

export type LocalAgentState = 'stopped' | 'starting' | 'ready' | 'crashed';

/**
 * agents/: the coordinator connection and the agents behind it. The local agent is `rookery coordinator
 * --local-agent` as a child process (127.0.0.1, random port, generated token, exits when its stdin closes).
 */
export interface AgentService extends vscode.Disposable {
  readonly target: CoordinatorTarget;
  readonly localState: LocalAgentState;
  /** The connected, subscribed control client; starts the local agent first when it is the target and stopped. */
  coordinator(): Promise<ControlClient>;
  /** The latest cluster status (agents, current run), undefined before the first connection. */
  readonly status: ClusterStatus | undefined;
  readonly onDidChangeStatus: vscode.Event<ClusterStatus | undefined>;
  /** Every push of the subscribed control client (run/point, run/event, run/finished, cluster/status). */
  readonly onPush: vscode.Event<ControlPush>;
  /** The connection to the coordinator closed unexpectedly (the local agent crashed, a remote one went away). */
  readonly onDidDisconnect: vscode.Event<{ reason: string }>;
  readonly onDidChangeLocalState: vscode.Event<LocalAgentState>;
  startLocal(): Promise<void>;
  restartLocal(): Promise<void>;
  stopLocal(): Promise<void>;
  /** Asks the coordinator to dial an agent started with `rookery agent --listen`; the token goes to SecretStorage. */
  attachAgent(url: string, token: string | undefined): Promise<void>;
  detachAgent(agentId: string): Promise<void>;
  /** Drive a standalone coordinator (`rookery coordinator --listen`) instead of the local one. */
  connectCoordinator(url: string, token: string | undefined): Promise<void>;
  useLocalCoordinator(): Promise<void>;
}

/** runs/: starting runs and following the current one; past runs of this session and of the workspace. */
export interface RunService extends vscode.Disposable {
  /** The run being followed (running, or the last one that finished in this session). */
  readonly current: LiveRun | undefined;
  readonly onDidChangeCurrent: vscode.Event<LiveRun | undefined>;
  /** Fired at most once a second with the current run's headline figures (sidebar, status bar). */
  readonly onDidChangeHeadline: vscode.Event<RunHeadline | undefined>;
  startPlan(plan: vscode.Uri): Promise<void>;
  startScenario(scenario: vscode.Uri, users: number): Promise<void>;
  stop(force: boolean): Promise<void>;
  addUsers(count: number): Promise<void>;
  removeUsers(count: number, force: boolean): Promise<void>;
  updateVariables(changes: Record<string, unknown>): Promise<void>;
  setUserRate(perMinute: number): Promise<void>;
  /** Runs of this session first (newest first), then the workspace's stored history. */
  pastRuns(): Promise<HistoryEntry[]>;
  /** A live run of this session by id, if still held. */
  live(runId: string): LiveRun | undefined;
  readonly history: import('./runs/run-history').RunHistory | undefined;
}

/** dashboard/: the webview panels. */
export interface DashboardService extends vscode.Disposable {
  /** Opens (or reveals) the dashboard of a run: the current one by default. */
  show(runId?: string): Promise<void>;
}

/** The language client of dist/language-server.js. */
export interface LanguageService extends vscode.Disposable {
  /** The static reading of a scenario (or of a plan's scenario) as the editor sees it now. */
  scenarioVariables(uri: vscode.Uri): Promise<{ found: boolean; scenarioFile?: string; variables: VariableDeclarationInfo[] }>;
}

export interface Services {
  readonly extension: vscode.ExtensionContext;
  readonly output: vscode.LogOutputChannel;
  readonly agents: AgentService;
  readonly runs: RunService;
  readonly dashboards: DashboardService;
  readonly language: LanguageService;
}
