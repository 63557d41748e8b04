/**
 * The Agents view as plain data: the coordinator line, the local agent line and one line per agent of the cluster
 * status, with labels, descriptions, tooltips, icons and contextValues (which the manifest's menus match). No vscode
 * import: agents-tree.ts turns these into TreeItems; this is what the unit tests read.
 *
 * Labels are stable (the end-to-end tests find items by them); what changes — state, users, utilization — goes in
 * the description.
 */
import type { AgentInfo, ClusterStatus } from '../../agent/protocol/control';
import type { Utilization } from '../../agent/protocol/snapshot';
import { isActiveRun, isLocalAgent } from '../agents/agent-input';
import { COMMANDS, ITEMS } from '../ids';
import type { CoordinatorTarget, LocalAgentState } from '../services';

/** Above this utilization the generator, not the target, may be the bottleneck (the coordinator's own line). */
export const OVERLOAD_THRESHOLD = 0.8;

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'disconnected';

/** An agent's latest one-second figures from run/point, fresher than cluster/status during a run. */
export interface LiveAgentFigures {
  users: number;
  rps: number;
  utilization: Utilization;
}

export interface AgentsViewInput {
  target: CoordinatorTarget;
  localState: LocalAgentState;
  connection: ConnectionState;
  /** Why the last connection ended or failed. */
  connectionError?: string;
  local?: {
    controlUrl?: string;
    pid?: number;
    workers?: number;
    /** How it ended, for a crashed agent: `exit code 1`, `signal SIGKILL`. */
    exit?: string;
    /** Which Node runs it. */
    runtime?: string;
  };
  status?: ClusterStatus;
  live?: ReadonlyMap<string, LiveAgentFigures>;
}

export interface AgentItemModel {
  /** Stable TreeItem id. */
  id: string;
  label: string;
  description: string;
  tooltip: string;
  contextValue?: string;
  /** A codicon id. */
  icon: string;
  /** The icon is tinted as a warning (overloaded) or an error (crashed, lost, disconnected). */
  tone?: 'warning' | 'error';
  /** For remote agents: what detach acts on. */
  agentId?: string;
  /** Run on click. */
  command?: { id: string; arguments?: unknown[] };
}

export function agentsViewItems(input: AgentsViewInput): AgentItemModel[] {
  const items = [coordinatorItem(input), localAgentItem(input)];
  const agents = (input.status?.agents ?? []).filter((a) => input.target.kind === 'remote' || !isLocalAgent(a));
  for (const agent of agents) items.push(agentItem(agent, input.live?.get(agent.agentId)));
  return items;
}

/** 0.347 → `35%`. */
export function formatUtilization(value: number): string {
  return `${Math.round(Math.max(0, value) * 100)}%`;
}

/** The busier of the event loop and the CPU: either saturated makes the agent the bottleneck. */
export function utilizationValue(u: Utilization): number {
  return Math.max(u.eventLoop, u.cpu);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function coordinatorItem(input: AgentsViewInput): AgentItemModel {
  const remote = input.target.kind === 'remote';
  const where = input.target.kind === 'remote' ? input.target.url : input.local?.controlUrl;
  let state: string;
  if (input.connection === 'connected') state = 'connected';
  else if (input.connection === 'connecting') state = 'connecting…';
  else if (input.connection === 'disconnected') state = 'disconnected';
  else state = remote ? 'not connected' : input.localState === 'ready' ? 'not connected' : 'local agent not running';
  const description = remote ? `${input.target.kind === 'remote' ? input.target.url : ''} · ${state}` : state;
  const tooltip = [
    remote ? `Remote coordinator ${where}` : `The local agent's coordinator${where ? ` at ${where}` : ''}`,
    `State: ${state}`,
    input.connectionError ? `Last error: ${input.connectionError}` : undefined,
    input.status ? `Coordinator id: ${input.status.coordinatorId}` : undefined,
    input.status?.run ? `Run ${input.status.run.runId}: ${input.status.run.status}` : undefined,
  ].filter(Boolean).join('\n');
  return {
    id: 'rookery.agents.coordinator',
    label: remote ? 'Remote coordinator' : 'Local coordinator',
    description,
    tooltip,
    contextValue: ITEMS.coordinator,
    icon: remote ? 'remote' : 'server-process',
    tone: input.connection === 'disconnected' ? 'error' : undefined,
  };
}

function localAgentItem(input: AgentsViewInput): AgentItemModel {
  const cluster = input.target.kind === 'local' ? input.status?.agents.find(isLocalAgent) : undefined;
  const workers = cluster?.workers ?? input.local?.workers;
  let description: string;
  let icon: string;
  let tone: AgentItemModel['tone'];
  switch (input.localState) {
    case 'stopped':
      description = 'stopped';
      icon = 'circle-outline';
      break;
    case 'starting':
      description = 'starting…';
      icon = 'loading~spin';
      break;
    case 'crashed':
      description = input.local?.exit ? `crashed (${input.local.exit})` : 'crashed';
      icon = 'error';
      tone = 'error';
      break;
    case 'ready': {
      const parts = [cluster && cluster.state !== 'ready' ? cluster.state : 'ready'];
      if (workers !== undefined) parts.push(plural(workers, 'worker'));
      if (cluster && input.status?.run && isActiveRun(input.status.run.status)) {
        const live = input.live?.get(cluster.agentId);
        const utilization = utilizationValue(live?.utilization ?? cluster.utilization);
        parts.push(plural(live?.users ?? cluster.runningUsers, 'user'), overloadText(utilization));
        if (utilization > OVERLOAD_THRESHOLD) tone = 'warning';
      }
      description = parts.join(' · ');
      icon = 'vm-running';
      break;
    }
  }
  if (input.target.kind === 'remote' && input.localState !== 'stopped') description += ' · not in use';
  const tooltip = [
    `Local agent: ${input.localState}`,
    workers !== undefined ? `Workers: ${workers}` : undefined,
    input.local?.pid !== undefined && input.localState !== 'stopped' ? `Process id: ${input.local.pid}` : undefined,
    input.local?.controlUrl ? `Listening on ${input.local.controlUrl}` : undefined,
    input.local?.runtime,
    input.localState === 'crashed' ? 'Restart it, or see its output (Rookery Local Agent) for why it stopped.' : undefined,
    input.target.kind === 'remote' ? 'The extension drives a remote coordinator: runs do not use this agent.' : undefined,
  ].filter(Boolean).join('\n');
  return {
    id: 'rookery.agents.local',
    label: 'Local agent',
    description,
    tooltip,
    contextValue: input.localState === 'crashed' ? ITEMS.localAgentCrashed : ITEMS.localAgent,
    icon,
    tone,
    command: input.localState === 'crashed' ? { id: COMMANDS.showOutput, arguments: ['agent'] } : undefined,
  };
}

function agentItem(agent: AgentInfo, live: LiveAgentFigures | undefined): AgentItemModel {
  const users = live?.users ?? agent.runningUsers;
  const utilization = utilizationValue(live?.utilization ?? agent.utilization);
  const overloaded = utilization > OVERLOAD_THRESHOLD;
  const gone = agent.state === 'lost' || agent.state === 'disconnected';
  const parts = [agent.state, plural(users, 'user'), overloadText(utilization)];
  if (agent.url) parts.push(agent.url);
  const u = live?.utilization ?? agent.utilization;
  const tooltip = [
    `${agent.name}${agent.url ? ` — ${agent.url}` : ' (joined the coordinator)'}`,
    `State: ${agent.state}`,
    `Workers: ${agent.workers}`,
    `Users: ${users}`,
    `Requests/s: ${Math.round(live?.rps ?? agent.rps)}`,
    `Utilization: ${formatUtilization(utilization)} (event loop ${formatUtilization(u.eventLoop)}, CPU ${formatUtilization(u.cpu)})`,
    overloaded ? '⚠ Above 80%: this agent, not the target, may be the bottleneck. Add agents or workers.' : undefined,
    `Agent id: ${agent.agentId}`,
    agent.lastSeen > 0 ? `Last heard from: ${new Date(agent.lastSeen).toLocaleTimeString()}` : undefined,
  ].filter(Boolean).join('\n');
  return {
    id: `rookery.agents.agent.${agent.agentId}`,
    label: agent.name,
    description: parts.join(' · '),
    tooltip,
    contextValue: ITEMS.remoteAgent,
    icon: gone ? 'debug-disconnect' : 'vm',
    tone: gone ? 'error' : overloaded ? 'warning' : undefined,
    agentId: agent.agentId,
  };
}

function overloadText(utilization: number): string {
  return `${formatUtilization(utilization)}${utilization > OVERLOAD_THRESHOLD ? ' ⚠' : ''}`;
}

/**
 * Coalesces refresh requests to at most one per interval: the first runs at once, those within the interval make
 * one trailing run at its end (so the last state is always shown).
 */
export class RefreshThrottle {
  private last = -Infinity;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly run: () => void, private readonly intervalMs = 1000, private readonly now: () => number = Date.now) {}

  request(): void {
    if (this.timer) return;
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) {
      this.fire();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fire();
    }, wait);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.last = this.now();
    this.run();
  }
}
