/**
 * Small facts about WebSocket sockets shared by the link and the endpoints: the close codes we use and what they
 * mean, reading a frame's text, and closing a socket so that it is really gone even if the peer never answers.
 */
import type { RawData, WebSocket } from 'ws';

/** A frame broke the protocol (malformed, unexpected, out of sequence). */
export const CLOSE_POLICY = 1008;
/** A frame larger than MAX_FRAME_BYTES (ws closes with it by itself, via maxPayload). */
export const CLOSE_TOO_BIG = 1009;
/** The process is shutting down. */
export const CLOSE_GOING_AWAY = 1001;
/** The session is over (either side closed it): the peer must not resume it. */
export const CLOSE_SESSION_ENDED = 4000;
/** A newer connection took over this session. */
export const CLOSE_REPLACED = 4001;
/** Refused at hello (version mismatch, agent busy with another coordinator...); the reason says why. */
export const CLOSE_REFUSED = 4002;

/** How long a closing socket may wait for the peer's close frame before it is destroyed. */
const CLOSE_GRACE_MS = 1000;

/** The frame's text (ws hands text frames over as Buffers, or arrays of them for fragmented frames). */
export function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Close reasons travel in the close frame, which allows 123 bytes. */
export function closeReason(reason: string): string {
  let out = reason;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -2);
  return out;
}

/** Closes with a code and a reason, then destroys the socket if the peer has not completed the close in time. */
export function closeSocket(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === socket.CLOSED) return;
  if (socket.readyState === socket.CONNECTING) {
    socket.terminate();
    return;
  }
  try {
    socket.close(code, closeReason(reason));
  } catch {
    socket.terminate();
    return;
  }
  const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/** Sends text if the socket is open; a closing socket silently drops it (the link resends after a reconnect). */
export function sendText(socket: WebSocket, text: string): void {
  if (socket.readyState === socket.OPEN) socket.send(text);
}

/**
 * WebSocket-level keepalive for sockets without link heartbeats (control connections): ping every `intervalMs`;
 * no pong since the previous ping means the peer is gone, and the socket is terminated. Returns a stop function.
 */
export function keepAlive(socket: WebSocket, intervalMs: number): () => void {
  let alive = true;
  const onPong = () => {
    alive = true;
  };
  socket.on('pong', onPong);
  const timer = setInterval(() => {
    if (!alive) {
      socket.terminate();
      return;
    }
    alive = false;
    if (socket.readyState === socket.OPEN) socket.ping();
  }, intervalMs);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    socket.off('pong', onPong);
  };
  socket.once('close', stop);
  return stop;
}
