/**
 * The host's side of the dashboard message stream for one run: consecutive `seq`s, the listeners (a panel, a
 * test), and the throttle — changes are marked as they happen and one `dashboard/update` is built from them at
 * most once per `throttleMs`, however they arrive. The update's content is the owner's (a callback); this only
 * decides when, and numbers it.
 */
import type { HostMessage } from '../../agent/protocol/dashboard';

type Listener = (message: HostMessage) => void;
type Update = Extract<HostMessage, { type: 'dashboard/update' }>;

export interface MessageStreamOptions {
  throttleMs: number;
  now: () => number;
  /** Builds the update that goes out with `seq`, from whatever changed since the last one. */
  buildUpdate: (seq: number) => Update;
  /**
   * A listener (or, from the timer, `buildUpdate`) threw: by default rethrown asynchronously, so the other
   * listeners still get the message and the stream goes on.
   */
  onError?: (error: unknown) => void;
}

export class MessageStream {
  private readonly listeners = new Set<Listener>();
  private readonly onError: (error: unknown) => void;
  private seqValue = 0;
  private pendingValue = false;
  private timer: NodeJS.Timeout | undefined;
  private lastSentAt = -Infinity;
  private closed = false;

  constructor(private readonly options: MessageStreamOptions) {
    if (!(options.throttleMs >= 0)) throw new RangeError(`throttleMs must be >= 0, got ${options.throttleMs}`);
    this.onError = options.onError ?? ((error) => queueMicrotask(() => { throw error; }));
  }

  /** The seq of the last message sent (0 before any): what a snapshot taken now carries. */
  get seq(): number {
    return this.seqValue;
  }

  /** Changes wait to be sent. */
  get pending(): boolean {
    return this.pendingValue;
  }

  /** Every message from now on; returns the function that stops them. */
  onMessage(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Something changed: an update goes out within the throttle. */
  changed(): void {
    this.pendingValue = true;
    if (this.timer !== undefined || this.closed) return;
    const wait = Math.max(0, this.lastSentAt + this.options.throttleMs - this.options.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        if (this.pendingValue) this.sendUpdate();
      } catch (error) {
        this.onError(error);
      }
    }, wait);
    this.timer.unref();
  }

  /** Sends the pending update now, whatever the throttle. */
  flush(): void {
    this.clearTimer();
    if (this.pendingValue && !this.closed) this.sendUpdate();
  }

  /**
   * Sends a message of the owner's with the next seq. With `replacesPending` (a snapshot that already holds every
   * change) the pending update is dropped.
   */
  send(make: (seq: number) => HostMessage, options: { replacesPending?: boolean } = {}): void {
    if (this.closed) return;
    if (options.replacesPending) {
      this.clearTimer();
      this.pendingValue = false;
      this.lastSentAt = this.options.now();
    }
    this.deliver(make(++this.seqValue));
  }

  close(): void {
    this.closed = true;
    this.clearTimer();
    this.listeners.clear();
  }

  private sendUpdate(): void {
    this.pendingValue = false;
    this.lastSentAt = this.options.now();
    this.deliver(this.options.buildUpdate(++this.seqValue));
  }

  private deliver(message: HostMessage): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(message);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
