/**
 * Sorts the errors of undici, ws and Node's net/tls/dns into Rookery's stable `ErrorKind`s, each with a short
 * human message for the error table. Also owns `RequestTimeoutError`, the error our own whole-request timers raise.
 *
 * Errors are recognised by `code` first (stable across versions), then `name`, then message patterns for the few
 * libraries that throw plain `Error`s (ws handshake failures). Wrapped errors (`cause`, `AggregateError` from
 * Node's happy-eyeballs connect) are unwrapped so the root reason decides the kind.
 */
import type { ErrorKind } from '../protocol/snapshot';
import { isAbortError } from '../common/errors';

/** Raised by our own timers (HTTP whole-request timeout); classified as `timeout`. */
export class RequestTimeoutError extends Error {
  readonly code = 'ROOKERY_REQUEST_TIMEOUT';
  constructor(readonly timeoutMs: number, what = 'request') {
    super(`${what} timed out after ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

export interface ClassifiedError {
  kind: ErrorKind;
  message: string;
}

const MAX_MESSAGE = 200;

const TIMEOUT_CODES: Record<string, string> = {
  ETIMEDOUT: 'connection timed out',
  ESOCKETTIMEDOUT: 'socket timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for response headers',
  UND_ERR_BODY_TIMEOUT: 'timed out reading the response body',
};

const RESET_CODES: Record<string, string> = {
  ECONNRESET: 'connection reset by peer',
  EPIPE: 'connection closed while sending (EPIPE)',
  ECONNABORTED: 'connection aborted',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
};

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA', 'ENODATA']);

const PROTOCOL_CODES: Record<string, string> = {
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'response body length does not match content-length',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'response exceeded the maximum size',
  UND_ERR_INFO: 'bad response',
};

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'EPROTO',
]);

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_MESSAGE ? `${oneLine.slice(0, MAX_MESSAGE - 1)}…` : oneLine;
}

/** The error that says why: the first of an AggregateError, the `cause` of a wrapper without a code of its own. */
function rootOf(error: ErrorLike): ErrorLike {
  let current = error;
  for (let depth = 0; depth < 4; depth++) {
    if (typeof current.code === 'string') return current;
    const inner = Array.isArray(current.errors) && current.errors.length > 0 ? current.errors[0] : current.cause;
    if (typeof inner !== 'object' || inner === null) return current;
    current = inner as ErrorLike;
  }
  return current;
}

/** ` (127.0.0.1:8080)` from a net error, or from the first attempt of an AggregateError; else nothing. */
function where(error: ErrorLike): string {
  const first = Array.isArray(error.errors) ? (error.errors[0] as ErrorLike | undefined) : undefined;
  const source = typeof error.address === 'string' ? error : first;
  if (source === undefined || typeof source.address !== 'string') return '';
  return typeof source.port === 'number' ? ` (${source.address}:${source.port})` : ` (${source.address})`;
}

/** Classifies any thrown value; never throws. */
export function classifyError(error: unknown): ClassifiedError {
  if (typeof error !== 'object' || error === null) {
    return { kind: 'other', message: shorten(String(error)) };
  }
  if (isAbortError(error) || (error as ErrorLike).code === 'UND_ERR_ABORTED') {
    return { kind: 'aborted', message: 'aborted' };
  }
  const root = rootOf(error as ErrorLike);
  const code = typeof root.code === 'string' ? root.code : '';
  const name = typeof root.name === 'string' ? root.name : '';
  const text = typeof root.message === 'string' && root.message.length > 0
    ? root.message
    : typeof (error as ErrorLike).message === 'string' ? String((error as ErrorLike).message) : String(error);

  if (code === 'ECONNREFUSED') return { kind: 'refused', message: `connection refused${where(root)}` };
  if (name === 'TimeoutError' || code === 'ROOKERY_REQUEST_TIMEOUT') return { kind: 'timeout', message: shorten(text) };
  if (code in TIMEOUT_CODES) return { kind: 'timeout', message: `${TIMEOUT_CODES[code]}${where(root)}` };
  if (/handshake has timed out/i.test(text)) return { kind: 'timeout', message: 'WebSocket handshake timed out' };
  if (DNS_CODES.has(code)) {
    const host = typeof root.hostname === 'string' ? ` for ${root.hostname}` : '';
    return { kind: 'dns', message: `DNS lookup failed${host} (${code})` };
  }
  if (code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.startsWith('CERT_') || TLS_CODES.has(code)
    || /\b(SSL|TLS)\b|certificate/i.test(text)) {
    return { kind: 'tls', message: shorten(`TLS: ${text}`) };
  }
  if (code in RESET_CODES) {
    const detail = code === 'UND_ERR_SOCKET' && text && text !== 'other side closed' ? `: ${text}` : '';
    return { kind: 'reset', message: shorten(`${RESET_CODES[code]}${detail}`) };
  }
  if (/other side closed|socket hang up/i.test(text)) return { kind: 'reset', message: 'connection closed by the server' };
  if (code.startsWith('HPE_') || name === 'HTTPParserError') {
    return { kind: 'protocol', message: shorten(`malformed HTTP response: ${text}`) };
  }
  if (code in PROTOCOL_CODES) return { kind: 'protocol', message: PROTOCOL_CODES[code] };
  const unexpected = /Unexpected server response: (\d+)/.exec(text);
  if (unexpected) {
    const status = Number(unexpected[1]);
    return { kind: status >= 400 ? 'http' : 'protocol', message: `WebSocket handshake answered with HTTP ${status}` };
  }
  if (code.startsWith('WS_ERR_') || /invalid websocket frame/i.test(text)) {
    return { kind: 'protocol', message: shorten(`bad WebSocket frame: ${text}`) };
  }
  return { kind: 'other', message: shorten(code && !text.includes(code) ? `${code}: ${text}` : text) };
}
