/**
 * The HTTP(S) side of the listening endpoints: the server (plain or TLS), the upgrade gate (path and token checked
 * before any WebSocket exists: refused connections get an HTTP status and never a socket), listening, and URLs.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { RookeryError } from '../common/errors';
import { MAX_FRAME_BYTES } from '../protocol/cluster';
import { isAuthorized } from './auth';

export interface ListenOptions {
  host: string;
  port: number;
  /** PEM certificate and key: serve wss:// instead of ws://. */
  tlsCert?: string;
  tlsKey?: string;
}

export interface UpgradeGate {
  token: string | undefined;
  /** The WebSocket path's name for a request path, or undefined for 404. */
  route(pathname: string): string | undefined;
  /** A last say after the token check: a status and message to refuse the upgrade with, or undefined. */
  admit?(req: IncomingMessage): { status: number; message: string } | undefined;
  accept(socket: WebSocket, route: string, req: IncomingMessage): void;
  log: (line: string) => void;
}

export interface WsListener {
  server: Server;
  /** `ws://host:port` or `wss://host:port`, with the port actually bound. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Answers an upgrade request with a plain HTTP status and drops the connection. */
export function abortUpgrade(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

export function pathnameOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}

/** `ws://host:port` for a bound address (IPv6 in brackets). */
export function wsUrl(host: string, port: number, tls: boolean): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${tls ? 'wss' : 'ws'}://${h}:${port}`;
}

/**
 * Starts an HTTP(S) server whose upgrades pass through `gate`: unknown path → 404, wrong or missing token → 401,
 * otherwise a WebSocket with `maxPayload: MAX_FRAME_BYTES`. Plain HTTP requests get 426 (a WebSocket is needed).
 */
export async function startWsListener(options: ListenOptions, gate: UpgradeGate): Promise<WsListener> {
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
    throw new RookeryError('ROOKERY_USAGE', 'TLS needs both a certificate and a key', { where: '--tls-cert/--tls-key' });
  }
  const tls = options.tlsCert !== undefined;
  const server: Server = tls ? createHttpsServer({ cert: options.tlsCert, key: options.tlsKey }) : createHttpServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('request', (req, res) => {
    const known = gate.route(pathnameOf(req.url)) !== undefined;
    res.writeHead(known ? 426 : 404, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end(known ? 'a WebSocket connection is required here\n' : 'not found\n');
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {}); // a peer resetting mid-handshake is its own problem, not a crash
    const route = gate.route(pathnameOf(req.url));
    if (route === undefined) return abortUpgrade(socket, 404, 'Not Found');
    if (!isAuthorized(req, gate.token)) {
      gate.log(`refused a ${route} connection from ${req.socket.remoteAddress ?? '?'}: wrong or missing token`);
      return abortUpgrade(socket, 401, 'Unauthorized');
    }
    const refusal = gate.admit?.(req);
    if (refusal) {
      gate.log(`refused a ${route} connection from ${req.socket.remoteAddress ?? '?'}: ${refusal.message}`);
      return abortUpgrade(socket, refusal.status, refusal.message);
    }
    wss.handleUpgrade(req, socket, head, (ws) => gate.accept(ws, route, req));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new RookeryError('ROOKERY_USAGE', `cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`, {
          where: '--listen',
          hint: error.code === 'EADDRINUSE' ? 'pick another port, or stop the process using it' : undefined,
          cause: error,
        }),
      );
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    server,
    url: wsUrl(options.host, port, tls),
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
