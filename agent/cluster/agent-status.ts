/**
 * The throttle on an agent's `run/status`: a change of `idle` goes out at once (the coordinator ends runs and
 * steers on it), any other change at most once per interval, carrying the latest figures; no change, no message.
 */

/** The users part of run/status. */
export interface UsersReport {
  runningUsers: number;
  pendingUsers: number;
  idle: boolean;
}

export const STATUS_INTERVAL_MS = 1000;

export class StatusThrottle {
  private sent: UsersReport;
  private sentAt = 0;
  private latest: UsersReport;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /** `initial`: what the receiver already assumes (after run/prepared: nothing running, nothing queued, idle). */
  constructor(
    private readonly send: (report: UsersReport) => void,
    initial: UsersReport,
    private readonly intervalMs = STATUS_INTERVAL_MS,
  ) {
    this.sent = { ...initial };
    this.latest = { ...initial };
  }

  update(report: UsersReport): void {
    if (this.stopped) return;
    this.latest = { runningUsers: report.runningUsers, pendingUsers: report.pendingUsers, idle: report.idle };
    const { sent, latest } = this;
    if (latest.idle === sent.idle && latest.runningUsers === sent.runningUsers && latest.pendingUsers === sent.pendingUsers) {
      clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    const wait = this.sentAt + this.intervalMs - Date.now();
    if (latest.idle !== sent.idle || wait <= 0) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  /** Nothing more is sent. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    this.sent = this.latest;
    this.sentAt = Date.now();
    this.send(this.latest);
  }
}
