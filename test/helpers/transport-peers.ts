/**
 * Peers and waiting for the transport tests: raw WebSocket peers that record what they receive (to play a
 * misbehaving or scripted agent/coordinator), connected socket pairs for WsLink tests, and awaiting events or
 * conditions with a deadline.
 */
import type { EventEmitter } from 'node:events';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { MAX_FRAME_BYTES } from '../../agent/protocol/cluster';

/** Rejects with `what` if `promise` has not settled within `ms`. */
export function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The arguments of the next `event` on `emitter`, within `ms`. */
export function nextEvent(emitter: EventEmitter, event: string, ms = 5000): Promise<any[]> {
  let listener: (...args: any[]) => void = () => {};
  const promise = new Promise<any[]>((resolve) => {
    listener = (...args: any[]) => resolve(args);
    emitter.once(event, listener);
  });
  return deadline(promise, ms, `event "${event}"`).finally(() => emitter.off(event, listener));
}

/** Checks `condition` every few ms until it holds, or fails after `ms`. */
export async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface Closed {
  code: number;
  reason: string;
}

/** Resolves when the socket closes (at once if it already has). */
export function closeOf(socket: WebSocket): Promise<Closed> {
  return new Promise((resolve) => {
    if (socket.readyState === socket.CLOSED) return resolve({ code: 1006, reason: '' });
    socket.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() }));
  });
}

/** Every JSON frame a raw peer received, in order, with a way to await the next one matching a predicate. */
export class FrameLog {
  readonly frames: any[] = [];
  private readonly waiters: { match: (frame: any) => boolean; resolve: (frame: any) => void }[] = [];
  private cursor = 0;

  constructor(socket: WebSocket) {
    socket.on('message', (data: RawData) => {
      const frame = JSON.parse(String(data));
      this.frames.push(frame);
      for (const w of [...this.waiters]) {
        if (w.match(frame)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(frame);
        }
      }
    });
  }

  /** The first frame after the last one returned by next() that matches (by `type`, or a predicate). */
  next(match: string | ((frame: any) => boolean), ms = 5000): Promise<any> {
    const test = typeof match === 'string' ? (f: any) => f.type === match : match;
    for (; this.cursor < this.frames.length; this.cursor++) {
      if (test(this.frames[this.cursor])) return Promise.resolve(this.frames[this.cursor++]);
    }
    this.cursor = this.frames.length;
    const promise = new Promise<any>((resolve) =>
      this.waiters.push({
        match: test,
        resolve: (frame) => {
          this.cursor = this.frames.length;
          resolve(frame);
        },
      }),
    );
    return deadline(promise, ms, `a frame ${typeof match === 'string' ? match : 'matching'}`);
  }

  ofType(type: string): any[] {
    return this.frames.filter((f) => f.type === type);
  }
}

export interface RawPeer {
  socket: WebSocket;
  log: FrameLog;
  closed: Promise<Closed>;
  send(frame: unknown): void;
}

/** Opens a plain ws connection (no link): the test speaks the protocol by hand. */
export async function dialRaw(url: string, options: { token?: string; ca?: string } = {}): Promise<RawPeer> {
  const socket = new WebSocket(url, {
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    ca: options.ca,
    maxPayload: MAX_FRAME_BYTES,
  });
  socket.on('error', () => {});
  const log = new FrameLog(socket);
  const closed = closeOf(socket);
  await deadline(
    new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    }),
    5000,
    `connection to ${url}`,
  );
  return { socket, log, closed, send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)) };
}

/** The error a dial fails with (e.g. `Unexpected server response: 401`). */
export function dialError(url: string, headers: Record<string, string> = {}): Promise<Error> {
  return deadline(
    new Promise<Error>((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.on('open', () => {
        socket.terminate();
        reject(new Error(`${url} accepted the connection`));
      });
      socket.on('error', resolve);
    }),
    5000,
    `dialling ${url}`,
  );
}

export interface SocketPair {
  /** The accepting side's socket. */
  server: WebSocket;
  client: WebSocket;
  close(): Promise<void>;
}

/** A connected pair of ws sockets over 127.0.0.1. */
export async function wsPair(): Promise<SocketPair> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: MAX_FRAME_BYTES });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as { port: number }).port;
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { maxPayload: MAX_FRAME_BYTES });
  client.on('error', () => {});
  const server = await deadline(accepted, 5000, 'a connection');
  server.on('error', () => {});
  await deadline(
    new Promise<void>((resolve) => (client.readyState === client.OPEN ? resolve() : client.once('open', () => resolve()))),
    5000,
    'the client to open',
  );
  return {
    server,
    client,
    close: async () => {
      for (const s of wss.clients) s.terminate();
      client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
