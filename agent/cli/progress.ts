/**
 * The live progress line: once a second on a terminal (rewritten in place), as plain lines every 5 s otherwise
 * (CI logs), nothing with --quiet. Figures are the last interval's: users, req/s, p50/p99, errors, utilization.
 */
import { createHistogram, decodeHistogram } from '../metrics/histogram';
import { formatElapsed, formatMs, formatPct, formatRate } from '../output/format';
import type { ControllerStatus } from '../protocol/run-state';
import type { MetricSnapshot } from '../protocol/snapshot';

const PLAIN_EVERY_MS = 5000;
const MAX_USER_ERRORS_SHOWN = 5;

/** The last interval's figures, as the progress line shows them. */
export function intervalLine(snapshot: MetricSnapshot, status: ControllerStatus, elapsedMs: number): string {
  const seconds = Math.max(0.001, (snapshot.end - snapshot.start) / 1000);
  const latency = createHistogram();
  let count = 0;
  let failed = 0;
  for (const stats of Object.values(snapshot.requests)) {
    count += stats.count;
    failed += stats.failed;
    if (stats.count > 0) latency.add(decodeHistogram(stats.latency));
  }
  const running = status.status === 'running' ? status.runningUsers : snapshot.users.active;
  const util = Math.max(snapshot.utilization.eventLoop, snapshot.utilization.cpu);
  return [
    formatElapsed(elapsedMs).padStart(6),
    `users ${running}`,
    `req/s ${formatRate(count / seconds)}`,
    `p50 ${count ? formatMs(latency.percentile(50) / 1000) : '-'}`,
    `p99 ${count ? formatMs(latency.percentile(99) / 1000) : '-'}`,
    `errors ${failed} (${formatPct(count ? (100 * failed) / count : 0)})`,
    `util ${util.toFixed(2)}${util > 0.8 ? ' (!)' : ''}`,
  ].join('  ');
}

export class ProgressReporter {
  private lastPlain = -Infinity;
  private hasLine = false;
  private userErrors = 0;
  private readonly tty: boolean;

  constructor(private readonly stream: NodeJS.WriteStream, private readonly options: { quiet: boolean }) {
    this.tty = Boolean(stream.isTTY);
  }

  update(snapshot: MetricSnapshot, status: ControllerStatus, elapsedMs: number): void {
    if (this.options.quiet) return;
    const line = intervalLine(snapshot, status, elapsedMs);
    if (this.tty) {
      this.stream.write(`\r\x1b[K${line}`);
      this.hasLine = true;
    } else if (elapsedMs - this.lastPlain >= PLAIN_EVERY_MS) {
      this.lastPlain = elapsedMs;
      this.stream.write(`${line}\n`);
    }
  }

  /** A failed user: the first few are shown as they happen, the rest are in the summary. */
  userError(e: { userId: number; message: string; where?: string }): void {
    this.userErrors++;
    if (this.options.quiet || this.userErrors > MAX_USER_ERRORS_SHOWN) return;
    const more = this.userErrors === MAX_USER_ERRORS_SHOWN ? ' (further failures only in the summary)' : '';
    this.note(`user ${e.userId} failed: ${e.message}${e.where ? ` at ${e.where}` : ''}${more}`);
  }

  note(message: string): void {
    if (this.options.quiet) return;
    this.clearLine();
    this.stream.write(`${message}\n`);
  }

  done(): void {
    if (this.hasLine) this.stream.write('\n');
    this.hasLine = false;
  }

  private clearLine(): void {
    if (this.tty && this.hasLine) {
      this.stream.write('\r\x1b[K');
      this.hasLine = false;
    }
  }
}
