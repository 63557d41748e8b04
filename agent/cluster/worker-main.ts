/**
 * A worker thread's entry: one node in amoc's sense. It loads the scenario bundle the agent was given, runs `init`
 * once in this thread (its state lives here and cannot cross threads), runs the users of the id ranges it is
 * handed through a Controller, and posts one snapshot per second plus its status changes to the agent
 * (agent/cluster/worker-pool.ts). Protocol: agent/protocol/worker.ts.
 *
 * Every request gets exactly one `worker/reply`. Commands wait for `prepare` to finish (the pool never sends them
 * earlier, but a stop racing a slow `init` must not find a half-made controller), and otherwise run concurrently,
 * so a forced stop can escalate a graceful one still waiting for its users. An exception that escapes the scenario
 * (a throw in a timer it set) is left to end the thread: the pool receives it with its stack and reports it; the
 * thread's state after such a throw cannot be trusted.
 */
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { RookeryError } from '../common/errors';
import { BarrierClient } from '../coordination/barrier-client';
import type { GradualChange } from '../coordination/gradual-rate';
import type { ThrottleConfig } from '../coordination/throttle-config';
import { ThrottleClient } from '../coordination/throttle-client';
import { Controller } from '../controller/controller';
import { IntervalClock } from '../metrics/interval';
import { MetricsRecorder } from '../metrics/recorder';
import { UtilizationSampler } from '../metrics/utilization';
import type { FromWorker, ToWorker } from '../protocol/worker';
import type { CompiledScenario } from '../scenario/compile';
import { loadScenario } from '../scenario/load';
import type { VariableDeclarations } from '../variables/resolve';
import { VariableStore } from '../variables/store';
import { workerFailure, type WorkerData, type WorkerReplyResult } from './worker-messages';

/** User errors posted to the agent per worker; the summary counts them all, these are for live messages. */
const MAX_USER_ERRORS = 20;

type Prepare = Extract<ToWorker, { type: 'worker/prepare' }>;

interface Node {
  controller: Controller;
  clock: IntervalClock<void>;
}

class WorkerNode {
  private preparing: Promise<Node> | undefined;
  private barriers: BarrierClient | undefined;
  private throttles: ThrottleClient | undefined;
  private userErrors = 0;

  constructor(
    private readonly port: MessagePort,
    private readonly cores: number,
  ) {}

  handle(message: ToWorker): void {
    if (message?.type === 'worker/deliver') {
      // No reply: delivered to the user, or dropped and counted (also before prepare finished).
      void this.preparing?.then((node) => node.controller.deliver(message.message), () => undefined);
      return;
    }
    if (message?.type === 'worker/barrier-fire') {
      void this.barriers?.fire(message.fire);
      return;
    }
    if (message?.type === 'worker/throttle-lease') {
      this.throttles?.lease(message.lease);
      return;
    }
    const requestId = message?.requestId;
    const fail = (error: unknown) => this.post({ type: 'worker/reply', requestId, ok: false, ...workerFailure(error) });
    this.dispatch(message).then((result) => {
      try {
        this.post({ type: 'worker/reply', requestId, ok: true, result });
      } catch (error) {
        // A result that cannot be cloned must still be answered, or the agent waits for the timeout.
        fail(error);
      }
    }, fail);
  }

  private async dispatch(message: ToWorker): Promise<WorkerReplyResult> {
    if (message?.type === 'worker/prepare') {
      if (this.preparing) throw new RookeryError('ROOKERY_STATE', 'this worker is already prepared for a run');
      this.preparing = this.prepare(message);
      return this.report((await this.preparing).controller);
    }
    if (!this.preparing) {
      if (message?.type === 'worker/stop') return { status: { status: 'idle' }, idle: true };
      throw new RookeryError('ROOKERY_STATE', `${String(message?.type)} before worker/prepare`);
    }
    const node = await this.preparing.catch((error: unknown) => {
      throw new RookeryError('ROOKERY_STATE', `this worker's run failed to prepare: ${(error as Error)?.message ?? String(error)}`);
    });
    const { controller } = node;
    switch (message.type) {
      case 'worker/add-users':
        controller.addIds(message.ranges);
        return this.report(controller);
      case 'worker/remove-users':
        controller.remove(message.count, { force: message.force });
        return this.report(controller);
      case 'worker/update-variables':
        return { ...this.report(controller), applied: await controller.updateVariables(message.changes) };
      case 'worker/set-rate':
        controller.setUserRate(message.userRate);
        return this.report(controller);
      case 'worker/deliver':
      case 'worker/barrier-fire':
      case 'worker/throttle-lease':
        throw new RookeryError('ROOKERY_INTERNAL', `${message.type} is not a request`);
      case 'worker/stop': {
        const stopping = controller.stop({ force: message.force });
        // Users waiting on a throttle are being stopped: release them (their rejection counts as a stop).
        this.throttles?.close();
        await stopping;
        // The final interval goes out before the reply: the agent sends run/stopped after its last snapshot.
        node.clock.stop();
        return this.report(controller);
      }
      default:
        throw new RookeryError('ROOKERY_INTERNAL', `unknown worker request ${String((message as { type?: unknown }).type)}`);
    }
  }

  private async prepare(message: Prepare): Promise<Node> {
    const { scenario } = message;
    const compiled: CompiledScenario = {
      file: scenario.file,
      // Where compile.ts puts it: beside the entry file, so the source map's relative paths resolve to the sources.
      bundlePath: join(dirname(scenario.file), `${basename(scenario.file).replace(/\.[cm]?[jt]sx?$/, '')}.rookery.js`),
      code: scenario.code,
      sources: scenario.sources,
    };
    const loaded = loadScenario(compiled);
    // The coordinator resolved and verified the values; the store still refuses missing or undeclared names.
    const variables = new VariableStore(loaded.scenario.variables as VariableDeclarations, message.variables);
    const recorder = new MetricsRecorder({ source: message.nodeId });
    const controller = new Controller({
      nodeId: message.nodeId,
      loaded,
      variables,
      recorder,
      userRate: message.userRate,
      maintain: message.maintain,
      gracePeriodMs: message.gracePeriodMs,
      // Messages to users of other workers or agents go up to the agent, which knows who runs which ids.
      route: (routed) => this.post({ type: 'worker/send', message: routed }),
    });
    // `send` exported by the scenario API (for init and coordination actions) sends from no user.
    (globalThis as Record<symbol, unknown>)[Symbol.for('rookery.send')] = (to: number, data: unknown) => controller.send(undefined, to, data);
    // `coordinator` of the scenario API: the run's coordinator holds the barriers; actions run back here.
    this.barriers = new BarrierClient(
      (op) => this.post({ type: 'worker/barrier', op }),
      (text) => controller.emit('user-error', { userId: 0, message: text }),
    );
    (globalThis as Record<symbol, unknown>)[Symbol.for('rookery.coordinator')] = this.barriers;
    // `throttle` of the scenario API: this worker enforces its lease of each throttle's rate.
    const throttles = new ThrottleClient(
      (op) => this.post({ type: 'worker/throttle', op }),
      (counter) => recorder.counter(counter, 1),
      (name, error) => controller.emit('user-error', { userId: 0, message: `throttle "${name}": run() function threw: ${(error as Error)?.message ?? String(error)}` }),
    );
    this.throttles = throttles;
    (globalThis as Record<symbol, unknown>)[Symbol.for('rookery.throttle')] = {
      start: (name: string, config: ThrottleConfig) => throttles.start(name, config),
      wait: (name: string, signal?: AbortSignal) => throttles.wait(name, signal),
      run: (name: string, fn: () => unknown) => throttles.run(name, fn),
      send: (name: string, userId: number, data: unknown) => throttles.run(name, () => controller.send(undefined, userId, data)),
      changeRate: (name: string, config: ThrottleConfig) => throttles.changeRate(name, config),
      changeRateGradually: (name: string, change: GradualChange) => throttles.changeRateGradually(name, change),
      pause: (name: string) => throttles.pause(name),
      resume: (name: string) => throttles.resume(name),
      unlock: (name: string) => throttles.unlock(name),
      stop: (name: string) => throttles.stop(name),
    };
    controller.on('status', () => this.postStatus(controller));
    controller.on('idle', () => this.postStatus(controller));
    controller.on('user-error', (e) => {
      if (this.userErrors >= MAX_USER_ERRORS) return;
      this.userErrors++;
      this.post({ type: 'worker/user-error', userId: e.userId, message: e.message, where: e.where });
    });
    const sampler = new UtilizationSampler({ cores: this.cores });
    const clock = new IntervalClock<void>(
      (start, end, final) => {
        const utilization = sampler.sample();
        const snapshot = recorder.takeSnapshot(start, end, utilization);
        this.post({ type: 'worker/snapshot', second: Math.floor(start / 1000), snapshot, figures: { users: controller.runningUsers, utilization } });
        // Running and queued users change without a status change: the agent hears of them once a second.
        if (!final) this.postStatus(controller);
      },
      { onError: (error) => process.emitWarning(`rookery worker: metric snapshot failed: ${(error as Error)?.message ?? String(error)}`) },
    );
    await controller.start(0);
    clock.start();
    return { controller, clock };
  }

  private report(controller: Controller): WorkerReplyResult {
    return { status: controller.status(), idle: controller.targetUsers === 0 };
  }

  private postStatus(controller: Controller): void {
    this.post({ type: 'worker/status', ...this.report(controller) });
  }

  private post(message: FromWorker): void {
    this.port.postMessage(message);
  }
}

/** Serves one agent's requests on `port` (the thread's parentPort). */
export function runWorker(port: MessagePort, data: WorkerData | undefined): void {
  // process.cpuUsage() is the whole process's: divide it by the cores the agent's threads can use.
  const cores = Math.max(1, Math.min(data?.workers ?? 1, availableParallelism()));
  const node = new WorkerNode(port, cores);
  port.on('message', (message: ToWorker) => node.handle(message));
}

if (parentPort) runWorker(parentPort, workerData as WorkerData | undefined);
