/**
 * Small real servers on 127.0.0.1 (port 0) for tests, each misbehaving in exactly one way, named for it: an OK
 * HTTP target (routes with status/body/delay, echo, reset), one that resets mid-response, one that hangs, one that
 * answers garbage, a closed port, a WebSocket echo target and one that drops connections after N messages.
 *
 * Every target resolves once listening, counts what it sees with awaitable counters (wait with a deadline, never
 * sleep), and `close()` destroys its sockets so `after()` never waits on a keep-alive connection.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';

export interface Target {
  readonly url: string;
  close(): Promise<void>;
}

/** A count that tests can await. */
export class Tally {
  private count = 0;
  private readonly waiters = new Set<{ n: number; resolve: () => void }>();

  get value(): number {
    return this.count;
  }

  bump(): void {
    this.count++;
    for (const waiter of this.waiters) {
      if (this.count >= waiter.n) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** Resolves once the count reaches `n`; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs = 2000, what = 'events'): Promise<void> {
    if (this.count >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${n} ${what} (saw ${this.count})`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Plumbing

function listen(server: Server | HttpServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('no TCP address'));
      else resolve(address.port);
    });
  });
}

/** Tracks a server's sockets so `close()` can destroy them; counts connections. */
function trackSockets(server: Server | HttpServer, connections: Tally): () => Promise<void> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    connections.bump();
    socket.on('close', () => sockets.delete(socket));
  });
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

export interface RouteSpec {
  status?: number;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Answer after this many ms. */
  delayMs?: number;
  /** Answer 200 with JSON `{ method, path, headers, body }` describing the request. */
  echo?: boolean;
  /** Write the headers (content-length 1000) and part of the body, then reset the connection. */
  reset?: boolean;
}

export interface ReceivedRequest {
  method: string;
  /** Path with query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpTarget extends Target {
  readonly requests: Tally;
  readonly connections: Tally;
  /** The last 100 requests. */
  readonly received: ReceivedRequest[];
}

/**
 * An HTTP target. `routes` maps a path (without query) to what to answer; `'*'` is the fallback; without a match
 * the answer is 200 `ok`.
 */
export async function startHttpTarget(routes: Record<string, RouteSpec> = {}): Promise<HttpTarget> {
  const requests = new Tally();
  const connections = new Tally();
  const received: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const respond = (req: IncomingMessage, res: ServerResponse, body: Buffer, route: RouteSpec): void => {
    if (route.reset) {
      res.writeHead(route.status ?? 200, { 'content-length': '1000', 'content-type': 'text/plain' });
      res.write('the first part of a body that never ends', () => res.socket?.resetAndDestroy());
      return;
    }
    if (route.echo) {
      const payload = JSON.stringify({ method: req.method, path: req.url, headers: req.headers, body: body.toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json', ...route.headers });
      res.end(payload);
      return;
    }
    res.writeHead(route.status ?? 200, { 'content-type': 'text/plain', ...route.headers });
    res.end(route.body ?? 'ok');
  };

  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (received.length > 100) received.shift();
      requests.bump();
      const path = (req.url ?? '/').split('?')[0];
      const route = routes[path] ?? routes['*'] ?? {};
      if (route.delayMs === undefined) {
        respond(req, res, body, route);
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        respond(req, res, body, route);
      }, route.delayMs);
      timers.add(timer);
      res.on('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
      });
    });
  });
  const closeSockets = trackSockets(server, connections);
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections,
    received,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await closeSockets();
    },
  };
}

/**
 * A self-signed certificate for 127.0.0.1 (EC P-256, valid until 2126) and its key. Test-only material, public on
 * purpose: clients reject it unless told to trust it (`ca: TEST_CERT`), which is what the TLS tests rely on.
 */
export const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgA3L0/4NCLBrM2BLN
T2HsuHi/eb38hEWIyJbBCweI7c2hRANCAAQj1jXbbS7e9cQGZS9wGrs8citQxfhl
p6eo4SocKWvjwd4WnBnpDujG6fkIPBAXhkLL7D9Tty8Rqy0SeOrMdg4+
-----END PRIVATE KEY-----
`;
export const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBkDCCATagAwIBAgIUOvH58dawuc76NLtgWR9rz8qSG34wCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyMzEzMjMzNVoYDzIxMjYxMDMw
MTMyMzM1WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQj1jXbbS7e9cQGZS9wGrs8citQxfhlp6eo4SocKWvjwd4WnBnpDujG
6fkIPBAXhkLL7D9Tty8Rqy0SeOrMdg4+o2QwYjAdBgNVHQ4EFgQUngashoJ2cezH
9NK7VH6+c2DYfEAwHwYDVR0jBBgwFoAUngashoJ2cezH9NK7VH6+c2DYfEAwDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC
IFYfsjLTTTmZCfjeA64HlW396H2pMbJSBG74Be9wLacOAiEA9pgJ3sOi5xzmtCk+
cqfrPuN2Q8Q5Fs5WQDtIS4Ui8XE=
-----END CERTIFICATE-----
`;

/** An HTTPS target with the self-signed `TEST_CERT`, answering 200 `ok` to everything. */
export async function startHttpsTarget(): Promise<HttpTarget> {
  const requests = new Tally();
  const connections = new Tally();
  const received: ReceivedRequest[] = [];
  const server = createHttpsServer({ key: TEST_KEY, cert: TEST_CERT }, (req, res) => {
    requests.bump();
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.alloc(0) });
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  server.on('tlsClientError', () => undefined); // clients that reject the certificate hang up mid-handshake
  const closeSockets = trackSockets(server, connections);
  const port = await listen(server);
  return { url: `https://127.0.0.1:${port}`, requests, connections, received, close: closeSockets };
}

/** Every response is cut: headers and part of the body, then a TCP reset. */
export function startResetTarget(): Promise<HttpTarget> {
  return startHttpTarget({ '*': { reset: true } });
}

export interface RawTarget extends Target {
  readonly connections: Tally;
  /** Bumped on every chunk of bytes received (a request arriving). */
  readonly data: Tally;
}

async function startRawTarget(onData: (socket: Socket, chunk: Buffer) => void): Promise<RawTarget> {
  const connections = new Tally();
  const data = new Tally();
  const server = createNetServer((socket) => {
    socket.on('error', () => undefined); // clients hang up on us; that is the point
    socket.on('data', (chunk) => {
      data.bump();
      onData(socket, chunk);
    });
  });
  const closeSockets = trackSockets(server, connections);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, connections, data, close: closeSockets };
}

/** Accepts connections and reads requests, but never answers. */
export function startHangingTarget(): Promise<RawTarget> {
  return startRawTarget(() => undefined);
}

/** Answers every request with bytes that are not HTTP, then closes. */
export function startGarbageTarget(): Promise<RawTarget> {
  return startRawTarget((socket) => {
    socket.end('SSH-2.0-OpenSSH_9.6 definitely not HTTP\r\n\r\n');
  });
}

/**
 * Answers with exactly these bytes (a whole HTTP response) per chunk received, keeping the connection open: for
 * byte-exact checks with small bodiless requests (a request split across chunks would get two answers).
 */
export function startFixedResponseTarget(response: string | Buffer): Promise<RawTarget> {
  return startRawTarget((socket) => {
    socket.write(response);
  });
}

/** A port nothing listens on (taken, then released): connecting is refused. */
export async function closedPortTarget(): Promise<Target> {
  const server = createNetServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { url: `http://127.0.0.1:${port}`, close: async () => undefined };
}

// ---------------------------------------------------------------------------------------------------------------
// WebSocket

export interface WsTarget extends Target {
  readonly connections: Tally;
  readonly messages: Tally;
}

export interface WsTargetOptions {
  /** Drop each connection abruptly (no close frame) after echoing this many messages. */
  dropAfter?: number;
  /** Stop reading each connection once open: nothing is echoed and a close frame is never answered. */
  deaf?: boolean;
}

/**
 * Echoes every message back as it came (text or binary). Two text commands: `!burst N` answers with N messages
 * `burst 1`…`burst N`; `!close CODE REASON` closes with that code.
 */
export async function startWsEchoTarget(options: WsTargetOptions = {}): Promise<WsTarget> {
  const connections = new Tally();
  const messages = new Tally();
  const server = createHttpServer((_req, res) => {
    res.writeHead(426).end('WebSocket only');
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket: WebSocket) => {
    connections.bump();
    let count = 0;
    socket.on('error', () => undefined);
    if (options.deaf) {
      socket.pause();
      return;
    }
    socket.on('message', (data, isBinary) => {
      messages.bump();
      count++;
      const text = isBinary ? '' : data.toString();
      if (text.startsWith('!burst ')) {
        for (let i = 1; i <= Number(text.slice(7)); i++) socket.send(`burst ${i}`);
        return;
      }
      if (text.startsWith('!close ')) {
        const [code, ...reason] = text.slice(7).split(' ');
        socket.close(Number(code), reason.join(' '));
        return;
      }
      const drop = options.dropAfter !== undefined && count >= options.dropAfter;
      socket.send(data, { binary: isBinary }, () => {
        if (drop) socket.terminate();
      });
    });
  });
  const closeSockets = trackSockets(server, new Tally());
  const port = await listen(server);
  return {
    url: `ws://127.0.0.1:${port}`,
    connections,
    messages,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await closeSockets();
    },
  };
}

/** An echo target that drops every connection without a close frame after `n` messages. */
export function startWsDroppingTarget(n: number): Promise<WsTarget> {
  return startWsEchoTarget({ dropAfter: n });
}

/** A WebSocket target that ignores its clients once connected, close frames included. */
export function startWsDeafTarget(): Promise<WsTarget> {
  return startWsEchoTarget({ deaf: true });
}

/** The GUID of RFC 6455 §1.3, to answer a handshake by hand. */
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Completes the WebSocket handshake correctly, then sends a frame with a reserved opcode (0x3). */
export function startWsBadFrameTarget(): Promise<RawTarget> {
  return startRawTarget((socket, chunk) => {
    const key = /sec-websocket-key:\s*(\S+)/i.exec(chunk.toString('latin1'))?.[1];
    if (key === undefined) {
      socket.destroy();
      return;
    }
    const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    setImmediate(() => socket.write(Buffer.from([0x83, 0x00])));
  });
}
