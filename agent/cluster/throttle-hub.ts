/**
 * The throttles (amoc_throttle) of one cluster run, held by the coordinator: each throttle's rate, and the share
 * of it leased to each agent (which splits it over its workers, which enforce it locally — no execution waits for
 * a network round trip). Shares are whole executions per interval and never add up to more than the rate.
 *
 * Shares follow demand: agents report their requests every second and the shares are rebalanced in proportion to
 * demand plus workers (an idle agent keeps a little). A worker's window may still hold executions of its previous
 * share, so when shares move between agents the decreases apply at once and the increases only one interval later:
 * the global rate is never exceeded in any window, at the cost of a little unused rate while shares move. A change
 * of the rate itself (changeRate, a gradual step, pause, resume, unlock) applies to every agent at once.
 */
import { runGradualChange, planGradualChange, type GradualRun } from '../coordination/gradual-rate';
import type { ThrottleLease, ThrottleOp } from '../protocol/cluster';
import { apportion } from './id-ranges';

/** Demand differences under this share of the rate do not move leases (no churn for noise). */
const REBALANCE_THRESHOLD = 0.2;

interface HubThrottle {
  name: string;
  rate: number;
  interval: number;
  paused: boolean;
  unlocked: boolean;
  stopped: boolean;
  demand: Map<string, number>;
  shares: Map<string, number>;
  gradual?: GradualRun;
  pending?: NodeJS.Timeout;
}

export interface HubAgent {
  agentId: string;
  workers: number;
}

export class ThrottleHub {
  private readonly throttles = new Map<string, HubThrottle>();

  constructor(
    private readonly send: (agentId: string, lease: ThrottleLease) => void,
    private readonly liveAgents: () => HubAgent[],
    private readonly warn: (message: string) => void,
  ) {}

  apply(agentId: string, op: ThrottleOp): void {
    if (op.kind === 'demand') {
      for (const [name, demand] of Object.entries(op.demands)) {
        const t = this.throttles.get(name);
        if (!t || t.stopped) continue;
        t.demand.set(agentId, demand);
        this.rebalance(t);
      }
      return;
    }
    if (op.kind === 'start') {
      const existing = this.throttles.get(op.name);
      if (existing) {
        if (existing.rate !== op.rate || existing.interval !== op.interval) {
          this.warn(`throttle "${op.name}": an agent started it with another rate; the first one stays`);
        }
        this.lease(existing, agentId); // a late agent gets its share
        return;
      }
      const t: HubThrottle = { name: op.name, rate: op.rate, interval: op.interval, paused: false, unlocked: false, stopped: false, demand: new Map(), shares: new Map() };
      this.throttles.set(op.name, t);
      this.assign(t, this.split(t), true);
      return;
    }
    const t = this.throttles.get(op.name);
    if (!t || t.stopped) {
      this.warn(`throttle "${op.name}": ${op.kind} ${t ? 'after it was stopped' : 'before it was started'}`);
      return;
    }
    if (op.kind !== 'pause' && op.kind !== 'resume') this.cancelGradual(t);
    switch (op.kind) {
      case 'change':
        t.rate = op.rate;
        t.interval = op.interval;
        t.unlocked = false;
        t.paused = op.rate === 0;
        break;
      case 'gradual':
        try {
          const plan = planGradualChange(t.name, op.change);
          t.gradual = runGradualChange(plan, (rate, interval) => {
            t.rate = rate;
            t.interval = interval;
            t.unlocked = false;
            this.assign(t, this.split(t), true);
          });
        } catch (error) {
          this.warn((error as Error).message);
        }
        return;
      case 'pause':
        t.paused = true;
        break;
      case 'resume':
        t.paused = false;
        break;
      case 'unlock':
        t.unlocked = true;
        t.paused = false;
        break;
      case 'stop':
        t.stopped = true;
        clearTimeout(t.pending);
        for (const agent of this.liveAgents()) this.send(agent.agentId, { name: t.name, rate: 0, interval: t.interval, stopped: true });
        return;
    }
    this.assign(t, this.split(t), true);
  }

  /** An agent left: its share goes to the others (one interval later, as any increase that moves shares). */
  agentLost(agentId: string): void {
    for (const t of this.throttles.values()) {
      t.shares.delete(agentId);
      t.demand.delete(agentId);
      if (!t.stopped) this.assign(t, this.split(t), false);
    }
  }

  close(): void {
    for (const t of this.throttles.values()) {
      this.cancelGradual(t);
      clearTimeout(t.pending);
    }
    this.throttles.clear();
  }

  /** Shares by agent for the throttle's state now. */
  private split(t: HubThrottle): Map<string, number> {
    const agents = this.liveAgents();
    const shares = new Map<string, number>();
    if (t.unlocked || t.rate === Infinity) {
      for (const a of agents) shares.set(a.agentId, Infinity);
      return shares;
    }
    if (t.paused || t.rate <= 0 || agents.length === 0) {
      for (const a of agents) shares.set(a.agentId, 0);
      return shares;
    }
    const weights = agents.map((a) => Math.round(t.demand.get(a.agentId) ?? 0) + a.workers);
    if (t.rate < 1) {
      // Less than one execution per interval: all of it to the agent that wants it most.
      const top = weights.indexOf(Math.max(...weights));
      agents.forEach((a, i) => shares.set(a.agentId, i === top ? t.rate : 0));
      return shares;
    }
    // Every agent keeps at least one execution per interval when the rate allows, so that demand appearing there
    // is served (and reported) at once; the rest follows demand.
    const total = Math.floor(t.rate);
    const floor = total >= agents.length ? 1 : 0;
    const parts = apportion(total - floor * agents.length, weights);
    agents.forEach((a, i) => shares.set(a.agentId, parts[i]! + floor));
    return shares;
  }

  /** Rebalances by demand when the shares it would give differ enough from the current ones. */
  private rebalance(t: HubThrottle): void {
    if (t.unlocked || t.paused || t.pending || t.rate === Infinity || t.rate < 1) return;
    const next = this.split(t);
    let moved = 0;
    for (const [agentId, share] of next) moved += Math.abs(share - (t.shares.get(agentId) ?? 0));
    if (moved / 2 >= Math.max(1, REBALANCE_THRESHOLD * t.rate)) this.assign(t, next, false);
  }

  /**
   * Sends new shares. `atOnce`: the rate itself changed, every share follows now. Otherwise shares move between
   * agents: decreases now, increases one interval later (so no window holds an old and a new share at once).
   */
  private assign(t: HubThrottle, next: Map<string, number>, atOnce: boolean): void {
    clearTimeout(t.pending);
    t.pending = undefined;
    const later: [string, number][] = [];
    for (const [agentId, share] of next) {
      const current = t.shares.get(agentId);
      if (current === share) continue;
      if (atOnce || current === undefined || share < current) {
        t.shares.set(agentId, share);
        this.send(agentId, { name: t.name, rate: share, interval: t.interval });
      } else {
        later.push([agentId, share]);
      }
    }
    if (later.length === 0) return;
    t.pending = setTimeout(() => {
      t.pending = undefined;
      if (t.stopped) return;
      for (const [agentId, share] of later) {
        if (!this.liveAgents().some((a) => a.agentId === agentId)) continue;
        t.shares.set(agentId, share);
        this.send(agentId, { name: t.name, rate: share, interval: t.interval });
      }
    }, t.interval);
    t.pending.unref();
  }

  private lease(t: HubThrottle, agentId: string): void {
    const share = t.shares.get(agentId);
    if (share !== undefined) this.send(agentId, { name: t.name, rate: share, interval: t.interval });
  }

  private cancelGradual(t: HubThrottle): void {
    t.gradual?.cancel();
    t.gradual = undefined;
  }
}
