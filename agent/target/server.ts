/**
 * `startTarget`: the demo target behind `rookery target` — one HTTP server carrying the JSON API (http-api.ts) and
 * the WebSocket messaging router (ws-router.ts), its URLs, its counters, and a shutdown that always finishes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RookeryError } from '../common/errors';
import { HttpApi, type HttpApiStats } from './http-api';
import { resolveTargetOptions, type TargetOptions } from './options';
import { WS_PATH, WsRouter, type WsRouterStats } from './ws-router';

export type { TargetOptions, Latency } from './options';

export interface TargetStats {
  http: HttpApiStats;
  ws: WsRouterStats;
}

export interface DemoTarget {
  /** `http://host:port` (no trailing slash), with a connectable host when listening on every interface. */
  readonly url: string;
  /** `ws://host:port/ws`; append `/<id>` to connect as a user. */
  readonly wsUrl: string;
  readonly host: string;
  readonly port: number;
  stats(): TargetStats;
  /** Refuses new connections, closes every socket (WebSockets get 1001, then are cut after a short grace). */
  close(): Promise<void>;
}

/** How long WebSocket clients get to answer the close handshake before their sockets are cut. */
export const CLOSE_GRACE_MS = 500;

/** Longer than the usual client pool idle time (undici: 4 s), so load generators reuse connections. */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

/** A host for URLs: an unspecified address is not something to connect to, and IPv6 needs brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const hint =
        error.code === 'EADDRINUSE' ? `port ${port} is taken: pick another with --port, or 0 for a free one`
        : error.code === 'EACCES' ? `port ${port} needs privileges: use a port above 1023`
        : `check that ${host} is an address of this machine`;
      reject(new RookeryError('ROOKERY_USAGE', `cannot listen on ${host}:${port}: ${error.message}`, { where: '--port', hint, cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Starts the demo target; rejects with a `ROOKERY_USAGE` error on invalid options or when it cannot listen. */
export async function startTarget(options: TargetOptions = {}): Promise<DemoTarget> {
  const resolved = resolveTargetOptions(options);
  // Checked above together with host and port, so this cannot throw: the user sees every problem at once.
  const api = new HttpApi({ latency: options.latency, errorRate: options.errorRate });
  const router = new WsRouter();
  // HTTP keep-alive is Node's default; `keepAlive` adds TCP keep-alive so dead peers of idle pooled sockets go away.
  const server = createServer({ keepAlive: true }, api.handle);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.on('upgrade', router.handleUpgrade);

  await listen(server, resolved.host, resolved.port);
  const port = (server.address() as AddressInfo).port;
  const base = `${urlHost(resolved.host)}:${port}`;

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await router.close(CLOSE_GRACE_MS);
    // Requests still waiting on an injected delay are cut rather than awaited: shutdown must be bounded.
    server.closeAllConnections();
    await closed;
  };

  return {
    url: `http://${base}`,
    wsUrl: `ws://${base}${WS_PATH}`,
    host: resolved.host,
    port,
    stats: () => ({ http: api.stats(), ws: router.stats() }),
    close: () => (closing ??= close()),
  };
}
