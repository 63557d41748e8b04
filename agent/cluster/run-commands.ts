/**
 * A cluster run's commands turned into per-agent messages: users added (the next ids, split by workers) and
 * removed (split by the users each agent has), a lost agent's users restarted on the others, variable updates
 * (verified in the coordinator first, all or nothing), and the user rate (split by workers). Whether the run is in
 * a state to take a command is the caller's business; bad arguments are refused here, before anything is sent.
 */
import { RookeryError } from '../common/errors';
import type { IdRange } from '../protocol/cluster';
import { VariablesError } from '../variables/variables-error';
import type { VariableStore } from '../variables/store';
import { splitRate, type IdAssignment } from './id-ranges';
import type { RunAgents } from './run-agents';
import type { UserLedger } from './user-ledger';

export class RunCommands {
  constructor(
    private readonly runId: string,
    private readonly agents: RunAgents,
    private readonly ledger: UserLedger,
    private readonly store: VariableStore,
  ) {}

  /** Adds users with the next ids, to all live agents or the named ones (ids or names), by workers. */
  addUsers(count: number, agentNames?: readonly string[]): IdAssignment[] {
    checkCount(count, 'add');
    const ids = agentNames?.map((name) => this.agents.findLive(name).entry.agentId);
    const assignments = this.ledger.planAdd(count, ids);
    this.sendAssignments(assignments);
    return assignments;
  }

  /** Removes users over the live agents in proportion to the users each has (queued first, then the highest ids). */
  removeUsers(count: number, force: boolean): { agentId: string; count: number }[] {
    checkCount(count, 'remove');
    const plan = this.ledger.planRemove(count);
    for (const { agentId, count: n } of plan) this.agents.send(this.agents.get(agentId)!, { type: 'run/remove-users', runId: this.runId, count: n, force });
    return plan;
  }

  /** Restarts a lost agent's users (its ids) on the live agents, by workers. */
  redistribute(lostId: string): { ranges: IdRange[]; assignments: IdAssignment[] } {
    const plan = this.ledger.planRedistribute(lostId);
    this.sendAssignments(plan.assignments);
    return plan;
  }

  /**
   * Verifies an update (read_only, unknown and invalid values reject the whole update: nothing changes, nothing is
   * sent), then sends the accepted values to every live agent. Resolves with the names applied.
   */
  async updateVariables(changes: Record<string, unknown>): Promise<string[]> {
    if (typeof changes !== 'object' || changes === null || Array.isArray(changes) || Object.keys(changes).length === 0) {
      throw new RookeryError('ROOKERY_USAGE', 'give the variables to update as an object of name: value');
    }
    const { applied, problems } = await this.store.update(changes);
    if (problems.length > 0) {
      throw new VariablesError(problems, {
        code: 'ROOKERY_UPDATE',
        message: 'variable update rejected: nothing was changed',
        hint: "only variables declared with update: 'none' or an update function can change during a run",
      });
    }
    const values = this.store.values();
    const accepted = Object.fromEntries(applied.map((name) => [name, values[name]]));
    for (const agent of this.agents.live()) this.agents.send(agent, { type: 'run/update-variables', runId: this.runId, changes: accepted });
    return applied;
  }

  /** Sends each live agent its share (by workers) of the cluster's user rate. */
  sendRates(userRate: number): { agentId: string; userRate: number }[] {
    if (typeof userRate !== 'number' || !Number.isFinite(userRate) || userRate < 0) {
      throw new RookeryError('ROOKERY_USAGE', `invalid user rate ${String(userRate)}: give users per minute >= 0`);
    }
    const shares = splitRate(userRate, this.ledger.liveAgents());
    for (const share of shares) this.agents.send(this.agents.get(share.agentId)!, { type: 'run/set-rate', runId: this.runId, userRate: share.userRate });
    return shares;
  }

  private sendAssignments(assignments: readonly IdAssignment[]): void {
    for (const assignment of assignments) {
      const agent = this.agents.get(assignment.agentId)!;
      this.agents.send(agent, { type: 'run/add-users', runId: this.runId, ranges: assignment.ranges });
      agent.entry.ranges = this.ledger.ranges(assignment.agentId);
    }
  }
}

function checkCount(n: number, what: string): void {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new RookeryError('ROOKERY_USAGE', `cannot ${what} ${String(n)} users: give a whole number >= 0`);
  }
}
