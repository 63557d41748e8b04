/**
 * The run service (services.ts RunService): starts a plan or a scenario on the coordinator exactly as `rookery run`
 * would (plan-run-config.ts), follows the run with a RunFollower fed from the coordinator's pushes, keeps the
 * `rookery.runState` context key, saves finished runs to the workspace's history, and sends the control requests
 * (stop, add/remove users, variables, rate). Every failure ends in a notification with a way forward
 * (run-errors.ts), and never in a view stuck at "running".
 */
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { RookeryError } from '../../agent/common/errors';
import type { ControlClient, ControlRequestBody } from '../../agent/cluster/control-client';
import type { CliRunConfig } from '../../agent/cli/run-config';
import type { ClusterStatus } from '../../agent/protocol/control';
import { compileScenario } from '../../agent/scenario/compile';
import { COMMANDS, CONTEXT, SETTINGS } from '../ids';
import type { AgentService, LanguageService, RunService } from '../services';
import type { LiveRun, RunHeadline } from './live-run';
import { agentsOfPlan } from './plan-agents';
import { planErrorsMessage, planRunConfig, runRequestOf, scenarioRunConfig, type FileLocation, type PlanPositions } from './plan-run-config';
import { RunFollower, type RunOutcome, type RunPhase } from './run-follower';
import { describeRunError, SHOW_OUTPUT, type RunErrorAction, type RunErrorContext } from './run-errors';
import { DEFAULT_KEEP_RUNS, RunHistory, type HistoryEntry } from './run-history';
import { SessionRuns } from './session-runs';

/** How long the language server may take to say where variables are declared (only to place an error's button). */
const DECLARATIONS_TIMEOUT_MS = 3000;

export function createRunService(extension: vscode.ExtensionContext, output: vscode.LogOutputChannel, agents: AgentService, language: LanguageService): RunService {
  return new ExtensionRunService(extension, output, agents, language);
}

/** What the service knows about the run it follows, to place errors of its control requests. */
interface FollowedRun {
  follower: RunFollower;
  scenarioFile: string;
  plan?: PlanPositions;
}

class ExtensionRunService implements RunService {
  private readonly currentEmitter = new vscode.EventEmitter<LiveRun | undefined>();
  private readonly headlineEmitter = new vscode.EventEmitter<RunHeadline | undefined>();
  readonly onDidChangeCurrent = this.currentEmitter.event;
  readonly onDidChangeHeadline = this.headlineEmitter.event;
  private readonly session = new SessionRuns();
  private readonly disposables: vscode.Disposable[] = [];
  private followed: FollowedRun | undefined;
  private currentLive: LiveRun | undefined;
  private historyNow: RunHistory | undefined;

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly agents: AgentService,
    private readonly language: LanguageService,
  ) {
    this.historyNow = this.makeHistory();
    this.disposables.push(
      this.currentEmitter,
      this.headlineEmitter,
      agents.onPush((push) => this.followed?.follower.push(push)),
      agents.onDidDisconnect(({ reason }) => this.followed?.follower.disconnected(reason)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SETTINGS.section}.${SETTINGS.keepRuns}`) || event.affectsConfiguration(`${SETTINGS.section}.${SETTINGS.nameCap}`)) {
          this.historyNow = this.makeHistory();
        }
      }),
    );
    this.setRunState('idle');
  }

  get current(): LiveRun | undefined {
    return this.currentLive;
  }

  get history(): RunHistory | undefined {
    return this.historyNow;
  }

  async startPlan(plan: vscode.Uri): Promise<void> {
    if (!this.canStart()) return;
    const file = plan.fsPath;
    let text: string;
    try {
      text = await this.readText(plan);
    } catch (error) {
      this.reportError(new RookeryError('ROOKERY_PLAN', `cannot read the plan file: ${(error as Error).message}`, { where: file }), 'start the run', { localTarget: false });
      return;
    }
    const built = planRunConfig(file, text, process.env);
    if (!built.ok) {
      this.output.error(`${file}: ${built.errors.length} error(s); not started`);
      const first = built.errors[0];
      const open: RunErrorAction | undefined = first && { kind: 'open', title: 'Open Plan', location: { file, line: first.range.start.line, character: first.range.start.character } };
      void vscode.window.showErrorMessage(planErrorsMessage(basename(file), built.errors.length), 'Show Problems', ...(open ? [open.title] : [])).then((choice) => {
        if (choice === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
        else if (choice === open?.title) this.runAction(open);
      });
      return;
    }
    for (const warning of built.cli.warnings) this.output.warn(warning);
    await this.start(basename(file), built.cli, built.positions);
  }

  async startScenario(scenario: vscode.Uri, users: number): Promise<void> {
    if (!this.canStart()) return;
    let cli: CliRunConfig;
    try {
      cli = await scenarioRunConfig(scenario.fsPath, users, process.env);
    } catch (error) {
      this.reportError(error, 'start the run', { localTarget: false });
      return;
    }
    await this.start(basename(scenario.fsPath), cli, undefined);
  }

  async stop(force: boolean): Promise<void> {
    const followed = this.active('stop the run');
    if (!followed) return;
    followed.follower.stopRequested();
    const ok = await this.control({ type: 'control/stop', force }, force ? 'force the run to stop' : 'stop the run');
    if (!ok) followed.follower.stopFailed();
  }

  async addUsers(count: number): Promise<void> {
    if (!this.active('add users')) return;
    if (await this.control({ type: 'control/add-users', count }, 'add users')) vscode.window.setStatusBarMessage(`Rookery: adding ${count} user${count === 1 ? '' : 's'}`, 4000);
  }

  async removeUsers(count: number, force: boolean): Promise<void> {
    if (!this.active('remove users')) return;
    if (await this.control({ type: 'control/remove-users', count, force }, 'remove users')) {
      vscode.window.setStatusBarMessage(`Rookery: removing ${count} user${count === 1 ? '' : 's'}${force ? ' (forced)' : ''}`, 4000);
    }
  }

  async updateVariables(changes: Record<string, unknown>): Promise<void> {
    if (!this.active('update variables')) return;
    if (await this.control({ type: 'control/update-variables', changes }, 'update the variables')) {
      vscode.window.setStatusBarMessage(`Rookery: updated ${Object.keys(changes).join(', ')}`, 4000);
    }
  }

  async setUserRate(perMinute: number): Promise<void> {
    if (!this.active('change the user rate')) return;
    if (await this.control({ type: 'control/set-rate', userRate: perMinute }, 'change the user rate')) {
      vscode.window.setStatusBarMessage(`Rookery: user rate set to ${Math.round(perMinute * 1000) / 1000}/min`, 4000);
    }
  }

  async pastRuns(): Promise<HistoryEntry[]> {
    const listing = this.historyNow ? await this.historyNow.list() : { runs: [], skipped: [] };
    for (const skipped of listing.skipped) this.output.debug(`history: skipped ${skipped.file}: ${skipped.reason}`);
    return this.session.pastRuns(listing.runs);
  }

  live(runId: string): LiveRun | undefined {
    if (this.currentLive?.runId === runId) return this.currentLive;
    return this.session.get(runId);
  }

  dispose(): void {
    this.followed?.follower.dispose();
    this.followed = undefined;
    const lives = new Set(this.session.clear());
    if (this.currentLive) lives.add(this.currentLive);
    for (const live of lives) live.dispose();
    this.currentLive = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  // -------------------------------------------------------------------------------------------------------------

  private async start(title: string, cli: CliRunConfig, plan: PlanPositions | undefined): Promise<void> {
    const scenarioFile = cli.config.scenarioFile;
    const follower = new RunFollower(
      { title, nameCap: this.setting(SETTINGS.nameCap) },
      {
        phase: (phase) => this.setRunState(phase),
        started: (live) => this.setCurrent(live),
        headline: (headline) => this.headlineEmitter.fire(headline),
        end: (outcome) => this.onEnd(follower, outcome),
      },
    );
    this.followed?.follower.dispose();
    this.followed = { follower, scenarioFile, ...(plan ? { plan } : {}) };
    this.setRunState('starting');
    this.output.info(`starting ${title}`);
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Rookery: starting ${title}` }, async (progress) => {
        await this.saveIfDirty(scenarioFile);
        progress.report({ message: 'compiling the scenario…' });
        const request = runRequestOf(cli, await compileScenario(scenarioFile));
        progress.report({ message: 'connecting to the coordinator…' });
        const client = await this.agents.coordinator();
        if (cli.agents && cli.agents.length > 0) request.agents = await this.planAgents(client, cli.agents);
        progress.report({ message: 'preparing the agents…' });
        const reply = (await client.request({ type: 'control/start-run', run: request })) as { runId?: unknown } | undefined;
        if (typeof reply?.runId !== 'string') throw new RookeryError('ROOKERY_PROTOCOL', 'the coordinator started the run but did not say its id');
        this.output.info(`run ${reply.runId} started (${title})`);
        follower.started(reply.runId);
      });
    } catch (error) {
      follower.startFailed(error);
      this.reportError(error, `start ${title}`, await this.errorContext({ follower, scenarioFile, ...(plan ? { plan } : {}) }, error));
    }
  }

  /** The ids of the plan's `agents:` on the coordinator, attaching those it does not have yet. */
  private async planAgents(client: ControlClient, urls: string[]): Promise<string[]> {
    let status = (await client.request({ type: 'control/status' })) as ClusterStatus;
    const { missing } = agentsOfPlan(status, urls);
    for (const url of missing) await this.agents.attachAgent(url, undefined);
    if (missing.length > 0) status = (await client.request({ type: 'control/status' })) as ClusterStatus;
    const found = agentsOfPlan(status, urls);
    if (found.missing.length > 0) {
      throw new RookeryError('ROOKERY_CONNECT', `the plan's agent${found.missing.length === 1 ? '' : 's'} ${found.missing.join(', ')} could not be attached`, {
        where: found.missing[0],
        hint: 'start it with `rookery agent --listen`, then attach it from the Agents view (Attach Remote Agent…) with its token',
      });
    }
    return found.ids;
  }

  private onEnd(follower: RunFollower, outcome: RunOutcome): void {
    const live = follower.live;
    if (outcome.kind === 'not-started' || live === undefined) return;
    if (outcome.kind === 'lost') {
      this.keep(live, { reason: outcome.reason, elapsedMs: follower.headline()?.elapsedMs ?? 0 });
      this.output.error(`run ${live.runId} lost: ${outcome.reason}`);
      const local = this.agents.target.kind === 'local';
      const actions = ['Open Dashboard', ...(local ? ['Restart Local Agent'] : []), SHOW_OUTPUT];
      void vscode.window.showErrorMessage(`Rookery: run ${live.title} was lost: ${outcome.reason}. Its agents stop their users by themselves.`, ...actions).then((choice) => {
        if (choice === 'Open Dashboard') void vscode.commands.executeCommand(COMMANDS.openDashboard, live.runId);
        else if (choice === 'Restart Local Agent') void vscode.commands.executeCommand(COMMANDS.restartLocalAgent);
        else if (choice === SHOW_OUTPUT) this.output.show(true);
      });
      return;
    }
    const result = outcome.result;
    this.keep(live);
    this.output.info(`run ${live.runId} ended (${result.endReason})`);
    if (result.endReason === 'error') {
      const reason = [...result.events].reverse().find((e) => e.kind === 'status' && e.reason !== undefined);
      const why = reason && reason.kind === 'status' ? `: ${reason.reason}` : '';
      void vscode.window.showWarningMessage(`Rookery: run ${live.title} ended in error${why}`, 'Open Dashboard', SHOW_OUTPUT).then((choice) => {
        if (choice === 'Open Dashboard') void vscode.commands.executeCommand(COMMANDS.openDashboard, live.runId);
        else if (choice === SHOW_OUTPUT) this.output.show(true);
      });
    }
    const history = this.historyNow;
    if (!history) return;
    history.save(result).then(
      (file) => {
        this.session.saved(live.runId, file);
        // No "past runs changed" event in the contract: listeners of the current run re-read the past runs.
        if (this.currentLive === live) this.currentEmitter.fire(live);
      },
      (error: unknown) => {
        this.output.error(`could not save run ${live.runId} to ${history.folder}: ${(error as Error).message}`);
        void vscode.window.showWarningMessage(`Rookery: run ${live.title} could not be saved to the history: ${(error as Error).message}`, SHOW_OUTPUT).then((choice) => {
          if (choice === SHOW_OUTPUT) this.output.show(true);
        });
      },
    );
  }

  private keep(live: LiveRun, lost?: { reason: string; elapsedMs: number }): void {
    for (const old of this.session.add(live, lost)) if (old !== this.currentLive) old.dispose();
  }

  private setCurrent(live: LiveRun): void {
    const previous = this.currentLive;
    this.currentLive = live;
    // The previous run stays alive only if the session keeps it (it ended); otherwise nobody can reach it.
    if (previous && previous !== live && !this.session.get(previous.runId)) previous.dispose();
    this.currentEmitter.fire(live);
  }

  /** A run can start when none is being started or followed; otherwise say which and offer the way out. */
  private canStart(): boolean {
    const followed = this.followed;
    if (!followed || followed.follower.phase === 'idle') return true;
    const title = followed.follower.live?.title ?? 'a run';
    void vscode.window.showWarningMessage(`Rookery: ${title} is ${followed.follower.phase === 'starting' ? 'starting' : 'in progress'}: one run at a time.`, 'Stop Run', 'Open Dashboard').then((choice) => {
      if (choice === 'Stop Run') void vscode.commands.executeCommand(COMMANDS.stopRun);
      else if (choice === 'Open Dashboard') void vscode.commands.executeCommand(COMMANDS.openDashboard);
    });
    return false;
  }

  /** The run a control request applies to; says so when there is none. */
  private active(doing: string): FollowedRun | undefined {
    const followed = this.followed;
    if (followed?.follower.live && followed.follower.phase !== 'idle') return followed;
    void vscode.window.showInformationMessage(`Rookery: cannot ${doing}: no run is in progress.`);
    return undefined;
  }

  /** Sends a control request; false (after telling the user) when it failed. */
  private async control(body: ControlRequestBody, doing: string): Promise<boolean> {
    const followed = this.followed;
    try {
      const client = await this.agents.coordinator();
      await client.request(body);
      return true;
    } catch (error) {
      this.reportError(error, doing, await this.errorContext(followed, error));
      return false;
    }
  }

  private async errorContext(followed: FollowedRun | undefined, error: unknown): Promise<RunErrorContext> {
    const context: RunErrorContext = { localTarget: this.agents.target.kind === 'local' };
    if (followed?.plan) context.plan = followed.plan;
    if (followed && Array.isArray((error as { variableProblems?: unknown }).variableProblems)) {
      context.declarations = await this.declarations(followed.scenarioFile);
    }
    return context;
  }

  /** Where the scenario declares each variable, as the language server reads it; {} when it cannot say in time. */
  private async declarations(scenarioFile: string): Promise<Record<string, FileLocation>> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const reading = await Promise.race([
        this.language.scenarioVariables(vscode.Uri.file(scenarioFile)),
        new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), DECLARATIONS_TIMEOUT_MS))),
      ]);
      const out: Record<string, FileLocation> = {};
      for (const v of reading?.variables ?? []) out[v.name] = { file: reading?.scenarioFile ?? scenarioFile, line: v.nameRange.start.line, character: v.nameRange.start.character };
      return out;
    } catch (error) {
      this.output.debug(`variable declarations of ${scenarioFile} unavailable: ${(error as Error).message}`);
      return {};
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private reportError(error: unknown, doing: string, context: RunErrorContext): void {
    const report = describeRunError(error, doing, context);
    this.output.error(report.detail);
    void vscode.window.showErrorMessage(report.message, ...report.actions.map((a) => a.title)).then((choice) => this.runAction(report.actions.find((a) => a.title === choice)));
  }

  private runAction(action: RunErrorAction | undefined): void {
    if (action === undefined) return;
    switch (action.kind) {
      case 'open': {
        const position = new vscode.Position(action.location.line, action.location.character);
        void vscode.window.showTextDocument(vscode.Uri.file(action.location.file), { selection: new vscode.Range(position, position) });
        return;
      }
      case 'restartLocal':
        void vscode.commands.executeCommand(COMMANDS.restartLocalAgent);
        return;
      case 'output':
        this.output.show(true);
        return;
    }
  }

  /** The plan as the editor shows it (unsaved edits included), else as it is on disk. */
  private async readText(uri: vscode.Uri): Promise<string> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return open.getText();
    return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
  }

  /** The scenario is compiled from disk (with what it imports): unsaved edits of it are saved first, as a task would. */
  private async saveIfDirty(file: string): Promise<void> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
    if (open?.isDirty) {
      this.output.info(`saving ${file} before compiling it`);
      await open.save();
    }
  }

  private setRunState(phase: RunPhase): void {
    void vscode.commands.executeCommand('setContext', CONTEXT.runState, phase);
  }

  private setting(key: string): number | undefined {
    const value = vscode.workspace.getConfiguration(SETTINGS.section).get<number>(key);
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  }

  private makeHistory(): RunHistory | undefined {
    const storage = this.extension.storageUri;
    if (storage === undefined) return undefined; // no workspace open: past runs of this session only
    const keep = Math.max(1, Math.floor(this.setting(SETTINGS.keepRuns) ?? DEFAULT_KEEP_RUNS));
    const nameCap = this.setting(SETTINGS.nameCap);
    return new RunHistory(join(storage.fsPath, 'runs'), { keep, ...(nameCap === undefined ? {} : { nameCap }) });
  }
}
