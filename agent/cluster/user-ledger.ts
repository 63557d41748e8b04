/**
 * The users of a cluster run, per agent: the id ranges each agent was given, the next id, how many users each
 * agent should have (the target a load shape steers), and what each agent last reported (run/status).
 *
 * Commands and reports cross the link in opposite directions, so a status may have been made before the agent saw
 * the latest add or remove. The ledger therefore keeps its own commanded target per agent and trusts the agent's
 * report only once `settleMs` have passed since the last command to it: agents report a change within a second,
 * so by then the last status received reflects every command (the default settle, 2 s, is twice that cadence).
 * A trusted report replaces the commanded target (users that finished on their own are no longer counted), and
 * only a trusted report can say the agent is idle.
 */
import type { IdRange } from '../protocol/cluster';
import { lowestIds, resplitRanges, splitRemove, splitUsers, type IdAssignment } from './id-ranges';

/** How long after a command an agent's status is trusted to reflect it. */
export const DEFAULT_STATUS_SETTLE_MS = 2000;

export interface ReportedStatus {
  runningUsers: number;
  pendingUsers: number;
  idle: boolean;
}

interface LedgerAgent {
  agentId: string;
  workers: number;
  ranges: IdRange[];
  /** Users (running + queued) this agent should have, as commanded or as last trusted. */
  target: number;
  reported: ReportedStatus | undefined;
  lastCommandAt: number;
  /** False once lost or stopped: takes no more users and counts for nothing. */
  live: boolean;
}

export class UserLedger {
  private nextIdValue = 1;
  private readonly agents = new Map<string, LedgerAgent>();

  constructor(
    agents: readonly { agentId: string; workers: number }[],
    private readonly now: () => number = Date.now,
    private readonly settleMs = DEFAULT_STATUS_SETTLE_MS,
  ) {
    const at = now();
    for (const a of agents) {
      this.agents.set(a.agentId, { agentId: a.agentId, workers: a.workers, ranges: [], target: 0, reported: undefined, lastCommandAt: at, live: true });
    }
  }

  get nextId(): number {
    return this.nextIdValue;
  }

  get highestUserId(): number {
    return this.nextIdValue - 1;
  }

  /** Users every live agent should have: what a load shape steers. */
  get targetUsers(): number {
    let sum = 0;
    for (const a of this.agents.values()) if (a.live) sum += this.target(a);
    return sum;
  }

  /** Running users as last reported by live agents. */
  get runningUsers(): number {
    let sum = 0;
    for (const a of this.agents.values()) if (a.live) sum += a.reported?.runningUsers ?? 0;
    return sum;
  }

  get pendingUsers(): number {
    let sum = 0;
    for (const a of this.agents.values()) if (a.live) sum += a.reported?.pendingUsers ?? 0;
    return sum;
  }

  isLive(agentId: string): boolean {
    return this.agents.get(agentId)?.live ?? false;
  }

  liveAgents(): { agentId: string; workers: number }[] {
    return [...this.agents.values()].filter((a) => a.live).map((a) => ({ agentId: a.agentId, workers: a.workers }));
  }

  /** The live agent that was given user `id` (after a redistribution: the survivor that took it over). */
  ownerOf(id: number): string | undefined {
    for (const agent of this.agents.values()) {
      if (agent.live && agent.ranges.some((r) => id >= r.from && id <= r.to)) return agent.agentId;
    }
    return undefined;
  }

  ranges(agentId: string): IdRange[] {
    return (this.agents.get(agentId)?.ranges ?? []).map((r) => ({ ...r }));
  }

  /** The agent's target users (commanded, or last trusted report). */
  targetOf(agentId: string): number {
    const a = this.agents.get(agentId);
    return a ? this.target(a) : 0;
  }

  /**
   * Plans (and records) `count` new users with the next ids, over the named live agents or all live ones, in
   * proportion to workers, topping up the agents furthest below their share first.
   */
  planAdd(count: number, agentIds?: readonly string[]): IdAssignment[] {
    const chosen = (agentIds ?? [...this.agents.keys()]).map((id) => this.agents.get(id)).filter((a): a is LedgerAgent => a !== undefined && a.live);
    const { assignments, nextId } = splitUsers(count, this.nextIdValue, chosen.map((a) => ({ agentId: a.agentId, workers: a.workers, users: this.target(a) })));
    this.nextIdValue = nextId;
    for (const assignment of assignments) this.give(assignment);
    return assignments;
  }

  /** Plans (and records) removing `count` users over live agents, in proportion to their target users. */
  planRemove(count: number): { agentId: string; count: number }[] {
    const live = [...this.agents.values()].filter((a) => a.live);
    const plan = splitRemove(count, live.map((a) => ({ agentId: a.agentId, users: this.target(a) })));
    for (const { agentId, count: n } of plan) {
      const a = this.agents.get(agentId)!;
      a.target = Math.max(0, this.target(a) - n);
      a.lastCommandAt = this.now();
    }
    return plan;
  }

  /**
   * Takes a lost agent out and plans restarting its users on the live agents: as many ids as it should have had
   * (its lowest ids — removal takes the highest first, so those are the ones it was running), split by workers.
   */
  planRedistribute(lostId: string): { ranges: IdRange[]; assignments: IdAssignment[] } {
    const lost = this.agents.get(lostId);
    if (!lost) return { ranges: [], assignments: [] };
    const users = lost.live ? this.target(lost) : 0;
    this.retire(lostId);
    const ranges = lowestIds(lost.ranges, users);
    const survivors = [...this.agents.values()].filter((a) => a.live);
    if (survivors.length === 0) return { ranges, assignments: [] };
    const assignments = resplitRanges(ranges, survivors);
    for (const assignment of assignments) this.give(assignment);
    return { ranges, assignments };
  }

  /** The agent takes no more part (lost, or stopped). */
  retire(agentId: string): void {
    const a = this.agents.get(agentId);
    if (!a) return;
    a.live = false;
    a.target = 0;
  }

  applyStatus(agentId: string, status: ReportedStatus): void {
    const a = this.agents.get(agentId);
    if (!a) return;
    a.reported = { runningUsers: status.runningUsers, pendingUsers: status.pendingUsers, idle: status.idle };
    this.target(a);
  }

  reported(agentId: string): ReportedStatus | undefined {
    const r = this.agents.get(agentId)?.reported;
    return r ? { ...r } : undefined;
  }

  /** Milliseconds until the agent's reports are trusted again (0 when they are). */
  settlesIn(agentId: string): number {
    const a = this.agents.get(agentId);
    return a ? Math.max(0, a.lastCommandAt + this.settleMs - this.now()) : 0;
  }

  /**
   * True when every live agent is idle by a trusted report, or — never having reported — was never given a user.
   * False when no agent is live (the caller decides what a run without agents means).
   */
  allIdle(): boolean {
    const live = [...this.agents.values()].filter((a) => a.live);
    if (live.length === 0) return false;
    return live.every((a) => {
      if (this.settlesIn(a.agentId) > 0) return false;
      return a.reported ? a.reported.idle : a.ranges.length === 0;
    });
  }

  private give(assignment: IdAssignment): void {
    const a = this.agents.get(assignment.agentId)!;
    a.ranges.push(...assignment.ranges.map((r) => ({ ...r })));
    a.target = this.target(a) + assignment.count;
    a.lastCommandAt = this.now();
  }

  /** The target, replaced by the agent's report once that report is trusted. */
  private target(a: LedgerAgent): number {
    if (a.live && a.reported && this.now() - a.lastCommandAt >= this.settleMs) {
      a.target = a.reported.runningUsers + a.reported.pendingUsers;
    }
    return a.target;
  }
}
