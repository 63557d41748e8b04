/**
 * Reconnection delays: exponential (250 ms doubling to 5 s by default) with ±20% jitter, so that a fleet of agents
 * cut off together does not hammer the coordinator in lockstep when it comes back.
 */

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** Spread each delay by ± this fraction. */
  jitter?: number;
  /** Injectable for tests: a number in [0, 1). */
  random?: () => number;
}

export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 250;
    this.maxMs = options.maxMs ?? 5000;
    this.factor = options.factor ?? 2;
    this.jitter = options.jitter ?? 0.2;
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call moves one step further. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    if (base < this.maxMs) this.attempt++;
    const spread = 1 + this.jitter * (2 * this.random() - 1);
    return Math.max(0, Math.round(base * spread));
  }

  /** After a success: the next failure starts from the initial delay again. */
  reset(): void {
    this.attempt = 0;
  }
}
