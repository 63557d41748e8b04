/**
 * One client's connection to the coordinator's `/control` path, as the coordinator sees it: validated requests
 * in, replies and pushes out. A request that fails validation is answered with a `control/reply` error when it
 * carries a usable `id` (the client can match it); anything else breaking the protocol closes this socket (1008).
 */
import { EventEmitter } from 'node:events';
import type { RawData, WebSocket } from 'ws';
import type { ControlPush, ControlRequest } from '../protocol/control';
import { parseControlRequest, parseJsonText, ProtocolError, requestIdOf } from '../protocol/validate';
import { CLOSE_GOING_AWAY, CLOSE_POLICY, closeSocket, keepAlive, rawText, sendText } from './link-socket';

export interface ControlConnectionOptions {
  /** Names the client in log lines. */
  label: string;
  log: (line: string) => void;
  /** WebSocket ping interval; a client that misses a pong is dropped. */
  keepAliveMs?: number;
}

export class ControlConnection extends EventEmitter {
  private readonly label: string;
  private readonly log: (line: string) => void;
  private isOpen = true;

  constructor(
    private readonly socket: WebSocket,
    options: ControlConnectionOptions,
  ) {
    super();
    this.label = options.label;
    this.log = options.log;
    keepAlive(socket, options.keepAliveMs ?? 15_000);
    socket.on('message', (data: RawData, isBinary: boolean) => this.onFrame(data, isBinary));
    socket.on('error', (error: Error) => this.log(`${this.label}: ${error.message}`));
    socket.on('close', (code: number, reason: Buffer) => {
      this.isOpen = false;
      this.emit('close', `${code}${reason.length > 0 ? ` ${reason.toString()}` : ''}`);
    });
  }

  get open(): boolean {
    return this.isOpen;
  }

  /** A reply or a push; dropped if the client has gone (it will resubscribe and ask for status). */
  send(push: ControlPush): void {
    if (this.isOpen) sendText(this.socket, JSON.stringify(push));
  }

  close(reason = 'coordinator closing'): void {
    if (this.isOpen) closeSocket(this.socket, CLOSE_GOING_AWAY, reason);
  }

  override on(event: 'request', listener: (request: ControlRequest) => void): this;
  override on(event: 'close', listener: (reason: string) => void): this;
  override on(event: string, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (!this.isOpen) return;
    if (isBinary) return this.refuse('binary frames are not part of the protocol');
    let json: unknown;
    try {
      json = parseJsonText(rawText(data));
    } catch (error) {
      return this.refuse((error as Error).message);
    }
    let request: ControlRequest;
    try {
      request = parseControlRequest(json);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const id = requestIdOf(json);
      if (id === undefined || !(error instanceof ProtocolError)) return this.refuse(message);
      this.log(`${this.label}: rejected a request: ${message}`);
      return this.send({ type: 'control/reply', id, ok: false, error: { code: error.code, message: `invalid request: ${message}` } });
    }
    try {
      this.emit('request', request);
    } catch (error) {
      this.log(`${this.label}: request listener threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  private refuse(reason: string): void {
    this.log(`${this.label}: closing connection (${CLOSE_POLICY}): ${reason}`);
    this.isOpen = false;
    closeSocket(this.socket, CLOSE_POLICY, reason);
  }
}
