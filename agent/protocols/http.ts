/**
 * `user.http(baseUrl)`: the HTTP client scenarios use, on undici. Builds each request (path, headers, body, name,
 * timeout) and hands it to the user's own keep-alive connection or to the node's shared pool; `HttpRequest`
 * (http-request.ts) measures and records it.
 *
 * Failures never throw — they are counted and returned as `{ status: 0, ok: false, error }` — except two things
 * that must end the user: the user being stopped (`UserStoppedError`, and the request counts as `aborted`) and
 * scenario bugs (bad options, bad header values: `TypeError`).
 */
import type { Client, Dispatcher } from 'undici';
import type { AcceptStatus, HttpClient, HttpClientOptions, HttpMethod, HttpResponse, RequestOptions } from '../api';
import type { MetricsSink } from '../metrics/sample';
import { UserStoppedError } from '../common/errors';
import { defaultRequestName } from './request-name';
import { HttpRequest, type RequestOwner } from './http-request';
import { createUserDispatcher, type SharedPools } from './http-pool';

export { SharedPools } from './http-pool';

/** What the engine gives each client: where to record, the user's stop signal, and the run's shared pools. */
export interface HttpEnv {
  sink: MetricsSink;
  signal: AbortSignal;
  pools: SharedPools;
}

type PerRequest = Omit<RequestOptions, 'path' | 'method'>;

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_CONNECTIONS = 100;
/** setTimeout's limit; larger values would fire at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;

function checkTimeout(value: unknown, where: string): number {
  if (typeof value !== 'number' || !(value > 0) || value > MAX_TIMEOUT_MS) {
    throw new TypeError(`${where} must be a number of milliseconds between 1 and ${MAX_TIMEOUT_MS}, got ${String(value)}`);
  }
  return value;
}

/** Header names are case-insensitive: lower-case them so a per-request header replaces the client's. */
function lowerCaseHeaders(into: Record<string, string>, headers: Record<string, string>): Record<string, string> {
  for (const name in headers) into[name.toLowerCase()] = headers[name];
  return into;
}

export function createHttpClient(baseUrl: string, options: HttpClientOptions | undefined, env: HttpEnv): HttpClient {
  return new UndiciHttpClient(baseUrl, options ?? {}, env);
}

class UndiciHttpClient implements HttpClient, RequestOwner {
  readonly sink: MetricsSink;
  readonly inFlight = new Set<HttpRequest>();
  private readonly signal: AbortSignal;
  private readonly dispatcher: Dispatcher;
  /** Set when this client owns its connection (not shared): closed with the client. */
  private readonly own: Client | undefined;
  private readonly origin: string;
  /** The base URL's path without its trailing slash, prefixed to every request path. */
  private readonly basePath: string;
  private readonly headers: Record<string, string> | undefined;
  private readonly timeoutMs: number;
  private readonly accept: AcceptStatus | undefined;
  private closed = false;
  // One-entry memo of the default name: scenarios mostly repeat the same path, and naming costs a few regexes.
  private lastMethod = '';
  private lastPath = '';
  private lastName = '';
  private readonly onAbort = (): void => {
    for (const request of this.inFlight) request.stop();
  };

  constructor(baseUrl: string, options: HttpClientOptions, env: HttpEnv) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new TypeError(`user.http(): invalid base URL ${JSON.stringify(baseUrl)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`user.http(): base URL must be http: or https:, got ${JSON.stringify(baseUrl)}`);
    }
    this.sink = env.sink;
    this.signal = env.signal;
    this.origin = url.origin;
    this.basePath = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
    this.timeoutMs = options.timeout === undefined ? DEFAULT_TIMEOUT_MS : checkTimeout(options.timeout, 'http option timeout');
    this.headers = options.headers === undefined ? undefined : lowerCaseHeaders({}, options.headers);
    this.accept = options.accept;
    if (options.shared === true) {
      const connections = options.connections ?? DEFAULT_CONNECTIONS;
      if (!Number.isInteger(connections) || connections < 1) {
        throw new TypeError(`http option connections must be a positive integer, got ${String(connections)}`);
      }
      this.dispatcher = env.pools.get(this.origin, connections);
    } else {
      this.own = createUserDispatcher(this.origin, this.timeoutMs);
      this.dispatcher = this.own;
    }
    if (!this.signal.aborted) this.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  request(options: RequestOptions): Promise<HttpResponse> {
    return this.send(options.method ?? 'GET', options.path, options);
  }
  get(path: string, options?: PerRequest): Promise<HttpResponse> {
    return this.send('GET', path, options);
  }
  head(path: string, options?: PerRequest): Promise<HttpResponse> {
    return this.send('HEAD', path, options);
  }
  delete(path: string, options?: PerRequest): Promise<HttpResponse> {
    return this.send('DELETE', path, options);
  }
  post(path: string, options?: PerRequest): Promise<HttpResponse> {
    return this.send('POST', path, options);
  }
  put(path: string, options?: PerRequest): Promise<HttpResponse> {
    return this.send('PUT', path, options);
  }
  patch(path: string, options?: PerRequest): Promise<HttpResponse> {
    return this.send('PATCH', path, options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.signal.removeEventListener('abort', this.onAbort);
    // destroy, not close: a graceful close would wait for requests the scenario abandoned, possibly forever.
    if (this.own !== undefined) await this.own.destroy().catch(() => undefined);
  }

  private send(method: HttpMethod, path: string, options: PerRequest | undefined): Promise<HttpResponse> {
    const start = performance.now();
    if (this.signal.aborted) return Promise.reject(new UserStoppedError());
    try {
      return this.dispatch(method, path, options, start);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private dispatch(method: HttpMethod, path: string, options: PerRequest | undefined, start: number): Promise<HttpResponse> {
    if (this.closed) throw new Error(`http client for ${this.origin} is closed`);
    if (typeof path !== 'string') throw new TypeError(`${method} request: path must be a string, got ${typeof path}`);
    let headers = this.headers;
    let body: string | Uint8Array | undefined;
    let timeoutMs = this.timeoutMs;
    let accept = this.accept;
    let name: string | undefined;
    if (options !== undefined) {
      if (options.headers !== undefined) headers = lowerCaseHeaders(headers === undefined ? {} : { ...headers }, options.headers);
      if (options.json !== undefined) {
        if (options.body !== undefined) throw new TypeError(`${method} ${path}: give either json or body, not both`);
        body = JSON.stringify(options.json);
        if (headers === undefined || headers['content-type'] === undefined) {
          headers = { ...headers, 'content-type': 'application/json' };
        }
      } else {
        body = options.body;
      }
      if (options.timeout !== undefined) timeoutMs = checkTimeout(options.timeout, `${method} ${path}: timeout`);
      if (options.accept !== undefined) accept = options.accept;
      name = options.name;
    }
    if (name === undefined) name = this.defaultName(method, path);
    const bytesOut = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    const fullPath = path.charCodeAt(0) === 47 /* / */ ? this.basePath + path : `${this.basePath}/${path}`;
    const request = new HttpRequest(this, name, accept, bytesOut, timeoutMs, start);
    this.dispatcher.dispatch({ origin: this.origin, path: fullPath, method, headers, body }, request);
    return request.promise;
  }

  private defaultName(method: string, path: string): string {
    if (method !== this.lastMethod || path !== this.lastPath) {
      this.lastMethod = method;
      this.lastPath = path;
      this.lastName = defaultRequestName(method, path);
    }
    return this.lastName;
  }
}
