/**
 * The coordinator's network side: one HTTP(S) server with two WebSocket paths — `/agent` where agents join and
 * `/control` where clients (CLI, extension) connect — plus dialling agents that listen (`attachAgent`). Owns the
 * sessions by agent id: a hello whose session is alive or down-but-not-lost resumes it (welcome.resumed = true,
 * both sides resend what is unacknowledged); otherwise a new session starts and an 'agent' event hands its link
 * to the coordinator role. Dialled agents are redialled with backoff while their session is down.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { RookeryError } from '../common/errors';
import { MAX_FRAME_BYTES, PEER_TIMEOUT_MS, PROTOCOL_VERSION, type AgentHello, type AgentMessage, type CoordinatorMessage } from '../protocol/cluster';
import { assertListenAllowed, authorizationHeaders } from './auth';
import { Backoff, type BackoffOptions } from './backoff';
import { WsLink, type LinkTimings } from './link';
import { onFirstFrame } from './link-handshake';
import { CLOSE_POLICY, CLOSE_REFUSED, closeSocket, sendText } from './link-socket';
import { ControlConnection } from './transport-control-connection';
import { COORDINATOR_ID_HEADER, describeDialError, endpointUrl } from './transport-dial';
import { startWsListener, type WsListener } from './transport-http';

export { ControlConnection };

export type CoordinatorLink = WsLink<CoordinatorMessage, AgentMessage>;

export interface CoordinatorEndpointOptions extends LinkTimings {
  host: string;
  port: number;
  /** Required when `host` is not loopback. */
  token?: string;
  tlsCert?: string;
  tlsKey?: string;
  coordinatorId?: string;
  log?: (line: string) => void;
  /** A connection that sends no hello within this is closed. */
  helloTimeoutMs?: number;
  /** Opening a connection to a listening agent (`attachAgent`, redials). */
  dialTimeoutMs?: number;
  /** Redialling agents that listen, while their session is down. */
  redial?: BackoffOptions;
  /** Unacknowledged messages per session before it is closed (see WsLink). */
  maxBufferedMessages?: number;
}

/** A new session: the agent's hello, its link, and the URL it was dialled at (for agents that listen). */
export interface AgentJoin {
  hello: AgentHello;
  link: CoordinatorLink;
  url?: string;
}

export interface DialOptions {
  token?: string;
  /** PEM certificate(s) to trust for wss:// (a self-signed agent certificate). */
  ca?: string;
}

interface Session {
  agentId: string;
  name: string;
  link: CoordinatorLink;
  /** For agents the coordinator dialled: where to redial them. */
  dial?: { url: string } & DialOptions;
  redialling?: boolean;
}

export interface CoordinatorEndpoint extends EventEmitter {
  readonly url: string;
  readonly port: number;
  readonly coordinatorId: string;
  on(event: 'agent', listener: (join: AgentJoin) => void): this;
  on(event: 'control', listener: (connection: ControlConnection) => void): this;
  /** Dials an agent started with `--listen`; resolves with its agent id once its session is up. */
  attachAgent(url: string, options?: DialOptions): Promise<string>;
  close(): Promise<void>;
}

export async function startCoordinatorEndpoint(options: CoordinatorEndpointOptions): Promise<CoordinatorEndpoint> {
  assertListenAllowed(options.host, options.token);
  const endpoint = new CoordinatorEndpointImpl(options);
  await endpoint.listen();
  return endpoint;
}

class CoordinatorEndpointImpl extends EventEmitter implements CoordinatorEndpoint {
  readonly coordinatorId: string;
  private readonly log: (line: string) => void;
  private readonly sessions = new Map<string, Session>();
  private readonly controls = new Set<ControlConnection>();
  private readonly dialling = new Set<WebSocket>();
  private listener: WsListener | undefined;
  private closing = false;

  constructor(private readonly options: CoordinatorEndpointOptions) {
    super();
    this.coordinatorId = options.coordinatorId ?? randomUUID();
    this.log = options.log ?? ((line) => process.stderr.write(`[coordinator] ${line}\n`));
  }

  get url(): string {
    return this.listener?.url ?? '';
  }

  get port(): number {
    return this.listener?.port ?? 0;
  }

  async listen(): Promise<void> {
    this.listener = await startWsListener(this.options, {
      token: this.options.token,
      log: this.log,
      route: (path) => (path === '/agent' || path === '/control' ? path : undefined),
      accept: (socket, route, req) => {
        const from = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
        if (this.closing) return socket.terminate();
        if (route === '/control') return this.acceptControl(socket, from);
        socket.on('error', () => {});
        onFirstFrame(socket, 'agent', this.handshakeOptions(`agent connection from ${from}`), (frame) => {
          if (frame.type !== 'agent/hello') return this.refuse(socket, `expected agent/hello, got ${frame.type}`, CLOSE_POLICY);
          this.onHello(socket, frame);
        });
      },
    });
  }

  attachAgent(url: string, options: DialOptions = {}): Promise<string> {
    return this.dial(endpointUrl(url), options);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const socket of this.dialling) socket.terminate();
    for (const session of [...this.sessions.values()]) session.link.close('coordinator shutting down');
    for (const control of this.controls) control.close('coordinator shutting down');
    await this.listener?.close();
  }

  // -------------------------------------------------------------------------------------------------------------

  private handshakeOptions(label: string) {
    return { timeoutMs: this.options.helloTimeoutMs ?? 10_000, label, log: this.log };
  }

  private acceptControl(socket: WebSocket, from: string): void {
    const connection = new ControlConnection(socket, { label: `control client ${from}`, log: this.log });
    this.controls.add(connection);
    connection.on('close', () => this.controls.delete(connection));
    this.emit('control', connection);
  }

  private refuse(socket: WebSocket, reason: string, code = CLOSE_REFUSED): void {
    this.log(`refused an agent connection: ${reason}`);
    sendText(socket, JSON.stringify({ type: 'link/refused', reason }));
    closeSocket(socket, code, reason);
  }

  /** Resumes the agent's session or starts a new one; returns the session, or undefined when refused. */
  private onHello(socket: WebSocket, hello: AgentHello, dial?: Session['dial']): Session | undefined {
    if (this.closing) {
      this.refuse(socket, 'coordinator shutting down');
      return undefined;
    }
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      this.refuse(
        socket,
        `agent ${hello.name} speaks protocol version ${hello.protocolVersion}, this coordinator ${PROTOCOL_VERSION}: run the same Rookery version everywhere`,
      );
      return undefined;
    }
    const existing = this.sessions.get(hello.agentId);
    if (existing && existing.link.canResume(hello.lastReceived)) {
      sendText(socket, this.welcome(true, existing.link.lastReceived));
      existing.link.attach(socket, hello.lastReceived);
      if (dial) existing.dial = dial;
      return existing;
    }
    // Unknown, lost, or a position that does not fit the session (the agent restarted under the same id).
    existing?.link.close(`agent ${hello.name} started a new session`);
    const session = this.newSession(hello, dial);
    sendText(socket, this.welcome(false, 0));
    session.link.attach(socket, 0);
    this.log(`agent ${hello.name} (${hello.agentId}) joined with ${hello.workers} worker${hello.workers === 1 ? '' : 's'}${dial ? ` at ${dial.url}` : ''}`);
    this.emit('agent', { hello, link: session.link, url: dial?.url } satisfies AgentJoin);
    return session;
  }

  private newSession(hello: AgentHello, dial: Session['dial']): Session {
    const link: CoordinatorLink = new WsLink({
      peer: 'agent',
      heartbeatMs: this.options.heartbeatMs,
      peerTimeoutMs: this.options.peerTimeoutMs,
      sessionTimeoutMs: this.options.sessionTimeoutMs ?? PEER_TIMEOUT_MS,
      ackDelayMs: this.options.ackDelayMs,
      ackEvery: this.options.ackEvery,
      maxBufferedMessages: this.options.maxBufferedMessages,
      label: `agent ${hello.name}`,
      log: this.log,
    });
    const session: Session = { agentId: hello.agentId, name: hello.name, link, dial };
    this.sessions.set(hello.agentId, session);
    link.on('closed', (reason: string) => {
      if (this.sessions.get(hello.agentId) === session) this.sessions.delete(hello.agentId);
      this.log(`agent ${hello.name}: session closed (${reason})`);
    });
    link.on('down', () => {
      if (session.dial) void this.redial(session);
    });
    return session;
  }

  private welcome(resumed: boolean, lastReceived: number): string {
    return JSON.stringify({ type: 'coordinator/welcome', protocolVersion: PROTOCOL_VERSION, coordinatorId: this.coordinatorId, resumed, lastReceived });
  }

  /** Opens a connection to a listening agent and runs the hello/welcome exchange on it. */
  private dial(url: string, options: DialOptions): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      if (this.closing) return reject(new RookeryError('ROOKERY_STATE', 'the coordinator is shutting down'));
      const socket = new WebSocket(url, {
        headers: { ...authorizationHeaders(options.token), [COORDINATOR_ID_HEADER]: this.coordinatorId },
        ca: options.ca,
        maxPayload: MAX_FRAME_BYTES,
        handshakeTimeout: this.options.dialTimeoutMs ?? 10_000,
      });
      this.dialling.add(socket);
      let settled = false;
      const settle = (error: Error | undefined, agentId?: string) => {
        this.dialling.delete(socket);
        if (settled) return;
        settled = true;
        if (error) reject(error);
        else resolve(agentId!);
      };
      socket.on('error', (error: Error) => settle(describeDialError(error, url, 'agent')));
      socket.on('close', (code: number, reason: Buffer) =>
        settle(new RookeryError('ROOKERY_CONNECT', `agent at ${url} closed the connection (${code} ${reason.toString()})`.trim(), { where: url })),
      );
      socket.on('open', () => {
        onFirstFrame(socket, 'agent', this.handshakeOptions(`agent at ${url}`), (frame) => {
          if (frame.type !== 'agent/hello') {
            this.refuse(socket, `expected agent/hello, got ${frame.type}`, CLOSE_POLICY);
            return settle(new RookeryError('ROOKERY_PROTOCOL', `agent at ${url} did not say hello`, { where: url }));
          }
          const session = this.onHello(socket, frame, { url, ...options });
          if (session) settle(undefined, session.agentId);
          else settle(new RookeryError('ROOKERY_CONNECT', `agent at ${url} was refused (see the log)`, { where: url }));
        });
      });
    });
  }

  /** Keeps dialling a listening agent whose session is down, until it is up again, lost, or the endpoint closes. */
  private async redial(session: Session): Promise<void> {
    if (session.redialling) return;
    session.redialling = true;
    const backoff = new Backoff(this.options.redial);
    const dial = session.dial;
    try {
      while (dial && !this.closing && !session.link.closed && !session.link.connected) {
        await new Promise((resolve) => setTimeout(resolve, backoff.next()).unref());
        if (this.closing || session.link.closed || session.link.connected) return;
        try {
          const agentId = await this.dial(dial.url, dial);
          if (agentId !== session.agentId) return; // another agent listens there now; this session will time out
        } catch (error) {
          this.log(`redialling agent ${session.name}: ${(error as Error).message}`);
        }
      }
    } finally {
      session.redialling = false;
    }
  }
}
