/**
 * One HTTP request in flight: the undici dispatch handler that collects the response, its whole-request timer,
 * its timings, and how it ends — recorded and resolved (response or failure), or aborted because the user stopped.
 *
 * Hot path: one object per request holds everything (no closures besides the promise executor), timing is three
 * `performance.now()` calls (start, headers, end), the timer is a plain `setTimeout` with the request as argument,
 * and the body is kept as received chunks, concatenated once only if there are several.
 *
 * Ending: exactly one of `finish` (response complete), `fail` (network error or our timeout) and `stop` (user
 * stopped) wins; `settled` makes the others and any late undici callback no-ops.
 */
import type { Dispatcher } from 'undici';
import type { AcceptStatus } from '../api';
import type { ErrorKind } from '../protocol/snapshot';
import type { MetricsSink } from '../metrics/sample';
import { UserStoppedError } from '../common/errors';
import { classifyError, RequestTimeoutError } from './error-kind';
import { takeConnectTiming } from './http-connect';
import { EMPTY_BODY, Response, headBytes, statusText, type ResponseHeaders } from './http-response';

/** What a request needs from the client that sent it. */
export interface RequestOwner {
  readonly sink: MetricsSink;
  /** Requests in flight, so stopping the user reaches them all without an abort listener per request. */
  readonly inFlight: Set<HttpRequest>;
}

type Controller = Dispatcher.DispatchController;

function expire(request: HttpRequest): void {
  request.expire();
}

function isAccepted(accept: AcceptStatus | undefined, status: number): boolean {
  if (accept === undefined) return status < 400;
  if (typeof accept === 'function') return Boolean(accept(status));
  return accept.includes(status);
}

function micros(ms: number): number {
  return Math.round(ms * 1000);
}

export class HttpRequest implements Dispatcher.DispatchHandler {
  readonly promise: Promise<Response>;
  private resolve!: (response: Response) => void;
  private reject!: (error: unknown) => void;
  private readonly timer: NodeJS.Timeout;
  private settled = false;
  private controller: Controller | undefined;
  /** Why we gave up before undici started the request; applied in `onRequestStart`. */
  private pendingAbort: Error | undefined;
  private connectUs: number | undefined;
  private tlsUs: number | undefined;
  private headersAt = 0;
  private status = 0;
  private statusMessage = '';
  private headers: ResponseHeaders | undefined;
  private headBytes = 0;
  private bodyBytes = 0;
  private firstChunk: Buffer | undefined;
  private moreChunks: Buffer[] | undefined;

  constructor(
    private readonly owner: RequestOwner,
    private readonly name: string,
    private readonly accept: AcceptStatus | undefined,
    private readonly bytesOut: number,
    private readonly timeoutMs: number,
    /** `performance.now()` when the scenario called the client. */
    private readonly start: number,
  ) {
    this.promise = new Promise<Response>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.timer = setTimeout(expire, timeoutMs, this);
    owner.inFlight.add(this);
  }

  // --- undici DispatchHandler ----------------------------------------------------------------------------------

  onRequestStart(controller: Controller): void {
    if (this.settled) {
      controller.abort(this.pendingAbort ?? new UserStoppedError());
      return;
    }
    this.controller = controller;
    const timing = takeConnectTiming();
    if (timing !== undefined) {
      this.connectUs = timing.connectUs;
      this.tlsUs = timing.tlsUs;
    }
  }

  onResponseStart(_controller: Controller, statusCode: number, headers: ResponseHeaders, statusMessage?: string): void {
    if (this.settled || statusCode < 200) return; // informational responses precede the real one
    this.headersAt = performance.now();
    this.status = statusCode;
    this.statusMessage = statusMessage ?? '';
    this.headers = headers;
    this.headBytes = headBytes(this.statusMessage, headers);
  }

  onResponseData(_controller: Controller, chunk: Buffer): void {
    if (this.settled) return;
    this.bodyBytes += chunk.length;
    if (this.firstChunk === undefined) this.firstChunk = chunk;
    else if (this.moreChunks === undefined) this.moreChunks = [chunk];
    else this.moreChunks.push(chunk);
  }

  onResponseEnd(): void {
    if (!this.settled) this.finish();
  }

  onResponseError(_controller: Controller, error: Error): void {
    if (this.settled) return;
    if ((error as { code?: string }).code === 'UND_ERR_INVALID_ARG') {
      // A scenario bug (bad header value, bad method), not a target failure: fail the user with a clear message.
      this.settle();
      this.reject(new TypeError(`${this.name}: ${error.message}`));
      return;
    }
    this.fail(error);
  }

  // --- endings -------------------------------------------------------------------------------------------------

  /** The whole-request timer fired. */
  expire(): void {
    if (this.settled) return;
    const error = new RequestTimeoutError(this.timeoutMs);
    this.fail(error);
    this.abortUndici(error);
  }

  /** The user was stopped: abort at once, count it as aborted (not as a finished request), and end the user. */
  stop(): void {
    if (this.settled) return;
    this.settle();
    const error = new UserStoppedError();
    this.abortUndici(error);
    this.owner.sink.recordError('aborted', `${this.name}: request aborted, the user was stopped`, this.name);
    this.reject(error);
  }

  private settle(): void {
    this.settled = true;
    clearTimeout(this.timer);
    this.owner.inFlight.delete(this);
  }

  private abortUndici(reason: Error): void {
    if (this.controller !== undefined) this.controller.abort(reason);
    else this.pendingAbort = reason;
  }

  private body(): Buffer {
    if (this.firstChunk === undefined) return EMPTY_BODY;
    if (this.moreChunks === undefined) return this.firstChunk;
    return Buffer.concat([this.firstChunk, ...this.moreChunks], this.bodyBytes);
  }

  private finish(): void {
    const latencyMs = performance.now() - this.start;
    this.settle();
    let accepted: boolean;
    try {
      accepted = isAccepted(this.accept, this.status);
    } catch (error) {
      this.reject(error); // the scenario's own `accept` predicate threw
      return;
    }
    const errorKind: ErrorKind | undefined = accepted ? undefined : 'http';
    const errorMessage = accepted ? undefined : statusText(this.status, this.statusMessage);
    this.owner.sink.recordRequest(this.name, {
      latencyUs: micros(latencyMs),
      status: this.status,
      errorKind,
      errorMessage,
      bytesIn: this.headBytes + this.bodyBytes,
      bytesOut: this.bytesOut,
      connectUs: this.connectUs,
      tlsUs: this.tlsUs,
      ttfbUs: micros(this.headersAt - this.start),
    });
    this.resolve(new Response(this.status, this.headers ?? {}, this.body(), accepted, latencyMs,
      errorMessage === undefined ? undefined : { kind: 'http', message: errorMessage }));
  }

  private fail(error: unknown): void {
    const latencyMs = performance.now() - this.start;
    this.settle();
    const { kind, message } = classifyError(error);
    this.owner.sink.recordRequest(this.name, {
      latencyUs: micros(latencyMs),
      status: 0,
      errorKind: kind,
      errorMessage: message,
      bytesIn: this.headBytes + this.bodyBytes,
      bytesOut: this.bytesOut,
      connectUs: this.connectUs,
      tlsUs: this.tlsUs,
      ttfbUs: this.headersAt === 0 ? undefined : micros(this.headersAt - this.start),
    });
    this.resolve(new Response(0, {}, EMPTY_BODY, false, latencyMs, { kind, message }));
  }
}
