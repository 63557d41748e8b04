/**
 * What `rookery run` starts in its own process: a coordinator on loopback with a one-time token, and either a
 * local agent (worker threads on every core) that joins it, or the remote agents named by `--agents` / the plan's
 * `agents:`, which the coordinator dials.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { RookeryError } from '../common/errors';
import { Agent } from '../cluster/agent';
import { startAgentEndpoint } from '../cluster/agent-endpoint';
import { generateToken } from '../cluster/auth';
import { startCoordinatorService, type CoordinatorService } from '../cluster/coordinator-service';

export interface LocalCluster {
  service: CoordinatorService;
  /** The control URL and token a client uses to drive the in-process coordinator. */
  controlUrl: string;
  token: string;
  close(): Promise<void>;
}

export interface LocalClusterOptions {
  /** Remote agents to attach (ws://host:port of `rookery agent --listen`); none = a local agent. */
  agents: string[];
  /** Token of the remote agents. */
  agentToken?: string;
  ca?: string;
  /** Worker threads of the local agent; every core by default. */
  workers?: number;
  log?: (line: string) => void;
  /** Where the coordinator listens: 127.0.0.1 and a free port by default (`rookery coordinator --local-agent` sets them). */
  host?: string;
  port?: number;
  /** The token clients and agents must present; a one-time random one by default. */
  token?: string;
}

const AGENT_READY_TIMEOUT_MS = 15_000;

export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  const token = options.token ?? generateToken();
  // In-process, the cluster's own log lines are noise next to the progress line: events reach the user as run events.
  const log = options.log ?? (process.env.ROOKERY_DEBUG ? (line: string) => process.stderr.write(`${line}\n`) : () => undefined);
  const service = await startCoordinatorService({ host: options.host ?? '127.0.0.1', port: options.port ?? 0, token, log });
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await service.close();
  };
  try {
    if (options.agents.length > 0) {
      for (const url of options.agents) await service.attachAgent(url, { token: options.agentToken, ca: options.ca });
    } else {
      const workers = options.workers ?? availableParallelism();
      // The agent's own lines (a worker that crashed, a snapshot it could not merge) matter: they stay visible.
      const agent = new Agent({ name: 'local', workers, log: options.log });
      const endpoint = await startAgentEndpoint({ agentId: randomUUID(), name: 'local', workers, token, join: { url: `${service.url}/agent` }, log });
      endpoint.on('session', (link) => agent.attach(link));
      closers.push(async () => {
        await agent.close();
        await endpoint.close();
      });
      await waitForAgents(service, 1);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { service, controlUrl: `${service.url}/control`, token, close };
}

async function waitForAgents(service: CoordinatorService, count: number): Promise<void> {
  const deadline = Date.now() + AGENT_READY_TIMEOUT_MS;
  while (service.coordinator.status().agents.filter((a) => a.state === 'ready').length < count) {
    if (Date.now() > deadline) {
      throw new RookeryError('ROOKERY_INTERNAL', `the local agent did not become ready within ${AGENT_READY_TIMEOUT_MS / 1000} s`, {
        hint: 'run `rookery agent --join` by hand to see why it cannot start',
      });
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
