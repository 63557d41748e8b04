/**
 * The demo target's WebSocket messaging router, after the "super private messaging server" of amoc's livebook:
 * users connect with an id of their choosing, and every JSON message naming a recipient in `to` is routed to the
 * connection registered under that id.
 *
 * Connecting (two ways, pick per connection):
 *   /ws/<id> or /ws?id=<id>   the id is claimed during the handshake; if it is taken the handshake is refused with
 *                             HTTP 409 (no socket is ever opened), an empty or over-long id with 400.
 *   /ws, then {"connect": id} the livebook's own protocol: the first message claims the id; the reply is
 *                             {"connected": id}, or {"rejected": "duplicate"} followed by close code 4409.
 * An id is a string of 1..128 characters; a number in `connect` or `to` means its decimal string. Ids are freed
 * when their connection closes, and can be claimed again at once.
 *
 * Routing: `{to, ...rest}` reaches the recipient as `{...rest, to, from}` where `from` is always the sender's own
 * id, whatever the sender wrote there. (The livebook drops a message with a forged `from`; we overwrite it, so a
 * scenario never has to repeat its own id and still cannot impersonate anyone.) Like the livebook, a message to an
 * id that is not connected is dropped silently and only counted (`undeliverable`): the sender learns nothing about
 * who is online. Unlike the livebook, which closes the connection on bad JSON, bad input gets an error reply and the
 * connection stays open, so a load test sees its mistake as data:
 *   {type: 'error', reason: 'invalid_json'}        the frame is not JSON
 *   {type: 'error', reason: 'invalid_message', …}  not an object, or no usable `to`
 *   {type: 'error', reason: 'connect_first', …}    a /ws connection sent something before {"connect": id}
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

export const WS_PATH = '/ws';
/** Close code sent after {"rejected": "duplicate"} in the livebook connect flow (4000-4999: private use). */
export const CLOSE_DUPLICATE_ID = 4409;
/** Close code sent to every client when the target shuts down. */
export const CLOSE_GOING_AWAY = 1001;
export const MAX_ID_LENGTH = 128;
/** Larger frames are refused by ws itself (close 1009): chat messages are small, and this bounds memory per user. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** A recipient with this much unsent data is not reading: further messages to it are dropped, not queued. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface WsRouterStats {
  /** Connections holding an id now. */
  connected: number;
  /** Open /ws connections that have not sent {"connect": id} yet. */
  pending: number;
  /** Messages delivered to a recipient. */
  routed: number;
  /** Messages dropped because the recipient was not connected (or not reading). */
  undeliverable: number;
  /** Id claims refused: duplicate (409 or 4409) or malformed (400). */
  rejected: number;
  /** Frames answered with an error reply: bad JSON, no usable `to`, or no `connect` first. */
  invalid: number;
}

interface Session {
  readonly ws: WebSocket;
  id: string | undefined;
}

const INVALID_JSON = JSON.stringify({ type: 'error', reason: 'invalid_json', message: 'the message is not valid JSON' });
const INVALID_MESSAGE = JSON.stringify({
  type: 'error',
  reason: 'invalid_message',
  message: `expected a JSON object with "to": the recipient's id (a string of 1..${MAX_ID_LENGTH} characters or an integer)`,
});
const CONNECT_FIRST = JSON.stringify({
  type: 'error',
  reason: 'connect_first',
  message: `send {"connect": <your id>} first, or connect to ${WS_PATH}/<your id>`,
});
const REJECTED_DUPLICATE = JSON.stringify({ rejected: 'duplicate' });

/** An id from a message field: a non-empty string up to MAX_ID_LENGTH, or a safe integer as its decimal string. */
function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 && value.length <= MAX_ID_LENGTH ? value : undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** Socket errors during or after a handshake end that connection only; 'close' follows and does the cleanup. */
function ignore(): void {}

/** Refuses a handshake with a JSON body, as ws's own `abortHandshake` does with text. */
function rejectHandshake(socket: Duplex, status: number, error: string, message: string): void {
  socket.on('error', ignore);
  const body = JSON.stringify({ error, message });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

type Target = { id: string | undefined } | { status: number; error: string; message: string };

/** Where an upgrade request wants to go: /ws (id later), /ws/<id>, /ws?id=<id>, or a reason to refuse it. */
function parseTarget(url: string): Target {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  let raw: string | null;
  if (path === WS_PATH || path === `${WS_PATH}/`) {
    raw = q === -1 ? null : new URLSearchParams(url.slice(q + 1)).get('id');
    if (raw === null) return { id: undefined };
  } else if (path.startsWith(`${WS_PATH}/`) && !path.includes('/', WS_PATH.length + 1)) {
    try {
      raw = decodeURIComponent(path.slice(WS_PATH.length + 1));
    } catch {
      return { status: 400, error: 'invalid_id', message: 'the id in the path is not valid percent-encoding' };
    }
  } else {
    return { status: 404, error: 'not_found', message: `WebSocket connections go to ${WS_PATH} or ${WS_PATH}/<id>` };
  }
  if (raw.length === 0 || raw.length > MAX_ID_LENGTH) {
    return { status: 400, error: 'invalid_id', message: `an id has 1..${MAX_ID_LENGTH} characters` };
  }
  return { id: raw };
}

export class WsRouter {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, clientTracking: true });
  private readonly users = new Map<string, WebSocket>();
  private readonly counts = { pending: 0, routed: 0, undeliverable: 0, rejected: 0, invalid: 0 };
  private closing: Promise<void> | undefined;

  /** The HTTP server's 'upgrade' listener: accepts /ws connections and refuses everything else. */
  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (this.closing) {
      rejectHandshake(socket, 503, 'shutting_down', 'the target is shutting down');
      return;
    }
    const target = parseTarget(req.url ?? '/');
    if ('status' in target) {
      if (target.status === 400) this.counts.rejected++;
      rejectHandshake(socket, target.status, target.error, target.message);
      return;
    }
    const id = target.id;
    if (id !== undefined && this.users.has(id)) {
      this.counts.rejected++;
      rejectHandshake(socket, 409, 'duplicate_id', `the id ${JSON.stringify(id)} is already connected`);
      return;
    }
    // ws calls back synchronously once the handshake is written (no async verifyClient), so the id checked
    // above cannot have been claimed in between; accept() still re-checks rather than trust that.
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, id));
  };

  stats(): WsRouterStats {
    return { connected: this.users.size, ...this.counts };
  }

  /**
   * Closes every connection with 1001, terminates those still open after `graceMs`, and refuses new ones (503).
   * Resolves once every connection is closed; idempotent.
   */
  close(graceMs = 500): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const clients = [...this.wss.clients];
      let open = clients.length;
      const done = (): void => {
        clearTimeout(timer);
        this.wss.close();
        resolve();
      };
      const timer = setTimeout(() => {
        for (const ws of clients) ws.terminate();
      }, graceMs);
      if (open === 0) return done();
      for (const ws of clients) {
        ws.once('close', () => {
          if (--open === 0) done();
        });
        ws.close(CLOSE_GOING_AWAY, 'target shutting down');
      }
    });
    return this.closing;
  }

  private accept(ws: WebSocket, id: string | undefined): void {
    ws.on('error', ignore);
    const session: Session = { ws, id: undefined };
    if (id === undefined) {
      this.counts.pending++;
    } else if (this.users.has(id)) {
      this.counts.rejected++;
      ws.close(CLOSE_DUPLICATE_ID, 'duplicate id');
      return;
    } else {
      session.id = id;
      this.users.set(id, ws);
    }
    ws.on('message', (data) => this.onMessage(session, data));
    ws.on('close', () => this.onClose(session));
  }

  private onClose(session: Session): void {
    if (session.id === undefined) this.counts.pending--;
    else if (this.users.get(session.id) === session.ws) this.users.delete(session.id);
  }

  private onMessage(session: Session, data: RawData): void {
    const { ws } = session;
    // Frames that arrive after we started closing (a rejected duplicate, shutdown) are not acted on.
    if (ws.readyState !== WebSocket.OPEN) return;
    let message: unknown;
    try {
      message = JSON.parse(rawText(data));
    } catch {
      this.counts.invalid++;
      ws.send(INVALID_JSON);
      return;
    }
    if (session.id === undefined) {
      this.identify(session, message);
      return;
    }
    const to = isObject(message) ? idOf(message.to) : undefined;
    if (to === undefined) {
      this.counts.invalid++;
      ws.send(INVALID_MESSAGE);
      return;
    }
    const recipient = this.users.get(to);
    if (recipient === undefined || recipient.readyState !== WebSocket.OPEN || recipient.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.counts.undeliverable++;
      return;
    }
    const routed = message as Record<string, unknown>;
    routed.to = to;
    routed.from = session.id;
    recipient.send(JSON.stringify(routed));
    this.counts.routed++;
  }

  /** The livebook flow: the first message of a /ws connection must be {"connect": id}. */
  private identify(session: Session, message: unknown): void {
    const id = isObject(message) ? idOf(message.connect) : undefined;
    if (id === undefined) {
      this.counts.invalid++;
      session.ws.send(CONNECT_FIRST);
      return;
    }
    if (this.users.has(id)) {
      this.counts.rejected++;
      session.ws.send(REJECTED_DUPLICATE);
      session.ws.close(CLOSE_DUPLICATE_ID, 'duplicate id');
      return;
    }
    this.counts.pending--;
    session.id = id;
    this.users.set(id, session.ws);
    session.ws.send(JSON.stringify({ connected: id }));
  }
}
