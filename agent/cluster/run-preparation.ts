/**
 * The prepare handshake of a cluster run: run/prepare to every agent, then wait until all answered run/prepared.
 * Any failure — an agent's run/failed, an agent lost, the timeout, a stop — ends it at once: every agent that may
 * have loaded workers is told run/stop (forced), and the wait rejects with the reason. No user starts anywhere.
 */
import type { RookeryError } from '../common/errors';
import type { CoordinatorMessage } from '../protocol/cluster';
import type { RunAgent, RunAgents } from './run-agents';

export class RunPreparation {
  private resolve: (() => void) | undefined;
  private reject: ((error: RookeryError) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly runId: string,
    private readonly agents: RunAgents,
    private readonly timeoutMs: number,
    private readonly timeoutError: (late: RunAgent[]) => RookeryError,
  ) {}

  /** True between `start` and its end. */
  get pending(): boolean {
    return this.resolve !== undefined;
  }

  /** Sends each agent its run/prepare; resolves when every agent is prepared. */
  start(messageFor: (agent: RunAgent, index: number) => CoordinatorMessage): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.timer = setTimeout(() => this.fail(this.timeoutError(this.agents.inPhase('preparing'))), this.timeoutMs);
    this.agents.all().forEach((agent, index) => {
      this.agents.move(agent, 'preparing', 'preparing');
      this.agents.send(agent, messageFor(agent, index));
    });
    return done;
  }

  /** The agent answered run/prepared. */
  prepared(agent: RunAgent): void {
    if (!this.pending || agent.phase !== 'preparing') return;
    this.agents.move(agent, 'prepared');
    if (this.agents.all().every((a) => a.phase === 'prepared')) this.finish()?.resolve();
  }

  /** Ends the handshake with `error`; returns false if it had already ended. */
  fail(error: RookeryError): boolean {
    const ending = this.finish();
    if (!ending) return false;
    for (const agent of this.agents.all()) {
      if (agent.phase === 'lost') continue;
      // Agents that prepared have workers loaded; the one that failed started nothing, and a stop is harmless there.
      this.agents.send(agent, { type: 'run/stop', runId: this.runId, force: true });
      this.agents.move(agent, 'stopped', 'ready');
    }
    ending.reject(error);
    return true;
  }

  private finish(): { resolve: () => void; reject: (error: RookeryError) => void } | undefined {
    if (!this.resolve || !this.reject) return undefined;
    const ending = { resolve: this.resolve, reject: this.reject };
    clearTimeout(this.timer);
    this.resolve = undefined;
    this.reject = undefined;
    return ending;
  }
}
