/**
 * The undici dispatchers behind HTTP clients: one keep-alive `Client` per virtual user's client (the default), or
 * one `Pool` per origin shared by every user of the node (`shared: true`), owned by the run through `SharedPools`.
 */
import { Client, Pool, type Dispatcher } from 'undici';
import { createTimedConnector } from './http-connect';

/** Connect-phase bound when the client has no shorter whole-request timeout; the request timer still applies. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * undici's own header/body timers are off (0): our whole-request timer covers connect, headers and body in one,
 * and one timer per request is cheaper than three. Pipelining 1: one request at a time per connection, as
 * browsers do.
 */
const COMMON = { pipelining: 1, headersTimeout: 0, bodyTimeout: 0 } as const;

/** One keep-alive connection for one virtual user's client. */
export function createUserDispatcher(origin: string, timeoutMs: number): Client {
  return new Client(origin, { ...COMMON, connect: createTimedConnector({ timeout: Math.min(timeoutMs, CONNECT_TIMEOUT_MS) }) });
}

/**
 * Pools shared by all users of a node, one per origin and pool size. Created by the run, handed to every user's
 * clients, closed by the run after every user has ended (a client's own `close()` leaves them open).
 */
export class SharedPools {
  private readonly pools = new Map<string, Pool>();
  private closed = false;

  /** The pool for `origin` with `connections` connections, created on first use. */
  get(origin: string, connections: number): Dispatcher {
    if (this.closed) throw new Error('shared HTTP pools are closed (the run has ended)');
    const key = `${connections} ${origin}`;
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = new Pool(origin, { ...COMMON, connections, connect: createTimedConnector({ timeout: CONNECT_TIMEOUT_MS }) });
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** How many pools exist (for progress output and tests). */
  get size(): number {
    return this.pools.size;
  }

  /**
   * Destroys every pool. Users have ended by now, so anything still in flight is abandoned on purpose: a graceful
   * close could wait forever on a target that never answers.
   */
  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => undefined)));
  }
}
