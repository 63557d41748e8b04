/**
 * The `rookery` module scenario authors import: `scenario()`, `variable()` and the types of what a scenario
 * receives. Everything here is declarations and two small constructors; the engine supplies the objects.
 *
 * ```ts
 * import { scenario, variable } from 'rookery';
 * export default scenario({
 *   variables: { host: variable({ description: 'API host', default: 'http://127.0.0.1:8080' }) },
 *   async start(user) {
 *     const api = user.http(user.vars.host);
 *     await api.get('/');
 *   },
 * });
 * ```
 */

// ---------------------------------------------------------------------------------------------------------------
// Required variables

/** The result of a verification function: a boolean, or amoc's `{true, NewValue}` / `{false, Reason}`. */
export type VerifyResult<T> = boolean | { ok: true; value: T } | { ok: false; reason: string };

/**
 * What a runtime update does (amoc's `update`): `'read_only'` rejects updates (the default), `'none'` accepts them,
 * a function accepts them and is called after the new value is applied (with the variable's name, the new value
 * and the old one). A hook that throws is reported to whoever asked for the update; the new value stays applied.
 */
export type UpdatePolicy<T> = 'read_only' | 'none' | ((name: string, newValue: T, oldValue: T) => void | Promise<void>);

export interface VariableOptions<T> {
  /** What the variable is for: shown in `rookery validate`, hovers and completions. Required. */
  description: string;
  /** Used when neither `ROOKERY_<NAME>`, the plan nor `--var` gives a value. Verified like any other value. */
  default?: T;
  /** Absent: any value. An array: an allowlist. A function: returns a boolean or `{ ok, value | reason }`. */
  verify?: readonly T[] | ((value: unknown) => VerifyResult<T>);
  /** Runtime update policy; `'read_only'` by default. */
  update?: UpdatePolicy<T>;
}

const VARIABLE = Symbol.for('rookery.variable');

/** A declared required variable. `T` is the type of its value, inferred from `default` or `verify`. */
export interface Variable<T> extends VariableOptions<T> {
  readonly [VARIABLE]: true;
}

/**
 * Declares a required variable. Write the options as literals (strings, numbers, arrays) where you can: tools read
 * them from the source without running the scenario, as amoc's orchestration tools read `-required_variable`.
 */
export function variable<T = string>(options: VariableOptions<T>): Variable<T> {
  return { ...options, [VARIABLE]: true } as Variable<T>;
}

export function isVariable(value: unknown): value is Variable<unknown> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[VARIABLE] === true;
}

/** Widens literal types (`'a'` → `string`, `3` → `number`) so a default does not pin a variable to one value. */
type Widen<T> = T extends string ? string : T extends number ? number : T extends boolean ? boolean : T;

/** The values of a scenario's variables, typed from their declarations. */
export type Vars<D> = { readonly [K in keyof D]: D[K] extends Variable<infer T> ? Widen<T> : never };

// ---------------------------------------------------------------------------------------------------------------
// HTTP

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** Which statuses count as success; by default every status below 400. */
export type AcceptStatus = readonly number[] | ((status: number) => boolean);

export interface HttpClientOptions {
  /** Headers sent with every request of this client. */
  headers?: Record<string, string>;
  /** Whole-request timeout in ms (connect to last body byte); default 30 000. */
  timeout?: number;
  /**
   * Share one connection pool per origin among all users of the node instead of one keep-alive connection per user.
   * Per-user connections (the default) behave like real clients; a shared pool measures the target, not the handshakes.
   */
  shared?: boolean;
  /** Connections in a shared pool (default 100); ignored without `shared`. */
  connections?: number;
  /** Which statuses count as success for this client's requests (per request `accept` overrides). */
  accept?: AcceptStatus;
}

export interface RequestOptions {
  method?: HttpMethod;
  /** Path (and query) relative to the client's base URL, e.g. `/items/42?full=1`. */
  path: string;
  headers?: Record<string, string>;
  /** A JSON body; sets `content-type: application/json`. */
  json?: unknown;
  /** A raw body. */
  body?: string | Uint8Array;
  /** Timeout in ms for this request, overriding the client's. */
  timeout?: number;
  /** Metric name grouping this request; default: method + path with ids collapsed (`GET /items/:id`). */
  name?: string;
  /** Which statuses count as success for this request. */
  accept?: AcceptStatus;
}

export interface HttpResponse {
  /** HTTP status; 0 when no response arrived (see `error`). */
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** True when a response arrived and its status is accepted. */
  ok: boolean;
  /** Set when the request failed: network error, timeout, or an unaccepted status. */
  error?: { kind: string; message: string };
  /** From the call to the last body byte, in ms. */
  durationMs: number;
  text(): string;
  json<T = unknown>(): T;
}

/**
 * An HTTP client bound to one base URL. Failures never throw: they are counted and returned as a response with
 * `ok: false` and `error`, as load-testing tools do. Only stopping the user throws (an `AbortError`) so it ends.
 */
export interface HttpClient {
  request(options: RequestOptions): Promise<HttpResponse>;
  get(path: string, options?: Omit<RequestOptions, 'path' | 'method'>): Promise<HttpResponse>;
  head(path: string, options?: Omit<RequestOptions, 'path' | 'method'>): Promise<HttpResponse>;
  delete(path: string, options?: Omit<RequestOptions, 'path' | 'method'>): Promise<HttpResponse>;
  post(path: string, options?: Omit<RequestOptions, 'path' | 'method'>): Promise<HttpResponse>;
  put(path: string, options?: Omit<RequestOptions, 'path' | 'method'>): Promise<HttpResponse>;
  patch(path: string, options?: Omit<RequestOptions, 'path' | 'method'>): Promise<HttpResponse>;
  /** Closes this client's connections (done for you when the user ends). */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// WebSocket

export interface WsOptions {
  headers?: Record<string, string>;
  /** Sub-protocols offered in the handshake. */
  protocols?: string[];
  /** Handshake timeout in ms; default 10 000. */
  timeout?: number;
  /** Metric name for the connect; default `ws connect` + path with ids collapsed. */
  name?: string;
}

export interface WsMessage {
  data: string | Buffer;
  binary: boolean;
  /** Arrival time, ms since epoch. */
  receivedAt: number;
  text(): string;
  json<T = unknown>(): T;
}

/**
 * An open WebSocket. Messages are queued as they arrive until `receive` takes them, so none is lost between two
 * calls. Iterating (`for await (const m of conn)`) yields messages until the connection closes.
 */
export interface WsConnection extends AsyncIterable<WsMessage> {
  /** Sends text, binary, or (for any other value) its JSON encoding. */
  send(data: string | Uint8Array | object): Promise<void>;
  /** The next message; `undefined` if none arrived within `timeout` ms (default: wait until closed). */
  receive(options?: { timeout?: number }): Promise<WsMessage | undefined>;
  /** Closes the connection and waits for the close handshake (at most 2 s). */
  close(code?: number, reason?: string): Promise<void>;
  readonly closed: boolean;
  /** Close code and reason once closed. */
  readonly closeInfo: { code: number; reason: string } | undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Custom metrics

export interface Counter {
  add(n?: number): void;
}

export interface Histogram {
  /** Records a non-negative integer value (rounded); use one unit per histogram (µs, bytes, items...). */
  record(value: number): void;
}

export interface UserMetrics {
  counter(name: string): Counter;
  histogram(name: string): Histogram;
}

// ---------------------------------------------------------------------------------------------------------------
// Messages between users

/** A message in a user's inbox. `data` travels as JSON (across threads and machines). */
export interface UserMessage<T = unknown> {
  /** The sending user's id; absent when sent from outside a user (init, a coordination action). */
  from?: number;
  data: T;
  /** Arrival time, ms since epoch. */
  receivedAt: number;
}

/**
 * What the worker running the scenario installed under `Symbol.for(key)` (worker-main.ts): `send`, `coordinator`
 * and `throttle` reach the run through it. Throws when called outside a running scenario.
 */
function runHook<T>(key: string, what: string): T {
  const hook = (globalThis as Record<symbol, unknown>)[Symbol.for(key)] as T | undefined;
  if (!hook) throw new Error(`${what} works only inside a running scenario`);
  return hook;
}

/**
 * Sends `data` to the user with id `to`, wherever it runs (another worker thread or agent: routed through the
 * run's coordinator). Fire and forget: a message to a user that has ended, or was never started, is dropped and
 * counted (`rookery.messages.dropped`). Works in `init`, in users and in coordination actions, during a run.
 */
export function send(to: number, data: unknown): void {
  runHook<(to: number, data: unknown) => void>('rookery.send', 'send()')(to, data);
}

// ---------------------------------------------------------------------------------------------------------------
// Coordination (amoc_coordinator): batches of users across the whole run

export interface CoordinationEvent {
  /** `coordinate`: a batch filled; `timeout`, `reset`, `stop`: the users left over, handed on. */
  readonly type: 'coordinate' | 'timeout' | 'reset' | 'stop';
  /** How many users the event is about. */
  readonly users: number;
}

export interface CoordinatedUser<D = unknown> {
  readonly userId: number;
  readonly data: D;
}

/**
 * What a plan item does, told apart by how many parameters it declares: `(event)`; `(event, users)` with the
 * batch; `(event, a, b)` once for every distinct pair of the batch (a lone user pairs with `undefined`).
 * Annotate the parameters: TypeScript cannot infer them from this union. Use `send` to reach the users.
 */
export type CoordinationAction<D = unknown> =
  | ((event: CoordinationEvent) => unknown)
  | ((event: CoordinationEvent, users: CoordinatedUser<D>[]) => unknown)
  | ((event: CoordinationEvent, a: CoordinatedUser<D>, b: CoordinatedUser<D> | undefined) => unknown);

export interface CoordinationPlanItem<D = unknown> {
  /** A batch size, a `[min, max]` range (a new size drawn per batch), or `'all'` (fires on timeout, reset, stop). */
  users: number | readonly [number, number] | 'all';
  action: CoordinationAction<D> | readonly CoordinationAction<D>[];
}

export interface Coordinator {
  /**
   * Defines coordination `name` (call it in `init`: every worker thread registers the same plan). The run's
   * coordinator holds the batches, so users of every worker and agent meet in them. `timeout` (ms, default 30 s)
   * restarts at every `add` and hands the users left over to every item.
   */
  start<D = unknown>(name: string, plan: CoordinationPlanItem<D> | readonly CoordinationPlanItem<D>[], options?: { timeout?: number }): void;
  /** `user` joins coordination `name`, with `data` (JSON) for the actions. */
  add(name: string, user: { readonly id: number }, data?: unknown): void;
  reset(name: string): void;
  stop(name: string): void;
}

const coordinatorHook = () => runHook<Coordinator>('rookery.coordinator', 'coordinator');

/** amoc's coordinator: batches and pairs of users, across the whole run. */
export const coordinator: Coordinator = {
  start: (name, plan, options) => coordinatorHook().start(name, plan, options),
  add: (name, user, data) => coordinatorHook().add(name, user, data),
  reset: (name) => coordinatorHook().reset(name),
  stop: (name) => coordinatorHook().stop(name),
};

// ---------------------------------------------------------------------------------------------------------------
// Throttle (amoc_throttle): rate-limited actions across the whole run

/** `rate` executions per `interval` ms (default 60 000); or one every `interarrival` ms. Infinity: no limit. */
export type ThrottleConfig = { rate: number; interval?: number } | { interarrival: number };

/** From `from` (at once, not a step) to `to`, in `stepCount` steps `stepInterval` ms apart, or over `duration` ms. */
export type GradualRateChange =
  | { from: number; to: number; interval?: number; stepInterval: number; stepCount: number }
  | { from: number; to: number; interval?: number; duration: number };

export interface Throttle {
  /** Defines throttle `name` (call it in `init`: every worker thread starts the same one). */
  start(name: string, config: ThrottleConfig): void;
  /**
   * Resolves when an execution is allowed (the rate is never exceeded, across the whole run). Pass `user.signal`
   * so that a user stopped while it waits stops waiting at once.
   */
  wait(name: string, signal?: AbortSignal): Promise<void>;
  /** Returns at once; runs `fn` when allowed (with `interval: 0`, until its promise settles it holds a slot). */
  run(name: string, fn: () => unknown): void;
  /** Sends `data` to user `userId` when allowed. */
  send(name: string, userId: number, data: unknown): void;
  changeRate(name: string, config: ThrottleConfig): void;
  changeRateGradually(name: string, change: GradualRateChange): void;
  /** No executions until `resume`. */
  pause(name: string): void;
  resume(name: string): void;
  /** No limit until the next change. */
  unlock(name: string): void;
  stop(name: string): void;
}

const throttleHook = () => runHook<Throttle>('rookery.throttle', 'throttle');

/**
 * amoc's throttle: named rate limits shared by every user of the run. The run's coordinator holds each rate and
 * leases shares of it to agents by demand; each worker enforces its share locally.
 */
export const throttle: Throttle = {
  start: (name, config) => throttleHook().start(name, config),
  wait: (name, signal) => throttleHook().wait(name, signal),
  run: (name, fn) => throttleHook().run(name, fn),
  send: (name, userId, data) => throttleHook().send(name, userId, data),
  changeRate: (name, config) => throttleHook().changeRate(name, config),
  changeRateGradually: (name, change) => throttleHook().changeRateGradually(name, change),
  pause: (name) => throttleHook().pause(name),
  resume: (name) => throttleHook().resume(name),
  unlock: (name) => throttleHook().unlock(name),
  stop: (name) => throttleHook().stop(name),
};

// ---------------------------------------------------------------------------------------------------------------
// The user and the scenario

/** One virtual user, as `start` receives it. */
export interface User<V = Record<string, unknown>> {
  /** Unique integer id, from 1, never reused within a run. */
  readonly id: number;
  /** Current values of the scenario's variables (runtime updates are visible at once). */
  readonly vars: V;
  /** Aborted when this user is stopped or removed; pass it to your own async work. */
  readonly signal: AbortSignal;
  /**
   * Aborted when the user is asked to finish (graceful removal, or the run stopping): wind down and return.
   * Users still running 2 s later are aborted (`signal`). Also readable as `stopping`.
   */
  readonly stopSignal: AbortSignal;
  readonly stopping: boolean;
  http(baseUrl: string, options?: HttpClientOptions): HttpClient;
  ws(url: string, options?: WsOptions): Promise<WsConnection>;
  /** Waits `ms` milliseconds (ends early, throwing `AbortError`, if the user is stopped). */
  sleep(ms: number): Promise<void>;
  /** Waits a uniformly random time between `minMs` and `maxMs`: a user's think time. */
  think(minMs: number, maxMs: number): Promise<void>;
  /** Records a named check as passed or failed and returns `condition`. */
  check(name: string, condition: boolean): boolean;
  readonly metrics: UserMetrics;
  /** Sends `data` to another user (see `send`); the receiver sees this user's id as `from`. */
  send(to: number, data: unknown): void;
  /**
   * The next message in this user's inbox; `undefined` if none arrived within `timeout` ms (default: wait until
   * the user is stopped, which throws). Messages wait in the inbox until taken: none is lost between two calls.
   */
  receive<T = unknown>(options?: { timeout?: number }): Promise<UserMessage<T> | undefined>;
  /** The inbox as an async iterable: `for await (const m of user.messages())`, until the user is stopped. */
  messages<T = unknown>(): AsyncIterableIterator<UserMessage<T>>;
}

/** What `init` receives. */
export interface InitContext<V = Record<string, unknown>> {
  readonly vars: V;
  /** Which node this is (`local`, later an agent/worker id): `init` runs once per node. */
  readonly nodeId: string;
  /** Aborted when the run is stopped. */
  readonly signal: AbortSignal;
  readonly metrics: UserMetrics;
}

export interface ScenarioDefinition<D extends Record<string, Variable<any>>, S> {
  /** Required variables, by name. */
  variables?: D;
  /** Once per node before any user starts; what it returns is the state every `start` and `terminate` get. */
  init?: (ctx: InitContext<Vars<D>>) => S | Promise<S>;
  /** Once per virtual user; the user ends when it returns. A throw counts as a failed user. */
  start: (user: User<Vars<D>>, state: S) => void | Promise<void>;
  /** Once per node when the run ends, after every user has ended. */
  terminate?: (state: S) => void | Promise<void>;
}

const SCENARIO = Symbol.for('rookery.scenario');

export interface Scenario<D extends Record<string, Variable<any>> = Record<string, Variable<any>>, S = any>
  extends ScenarioDefinition<D, S> {
  readonly [SCENARIO]: true;
  readonly variables: D;
}

/** Defines a scenario; its module must `export default` the result. */
export function scenario<D extends Record<string, Variable<any>> = {}, S = undefined>(
  definition: ScenarioDefinition<D, S>,
): Scenario<D, S> {
  return { ...definition, variables: definition.variables ?? ({} as D), [SCENARIO]: true } as Scenario<D, S>;
}

export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SCENARIO] === true;
}
