/**
 * The natural end of a run without stages or `maintain`: it is over once every live agent is idle. Agents report
 * changes, not the passing of time, and a report is trusted only once the last command to that agent has settled
 * (user-ledger.ts), so besides checking on every report the watch re-checks when the last settle window closes.
 */
import type { UserLedger } from './user-ledger';

export class IdleWatch {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly ledger: UserLedger,
    /** The agents whose idleness counts (live ones). */
    private readonly liveIds: () => string[],
    private readonly onIdle: () => void,
  ) {}

  /** Ends the run if every live agent is idle by a trusted report; otherwise re-checks when reports settle. */
  check(): void {
    if (this.stopped) return;
    if (this.ledger.allIdle()) {
      this.stop();
      this.onIdle();
      return;
    }
    this.schedule();
  }

  /** A command was just sent: the next trusted reports come after its settle window. */
  schedule(): void {
    if (this.stopped) return;
    const wait = Math.max(0, ...this.liveIds().map((id) => this.ledger.settlesIn(id)));
    clearTimeout(this.timer);
    if (wait > 0) this.timer = setTimeout(() => this.check(), wait + 1);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
