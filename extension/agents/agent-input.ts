/**
 * What the agent commands ask the user and accept: the URL of a remote agent or coordinator (ws:// or wss://),
 * whether a token is required for it (not on loopback), the agents offered for detaching, and which agent a tree
 * item argument names. No vscode import.
 */
import type { AgentInfo, ClusterStatus, RunStatusName } from '../../agent/protocol/control';

/** Why `text` is not an acceptable URL, or undefined when it is (an input box's validateInput). */
export function validateAgentUrl(text: string): string | undefined {
  const value = text.trim();
  if (value === '') return 'Enter the URL, like ws://10.0.0.5:7401';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL: use ws://host:port or wss://host:port`;
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return `Use ws:// or wss://, not ${url.protocol}//`;
  if (url.hostname === '') return 'The URL needs a host, like ws://10.0.0.5:7401';
  if (url.username !== '' || url.password !== '') return 'Leave credentials out of the URL: the token is asked for next';
  return undefined;
}

/** The URL as stored and sent: trimmed, without a trailing slash, so one agent has one SecretStorage key. */
export function normalizeAgentUrl(text: string): string {
  const url = new URL(text.trim());
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}${url.search}`;
}

/** Loopback hosts, where an agent may run without a token (`rookery agent --listen 127.0.0.1:…`). */
export function isLoopbackUrl(text: string): boolean {
  let host: string;
  try {
    host = new URL(text.trim()).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** Why a token is needed here, or undefined when empty is fine (loopback, or a saved one will be used). */
export function validateToken(text: string, url: string, hasSavedToken: boolean): string | undefined {
  if (text !== '' || hasSavedToken || isLoopbackUrl(url)) return undefined;
  return 'Enter the token the agent was started with (--token or ROOKERY_TOKEN)';
}

export interface AgentPick {
  label: string;
  description: string;
  agentId: string;
}

/** The agents that can be detached: every agent but the local one, which is part of the local coordinator. */
export function detachableAgents(status: ClusterStatus | undefined, remoteCoordinator: boolean): AgentPick[] {
  return (status?.agents ?? [])
    .filter((a) => remoteCoordinator || !isLocalAgent(a))
    .map((a) => ({ label: a.name, description: [a.url, a.state].filter(Boolean).join(' · '), agentId: a.agentId }));
}

/** A run in this state is using its agents: stopping or switching away from them cuts it short. */
export function isActiveRun(status: RunStatusName): boolean {
  return status === 'preparing' || status === 'running' || status === 'terminating';
}

/** The agent that `rookery coordinator --local-agent` runs in its own process: it joined (no URL) as "local". */
export function isLocalAgent(agent: Pick<AgentInfo, 'name' | 'url'>): boolean {
  return agent.url === undefined && agent.name === 'local';
}

/** The agent id carried by a command argument: a tree item model ({ agentId }) or a plain id string. */
export function agentIdOf(argument: unknown): string | undefined {
  if (typeof argument === 'string' && argument !== '') return argument;
  const id = (argument as { agentId?: unknown } | null | undefined)?.agentId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
