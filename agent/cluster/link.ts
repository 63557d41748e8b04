/**
 * WsLink: one coordinator ↔ agent session (the Link contract of link-types.ts) over a replaceable WebSocket.
 *
 * Reliability is per session, not per socket:
 *
 *   send(m) ──► seq n ──► pending [n-k … n] ──► socket (if attached)      peer: deliver seq == received+1 once,
 *                           ▲   drop ≤ ack                                       ignore seq ≤ received,
 *                           └── link/ack (batched: 100 ms or 32 msgs) ◄──────     ack what it has
 *
 * After a blip the endpoint attaches a new socket with the peer's `lastReceived` (from hello/welcome): what the
 * peer already has is dropped, the rest is resent in order. Heartbeats keep both sides honest: a socket silent for
 * peerTimeoutMs is terminated ('down'); a session down for sessionTimeoutMs is over ('closed') — the coordinator
 * sets it, an agent leaves it unset and keeps its session until its endpoint gives up. Every incoming frame is
 * validated; a bad one closes that socket (1008; oversized: 1009 by ws) and the session survives to resume.
 * Ending a session is told to the peer with close code 4000, so it does not try to resume it.
 */
import { EventEmitter } from 'node:events';
import type { RawData, WebSocket } from 'ws';
import { HEARTBEAT_INTERVAL_MS, MAX_FRAME_BYTES, PEER_TIMEOUT_MS } from '../protocol/cluster';
import { parseClusterFrame, parseJsonText, ProtocolError, type FrameSender } from '../protocol/validate';
import { RookeryError } from '../common/errors';
import type { Link } from './link-types';
import { CLOSE_POLICY, CLOSE_REPLACED, CLOSE_SESSION_ENDED, closeSocket, rawText, sendText } from './link-socket';

export interface LinkTimings {
  /** How often each side sends link/heartbeat. */
  heartbeatMs?: number;
  /** A socket silent this long is dead. */
  peerTimeoutMs?: number;
  /** A session down this long is closed; undefined: never (the agent side). */
  sessionTimeoutMs?: number;
  /** Acks go out at most this long after a message arrived... */
  ackDelayMs?: number;
  /** ...or at once after this many unacknowledged messages. */
  ackEvery?: number;
}

export interface WsLinkOptions extends LinkTimings {
  /** Who is at the other end: decides which frames and message bodies are acceptable. */
  peer: FrameSender;
  /** Unacknowledged messages kept for resending; past either bound the session is closed. */
  maxBufferedMessages?: number;
  maxBufferedBytes?: number;
  /** Names the session in log lines (`agent a1 (host-3)`). */
  label?: string;
  log?: (line: string) => void;
  now?: () => number;
}

interface Pending {
  seq: number;
  text: string;
  bytes: number;
}

export class WsLink<Out, In> extends EventEmitter implements Link<Out, In> {
  private readonly peer: FrameSender;
  private readonly heartbeatMs: number;
  private readonly peerTimeoutMs: number;
  private readonly sessionTimeoutMs: number | undefined;
  private readonly ackDelayMs: number;
  private readonly ackEvery: number;
  private readonly maxMessages: number;
  private readonly maxBytes: number;
  private readonly label: string;
  private readonly log: (line: string) => void;
  private readonly now: () => number;

  private socket: WebSocket | undefined;
  private everAttached = false;
  private closedReason: string | undefined;
  /** Last sequence number given to an outgoing message, and the highest one the peer acknowledged. */
  private sentSeq = 0;
  private ackedSeq = 0;
  /** Unacknowledged messages, oldest first, from index `head` (a queue without O(n) shifts). */
  private pending: Pending[] = [];
  private head = 0;
  private pendingBytes = 0;
  /** Highest sequence delivered from the peer, and the highest we told the peer about. */
  private received = 0;
  private ackSent = 0;
  private lastHeard = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private sessionTimer: NodeJS.Timeout | undefined;

  constructor(options: WsLinkOptions) {
    super();
    this.peer = options.peer;
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS;
    this.peerTimeoutMs = options.peerTimeoutMs ?? PEER_TIMEOUT_MS;
    this.sessionTimeoutMs = options.sessionTimeoutMs;
    this.ackDelayMs = options.ackDelayMs ?? 100;
    this.ackEvery = options.ackEvery ?? 32;
    this.maxMessages = options.maxBufferedMessages ?? 10_000;
    this.maxBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
    this.label = options.label ?? `link to ${options.peer}`;
    this.log = options.log ?? (() => {});
    this.now = options.now ?? Date.now;
  }

  get connected(): boolean {
    return this.socket !== undefined;
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Highest sequence received from the peer in this session: the resumption point sent in hello/welcome. */
  get lastReceived(): number {
    return this.received;
  }

  /** Messages sent but not yet acknowledged by the peer. */
  get unacknowledged(): number {
    return this.pending.length - this.head;
  }

  /** Whether a peer claiming to have received up to `peerLastReceived` can continue this session. */
  canResume(peerLastReceived: number): boolean {
    return !this.closed && peerLastReceived >= this.ackedSeq && peerLastReceived <= this.sentSeq;
  }

  /**
   * Queues a reliable message. Throws (and queues nothing) if the message alone exceeds MAX_FRAME_BYTES: the peer
   * would close every socket it arrived on, forever. After close() messages are dropped.
   */
  send(message: Out): void {
    if (this.closed) return;
    const seq = this.sentSeq + 1;
    const text = JSON.stringify({ type: 'link/data', seq, body: message });
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_FRAME_BYTES) {
      const type = (message as { type?: unknown }).type;
      throw new RookeryError('ROOKERY_USAGE', `${String(type)} message of ${bytes} bytes exceeds the ${MAX_FRAME_BYTES}-byte frame limit`, {
        where: this.label,
        hint: 'keep the scenario bundle and variable values smaller',
      });
    }
    this.sentSeq = seq;
    this.pending.push({ seq, text, bytes });
    this.pendingBytes += bytes;
    if (this.unacknowledged > this.maxMessages || this.pendingBytes > this.maxBytes) {
      this.close(`resend buffer overflow: ${this.unacknowledged} messages (${this.pendingBytes} bytes) unacknowledged by the ${this.peer}`);
      return;
    }
    if (this.socket) sendText(this.socket, text);
  }

  /**
   * Puts the session on `socket` (after hello/welcome): drops what the peer already has, resends the rest in order.
   * A socket already attached is replaced. Throws a ProtocolError when the peer's position does not fit this
   * session (see canResume); the caller refuses that connection.
   */
  attach(socket: WebSocket, peerLastReceived: number): void {
    if (this.closed) throw new ProtocolError('attach', `session already closed (${this.closedReason})`);
    if (!this.canResume(peerLastReceived)) {
      throw new ProtocolError('lastReceived', `peer claims ${peerLastReceived}, but this side acknowledged ${this.ackedSeq} and sent ${this.sentSeq}`);
    }
    const wasConnected = this.connected;
    if (this.socket) {
      const old = this.socket;
      this.socket = undefined;
      closeSocket(old, CLOSE_REPLACED, 'replaced by a newer connection');
    }
    this.dropAcknowledged(peerLastReceived);
    this.socket = socket;
    this.lastHeard = this.now();
    // The peer learnt our position from hello/welcome: no ack owed for what came before.
    this.ackSent = this.received;
    this.clearTimer('sessionTimer');
    socket.on('message', (data: RawData, isBinary: boolean) => this.onFrame(socket, data, isBinary));
    socket.on('close', (code: number, reason: Buffer) => this.onSocketClose(socket, code, reason.toString()));
    socket.on('error', (error: Error) => {
      if (socket === this.socket) this.log(`${this.label}: connection error: ${error.message}`);
    });
    for (let i = this.head; i < this.pending.length; i++) sendText(socket, this.pending[i].text);
    this.clearTimer('heartbeatTimer');
    this.heartbeatTimer = setInterval(() => this.tick(), this.heartbeatMs);
    const resumed = this.everAttached && !wasConnected;
    this.everAttached = true;
    if (resumed) this.emit('up');
  }

  /** Ends the session, telling the peer (close code 4000) so it does not resume it. */
  close(reason = 'closed'): void {
    if (this.closed) return;
    this.closedReason = reason;
    this.clearTimer('heartbeatTimer');
    this.clearTimer('ackTimer');
    this.clearTimer('sessionTimer');
    const socket = this.socket;
    this.socket = undefined;
    if (socket) closeSocket(socket, CLOSE_SESSION_ENDED, reason);
    this.pending = [];
    this.head = 0;
    this.pendingBytes = 0;
    this.emit('closed', reason);
  }

  // -------------------------------------------------------------------------------------------------------------

  private onFrame(socket: WebSocket, data: RawData, isBinary: boolean): void {
    if (socket !== this.socket) return;
    this.lastHeard = this.now();
    if (isBinary) return this.reject(socket, 'binary frames are not part of the protocol');
    let frame;
    try {
      frame = parseClusterFrame(parseJsonText(rawText(data)), this.peer);
    } catch (error) {
      return this.reject(socket, error instanceof Error ? error.message : String(error));
    }
    switch (frame.type) {
      case 'link/data':
        if (frame.seq <= this.received) {
          // A resend of something we have: the peer does not know that yet, so an ack is owed whatever we sent before.
          this.ackSent = Math.min(this.ackSent, frame.seq - 1);
          return this.scheduleAck();
        }
        if (frame.seq !== this.received + 1) return this.reject(socket, `sequence gap: expected ${this.received + 1}, got ${frame.seq}`);
        this.received = frame.seq;
        this.scheduleAck();
        return this.deliver(frame.body as In);
      case 'link/ack':
        if (frame.seq > this.sentSeq) return this.reject(socket, `ack for ${frame.seq}, but only ${this.sentSeq} were sent`);
        return this.dropAcknowledged(frame.seq);
      case 'link/heartbeat':
        return;
      case 'link/refused':
        return this.close(`refused by the ${this.peer}: ${frame.reason}`);
      default:
        return this.reject(socket, `unexpected ${frame.type} after the handshake`);
    }
  }

  private deliver(message: In): void {
    try {
      this.emit('message', message);
    } catch (error) {
      // A role's bug must not take the transport down with it; the message counts as delivered.
      this.log(`${this.label}: message listener threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  /** A bad frame closes this socket only; the session goes down and can resume on the next connection. */
  private reject(socket: WebSocket, reason: string): void {
    this.log(`${this.label}: closing connection (${CLOSE_POLICY}): ${reason}`);
    this.detach();
    closeSocket(socket, CLOSE_POLICY, reason);
  }

  private onSocketClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    if (code === CLOSE_SESSION_ENDED) return this.close(`closed by the ${this.peer}${reason ? `: ${reason}` : ''}`);
    this.log(`${this.label}: connection closed (${code}${reason ? ` ${reason}` : ''})`);
    this.detach();
  }

  private detach(): void {
    if (!this.socket || this.closed) return;
    this.socket = undefined;
    this.clearTimer('heartbeatTimer');
    this.clearTimer('ackTimer');
    if (this.sessionTimeoutMs !== undefined) {
      const limit = this.sessionTimeoutMs;
      this.sessionTimer = setTimeout(() => this.close(`${this.peer} unreachable for ${limit} ms`), limit);
    }
    this.emit('down');
  }

  private tick(): void {
    const socket = this.socket;
    if (!socket) return;
    const silent = this.now() - this.lastHeard;
    if (silent >= this.peerTimeoutMs) {
      this.log(`${this.label}: ${this.peer} silent for ${silent} ms, dropping the connection`);
      this.detach();
      socket.terminate();
      return;
    }
    sendText(socket, JSON.stringify({ type: 'link/heartbeat', at: this.now() }));
  }

  private scheduleAck(): void {
    if (this.received - this.ackSent >= this.ackEvery) return this.flushAck();
    this.ackTimer ??= setTimeout(() => this.flushAck(), this.ackDelayMs);
  }

  private flushAck(): void {
    this.clearTimer('ackTimer');
    if (!this.socket || this.received <= this.ackSent) return;
    this.ackSent = this.received;
    sendText(this.socket, JSON.stringify({ type: 'link/ack', seq: this.received }));
  }

  private dropAcknowledged(seq: number): void {
    if (seq > this.ackedSeq) this.ackedSeq = seq;
    while (this.head < this.pending.length && this.pending[this.head].seq <= seq) {
      this.pendingBytes -= this.pending[this.head].bytes;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }

  private clearTimer(name: 'heartbeatTimer' | 'ackTimer' | 'sessionTimer'): void {
    const timer = this[name];
    if (timer !== undefined) {
      clearTimeout(timer);
      this[name] = undefined;
    }
  }
}
