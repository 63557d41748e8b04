/**
 * The live progress line: once a second on a terminal (rewritten in place), as plain lines every 5 s otherwise
 * (CI logs), nothing with --quiet. Figures are the last interval's: users, req/s, p50/p99, errors, utilization.
 */
import { createHistogram, decodeHistogram } from '../metrics/histogram';
import { formatElapsed, formatMs, formatPct, formatRate } from '../output/format';
import { describeEvent } from '../output/summary-table';
import type { AgentPoint, RunEvent, SeriesPoint } from '../protocol/control';
import type { MetricSnapshot } from '../protocol/snapshot';

const PLAIN_EVERY_MS = 5000;
const MAX_USER_ERRORS_SHOWN = 5;

/** The last interval's figures, as the progress line shows them; `agents` adds the cluster's part. */
export function intervalLine(snapshot: MetricSnapshot, runningUsers: number, elapsedMs: number, agents?: readonly AgentPoint[]): string {
  const seconds = Math.max(0.001, (snapshot.end - snapshot.start) / 1000);
  const latency = createHistogram();
  let count = 0;
  let failed = 0;
  for (const stats of Object.values(snapshot.requests)) {
    count += stats.count;
    failed += stats.failed;
    if (stats.count > 0) latency.add(decodeHistogram(stats.latency));
  }
  const utilOf = (u: { eventLoop: number; cpu: number }) => Math.max(u.eventLoop, u.cpu);
  const util = agents && agents.length > 0 ? Math.max(...agents.map((a) => utilOf(a.utilization))) : utilOf(snapshot.utilization);
  const overloaded = agents?.filter((a) => utilOf(a.utilization) > 0.8).map((a) => a.name) ?? [];
  return [
    formatElapsed(elapsedMs).padStart(6),
    `users ${runningUsers}`,
    `req/s ${formatRate(count / seconds)}`,
    `p50 ${count ? formatMs(latency.percentile(50) / 1000) : '-'}`,
    `p99 ${count ? formatMs(latency.percentile(99) / 1000) : '-'}`,
    `errors ${failed} (${formatPct(count ? (100 * failed) / count : 0)})`,
    `util ${util.toFixed(2)}${util > 0.8 ? ' (!)' : ''}`,
    ...(agents && agents.length > 1 ? [`agents ${agents.length}`] : []),
    ...(overloaded.length > 0 && agents && agents.length > 1 ? [`overloaded: ${overloaded.join(', ')}`] : []),
  ].join('  ');
}

export class ProgressReporter {
  private lastPlain = -Infinity;
  private lastSecond = -Infinity;
  private hasLine = false;
  private userErrors = 0;
  private readonly tty: boolean;

  constructor(private readonly stream: NodeJS.WriteStream, private readonly options: { quiet: boolean }) {
    this.tty = Boolean(stream.isTTY);
  }

  /** A cluster run's merged second (a revised point for an old second is not shown again). */
  point(point: SeriesPoint, elapsedMs: number): void {
    if (point.revision > 1 || point.second < this.lastSecond) return;
    this.lastSecond = point.second;
    const users = point.agents.reduce((n, a) => n + a.users, 0);
    this.show(intervalLine(point.snapshot, users, elapsedMs, point.agents));
  }

  /** What happened in the cluster, as a line of its own. */
  event(event: RunEvent): void {
    switch (event.kind) {
      case 'agent-lost':
      case 'agent-reconnected':
      case 'users-redistributed':
        this.note(describeEvent(event));
        break;
      case 'agent-overloaded':
        this.note(`agent ${event.name} is overloaded (utilization ${event.utilization.toFixed(2)} > 0.8): add agents or workers`);
        break;
      case 'user-error':
        this.userError(event);
        break;
      case 'threshold-failed':
        this.note(`threshold failed, stopping the run: ${event.line}`);
        break;
      case 'command-failed':
        this.note(`agent ${event.agentId}: ${event.command} failed: ${event.message}`);
        break;
      case 'agent-joined':
      case 'status':
        break;
    }
  }

  private show(line: string): void {
    if (this.options.quiet) return;
    if (this.tty) {
      this.stream.write(`\r\x1b[K${line}`);
      this.hasLine = true;
    } else if (Date.now() - this.lastPlain >= PLAIN_EVERY_MS) {
      this.lastPlain = Date.now();
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
