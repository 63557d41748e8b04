/**
 * A user's inbox: messages queue until taken, so none is lost between two `receive` calls; one receiver waits at
 * a time in order (FIFO). Closing it (the user ended) wakes every waiter with an error.
 */
import { UserStoppedError } from '../common/errors';
import type { UserMessage } from '../api';

interface Waiter {
  resolve(message: UserMessage | undefined): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

export class Inbox {
  private readonly queue: UserMessage[] = [];
  private readonly waiters: Waiter[] = [];
  private closed = false;

  get size(): number {
    return this.queue.length;
  }

  /** Returns false when the inbox is closed (the message is dropped). */
  push(message: UserMessage): boolean {
    if (this.closed) return false;
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(message);
    } else {
      this.queue.push(message);
    }
    return true;
  }

  /** The next message, or undefined after `timeoutMs`; rejects when the inbox closes or `signal` aborts. */
  receive(timeoutMs: number | undefined, signal: AbortSignal): Promise<UserMessage | undefined> {
    if (signal.aborted || this.closed) return Promise.reject(new UserStoppedError());
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    if (timeoutMs !== undefined && !(timeoutMs >= 0)) {
      return Promise.reject(new TypeError(`receive(): timeout must be a number of ms >= 0, got ${String(timeoutMs)}`));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (m) => {
          signal.removeEventListener('abort', onAbort);
          resolve(m);
        },
        reject: (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      const onAbort = () => this.drop(waiter, new UserStoppedError());
      signal.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          waiter.resolve(undefined);
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  /** Wakes every waiter with an error and drops what is queued; returns how many messages were dropped. */
  close(): number {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new UserStoppedError());
    }
    return this.queue.splice(0).length;
  }

  private drop(waiter: Waiter, error: Error): void {
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) this.waiters.splice(i, 1);
    clearTimeout(waiter.timer);
    waiter.reject(error);
  }
}
