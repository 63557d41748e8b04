/**
 * The agent's network side. Join mode dials the coordinator's `/agent` and redials with backoff forever (until
 * closed); listen mode serves any path for a coordinator to dial, one coordinator at a time. Either way the agent
 * speaks first (agent/hello with its position in the current session) and the welcome decides: resumed → the same
 * WsLink continues on the new socket; not resumed → the old link is closed and a 'session' event hands the role a
 * new one. The role must subscribe to the new link synchronously in its 'session' listener: frames may follow at
 * once.
 */
import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import { RookeryError } from '../common/errors';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION, type AgentMessage, type CoordinatorMessage, type CoordinatorWelcome } from '../protocol/cluster';
import type { FrameFromCoordinator } from '../protocol/validate';
import { assertListenAllowed, authorizationHeaders } from './auth';
import { Backoff, type BackoffOptions } from './backoff';
import { WsLink, type LinkTimings } from './link';
import { onFirstFrame } from './link-handshake';
import { CLOSE_POLICY, CLOSE_REFUSED, CLOSE_SESSION_ENDED, closeSocket, sendText } from './link-socket';
import { COORDINATOR_ID_HEADER, describeDialError, endpointUrl } from './transport-dial';
import { startWsListener, type ListenOptions, type WsListener } from './transport-http';

export type AgentLink = WsLink<AgentMessage, CoordinatorMessage>;

export interface AgentEndpointOptions extends LinkTimings {
  /** Stable for the process's lifetime: the coordinator resumes sessions by it. */
  agentId: string;
  name: string;
  workers: number;
  token?: string;
  /** Wait for a coordinator to dial in (`--listen`). */
  listen?: ListenOptions;
  /** Dial the coordinator (`--join`); `ca` trusts a self-signed wss:// certificate. */
  join?: { url: string; ca?: string };
  log?: (line: string) => void;
  /** The run this agent takes part in, if any: sent in hello after a blip. */
  runId?: () => string | undefined;
  /** A connection whose welcome does not come within this is dropped. */
  helloTimeoutMs?: number;
  /** Join mode's reconnection delays (250 ms doubling to 5 s, ±20% by default). */
  backoff?: BackoffOptions;
}

export interface AgentEndpoint extends EventEmitter {
  /** Listen mode: `ws://host:port` (or wss://). Join mode: the coordinator's URL. */
  readonly url: string;
  /** Listen mode: the port bound. */
  readonly port: number | undefined;
  /** The current session's link, if any. */
  readonly link: AgentLink | undefined;
  on(event: 'session', listener: (link: AgentLink) => void): this;
  on(event: 'connected', listener: (info: { coordinatorId: string; resumed: boolean }) => void): this;
  on(event: 'disconnected', listener: () => void): this;
  /** The coordinator refused this agent at hello (version mismatch...). Join mode keeps retrying. */
  on(event: 'refused', listener: (reason: string) => void): this;
  close(): Promise<void>;
}

export async function startAgentEndpoint(options: AgentEndpointOptions): Promise<AgentEndpoint> {
  if ((options.listen === undefined) === (options.join === undefined)) {
    throw new RookeryError('ROOKERY_USAGE', 'an agent either listens (--listen host:port) or joins (--join ws://coordinator:port)');
  }
  if (options.listen) assertListenAllowed(options.listen.host, options.token);
  const endpoint = new AgentEndpointImpl(options);
  await endpoint.start();
  return endpoint;
}

class AgentEndpointImpl extends EventEmitter implements AgentEndpoint {
  private readonly log: (line: string) => void;
  private readonly backoff: Backoff;
  private readonly joinUrl: string | undefined;
  private listener: WsListener | undefined;
  private session: { link: AgentLink; coordinatorId: string } | undefined;
  /** The join-mode socket being dialled or in use. */
  private dialled: WebSocket | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private lastDialError = '';
  private closing = false;

  constructor(private readonly options: AgentEndpointOptions) {
    super();
    this.log = options.log ?? ((line) => process.stderr.write(`[agent ${options.name}] ${line}\n`));
    this.backoff = new Backoff(options.backoff);
    this.joinUrl = options.join && endpointUrl(options.join.url, '/agent');
  }

  get url(): string {
    return this.listener?.url ?? this.joinUrl ?? '';
  }

  get port(): number | undefined {
    return this.listener?.port;
  }

  get link(): AgentLink | undefined {
    return this.session?.link;
  }

  async start(): Promise<void> {
    if (this.options.listen) {
      this.listener = await startWsListener(this.options.listen, {
        token: this.options.token,
        log: this.log,
        route: () => '/',
        admit: (req) => {
          const from = req.headers[COORDINATOR_ID_HEADER];
          const current = this.session;
          if (!current || current.link.closed || !current.link.connected || from === undefined || from === current.coordinatorId) return undefined;
          return { status: 409, message: 'Conflict: agent busy with another coordinator' };
        },
        accept: (socket, _route, req) => {
          if (this.closing) return socket.terminate();
          this.handshake(socket, `coordinator connection from ${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`);
        },
      });
    } else {
      this.connect();
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    this.session?.link.close('agent shutting down');
    if (this.dialled) closeSocket(this.dialled, CLOSE_SESSION_ENDED, 'agent shutting down');
    await this.listener?.close();
  }

  // -------------------------------------------------------------------------------------------------------------

  /** Join mode: one connection attempt; its end (failure or a later drop) schedules the next. */
  private connect(): void {
    if (this.closing || !this.joinUrl) return;
    const url = this.joinUrl;
    const socket = new WebSocket(url, {
      headers: authorizationHeaders(this.options.token),
      ca: this.options.join?.ca,
      maxPayload: MAX_FRAME_BYTES,
      handshakeTimeout: this.options.helloTimeoutMs ?? 10_000,
    });
    this.dialled = socket;
    socket.on('error', (error: Error) => {
      // Every retry fails the same way while the coordinator is away: say it once, not every few seconds.
      const message = describeDialError(error, url, 'coordinator').format();
      if (message !== this.lastDialError) this.log(`${message.replace(/\n/g, '; ')} (retrying)`);
      this.lastDialError = message;
    });
    socket.on('open', () => this.handshake(socket, `coordinator at ${url}`));
    socket.on('close', () => {
      if (this.dialled !== socket) return;
      this.dialled = undefined;
      if (this.closing) return;
      this.reconnectTimer = setTimeout(() => this.connect(), this.backoff.next());
    });
  }

  /** Says hello on a fresh socket and acts on the welcome. */
  private handshake(socket: WebSocket, label: string): void {
    socket.on('error', () => {});
    const link = this.session && !this.session.link.closed ? this.session.link : undefined;
    const runId = this.options.runId?.();
    sendText(
      socket,
      JSON.stringify({
        type: 'agent/hello',
        protocolVersion: PROTOCOL_VERSION,
        agentId: this.options.agentId,
        name: this.options.name,
        workers: this.options.workers,
        lastReceived: link?.lastReceived ?? 0,
        ...(runId === undefined ? {} : { runId }),
      }),
    );
    onFirstFrame(socket, 'coordinator', { timeoutMs: this.options.helloTimeoutMs ?? 10_000, label, log: this.log }, (frame) =>
      this.onWelcome(socket, frame, label),
    );
  }

  private onWelcome(socket: WebSocket, frame: FrameFromCoordinator, label: string): void {
    const drop = (code: number, reason: string) => {
      this.log(`${label}: ${reason}`);
      closeSocket(socket, code, reason);
    };
    if (this.closing) return drop(CLOSE_SESSION_ENDED, 'agent shutting down');
    if (frame.type === 'link/refused') {
      this.emit('refused', frame.reason);
      return drop(CLOSE_REFUSED, `refused by the coordinator: ${frame.reason}`);
    }
    if (frame.type !== 'coordinator/welcome') return drop(CLOSE_POLICY, `expected coordinator/welcome, got ${frame.type}`);
    if (frame.protocolVersion !== PROTOCOL_VERSION) {
      return drop(CLOSE_REFUSED, `coordinator speaks protocol version ${frame.protocolVersion}, this agent ${PROTOCOL_VERSION}`);
    }
    const current = this.session && !this.session.link.closed ? this.session : undefined;
    if (current && current.coordinatorId !== frame.coordinatorId && current.link.connected) {
      // Told in-band too: that coordinator already made a session for us and should drop it, not redial.
      const reason = `agent busy: attached to coordinator ${current.coordinatorId}`;
      sendText(socket, JSON.stringify({ type: 'link/refused', reason }));
      return drop(CLOSE_REFUSED, reason);
    }
    if (frame.resumed) this.resume(socket, frame, current, drop);
    else this.begin(socket, frame, current);
  }

  private resume(
    socket: WebSocket,
    welcome: CoordinatorWelcome,
    current: { link: AgentLink; coordinatorId: string } | undefined,
    drop: (code: number, reason: string) => void,
  ): void {
    if (!current || current.coordinatorId !== welcome.coordinatorId || !current.link.canResume(welcome.lastReceived)) {
      // The coordinator resumes a session this agent does not have: end it there; the next hello starts afresh.
      return drop(CLOSE_SESSION_ENDED, 'agent has no such session');
    }
    current.link.attach(socket, welcome.lastReceived);
    this.connected(socket, welcome);
  }

  private begin(socket: WebSocket, welcome: CoordinatorWelcome, current: { link: AgentLink } | undefined): void {
    current?.link.close('coordinator started a new session');
    const link: AgentLink = new WsLink({
      peer: 'coordinator',
      heartbeatMs: this.options.heartbeatMs,
      peerTimeoutMs: this.options.peerTimeoutMs,
      // An agent keeps its session while it keeps trying; orphan grace (the role) decides about its users.
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      ackDelayMs: this.options.ackDelayMs,
      ackEvery: this.options.ackEvery,
      label: `coordinator ${welcome.coordinatorId}`,
      log: this.log,
    });
    this.session = { link, coordinatorId: welcome.coordinatorId };
    link.attach(socket, 0);
    this.connected(socket, welcome);
    this.emit('session', link);
  }

  private connected(socket: WebSocket, welcome: CoordinatorWelcome): void {
    this.backoff.reset();
    this.lastDialError = '';
    socket.once('close', () => {
      if (!this.closing) this.emit('disconnected');
    });
    this.emit('connected', { coordinatorId: welcome.coordinatorId, resumed: welcome.resumed });
  }
}
