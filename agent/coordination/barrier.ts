/**
 * One named coordination (amoc_coordinator, the scenario helper — not the cluster's coordinator process): users
 * `add` themselves, each plan item gathers them into batches, and a filled batch, the timeout, `reset()` or `stop()`
 * runs the item's actions.
 *
 * Order (amoc leaves the order of actions unspecified; ours is deterministic): every firing goes through one serial
 * queue, in the order batches are formed; within one event, items in plan order, numbered items before `'all'`
 * items; within an item, actions in the order written; a pair action's pairs in `distinctPairs` order. Async
 * actions are awaited before the next action starts — the price of that determinism is that a slow action delays
 * every later firing of this barrier, so actions should hand work off (send a message) rather than wait on users.
 *
 * Batches are formed synchronously in `add`, so the state is always that of the adds seen so far, whatever the
 * actions are still doing. The engine knows nothing of where users live: whoever owns the barrier feeds it `add`
 * calls (local or relayed) and actions see only `{ userId, data }`. Its one timer is the timeout.
 *
 * Like amoc, the timeout is armed by an `add`, pushed back by every later `add`, disarmed by a timeout, `reset()`
 * or `stop()`; it fires every item with whatever it holds — arity-1 and arity-2 actions even with zero users; pair
 * actions only when there is a pair (amoc would call them with two `undefined`s).
 */
import { RookeryError } from '../common/errors';
import { BarrierBatch } from './barrier-batch';
import { compileBarrierPlan, type BarrierEvent, type BarrierEventType, type BarrierPlan, type BarrierUser, type CompiledItem } from './barrier-plan';
import { distinctPairs } from './pairs';

/** amoc's default timeout (30 s). */
export const DEFAULT_BARRIER_TIMEOUT_MS = 30_000;
/** setTimeout's largest delay; longer timeouts are waited in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/** Which action failed, for `onError`. */
export interface BarrierFailure {
  barrier: string;
  /** The item's position in the plan as written. */
  item: number;
  event: BarrierEvent;
}

export interface BarrierOptions {
  /** For error messages and failure reports. */
  name?: string;
  /** Quiet time after the last `add` before the remaining users are handed over; `Infinity`: never. */
  timeoutMs?: number;
  /** Uniform in [0, 1); draws the sizes of range items. Defaults to `Math.random`. */
  random?: () => number;
  /** Told about every action that throws or rejects; the barrier carries on either way. Default: ignore (as amoc). */
  onError?: (error: unknown, failure: BarrierFailure) => void;
}

interface Firing<D> {
  item: CompiledItem<D>;
  event: BarrierEvent;
  users: BarrierUser<D>[];
}

export class Barrier<D = unknown> {
  readonly name: string;
  private readonly timeoutMs: number;
  private readonly onError: BarrierOptions['onError'];
  /** Numbered items first, then `'all'` items, each group in plan order: the order of every multi-item event. */
  private readonly items: { item: CompiledItem<D>; batch: BarrierBatch<D> }[];
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  /** `performance.now()` the timeout is due at; `add` moves it instead of re-creating the timer. */
  private deadline = 0;
  /** The tail of the serial queue of firings; never rejects. */
  private tail: Promise<void> = Promise.resolve();

  constructor(plan: BarrierPlan<D>, options: BarrierOptions = {}) {
    this.name = options.name ?? 'barrier';
    const timeoutMs = options.timeoutMs ?? DEFAULT_BARRIER_TIMEOUT_MS;
    if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) {
      throw new RookeryError('ROOKERY_SCENARIO_INIT', `coordination "${this.name}": timeout must be a positive number of ms or Infinity, got ${String(timeoutMs)}`, {
        where: 'timeout',
      });
    }
    this.timeoutMs = timeoutMs;
    this.onError = options.onError;
    const random = options.random ?? Math.random;
    const compiled = compileBarrierPlan(plan, this.name);
    const ordered = [...compiled.filter((i) => i.size.kind !== 'all'), ...compiled.filter((i) => i.size.kind === 'all')];
    this.items = ordered.map((item) => ({ item, batch: new BarrierBatch<D>(item.size, random) }));
  }

  /** True once `stop()` was called. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * A user joins. Resolves once the actions of any batch this filled have run (at once if it filled none); rejects
   * if the barrier is stopped or `userId` is not a non-negative integer.
   */
  async add(userId: number, data?: D): Promise<void> {
    this.assertOpen('add');
    if (!Number.isSafeInteger(userId) || userId < 0) {
      throw new RookeryError('ROOKERY_STATE', `coordination "${this.name}": user id must be a non-negative integer, got ${String(userId)}`);
    }
    const user: BarrierUser<D> = { userId, data: data as D };
    const firings: Firing<D>[] = [];
    for (const { item, batch } of this.items) {
      const filled = batch.add(user);
      if (filled) firings.push({ item, event: { type: 'coordinate', users: filled.length }, users: filled });
    }
    this.armTimeout();
    if (firings.length > 0) await this.enqueue(firings);
  }

  /** Hands every item its remaining users with a `reset` event and starts over. Resolves when those actions ran. */
  async reset(): Promise<void> {
    this.assertOpen('reset');
    await this.fireRemaining('reset');
  }

  /** Hands every item its remaining users with a `stop` event; later calls are rejected. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return this.idle();
    this.stopped = true;
    await this.fireRemaining('stop');
  }

  /** Ends the barrier without firing anything (the run is over): clears the timeout; later calls are rejected. */
  dispose(): void {
    this.stopped = true;
    this.disarmTimeout();
  }

  /** Resolves when every firing queued so far (and any queued meanwhile) has run. */
  async idle(): Promise<void> {
    let tail: Promise<void>;
    do {
      tail = this.tail;
      await tail;
    } while (tail !== this.tail);
  }

  private assertOpen(what: string): void {
    if (this.stopped) {
      throw new RookeryError('ROOKERY_STATE', `coordination "${this.name}" is stopped: cannot ${what}`, {
        hint: 'start a new coordination, or stop this one only after its last user was added',
      });
    }
  }

  private fireRemaining(type: Exclude<BarrierEventType, 'coordinate'>): Promise<void> {
    this.disarmTimeout();
    const firings = this.items.map(({ item, batch }) => {
      const users = batch.drain();
      return { item, event: { type, users: users.length }, users };
    });
    return this.enqueue(firings);
  }

  private enqueue(firings: Firing<D>[]): Promise<void> {
    this.tail = this.tail.then(async () => {
      for (const firing of firings) await this.run(firing);
    });
    return this.tail;
  }

  private async run({ item, event, users }: Firing<D>): Promise<void> {
    for (const action of item.actions) {
      if (action.kind === 'event') await this.guard(item, event, () => action.run(event));
      // Each action gets its own copy, so one that reorders or trims the list cannot change what the next sees.
      else if (action.kind === 'users') await this.guard(item, event, () => action.run(event, users.slice()));
      else for (const [a, b] of distinctPairs(users)) await this.guard(item, event, () => action.run(event, a, b));
    }
  }

  private async guard(item: CompiledItem<D>, event: BarrierEvent, call: () => unknown): Promise<void> {
    try {
      await call();
    } catch (error) {
      try {
        this.onError?.(error, { barrier: this.name, item: item.index, event });
      } catch {
        // A failing error reporter must not break the queue either.
      }
    }
  }

  private armTimeout(): void {
    if (this.timeoutMs === Infinity) return;
    this.deadline = performance.now() + this.timeoutMs;
    if (this.timer === undefined) this.timer = setTimeout(this.onTimer, Math.min(this.timeoutMs, MAX_TIMER_MS));
  }

  private disarmTimeout(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Fires the timeout, or waits on if adds pushed the deadline back since the timer was set. */
  private readonly onTimer = (): void => {
    this.timer = undefined;
    const left = this.deadline - performance.now();
    if (left > 0) {
      this.timer = setTimeout(this.onTimer, Math.min(Math.ceil(left), MAX_TIMER_MS));
      return;
    }
    void this.fireRemaining('timeout');
  };
}
