/**
 * What the run's status bar item shows, without VS Code: while a run is followed, its headline ("$(pulse) Rookery:
 * 50 users · 1.2k req/s · p99 40 ms · 0 err"); once it has ended, its last figures for a minute, then nothing; a
 * warning background when requests failed or the run ended in error (or was lost).
 */
import type { RunStatusName } from '../../agent/protocol/control';
import { formatElapsed, headlineSummary, statusText } from '../runs/headline-format';
import type { RunHeadline } from '../runs/live-run';

/** How long an ended run's figures stay in the status bar. */
export const LINGER_MS = 60_000;

export interface StatusBarView {
  visible: boolean;
  text: string;
  tooltip: string;
  warning: boolean;
  /** The run the item's click opens. */
  runId?: string;
}

const HIDDEN: StatusBarView = { visible: false, text: '', tooltip: '', warning: false };

export function isEnded(status: RunStatusName): boolean {
  return status === 'finished' || status === 'error' || status === 'idle';
}

export class StatusBarModel {
  private headline: RunHeadline | undefined;
  private endedAt: number | undefined;

  constructor(private readonly lingerMs = LINGER_MS) {}

  /** A new headline (undefined: no run is followed any more). */
  update(headline: RunHeadline | undefined, now: number): void {
    if (headline === undefined || headline.runId !== this.headline?.runId) this.endedAt = undefined;
    this.headline = headline;
    if (headline && isEnded(headline.status)) this.endedAt ??= now;
  }

  view(now: number): StatusBarView {
    const h = this.headline;
    if (h === undefined) return HIDDEN;
    if (this.endedAt !== undefined && now - this.endedAt >= this.lingerMs) return HIDDEN;
    const ended = this.endedAt !== undefined;
    const warning = h.errors > 0 || h.status === 'error';
    const icon = !ended ? '$(pulse)' : warning ? '$(warning)' : '$(pass)';
    return {
      visible: true,
      text: `${icon} Rookery: ${headlineSummary(h)}`,
      tooltip: `${h.title} — ${statusText(h.status, false, h.endReason)} (${formatElapsed(h.elapsedMs)})\nClick to open the dashboard`,
      warning,
      runId: h.runId,
    };
  }

  /** In how many ms the view changes by itself (an ended run's figures expire); undefined when it will not. */
  nextChangeIn(now: number): number | undefined {
    if (this.headline === undefined || this.endedAt === undefined) return undefined;
    const left = this.endedAt + this.lingerMs - now;
    return left > 0 ? left : undefined;
  }
}
