/**
 * One virtual user: the `User` object `start` receives, its two signals and the connections it opened.
 *
 * Two signals, as amoc's graceful and forced removal: `stopSignal` asks the user to finish (a scenario may watch
 * it and wind down cleanly); `signal` aborts everything the user is doing — in-flight requests, sleeps, receives
 * — at once. JavaScript cannot kill a running function, so an aborted user that ignores its signal is abandoned:
 * everything it touches through this object throws from then on, and its connections are closed.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { HttpClient, HttpClientOptions, User, UserMessage, UserMetrics, WsConnection, WsOptions } from '../api';
import { UserStoppedError } from '../common/errors';
import type { MetricsSink } from '../metrics/sample';
import { createHttpClient, type SharedPools } from '../protocols/http';
import { connectWebSocket } from '../protocols/ws';
import { Inbox } from './inbox';

/** What every user of a node shares. */
export interface UserRuntime<V> {
  vars: V;
  sink: MetricsSink;
  metrics: UserMetrics;
  check(name: string, ok: boolean): void;
  pools: SharedPools;
  /** Routes a message to user `to`, wherever it runs. */
  send(from: number | undefined, to: number, data: unknown): void;
}

export class VirtualUser<V = Record<string, unknown>> implements User<V> {
  readonly id: number;
  private readonly runtime: UserRuntime<V>;
  private readonly abortController = new AbortController();
  private readonly stopController = new AbortController();
  private readonly closables = new Set<{ close(): Promise<void> }>();
  /** Clients by base URL and options, so a scenario calling `user.http(url)` in a loop reuses one connection. */
  private readonly clients = new Map<string, HttpClient>();
  private readonly inbox = new Inbox();

  constructor(id: number, runtime: UserRuntime<V>) {
    this.id = id;
    this.runtime = runtime;
  }

  get vars(): V {
    return this.runtime.vars;
  }
  get signal(): AbortSignal {
    return this.abortController.signal;
  }
  /** Aborted when the user is asked to finish (graceful removal or stop); `signal` follows if it does not. */
  get stopSignal(): AbortSignal {
    return this.stopController.signal;
  }
  get stopping(): boolean {
    return this.stopController.signal.aborted;
  }
  get metrics(): UserMetrics {
    return this.runtime.metrics;
  }

  http(baseUrl: string, options?: HttpClientOptions): HttpClient {
    this.throwIfAborted();
    // Options holding a function (`accept`) cannot be compared: those clients are not cached.
    const key = typeof options?.accept === 'function' ? undefined : `${baseUrl}\n${JSON.stringify(options ?? {})}`;
    const cached = key === undefined ? undefined : this.clients.get(key);
    if (cached) return cached;
    const client = createHttpClient(baseUrl, options, { sink: this.runtime.sink, signal: this.signal, pools: this.runtime.pools });
    if (key !== undefined) this.clients.set(key, client);
    this.closables.add(client);
    return client;
  }

  async ws(url: string, options?: WsOptions): Promise<WsConnection> {
    this.throwIfAborted();
    const connection = await connectWebSocket(url, options, { sink: this.runtime.sink, signal: this.signal });
    this.closables.add(connection);
    return connection;
  }

  async sleep(ms: number): Promise<void> {
    this.throwIfAborted();
    try {
      await delay(Math.max(0, ms), undefined, { signal: this.signal });
    } catch {
      throw new UserStoppedError();
    }
  }

  think(minMs: number, maxMs: number): Promise<void> {
    const lo = Math.min(minMs, maxMs);
    return this.sleep(lo + Math.random() * Math.abs(maxMs - minMs));
  }

  check(name: string, condition: boolean): boolean {
    this.runtime.check(name, Boolean(condition));
    return Boolean(condition);
  }

  send(to: number, data: unknown): void {
    this.throwIfAborted();
    this.runtime.send(this.id, to, data);
  }

  receive<T = unknown>(options?: { timeout?: number }): Promise<UserMessage<T> | undefined> {
    return this.inbox.receive(options?.timeout, this.signal) as Promise<UserMessage<T> | undefined>;
  }

  async *messages<T = unknown>(): AsyncIterableIterator<UserMessage<T>> {
    for (;;) {
      const message = await this.receive<T>();
      if (message) yield message;
    }
  }

  /** A message for this user arrived; false when the user has ended (the message is dropped). */
  deliver(message: UserMessage): boolean {
    return this.inbox.push(message);
  }

  /** Graceful: asks the user to finish. */
  requestStop(): void {
    if (!this.stopController.signal.aborted) this.stopController.abort(new UserStoppedError('user asked to stop'));
  }

  /** Forced: aborts every in-flight request, sleep and receive, at once. */
  abort(): void {
    this.requestStop();
    if (!this.signal.aborted) this.abortController.abort(new UserStoppedError());
  }

  get aborted(): boolean {
    return this.signal.aborted;
  }

  /** Closes every connection the user opened; never throws. */
  async dispose(): Promise<void> {
    this.inbox.close();
    const all = [...this.closables];
    this.closables.clear();
    this.clients.clear();
    await Promise.allSettled(all.map((c) => c.close()));
  }

  private throwIfAborted(): void {
    if (this.signal.aborted) throw new UserStoppedError();
  }
}
