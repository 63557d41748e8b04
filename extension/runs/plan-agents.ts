/**
 * A plan's `agents:` (URLs of agents started with `rookery agent --listen`) against the coordinator's agents: the
 * ids to run on, and the URLs not attached yet. `rookery run <plan>` runs on exactly those agents; the extension
 * does the same on its coordinator, attaching the missing ones first.
 */
import type { ClusterStatus } from '../../agent/protocol/control';

/** URLs compare case-insensitively and without trailing slashes (`ws://h:7400/` is `ws://h:7400`). */
export function sameAgentUrl(a: string, b: string): boolean {
  const norm = (url: string) => url.trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

export function agentsOfPlan(status: ClusterStatus, urls: readonly string[]): { ids: string[]; missing: string[] } {
  const ids: string[] = [];
  const missing: string[] = [];
  for (const url of urls) {
    const agent = status.agents.find((a) => a.url !== undefined && sameAgentUrl(a.url, url) && a.state !== 'lost' && a.state !== 'disconnected');
    if (agent === undefined) missing.push(url);
    else if (!ids.includes(agent.agentId)) ids.push(agent.agentId);
  }
  return { ids, missing };
}
