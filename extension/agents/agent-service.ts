/**
 * The AgentService: which coordinator the extension drives (its local agent's, or a remote one), the one subscribed
 * connection to it, the local agent process, and remote agents attached through it. A thin vscode adapter over
 * local-agent-process.ts, coordinator-connection.ts and connection-errors.ts; it owns the context keys
 * rookery.localAgentState and rookery.remoteCoordinator.
 *
 * Failures met while getting a connection (coordinator(), startLocal(), restartLocal()) are shown here, where the
 * way forward is known (Open Settings for a bad Node, Restart Local Agent for a crash), and the rejected error is
 * marked with markReported() so callers show no second message. attach/detach/connectCoordinator reject with the
 * raw error: their commands show it with a Try Again that reopens the same input.
 */
import * as vscode from 'vscode';
import { RookeryError } from '../../agent/common/errors';
import type { ClusterStatus, ControlPush } from '../../agent/protocol/control';
import type { ControlClient } from '../../agent/cluster/control-client';
import { AGENT_OUTPUT_CHANNEL, CONTEXT, SETTINGS, tokenSecretKey } from '../ids';
import type { AgentService, CoordinatorTarget, LocalAgentState } from '../services';
import type { AgentsViewInput, ConnectionState } from '../views/agents-model';
import { isActiveRun, normalizeAgentUrl } from './agent-input';
import { showFailure } from './agent-messages';
import { classifyFailure, explainFailure, markReported, wasReported } from './connection-errors';
import { CoordinatorConnection } from './coordinator-connection';
import { describeExit, LocalAgentProcess, type LocalAgentExit } from './local-agent-process';
import { describeNodeRuntime, resolveNodeRuntime } from './node-runtime';

/** What the Agents view shows beyond the AgentService contract. */
export interface AgentServiceView {
  readonly connectionState: ConnectionState;
  readonly connectionError: string | undefined;
  readonly localInfo: AgentsViewInput['local'];
  /** Any change the view shows: connection state, local agent details. */
  readonly onDidChangeView: vscode.Event<void>;
  showAgentOutput(): void;
}

export function createAgentService(extension: vscode.ExtensionContext, output: vscode.LogOutputChannel): AgentService {
  return new RookeryAgentService(extension, output);
}

/** The view-facing side of the service created by createAgentService (undefined for another implementation). */
export function agentServiceView(service: AgentService): AgentServiceView | undefined {
  return service instanceof RookeryAgentService ? service : undefined;
}

/** After a local connection drops, how long to wait for the process's exit to tell a crash from a lost socket. */
const CRASH_SETTLE_MS = 1000;

class RookeryAgentService implements AgentService, AgentServiceView {
  target: CoordinatorTarget = { kind: 'local' };
  localState: LocalAgentState = 'stopped';
  status: ClusterStatus | undefined;
  connectionState: ConnectionState = 'idle';
  connectionError: string | undefined;
  localInfo: NonNullable<AgentsViewInput['local']> = {};

  private readonly statusEmitter = new vscode.EventEmitter<ClusterStatus | undefined>();
  private readonly pushEmitter = new vscode.EventEmitter<ControlPush>();
  private readonly disconnectEmitter = new vscode.EventEmitter<{ reason: string }>();
  private readonly localStateEmitter = new vscode.EventEmitter<LocalAgentState>();
  private readonly viewEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeStatus = this.statusEmitter.event;
  readonly onPush = this.pushEmitter.event;
  readonly onDidDisconnect = this.disconnectEmitter.event;
  readonly onDidChangeLocalState = this.localStateEmitter.event;
  readonly onDidChangeView = this.viewEmitter.event;

  private readonly agentOutput: vscode.OutputChannel;
  private process: LocalAgentProcess | undefined;
  private starting: Promise<LocalAgentProcess> | undefined;
  private connection: CoordinatorConnection | undefined;
  private connecting: Promise<CoordinatorConnection> | undefined;
  /** Bumped whenever the target changes or the connection is dropped on purpose: stale dials are discarded. */
  private generation = 0;
  /** startLocal() was called: start the local agent for a run even when autoStart is off. */
  private localWanted = false;
  private disposed = false;

  constructor(private readonly extension: vscode.ExtensionContext, private readonly output: vscode.LogOutputChannel) {
    this.agentOutput = vscode.window.createOutputChannel(AGENT_OUTPUT_CHANNEL);
    this.setContextKeys();
  }

  // ---------------------------------------------------------------------------------------------------- connection

  async coordinator(): Promise<ControlClient> {
    if (this.disposed) throw new RookeryError('ROOKERY_STATE', 'the Rookery extension is shutting down');
    if (this.connection && !this.connection.closed) return this.connection.client;
    if (!this.connecting) {
      this.connecting = this.connect().finally(() => {
        this.connecting = undefined;
      });
    }
    return (await this.connecting).client;
  }

  private async connect(): Promise<CoordinatorConnection> {
    const generation = this.generation;
    const target = this.target;
    let url = target.kind === 'remote' ? target.url : 'the local agent';
    try {
      let token: string | undefined;
      if (target.kind === 'local') {
        const proc = await this.ensureLocal();
        url = proc.ready.controlUrl;
        token = proc.token;
      } else {
        token = await this.storedOr(target.url, undefined);
      }
      this.setConnectionState('connecting');
      const connection = await CoordinatorConnection.open(url, { token });
      if (generation !== this.generation || this.disposed) {
        connection.close();
        // Switched coordinators while this dial was under way: the caller wants the new one. Stopped or shutting
        // down: the user asked for it, so the caller gets a quiet failure rather than an agent started again.
        if (!this.disposed && this.target !== target) return this.connect();
        throw markReported(new RookeryError('ROOKERY_STATE', `${url} was stopped while connecting`, { where: url }));
      }
      this.adopt(connection);
      this.output.info(`connected to the coordinator at ${url}`);
      return connection;
    } catch (error) {
      if (generation === this.generation) {
        // Not running (autoStart off) is no failed connection: the view says "local agent not running" instead.
        const notRunning = classifyFailure(error) === 'not-running';
        this.setConnectionState(notRunning ? 'idle' : 'disconnected', error instanceof Error ? error.message : String(error));
      }
      this.output.error(`cannot connect to ${url}: ${error instanceof Error ? error.message : String(error)}`);
      if (!this.disposed && !wasReported(error)) {
        const role = target.kind === 'local' ? 'local-agent' : 'remote-coordinator';
        const failure = explainFailure(error, role, url);
        void showFailure(failure, { retry: () => this.coordinator(), reconnect: () => this.coordinator() });
        markReported(error);
      }
      throw error;
    }
  }

  private adopt(connection: CoordinatorConnection): void {
    this.connection = connection;
    this.status = connection.status;
    this.setConnectionState('connected');
    connection.on('push', (push) => {
      if (this.connection === connection) this.pushEmitter.fire(push);
    });
    connection.on('status', (status) => {
      if (this.connection !== connection) return;
      this.status = status;
      this.statusEmitter.fire(status);
    });
    connection.on('disconnect', (reason) => void this.onDisconnect(connection, reason));
    this.statusEmitter.fire(this.status);
  }

  private async onDisconnect(connection: CoordinatorConnection, reason: string): Promise<void> {
    if (this.connection !== connection) return;
    const target = this.target;
    this.connection = undefined;
    this.status = undefined;
    this.setConnectionState('disconnected', reason);
    this.statusEmitter.fire(undefined);
    const where = target.kind === 'remote' ? `the coordinator at ${target.url}` : 'the local agent';
    this.output.warn(`lost the connection to ${where}: ${reason}`);
    this.disconnectEmitter.fire({ reason: `lost the connection to ${where} (${reason})` });

    if (target.kind === 'remote') {
      void showFailure({
        kind: 'closed',
        message: `Lost the connection to the coordinator at ${target.url} (${reason}). Check that it is still running, then reconnect.`,
        actions: ['reconnect', 'useLocalCoordinator', 'showOutput'],
      }, { reconnect: () => this.coordinator() });
      return;
    }
    // A crashed process also drops the socket: let its exit arrive, and let the crash message be the only one.
    const proc = this.process;
    if (proc) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([proc.exited, new Promise((r) => (timer = setTimeout(r, CRASH_SETTLE_MS)))]);
      clearTimeout(timer);
    }
    if (this.process !== proc || this.localState !== 'ready' || this.disposed) return;
    void showFailure({
      kind: 'closed',
      message: `Lost the connection to the local agent (${reason}). Reconnect, or restart it if this happens again.`,
      actions: ['reconnect', 'restartLocalAgent', 'showAgentOutput'],
    }, { reconnect: () => this.coordinator() });
  }

  /** Closes the connection on purpose (no message); tells a run that was in progress that it lost its coordinator. */
  private dropConnection(reason: string): void {
    this.generation++;
    const connection = this.connection;
    const activeRun = this.runInProgress();
    this.connection = undefined;
    this.status = undefined;
    this.setConnectionState('idle');
    if (!connection) return;
    connection.close();
    this.statusEmitter.fire(undefined);
    if (activeRun) this.disconnectEmitter.fire({ reason });
  }

  // --------------------------------------------------------------------------------------------------- local agent

  async startLocal(): Promise<void> {
    this.localWanted = true;
    try {
      await this.ensureLocal();
    } catch (error) {
      this.report(error, 'the local agent');
      throw error;
    }
    // Connect now, so the view lists the agent; a failure is shown by connect().
    if (this.target.kind === 'local') void this.coordinator().catch(() => undefined);
  }

  async restartLocal(): Promise<void> {
    await this.stopLocal();
    await this.startLocal();
  }

  async stopLocal(): Promise<void> {
    this.localWanted = false;
    if (this.target.kind === 'local') this.dropConnection('the local agent was stopped');
    const proc = this.process ?? (await this.starting?.catch(() => undefined));
    this.process = undefined;
    if (proc) {
      this.agentOutput.appendLine('[extension] stopping the local agent');
      const exit = await proc.stop();
      this.agentOutput.appendLine(`[extension] the local agent stopped (${describeExit(exit)}${exit.stoppedBy && exit.stoppedBy !== 'stdin' ? `, after ${exit.stoppedBy}` : ''})`);
    }
    this.localInfo = {};
    this.setLocalState('stopped');
  }

  /** The running local agent, started if it may be (startLocal was called, or autoStart is on). */
  private async ensureLocal(): Promise<LocalAgentProcess> {
    if (this.process && this.localState === 'ready') return this.process;
    if (this.starting) return this.starting;
    const autoStart = vscode.workspace.getConfiguration(SETTINGS.section).get<boolean>(SETTINGS.autoStartLocalAgent, true);
    if (!this.localWanted && !autoStart) {
      throw new RookeryError('ROOKERY_CONNECT', 'the local agent is not running', {
        hint: `start it from the Agents view, or turn on the rookery.${SETTINGS.autoStartLocalAgent} setting`,
      });
    }
    this.starting = this.launchLocal();
    try {
      return await this.starting;
    } finally {
      this.starting = undefined;
    }
  }

  private async launchLocal(): Promise<LocalAgentProcess> {
    this.localInfo = {};
    this.setLocalState('starting');
    const config = vscode.workspace.getConfiguration(SETTINGS.section);
    try {
      const runtime = await resolveNodeRuntime({ setting: config.get<string>(SETTINGS.nodePath) });
      for (const note of runtime.notes) this.agentOutput.appendLine(`[extension] ${note}`);
      this.agentOutput.appendLine(`[extension] starting the local agent, ${describeNodeRuntime(runtime)}`);
      const proc = await LocalAgentProcess.start({
        runtime,
        extensionPath: this.extension.extensionPath,
        workers: config.get<number>(SETTINGS.localAgentWorkers, 0),
        onLine: (line) => this.agentOutput.appendLine(line),
      });
      if (this.disposed) {
        void proc.stop();
        throw new RookeryError('ROOKERY_STATE', 'the Rookery extension is shutting down');
      }
      this.process = proc;
      this.localInfo = { controlUrl: proc.ready.controlUrl, pid: proc.pid, workers: proc.ready.workers, runtime: describeNodeRuntime(runtime) };
      void proc.exited.then((exit) => this.onLocalExit(proc, exit));
      this.agentOutput.appendLine(`[extension] the local agent is ready at ${proc.ready.url} (pid ${proc.pid})`);
      this.setLocalState('ready');
      return proc;
    } catch (error) {
      this.agentOutput.appendLine(`[extension] the local agent could not start: ${error instanceof RookeryError ? error.format() : String(error)}`);
      this.localInfo = { exit: 'failed to start' };
      this.setLocalState('crashed');
      throw error;
    }
  }

  private onLocalExit(proc: LocalAgentProcess, exit: LocalAgentExit): void {
    if (this.process !== proc) return; // stopLocal() let go of it first: an exit it asked for
    this.process = undefined;
    const how = describeExit(exit);
    const activeRun = this.runInProgress();
    this.localInfo = { ...this.localInfo, exit: how };
    this.agentOutput.appendLine(`[extension] the local agent stopped unexpectedly (${how})`);
    this.output.error(`the local agent stopped unexpectedly (${how})`);
    this.setLocalState('crashed');
    if (this.disposed) return;
    void showFailure({
      kind: 'closed',
      message: `The Rookery local agent stopped unexpectedly (${how}).${activeRun ? ' The running test lost its agent.' : ''} Its output may say why.`,
      actions: ['restartLocalAgent', 'showAgentOutput'],
    });
  }

  // ------------------------------------------------------------------------------------------ remote agents/coords

  async attachAgent(url: string, token: string | undefined): Promise<void> {
    const agentUrl = normalizeAgentUrl(url);
    const useToken = await this.storedOr(agentUrl, token);
    const client = await this.coordinator();
    await client.request({ type: 'control/attach-agent', url: agentUrl, ...(useToken ? { token: useToken } : {}) });
    // Kept only once it worked: a mistyped token must not replace one that did.
    if (token) await this.extension.secrets.store(tokenSecretKey(agentUrl), token);
    this.output.info(`attached the agent at ${agentUrl}`);
    await this.connection?.refresh().catch(() => undefined);
  }

  async detachAgent(agentId: string): Promise<void> {
    const client = await this.coordinator();
    await client.request({ type: 'control/detach-agent', agent: agentId });
    this.output.info(`detached agent ${agentId}`);
    await this.connection?.refresh().catch(() => undefined);
  }

  async connectCoordinator(url: string, token: string | undefined): Promise<void> {
    const coordinatorUrl = normalizeAgentUrl(url);
    const useToken = await this.storedOr(coordinatorUrl, token);
    // Dial first: a failed attempt leaves the current coordinator in place.
    const connection = await CoordinatorConnection.open(coordinatorUrl, { token: useToken });
    if (this.disposed) {
      connection.close();
      return;
    }
    if (token) await this.extension.secrets.store(tokenSecretKey(coordinatorUrl), token);
    this.dropConnection(`switched to the coordinator at ${coordinatorUrl}`);
    this.target = { kind: 'remote', url: coordinatorUrl };
    this.setContextKeys();
    this.adopt(connection);
    this.output.info(`driving the coordinator at ${coordinatorUrl}`);
  }

  async useLocalCoordinator(): Promise<void> {
    if (this.target.kind === 'local') return;
    this.dropConnection('switched to the local agent');
    this.target = { kind: 'local' };
    this.setContextKeys();
    this.statusEmitter.fire(undefined);
    this.output.info('driving the local agent');
    if (this.localState === 'ready') await this.coordinator().catch(() => undefined);
  }

  // ----------------------------------------------------------------------------------------------------- plumbing

  showAgentOutput(): void {
    this.agentOutput.show(true);
  }

  /** The token typed now, else the one kept for `url` (SecretStorage is read only when none was typed). */
  private async storedOr(url: string, typed: string | undefined): Promise<string | undefined> {
    return typed || (await this.extension.secrets.get(tokenSecretKey(url))) || undefined;
  }

  private runInProgress(): boolean {
    return this.status?.run !== undefined && isActiveRun(this.status.run.status);
  }

  private report(error: unknown, what: string): void {
    if (wasReported(error) || this.disposed) return;
    void showFailure(explainFailure(error, 'local-agent', what));
    markReported(error);
  }

  private setLocalState(state: LocalAgentState): void {
    if (this.localState === state) {
      this.viewEmitter.fire();
      return;
    }
    this.localState = state;
    this.setContextKeys();
    this.localStateEmitter.fire(state);
    this.viewEmitter.fire();
  }

  private setConnectionState(state: ConnectionState, error?: string): void {
    this.connectionState = state;
    if (error !== undefined || state === 'connected') this.connectionError = error;
    this.viewEmitter.fire();
  }

  private setContextKeys(): void {
    void vscode.commands.executeCommand('setContext', CONTEXT.localAgentState, this.localState);
    void vscode.commands.executeCommand('setContext', CONTEXT.remoteCoordinator, this.target.kind === 'remote');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.dropConnection('the extension is shutting down');
    // stop() closes stdin at once; the agent exits by itself even if the host is gone before the signals are due.
    const proc = this.process;
    this.process = undefined;
    void proc?.stop(); // a start still under way sees `disposed` and stops what it started
    for (const emitter of [this.statusEmitter, this.pushEmitter, this.disconnectEmitter, this.localStateEmitter, this.viewEmitter]) emitter.dispose();
    this.agentOutput.dispose();
  }
}
