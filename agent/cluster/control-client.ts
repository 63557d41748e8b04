/**
 * The client side of the control protocol, shared by the CLI and the VS Code extension: connect to a
 * coordinator's `/control`, send requests (each answered by exactly one `control/reply`, or a timeout), receive
 * pushes. Failures come back as RookeryErrors carrying the coordinator's code, where, hint and problems, so a
 * client renders a remote failure exactly like a local one.
 */
import { EventEmitter } from 'node:events';
import type { RawData } from 'ws';
import { WebSocket } from 'ws';
import { RookeryError, type ErrorCode, type Problem } from '../common/errors';
import type { ControlError, ControlPush, ControlRequest } from '../protocol/control';
import { parseControlPush, parseJsonText } from '../protocol/validate';
import { CLOSE_POLICY, closeSocket, keepAlive, rawText, sendText } from './link-socket';
import { describeDialError, endpointUrl } from './transport-dial';

/** Largest frame a client accepts from the coordinator it chose to trust (run/finished can be large). */
export const CONTROL_MAX_FRAME_BYTES = 256 * 1024 * 1024;

/** A request as the caller writes it: the client numbers it. */
export type ControlRequestBody = ControlRequest extends infer R ? (R extends ControlRequest ? Omit<R, 'id'> : never) : never;

export interface ControlClientOptions {
  token?: string;
  /** PEM certificate(s) to trust for wss://. */
  ca?: string;
  /** Per request (30 s by default)... */
  timeoutMs?: number;
  /** ...except start-run, which prepares every agent first (120 s by default). */
  startRunTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** WebSocket ping interval; a coordinator that misses a pong is considered gone. */
  keepAliveMs?: number;
}

interface Pending {
  type: ControlRequest['type'];
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Connects to the coordinator at `url` (`ws://host:port` gets the `/control` path). */
export function connectControl(url: string, options: ControlClientOptions = {}): Promise<ControlClient> {
  return new Promise<ControlClient>((resolve, reject) => {
    const target = endpointUrl(url, '/control'); // throws a usage error: the promise rejects with it
    const socket = new WebSocket(target, {
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      ca: options.ca,
      // A finished run's result carries its whole per-second series: a long run outgrows the agents' frame limit.
      maxPayload: CONTROL_MAX_FRAME_BYTES,
      handshakeTimeout: options.connectTimeoutMs ?? 10_000,
    });
    const onError = (error: Error) => {
      socket.off('open', onOpen);
      reject(describeDialError(error, url, 'coordinator'));
    };
    const onOpen = () => {
      socket.off('error', onError);
      resolve(new ControlClient(socket, url, options));
    };
    socket.once('error', onError);
    socket.once('open', onOpen);
  });
}

export class ControlClient extends EventEmitter {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closedReason: string | undefined;

  constructor(
    private readonly socket: WebSocket,
    /** The coordinator's URL as given, for messages. */
    readonly url: string,
    private readonly options: ControlClientOptions,
  ) {
    super();
    keepAlive(socket, options.keepAliveMs ?? 15_000);
    socket.on('message', (data: RawData, isBinary: boolean) => this.onFrame(data, isBinary));
    socket.on('error', () => {}); // the close that follows carries the story
    socket.on('close', (code: number, reason: Buffer) => this.onClose(`${code}${reason.length > 0 ? ` ${reason.toString()}` : ''}`));
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Sends a request; resolves with the reply's `result`, rejects with the coordinator's error as a RookeryError. */
  request(body: ControlRequestBody): Promise<unknown> {
    if (this.closedReason !== undefined) {
      return Promise.reject(new RookeryError('ROOKERY_CONNECT', `connection to the coordinator at ${this.url} is closed (${this.closedReason})`, { where: this.url }));
    }
    const id = this.nextId++;
    const timeoutMs = body.type === 'control/start-run' ? (this.options.startRunTimeoutMs ?? 120_000) : (this.options.timeoutMs ?? 30_000);
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RookeryError('ROOKERY_CONNECT', `the coordinator did not answer ${body.type} within ${timeoutMs} ms`, { where: this.url }));
      }, timeoutMs);
      this.pending.set(id, { type: body.type, resolve, reject, timer });
      sendText(this.socket, JSON.stringify({ ...body, id }));
    });
  }

  close(): void {
    if (this.closedReason !== undefined) return;
    closeSocket(this.socket, 1000, 'client closing');
    this.onClose('closed by the client');
  }

  override on(event: 'push', listener: (push: ControlPush) => void): this;
  override on(event: 'close', listener: (reason: string) => void): this;
  override on(event: string, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }

  // -------------------------------------------------------------------------------------------------------------

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.closedReason !== undefined) return;
    let push: ControlPush;
    try {
      if (isBinary) throw new Error('binary frames are not part of the protocol');
      push = parseControlPush(parseJsonText(rawText(data)));
    } catch (error) {
      const reason = `invalid message from the coordinator: ${(error as Error).message}`;
      closeSocket(this.socket, CLOSE_POLICY, reason);
      this.onClose(reason);
      return;
    }
    if (push.type !== 'control/reply') {
      this.emit('push', push);
      return;
    }
    const pending = this.pending.get(push.id);
    if (!pending) return; // answered after its timeout: the caller has moved on
    this.pending.delete(push.id);
    clearTimeout(pending.timer);
    if (push.ok) pending.resolve(push.result);
    else pending.reject(controlErrorToRookery(push.error));
  }

  private onClose(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(id);
      pending.reject(
        new RookeryError('ROOKERY_CONNECT', `the connection to the coordinator at ${this.url} closed before it answered ${pending.type} (${reason})`, {
          where: this.url,
        }),
      );
    }
    this.emit('close', reason);
  }
}

/** The coordinator's ControlError as a local RookeryError: same code, message, where, hint; problems listed. */
export function controlErrorToRookery(error: ControlError): RookeryError {
  const problems: Problem[] =
    error.problems ?? (error.variableProblems ?? []).map((p) => ({ where: p.variable, message: p.reason }));
  const result = new RookeryError(error.code as ErrorCode, error.message, { where: error.where, hint: error.hint, problems });
  if (error.variableProblems) Object.assign(result, { variableProblems: error.variableProblems });
  return result;
}
