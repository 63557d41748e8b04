/**
 * The agents taking part in one cluster run: each one's session (its registry entry and link, fixed for the
 * run), its phase in the run, and sending to it. A newer session of the same agent is another entry: it never
 * receives this run's commands, and its messages are not this run's.
 */
import { RookeryError } from '../common/errors';
import type { CoordinatorMessage } from '../protocol/cluster';
import type { AgentState } from '../protocol/control';
import type { AgentEntry, AgentRegistry } from './agent-registry';

/** An agent's place in the run: `stopped` and `lost` are final; neither takes users any more. */
export type RunPhase = 'preparing' | 'prepared' | 'running' | 'stopping' | 'stopped' | 'lost';

export interface RunAgent {
  readonly entry: AgentEntry;
  phase: RunPhase;
}

export class RunAgents {
  private readonly byId = new Map<string, RunAgent>();
  private stopWaiters: (() => void)[] = [];

  constructor(
    entries: readonly AgentEntry[],
    private readonly registry: AgentRegistry,
    /** Told when a send throws (a link that is closing; its `closed` event follows). */
    private readonly onSendError: (agent: RunAgent, message: CoordinatorMessage, error: unknown) => void,
  ) {
    for (const entry of entries) this.byId.set(entry.agentId, { entry, phase: 'preparing' });
  }

  /** This run's agent for `entry`, if `entry` is the session taking part. */
  of(entry: AgentEntry): RunAgent | undefined {
    const agent = this.byId.get(entry.agentId);
    return agent?.entry === entry ? agent : undefined;
  }

  get(agentId: string): RunAgent | undefined {
    return this.byId.get(agentId);
  }

  /** In the order users are split over them. */
  all(): RunAgent[] {
    return [...this.byId.values()];
  }

  /** Neither lost nor stopped. */
  live(): RunAgent[] {
    return this.all().filter((a) => a.phase !== 'lost' && a.phase !== 'stopped');
  }

  inPhase(phase: RunPhase): RunAgent[] {
    return this.all().filter((a) => a.phase === phase);
  }

  /** A live agent by id or name, or a ROOKERY_USAGE error naming the agents that are. */
  findLive(idOrName: string): RunAgent {
    const agent = this.byId.get(idOrName) ?? this.all().find((a) => a.entry.name === idOrName);
    const live = this.live();
    if (!agent || !live.includes(agent)) {
      throw new RookeryError('ROOKERY_USAGE', `agent ${idOrName} ${agent ? 'no longer takes part in this run' : 'is not part of this run'}`, {
        where: 'agents',
        hint: `agents running this run: ${live.map((a) => `${a.entry.name} (${a.entry.agentId})`).join(', ') || 'none'}`,
      });
    }
    return agent;
  }

  send(agent: RunAgent, message: CoordinatorMessage): void {
    try {
      agent.entry.link.send(message);
    } catch (error) {
      this.onSendError(agent, message, error);
    }
  }

  /** Moves the agent to `phase` and its registry entry to `state` (unless the session is gone). */
  move(agent: RunAgent, phase: RunPhase, state?: AgentState): void {
    agent.phase = phase;
    if (state !== undefined && agent.entry.alive) this.registry.setState(agent.entry, state);
    if (this.inPhase('stopping').length === 0) for (const wake of this.stopWaiters.splice(0)) wake();
  }

  /**
   * Resolves once no agent is `stopping` (each confirmed, or was lost), or after `ms`, with the agents that are
   * still stopping then.
   */
  whenStopped(ms: number): Promise<RunAgent[]> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.stopWaiters = this.stopWaiters.filter((w) => w !== done);
        resolve(this.inPhase('stopping'));
      };
      const timer = setTimeout(done, ms);
      if (this.inPhase('stopping').length === 0) done();
      else this.stopWaiters.push(done);
    });
  }
}
