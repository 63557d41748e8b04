/**
 * What a cluster run tells about itself besides figures: its events (kept for the result and passed on live) and
 * its warnings for the summary. Both are bounded: an agent reporting thousands of failing users fills neither.
 */
import type { RunEvent } from '../protocol/control';

/** User errors kept as events per run; the summary counts every failed user anyway. */
export const MAX_USER_ERROR_EVENTS = 100;
export const MAX_RUN_WARNINGS = 20;

export class RunLog {
  readonly events: RunEvent[] = [];
  readonly warnings: string[] = [];
  private userErrors = 0;

  constructor(private readonly onEvent: (event: RunEvent) => void) {}

  /** Records and passes on an event; returns false when it was a user error over the bound. */
  add(event: RunEvent): boolean {
    if (event.kind === 'user-error' && this.userErrors++ >= MAX_USER_ERROR_EVENTS) return false;
    this.events.push(event);
    this.onEvent(event);
    return true;
  }

  warn(message: string): void {
    if (this.warnings.length < MAX_RUN_WARNINGS) this.warnings.push(message);
  }
}
