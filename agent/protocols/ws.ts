/**
 * `user.ws(url)`: WebSocket connections on ws (the only module importing it) — the handshake and its metrics,
 * sending, close handshakes, and what a dropped connection or a stopped user does to a scenario waiting on it.
 *
 * Metrics: the handshake is a request named `ws connect /path` (status 101, ttfb = upgrade response) plus
 * `recordWs('connect')`; a failed one is a request with its error kind plus `recordWs('connectFailure')`.
 * Messages count `messageIn`/`messageOut` bytes. A close we did not ask for is an error: `reset` when the server
 * vanished without a close frame (1006), `protocol` for a close code other than 1000/1001/1005 or a bad frame.
 * Stopping the user is not an error of the target: the socket is terminated and waiting calls throw
 * `UserStoppedError`; only an interrupted handshake counts as `aborted`.
 */
import WebSocket from 'ws';
import type { WsConnection, WsMessage, WsOptions } from '../api';
import type { ErrorKind } from '../protocol/snapshot';
import type { MetricsSink } from '../metrics/sample';
import { UserStoppedError } from '../common/errors';
import { classifyError } from './error-kind';
import { wsRequestName } from './request-name';
import { Message, WsInbox } from './ws-inbox';

export interface WsEnv {
  sink: MetricsSink;
  signal: AbortSignal;
}

/** A handshake that failed; `kind` says how. */
export class WsConnectError extends Error {
  readonly code = 'ROOKERY_WS_CONNECT';
  constructor(readonly kind: ErrorKind, readonly url: string, detail: string) {
    super(`ws connect ${url}: ${kind} — ${detail}`);
    this.name = 'WsConnectError';
  }
}

/** `receive()` or `send()` on a connection that has closed. */
export class WsClosedError extends Error {
  readonly code = 'ROOKERY_WS_CLOSED';
  constructor(readonly what: string, readonly closeCode: number, readonly reason: string) {
    super(`${what}: the WebSocket is closed (${closeCode}${reason ? ` ${reason}` : ''})`);
    this.name = 'WsClosedError';
  }
}

const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
const CLOSE_HANDSHAKE_MS = 2_000;
/** Closes that are a normal end of a conversation, not a failure of the target. */
const NORMAL_CLOSE_CODES = new Set([1000, 1001, 1005]);

export function connectWebSocket(url: string, options: WsOptions | undefined, env: WsEnv): Promise<WsConnection> {
  if (env.signal.aborted) return Promise.reject(new UserStoppedError());
  const start = performance.now();
  const timeout = options?.timeout ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  if (typeof timeout !== 'number' || !(timeout > 0)) {
    return Promise.reject(new TypeError(`user.ws(): timeout must be a positive number of ms, got ${String(timeout)}`));
  }
  let socket: WebSocket;
  try {
    socket = new WebSocket(url, options?.protocols ?? [], { headers: options?.headers, handshakeTimeout: timeout });
  } catch (error) {
    return Promise.reject(new TypeError(`user.ws(${JSON.stringify(url)}): ${(error as Error).message}`));
  }
  return new Connection(socket, url, options?.name ?? wsRequestName(url), env, start).opened;
}

class Connection implements WsConnection {
  readonly opened: Promise<WsConnection>;
  private resolveOpen!: (connection: WsConnection) => void;
  private rejectOpen!: (error: unknown) => void;
  private state: 'connecting' | 'open' | 'closed' = 'connecting';
  private upgradeAt = 0;
  private closeRequested = false;
  private aborted = false;
  private failureRecorded = false;
  private info: { code: number; reason: string } | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private readonly closeWaiters: (() => void)[] = [];
  private readonly inbox: WsInbox;
  private readonly onAbort = (): void => this.abort();

  constructor(
    private readonly socket: WebSocket,
    private readonly url: string,
    private readonly name: string,
    private readonly env: WsEnv,
    private readonly start: number,
  ) {
    this.opened = new Promise((resolve, reject) => {
      this.resolveOpen = resolve;
      this.rejectOpen = reject;
    });
    this.inbox = new WsInbox({ pause: () => socket.pause(), resume: () => socket.resume() });
    // Listeners go on before the handshake completes so that no early message can be missed.
    socket.once('upgrade', () => {
      this.upgradeAt = performance.now();
    });
    socket.once('open', () => this.onOpen());
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('error', (error) => this.onError(error));
    socket.on('close', (code, reason) => this.onClose(code, reason.toString()));
    env.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  get closeInfo(): { code: number; reason: string } | undefined {
    return this.info;
  }

  send(data: string | Uint8Array | object): Promise<void> {
    if (this.aborted) return Promise.reject(new UserStoppedError());
    if (this.state !== 'open' || this.socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new WsClosedError(`${this.name}: send`, this.info?.code ?? 1006, this.info?.reason ?? ''));
    }
    let payload: string | Uint8Array;
    let binary: boolean;
    if (typeof data === 'string') {
      payload = data;
      binary = false;
    } else if (data instanceof Uint8Array) {
      payload = data;
      binary = true;
    } else if (data instanceof ArrayBuffer) {
      payload = new Uint8Array(data);
      binary = true;
    } else {
      const json = JSON.stringify(data);
      if (typeof json !== 'string') return Promise.reject(new TypeError(`${this.name}: send(): cannot encode ${typeof data} as JSON`));
      payload = json;
      binary = false;
    }
    const bytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
    return new Promise((resolve, reject) => {
      this.socket.send(payload, { binary }, (error) => {
        if (error) {
          reject(new Error(`${this.name}: send failed: ${error.message}`));
          return;
        }
        this.env.sink.recordWs('messageOut', bytes);
        resolve();
      });
    });
  }

  receive(options?: { timeout?: number }): Promise<WsMessage | undefined> {
    return this.inbox.receive(options?.timeout);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<WsMessage, void, undefined> {
    for (;;) {
      const message = await this.inbox.next();
      if (message === undefined) return;
      yield message;
    }
  }

  close(code = 1000, reason = ''): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    const done = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    if (!this.closeRequested && !this.aborted) {
      try {
        this.socket.close(code, reason);
      } catch (error) {
        return Promise.reject(new TypeError(`${this.name}: close(): ${(error as Error).message}`));
      }
      this.closeRequested = true;
      // The peer has 2 s to answer our close frame; after that the socket is cut.
      this.closeTimer = setTimeout(() => this.socket.terminate(), CLOSE_HANDSHAKE_MS);
    }
    return done;
  }

  private onOpen(): void {
    if (this.aborted) return;
    this.state = 'open';
    const now = performance.now();
    this.env.sink.recordRequest(this.name, {
      latencyUs: Math.round((now - this.start) * 1000),
      status: 101,
      bytesIn: 0,
      bytesOut: 0,
      ttfbUs: this.upgradeAt === 0 ? undefined : Math.round((this.upgradeAt - this.start) * 1000),
    });
    this.env.sink.recordWs('connect');
    this.resolveOpen(this);
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    this.env.sink.recordWs('messageIn', buffer.length);
    this.inbox.push(new Message(isBinary ? buffer : buffer.toString('utf8'), isBinary, Date.now()));
  }

  private onError(error: Error): void {
    if (this.aborted) return; // terminating on abort makes ws report an error of its own making
    if (this.state === 'connecting') {
      this.failConnect(error);
      return;
    }
    if (this.closeRequested || this.failureRecorded) return;
    this.failureRecorded = true;
    const { kind, message } = classifyError(error);
    this.env.sink.recordError(kind === 'other' ? 'protocol' : kind, `${this.name}: ${message}`, this.name);
  }

  private onClose(code: number, reason: string): void {
    const wasOpen = this.state === 'open';
    if (this.state === 'connecting' && !this.aborted) this.failConnect(new Error('socket hang up'));
    this.state = 'closed';
    this.info = { code, reason };
    clearTimeout(this.closeTimer);
    this.env.signal.removeEventListener('abort', this.onAbort);
    if (wasOpen) {
      this.env.sink.recordWs('close');
      if (!this.closeRequested && !this.aborted && !this.failureRecorded) this.recordUnexpectedClose(code, reason);
    }
    this.inbox.end(new WsClosedError(`${this.name}: receive`, code, reason));
    for (const resolve of this.closeWaiters.splice(0)) resolve();
  }

  private recordUnexpectedClose(code: number, reason: string): void {
    if (code === 1006) {
      this.env.sink.recordError('reset', `${this.name}: connection dropped by the server without a close frame`, this.name);
    } else if (!NORMAL_CLOSE_CODES.has(code)) {
      this.env.sink.recordError('protocol', `${this.name}: closed by the server with ${code}${reason ? ` ${reason}` : ''}`, this.name);
    }
  }

  private failConnect(error: Error): void {
    if (this.failureRecorded) return;
    this.failureRecorded = true;
    const { kind, message } = classifyError(error);
    const status = /Unexpected server response: (\d+)/.exec(error.message);
    this.env.sink.recordRequest(this.name, {
      latencyUs: Math.round((performance.now() - this.start) * 1000),
      status: status === null ? 0 : Number(status[1]),
      errorKind: kind,
      errorMessage: message,
      bytesIn: 0,
      bytesOut: 0,
    });
    this.env.sink.recordWs('connectFailure');
    this.rejectOpen(new WsConnectError(kind, this.url, message));
  }

  /** The user was stopped: cut the socket, fail whoever waits. */
  private abort(): void {
    if (this.aborted || this.state === 'closed') return;
    this.aborted = true;
    const error = new UserStoppedError();
    if (this.state === 'connecting') {
      this.env.sink.recordError('aborted', `${this.name}: handshake aborted, the user was stopped`, this.name);
      this.rejectOpen(error);
    }
    this.inbox.abort(error);
    this.socket.terminate();
  }
}
