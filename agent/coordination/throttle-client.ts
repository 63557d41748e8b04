/**
 * A worker thread's side of the run's throttles (amoc_throttle). The run's coordinator holds each throttle's rate
 * and leases every agent a share of it (split by the agent over its workers); this worker enforces its share
 * locally with the throttle engine, so no action waits for a network round trip. Changes of the rate (changeRate,
 * gradual changes, pause, resume, unlock, stop) go to the coordinator, which sends everyone new shares. Until its
 * first lease arrives a throttle lets nothing through here.
 *
 * Every second the worker reports its demand per throttle (requests in that second plus those still queued), by
 * which the coordinator rebalances the shares.
 */
import { RookeryError } from '../common/errors';
import type { ThrottleLease, ThrottleOp } from '../protocol/cluster';
import { Throttles } from './throttle';
import { normalizeThrottleConfig, type ThrottleConfig } from './throttle-config';
import type { GradualChange } from './gradual-rate';

export const THROTTLE_COUNTERS = {
  requests: (name: string) => `rookery.throttle.${name}.requests`,
  executions: (name: string) => `rookery.throttle.${name}.executions`,
};

export class ThrottleClient {
  private readonly throttles: Throttles;
  private readonly requestsAt = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly post: (op: ThrottleOp) => void,
    /** Counts requests and executions per throttle (custom counters of the run). */
    count: (counter: string) => void,
    onRunError: (name: string, error: unknown) => void,
  ) {
    this.throttles = new Throttles({
      onEvent: (name, event) => count(event === 'request' ? THROTTLE_COUNTERS.requests(name) : THROTTLE_COUNTERS.executions(name)),
      onRunError,
    });
    this.timer = setInterval(() => this.reportDemand(), 1000);
    this.timer.unref();
  }

  start(name: string, config: ThrottleConfig): void {
    const limit = normalizeThrottleConfig(name, config);
    if (this.throttles.has(name)) {
      this.throttles.start(name, config); // the same config again is a no-op; another one throws
      return;
    }
    this.throttles.start(name, config);
    this.throttles.changeRate(name, { rate: 0, interval: limit.interval }); // nothing until the lease arrives
    this.requestsAt.set(name, 0);
    this.post({ kind: 'start', name, rate: limit.rate, interval: limit.interval });
  }

  async wait(name: string, signal?: AbortSignal): Promise<void> {
    (await this.throttles.wait(name, signal))();
  }

  run(name: string, fn: () => unknown): void {
    this.throttles.run(name, fn);
  }

  changeRate(name: string, config: ThrottleConfig): void {
    this.known(name);
    const limit = normalizeThrottleConfig(name, config);
    this.post({ kind: 'change', name, rate: limit.rate, interval: limit.interval });
  }

  changeRateGradually(name: string, change: GradualChange): void {
    this.known(name);
    this.post({ kind: 'gradual', name, change });
  }

  pause(name: string): void {
    this.known(name);
    this.post({ kind: 'pause', name });
  }

  resume(name: string): void {
    this.known(name);
    this.post({ kind: 'resume', name });
  }

  unlock(name: string): void {
    this.known(name);
    this.post({ kind: 'unlock', name });
  }

  stop(name: string): void {
    this.known(name);
    this.post({ kind: 'stop', name });
  }

  /** This worker's new share of a throttle. */
  lease(lease: ThrottleLease): void {
    if (!this.throttles.has(lease.name)) return;
    if (lease.stopped) {
      this.throttles.stop(lease.name);
      this.requestsAt.delete(lease.name);
      return;
    }
    this.throttles.changeRate(lease.name, { rate: lease.rate, interval: lease.interval });
  }

  close(): void {
    clearInterval(this.timer);
    this.throttles.close();
  }

  private reportDemand(): void {
    const demands: Record<string, number> = {};
    for (const [name, before] of this.requestsAt) {
      if (!this.throttles.has(name)) continue;
      const stats = this.throttles.stats(name);
      demands[name] = stats.requests - before + stats.queued;
      this.requestsAt.set(name, stats.requests);
    }
    if (Object.keys(demands).length > 0) this.post({ kind: 'demand', demands });
  }

  private known(name: string): void {
    if (!this.throttles.has(name)) {
      throw new RookeryError('ROOKERY_STATE', `throttle "${name}" was not started`, { hint: 'start it in init with throttle.start(name, { rate, interval })' });
    }
  }
}
