/**
 * The run's events turned into the sentences of the dashboard's warnings: lost agents, overloaded agents, user
 * errors, failed commands, a threshold that stopped the run. Counts rather than one line per event, so a run with
 * thousands of user errors keeps one warning about them (memory: one entry per agent, a few counters).
 */
import type { RunEvent } from '../../agent/protocol/control';

interface Overload {
  name: string;
  times: number;
  peak: number;
}

export class RunWarnings {
  private readonly lost = new Map<string, { name: string; users: number; policy: string; reconnected: boolean }>();
  private readonly overloaded = new Map<string, Overload>();
  private userErrors = 0;
  private lastUserError: { message: string; where?: string } | undefined;
  private commandFailures = 0;
  private lastCommandFailure: { command: string; agentId: string; message: string } | undefined;
  private readonly thresholds = new Map<string, string>();
  private readonly notes: string[] = [];

  /** Counts one event; returns true when it changes the warnings. */
  add(event: RunEvent): boolean {
    switch (event.kind) {
      case 'agent-lost':
        this.lost.set(event.agentId, { name: event.name, users: event.users, policy: event.policy, reconnected: false });
        return true;
      case 'agent-reconnected': {
        const lost = this.lost.get(event.agentId);
        if (lost === undefined) return false;
        lost.reconnected = true;
        return true;
      }
      case 'agent-overloaded': {
        const known = this.overloaded.get(event.agentId);
        if (known === undefined) this.overloaded.set(event.agentId, { name: event.name, times: 1, peak: event.utilization });
        else {
          known.times++;
          known.peak = Math.max(known.peak, event.utilization);
        }
        return true;
      }
      case 'user-error':
        this.userErrors++;
        this.lastUserError = event.where === undefined ? { message: event.message } : { message: event.message, where: event.where };
        return true;
      case 'command-failed':
        this.commandFailures++;
        this.lastCommandFailure = { command: event.command, agentId: event.agentId, message: event.message };
        return true;
      case 'threshold-failed':
        this.thresholds.set(event.threshold, event.line);
        return true;
      default:
        return false;
    }
  }

  /** Agent ids reported lost (and not reconnected). */
  lostAgents(): Set<string> {
    return new Set([...this.lost].filter(([, l]) => !l.reconnected).map(([id]) => id));
  }

  get userErrorCount(): number {
    return this.userErrors;
  }

  /** A sentence of the extension's own (why a run was lost), shown first. */
  note(sentence: string): void {
    if (!this.notes.includes(sentence)) this.notes.push(sentence);
  }

  sentences(): string[] {
    const out: string[] = [...this.notes];
    for (const [agentId, l] of this.lost) {
      out.push(
        `agent ${l.name} (${agentId}) was lost with ${l.users} user${l.users === 1 ? '' : 's'} (on agent loss: ${l.policy})` +
          (l.reconnected ? '; it reconnected later' : ''),
      );
    }
    for (const [agentId, o] of this.overloaded) {
      out.push(
        `agent ${o.name} (${agentId}) was overloaded ${o.times} time${o.times === 1 ? '' : 's'} (utilization up to ${o.peak.toFixed(2)}): ` +
          'the load generator, not the target, may be the bottleneck',
      );
    }
    if (this.userErrors > 0 && this.lastUserError) {
      const where = this.lastUserError.where ? ` (at ${this.lastUserError.where})` : '';
      out.push(`${this.userErrors} user error${this.userErrors === 1 ? '' : 's'}; last: ${this.lastUserError.message}${where}`);
    }
    if (this.commandFailures > 0 && this.lastCommandFailure) {
      const c = this.lastCommandFailure;
      out.push(`${this.commandFailures} command${this.commandFailures === 1 ? '' : 's'} failed on agents; last: ${c.command} on ${c.agentId}: ${c.message}`);
    }
    for (const [threshold, line] of this.thresholds) out.push(`threshold ${threshold} failed (${line}): the run was stopped`);
    return out;
  }
}
