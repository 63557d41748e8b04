/**
 * A coordinator as a network service: the Coordinator (the run's owner) behind its endpoint — agents join at
 * `/agent`, clients drive it at `/control` — plus attaching agents that listen. Used by `rookery coordinator`
 * and, on loopback with a generated token, by `rookery run` itself.
 */
import { RookeryError } from '../common/errors';
import type { ControlPush, ControlRequest } from '../protocol/control';
import { Coordinator } from './coordinator';
import { startCoordinatorEndpoint, type ControlConnection } from './coordinator-endpoint';

export interface CoordinatorServiceOptions {
  host: string;
  port: number;
  token?: string;
  tlsCert?: string;
  tlsKey?: string;
  log?: (line: string) => void;
}

export interface CoordinatorService {
  /** `ws://host:port` (or wss://). */
  url: string;
  port: number;
  coordinator: Coordinator;
  /** Dials an agent started with `rookery agent --listen`; resolves once it said hello. */
  attachAgent(url: string, options?: { token?: string; ca?: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startCoordinatorService(options: CoordinatorServiceOptions): Promise<CoordinatorService> {
  const coordinator = new Coordinator();
  const endpoint = await startCoordinatorEndpoint(options);
  endpoint.on('agent', ({ hello, link, url }) => {
    coordinator.addAgent({ agentId: hello.agentId, name: hello.name, workers: hello.workers, link, url });
    options.log?.(`agent ${hello.name} joined (${hello.workers} workers)${url ? ` from ${url}` : ''}`);
  });
  const attachAgent = (url: string, attach: { token?: string; ca?: string } = {}) => endpoint.attachAgent(url, attach);
  endpoint.on('control', (connection) => serveControl(coordinator, connection, attachAgent));
  return {
    url: endpoint.url,
    port: endpoint.port,
    coordinator,
    attachAgent,
    async close() {
      await coordinator.close();
      await endpoint.close();
    },
  };
}

/** Answers one client's requests; `control/subscribe` streams the coordinator's pushes until the client leaves. */
function serveControl(
  coordinator: Coordinator,
  connection: ControlConnection,
  attachAgent: (url: string, options: { token?: string }) => Promise<string>,
): void {
  let unsubscribe: (() => void) | undefined;
  connection.on('close', () => unsubscribe?.());
  connection.on('request', (request: ControlRequest) => {
    void answer(request).then((reply) => connection.send(reply));
  });

  async function answer(request: ControlRequest): Promise<ControlPush> {
    if (request.type === 'control/subscribe') {
      unsubscribe ??= coordinator.subscribe((push) => connection.send(push));
    }
    if (request.type !== 'control/attach-agent') return coordinator.handleControl(request);
    try {
      const agentId = await attachAgent(request.url, { token: request.token });
      return { type: 'control/reply', id: request.id, ok: true, result: coordinator.status().agents.find((a) => a.agentId === agentId) };
    } catch (error) {
      const e = error instanceof RookeryError ? error : new RookeryError('ROOKERY_INTERNAL', (error as Error)?.message ?? String(error));
      return { type: 'control/reply', id: request.id, ok: false, error: { code: e.code, message: e.message, where: e.where ?? request.url, hint: e.hint } };
    }
  }
}
