/**
 * One load test on this node, from a run configuration to a result: compile and load the scenario, resolve and
 * verify its variables, start the controller, follow the load shape and the duration, produce one metric snapshot
 * per wall-clock second, and at the end a cumulative snapshot and a summary.
 *
 * Everything that can be wrong with the input is checked in `prepare`, before any user starts: a broken scenario,
 * invalid variables, a bad configuration all throw a RookeryError there, and nothing runs.
 */
import { EventEmitter } from 'node:events';
import { RookeryError } from '../common/errors';
import { SnapshotAccumulator } from '../metrics/merge';
import { IntervalClock } from '../metrics/interval';
import { MetricsRecorder } from '../metrics/recorder';
import { summarize } from '../metrics/summary';
import { UtilizationSampler } from '../metrics/utilization';
import { stagesToTimeline } from '../plan/timeline';
import type { Stage } from '../protocol/plan';
import type { MetricSnapshot } from '../protocol/snapshot';
import type { RunSummary } from '../protocol/summary';
import type { ValueSource } from '../protocol/variables';
import { compileScenario } from '../scenario/compile';
import { loadScenario, type LoadedScenario } from '../scenario/load';
import { resolveVariables } from '../variables/resolve';
import { VariableStore } from '../variables/store';
import { Controller } from './controller';
import { LoadShape } from './load-shape';

export interface RunConfig {
  scenarioFile: string;
  /** The plan file this came from, if any (for the output). */
  planFile?: string;
  users: number;
  userRate: number;
  durationMs?: number;
  maintain: boolean;
  stages: Stage[];
  planVariables: Record<string, unknown>;
  cliVariables: Record<string, unknown>;
  env: Record<string, string | undefined>;
  nodeId?: string;
  gracePeriodMs?: number;
}

export interface RunResult {
  config: Omit<RunConfig, 'env'>;
  variables: { values: Record<string, unknown>; sources: Record<string, ValueSource> };
  startedAt: number;
  endedAt: number;
  /** Why the run ended. */
  endReason: 'completed' | 'duration' | 'stopped' | 'error';
  /** One snapshot per second. */
  series: MetricSnapshot[];
  /** Every snapshot merged. */
  total: MetricSnapshot;
  summary: RunSummary;
}

type Events = {
  snapshot: [MetricSnapshot];
  'user-error': [{ userId: number; message: string; where?: string }];
};

export class LocalRun extends EventEmitter<Events> {
  readonly controller: Controller;
  readonly recorder: MetricsRecorder;
  readonly variables: VariableStore;
  private readonly clock: IntervalClock;
  private readonly sampler = new UtilizationSampler();
  private readonly series: MetricSnapshot[] = [];
  private readonly shape: LoadShape | undefined;
  private startedAt = 0;
  private endReason: RunResult['endReason'] = 'completed';
  private durationTimer: NodeJS.Timeout | undefined;
  private finished: Promise<RunResult> | undefined;

  private constructor(
    readonly config: RunConfig,
    readonly loaded: LoadedScenario,
    private readonly resolvedSources: Record<string, ValueSource>,
    variables: VariableStore,
  ) {
    super();
    const nodeId = config.nodeId ?? 'local';
    this.variables = variables;
    this.recorder = new MetricsRecorder({ source: nodeId });
    this.controller = new Controller({
      nodeId,
      loaded,
      variables,
      recorder: this.recorder,
      userRate: config.userRate,
      maintain: config.maintain,
      gracePeriodMs: config.gracePeriodMs,
    });
    this.controller.on('user-error', (e) => this.emit('user-error', e));
    this.clock = new IntervalClock((start, end) => this.onInterval(start, end), {
      // A failing snapshot must not take the run down; the next interval will include what this one missed.
      onError: (error) => process.emitWarning(`rookery: metric snapshot failed: ${(error as Error)?.message ?? error}`),
    });
    if (config.stages.length > 0) this.shape = new LoadShape(this.controller, stagesToTimeline(config.users, config.stages));
  }

  /** Compiles, loads and checks everything; throws a RookeryError (and starts nothing) on bad input. */
  static async prepare(config: RunConfig): Promise<LocalRun> {
    if (!Number.isInteger(config.users) || config.users < 0) {
      throw new RookeryError('ROOKERY_USAGE', `invalid user count ${config.users}: give a non-negative integer`);
    }
    if (!(config.userRate > 0)) throw new RookeryError('ROOKERY_USAGE', `invalid user rate ${config.userRate}: give users per minute > 0`);
    const loaded = loadScenario(await compileScenario(config.scenarioFile));
    const declarations = loaded.scenario.variables as Parameters<typeof resolveVariables>[0];
    const resolved = resolveVariables(declarations, { env: config.env, plan: config.planVariables, cli: config.cliVariables });
    const store = new VariableStore(declarations, resolved.values, resolved.sources);
    return new LocalRun(config, loaded, resolved.sources, store);
  }

  /** Runs init and starts users; resolves with the result when the run ends (completed, duration, stop). */
  async start(): Promise<RunResult> {
    this.startedAt = Date.now();
    this.sampler.sample();
    await this.controller.start(this.shape ? 0 : this.config.users).catch((error) => {
      this.clock.stop();
      throw error;
    });
    this.clock.start();
    this.finished = new Promise<RunResult>((resolve, reject) => {
      const finish = () => this.finish().then(resolve, reject);
      this.controller.once('status', function onStatus(this: Controller, s) {
        if (s.status === 'finished') finish();
        else this.once('status', onStatus);
      });
    });
    if (this.config.durationMs !== undefined) {
      this.durationTimer = setTimeout(() => this.stop('duration'), this.config.durationMs);
    }
    // A load shape defines the run's length: when its last point is applied, the run ends (gracefully).
    if (this.shape) this.shape.start(() => void this.stop('completed'));
    else if (!this.config.maintain) this.stopWhenIdle();
    return this.finished;
  }

  /** Stops the run (graceful; `force` aborts users at once). Resolves with the result. */
  stop(reason: RunResult['endReason'] = 'stopped', options: { force?: boolean } = {}): Promise<RunResult> {
    if (this.endReason === 'completed') this.endReason = reason;
    clearTimeout(this.durationTimer);
    this.shape?.stop();
    void this.controller.stop(options);
    return this.finished ?? Promise.reject(new RookeryError('ROOKERY_STATE', 'the run was not started'));
  }

  /** Without stages or `maintain`, the run ends when every user has finished (or at its duration). */
  private stopWhenIdle(): void {
    void this.controller.whenIdle().then(() => {
      if (this.controller.status().status === 'running') void this.stop('completed');
    });
  }

  private onInterval(start: number, end: number): MetricSnapshot {
    const snapshot = this.recorder.takeSnapshot(start, end, this.sampler.sample());
    this.series.push(snapshot);
    this.emit('snapshot', snapshot);
    return snapshot;
  }

  private async finish(): Promise<RunResult> {
    clearTimeout(this.durationTimer);
    this.shape?.stop();
    this.clock.stop();
    const endedAt = Date.now();
    const accumulator = new SnapshotAccumulator({ gauges: 'latest' });
    for (const s of this.series) accumulator.add(s);
    const total = accumulator.snapshot();
    const summary = summarize(total, endedAt - this.startedAt, accumulator.peakUtilization, {
      peakActive: accumulator.peakActive,
      histograms: accumulator,
    });
    const { env: _env, ...config } = this.config;
    return {
      config,
      variables: { values: this.variables.values(), sources: this.resolvedSources },
      startedAt: this.startedAt,
      endedAt,
      endReason: this.endReason,
      series: this.series,
      total,
      summary,
    };
  }
}
