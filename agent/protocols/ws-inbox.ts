/**
 * Incoming WebSocket messages: the `WsMessage` objects and the inbox that queues them until the scenario takes
 * them, so none is lost between two `receive()` calls.
 *
 * Waiters (pending `receive()`s and iterations) are served in call order. The queue is bounded without dropping
 * anything: past `HIGH_WATER` queued messages the inbox asks its owner to pause the socket (TCP backpressure to
 * the server) and resumes it when the scenario has caught up to `LOW_WATER`.
 */
import type { WsMessage } from '../api';

export const HIGH_WATER = 1024;
export const LOW_WATER = 256;

export class Message implements WsMessage {
  constructor(
    readonly data: string | Buffer,
    readonly binary: boolean,
    readonly receivedAt: number,
  ) {}

  text(): string {
    return typeof this.data === 'string' ? this.data : this.data.toString('utf8');
  }

  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T;
  }
}

interface Waiter {
  resolve(message: WsMessage | undefined): void;
  reject(error: unknown): void;
  /** Iteration ends quietly (undefined) on close; `receive()` rejects. */
  iterating: boolean;
  timer: NodeJS.Timeout | undefined;
}

/** What the inbox asks of the socket when the scenario falls behind or catches up. */
export interface Backpressure {
  pause(): void;
  resume(): void;
}

export class WsInbox {
  private queue: (WsMessage | undefined)[] = [];
  private head = 0;
  private readonly waiters: Waiter[] = [];
  private paused = false;
  /** Set once no more messages will come: why `receive()` on an empty inbox fails. */
  private ended: Error | undefined;
  /** Set when the user is stopped: everything fails with it from now on. */
  private aborted: Error | undefined;

  constructor(private readonly backpressure: Backpressure) {}

  get size(): number {
    return this.queue.length - this.head;
  }

  push(message: WsMessage): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.resolve(message);
      return;
    }
    this.queue.push(message);
    if (!this.paused && this.size >= HIGH_WATER) {
      this.paused = true;
      this.backpressure.pause();
    }
  }

  /** The next message; `undefined` after `timeoutMs`; rejects once ended and empty, or aborted. */
  receive(timeoutMs?: number): Promise<WsMessage | undefined> {
    if (this.aborted !== undefined) return Promise.reject(this.aborted);
    if (this.size > 0) return Promise.resolve(this.take());
    if (this.ended !== undefined) return Promise.reject(this.ended);
    if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !(timeoutMs >= 0))) {
      return Promise.reject(new TypeError(`receive(): timeout must be a non-negative number of ms, got ${String(timeoutMs)}`));
    }
    return this.wait(false, timeoutMs);
  }

  /** For iteration: the next message, or `undefined` once ended and empty; rejects if aborted. */
  next(): Promise<WsMessage | undefined> {
    if (this.aborted !== undefined) return Promise.reject(this.aborted);
    if (this.size > 0) return Promise.resolve(this.take());
    if (this.ended !== undefined) return Promise.resolve(undefined);
    return this.wait(true, undefined);
  }

  /** No more messages will arrive: queued ones can still be taken; waiters are woken. */
  end(reason: Error): void {
    if (this.ended !== undefined) return;
    this.ended = reason;
    for (const waiter of this.waiters.splice(0)) {
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      if (waiter.iterating) waiter.resolve(undefined);
      else waiter.reject(reason);
    }
  }

  /** The user was stopped: every waiter and every later call fails with `error`; queued messages are dropped. */
  abort(error: Error): void {
    if (this.aborted !== undefined) return;
    this.aborted = error;
    this.ended ??= error;
    this.queue = [];
    this.head = 0;
    for (const waiter of this.waiters.splice(0)) {
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  private wait(iterating: boolean, timeoutMs: number | undefined): Promise<WsMessage | undefined> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, iterating, timer: undefined };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          const index = this.waiters.indexOf(waiter);
          if (index !== -1) this.waiters.splice(index, 1);
          resolve(undefined);
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  private take(): WsMessage {
    const message = this.queue[this.head] as WsMessage;
    this.queue[this.head] = undefined;
    this.head++;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head >= HIGH_WATER) {
      this.queue = this.queue.slice(this.head); // drop the consumed prefix so the array does not grow forever
      this.head = 0;
    }
    if (this.paused && this.size <= LOW_WATER) {
      this.paused = false;
      this.backpressure.resume();
    }
    return message;
  }
}
