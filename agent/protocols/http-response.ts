/**
 * The `HttpResponse` objects scenarios receive, and the byte count of a response head.
 *
 * bytesIn = response head + body bytes. The head is not read off the socket (that would need per-socket
 * bookkeeping on the hot path); it is rebuilt from what the parser delivered: `HTTP/1.1 <code> <reason>\r\n`,
 * `<name>: <value>\r\n` per header, and the final `\r\n`. That is exact for the canonical layout every mainstream
 * server writes; odd whitespace or obsolete line folding is not counted, and chunked-encoding framing is not
 * counted either (the body is counted as decoded).
 */
import { STATUS_CODES } from 'node:http';
import type { HttpResponse } from '../api';

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** `HTTP/1.1 ` + 3 digits + space + CRLF. */
const STATUS_LINE_FIXED = 15;
/** `: ` and CRLF around each header value. */
const HEADER_FIXED = 4;

/** Bytes of a response head as described above. */
export function headBytes(statusMessage: string, headers: ResponseHeaders): number {
  let bytes = STATUS_LINE_FIXED + statusMessage.length + 2;
  for (const name in headers) {
    const value = headers[name];
    if (typeof value === 'string') bytes += name.length + value.length + HEADER_FIXED;
    else if (value !== undefined) for (const item of value) bytes += name.length + item.length + HEADER_FIXED;
  }
  return bytes;
}

/** `HTTP 503 Service Unavailable`: the server's reason phrase, else the standard one. */
export function statusText(status: number, statusMessage: string): string {
  const reason = statusMessage || STATUS_CODES[status] || '';
  return reason ? `HTTP ${status} ${reason}` : `HTTP ${status}`;
}

export const EMPTY_BODY: Buffer = Buffer.alloc(0);

/** A finished request as the scenario sees it; methods live on the prototype, not in per-response closures. */
export class Response implements HttpResponse {
  constructor(
    readonly status: number,
    readonly headers: ResponseHeaders,
    readonly body: Buffer,
    readonly ok: boolean,
    readonly durationMs: number,
    readonly error: { kind: string; message: string } | undefined,
  ) {}

  text(): string {
    return this.body.toString('utf8');
  }

  json<T = unknown>(): T {
    return JSON.parse(this.body.toString('utf8')) as T;
  }
}
