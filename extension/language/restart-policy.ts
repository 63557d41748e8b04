/**
 * When the language server's connection closes, whether to start it again: yes, unless it has already been
 * restarted MAX_RESTARTS times within WINDOW_MS — a server that dies at every start must not be restarted forever
 * (then the user is told, and restarts it by hand). A restart the user asks for starts a fresh count.
 */
export const MAX_RESTARTS = 4;
export const WINDOW_MS = 3 * 60_000;

export class RestartPolicy {
  private restarts: number[] = [];

  constructor(
    private readonly max = MAX_RESTARTS,
    private readonly windowMs = WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The connection closed: true to restart now (counted), false to give up. */
  shouldRestart(): boolean {
    const now = this.now();
    this.restarts = this.restarts.filter((at) => now - at < this.windowMs);
    if (this.restarts.length >= this.max) return false;
    this.restarts.push(now);
    return true;
  }

  /** Restarts within the window so far. */
  get recent(): number {
    const now = this.now();
    return this.restarts.filter((at) => now - at < this.windowMs).length;
  }

  /** The user restarted it by hand. */
  reset(): void {
    this.restarts = [];
  }
}
