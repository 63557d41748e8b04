/**
 * The agents table of one run: which agents take part (seen in the run's points or events, or given ranges in a
 * cluster status while the run is current), their state (from the cluster status; `lost` from events), and their
 * figures — the latest second while the run goes on, the whole run once it has ended.
 */
import type { AgentInfo, AgentPoint, ClusterStatus, RunEvent, RunResultData } from '../../agent/protocol/control';
import type { AgentTableRow } from '../../agent/protocol/dashboard';
import { utilizationOf } from './dashboard-point';

/** State of an agent in a run that has ended (and did not lose it). */
export const FINISHED_AGENT_STATE = 'finished';

export class AgentRoster {
  private readonly names = new Map<string, string>();
  private readonly infos = new Map<string, AgentInfo>();
  private latest: AgentPoint[] = [];
  private readonly lost = new Set<string>();

  constructor(private readonly runId: string) {}

  /** A cluster status: agents' states; agents with id ranges join the run's roster while the run is current. */
  noteStatus(status: ClusterStatus): void {
    const current = status.run?.runId === this.runId;
    for (const agent of status.agents) {
      if (current && agent.ranges.length > 0 && !this.names.has(agent.agentId)) this.names.set(agent.agentId, agent.name);
      if (this.names.has(agent.agentId)) this.infos.set(agent.agentId, agent);
    }
  }

  /** The latest second's agent figures. */
  notePoint(agents: readonly AgentPoint[]): void {
    this.latest = agents.map((a) => ({ ...a }));
    for (const a of agents) this.names.set(a.agentId, a.name);
  }

  noteEvent(event: RunEvent): void {
    switch (event.kind) {
      case 'agent-joined':
        this.names.set(event.agentId, event.name);
        this.lost.delete(event.agentId);
        break;
      case 'agent-lost':
        this.names.set(event.agentId, event.name);
        this.lost.add(event.agentId);
        break;
      case 'agent-reconnected':
        this.lost.delete(event.agentId);
        break;
      default:
        break;
    }
  }

  /** While the run goes on: state from the status (or `lost`), figures from the latest point (else the status). */
  liveRows(): AgentTableRow[] {
    const byId = new Map(this.latest.map((p) => [p.agentId, p]));
    return [...this.names].map(([agentId, name]): AgentTableRow => {
      const info = this.infos.get(agentId);
      const point = byId.get(agentId);
      const state = this.lost.has(agentId) ? 'lost' : (info?.state ?? 'running');
      if (point) return { agentId, name, state, users: point.users, rps: point.rps, utilization: utilizationOf(point.utilization) };
      if (info) return { agentId, name, state, users: info.runningUsers, rps: info.rps, utilization: utilizationOf(info.utilization) };
      return { agentId, name, state, users: 0, rps: 0, utilization: 0 };
    }).sort(byAgentId);
  }
}

function byAgentId(a: AgentTableRow, b: AgentTableRow): number {
  return a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0;
}

/**
 * The agents of an ended run, over the whole run: requests per second over the run's length, peak utilization,
 * users at the end; `lost` for agents lost (and not back), `finished` otherwise.
 */
export function finishedAgentRows(result: RunResultData, lost: ReadonlySet<string>): AgentTableRow[] {
  const requests = new Map<string, number>();
  const lastUsers = new Map<string, number>();
  for (const { agents } of result.agentSeries) {
    for (const a of agents) {
      requests.set(a.agentId, (requests.get(a.agentId) ?? 0) + a.rps);
      lastUsers.set(a.agentId, a.users);
    }
  }
  const seconds = Math.max(0, result.endedAt - result.startedAt) / 1000;
  return result.agents
    .map((a): AgentTableRow => ({
      agentId: a.agentId,
      name: a.name,
      state: lost.has(a.agentId) ? 'lost' : FINISHED_AGENT_STATE,
      users: lastUsers.get(a.agentId) ?? 0,
      rps: seconds > 0 ? (requests.get(a.agentId) ?? 0) / seconds : 0,
      utilization: a.peakUtilization,
    }))
    .sort(byAgentId);
}

/** Agents lost during a run (and not reconnected), from its events. */
export function lostAgentsOf(events: readonly RunEvent[]): Set<string> {
  const lost = new Set<string>();
  for (const event of events) {
    if (event.kind === 'agent-lost') lost.add(event.agentId);
    else if (event.kind === 'agent-reconnected' || event.kind === 'agent-joined') lost.delete(event.agentId);
  }
  return lost;
}
