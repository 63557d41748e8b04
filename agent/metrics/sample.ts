/**
 * What the protocol layers (agent/protocols/http.ts, ws.ts) hand to the metrics layer, and the narrow interfaces
 * they hand it through. Kept apart from the recorder so protocols depend on a contract, not on an implementation.
 */
import type { ErrorKind } from '../protocol/snapshot';

/** One finished request (HTTP) or operation (a WebSocket connect). Times in microseconds. */
export interface RequestSample {
  /** From the scenario's call to the last byte of the body. */
  latencyUs: number;
  /** HTTP status; undefined or 0 when no response arrived. */
  status?: number;
  /** Set when the request counts as failed. */
  errorKind?: ErrorKind;
  errorMessage?: string;
  bytesIn: number;
  bytesOut: number;
  /** Set only when this request had to open a connection. */
  connectUs?: number;
  tlsUs?: number;
  /** Time to the first byte of the response headers. */
  ttfbUs?: number;
}

export type WsEvent = 'connect' | 'connectFailure' | 'close' | 'messageIn' | 'messageOut';

/** The recorder as the protocol layers see it. `MetricsRecorder` implements it. */
export interface MetricsSink {
  recordRequest(name: string, sample: RequestSample): void;
  /** WebSocket traffic; `bytes` for messages. */
  recordWs(event: WsEvent, bytes?: number): void;
  /** An error not tied to a finished request (e.g. a WebSocket dropped by the server, an aborted request). */
  recordError(kind: ErrorKind, message: string, name?: string): void;
}
