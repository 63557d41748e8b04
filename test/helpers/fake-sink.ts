/**
 * A `MetricsSink` for tests: records every call in order and lets a test await a condition on what was recorded
 * (checked on every record call, with a deadline), instead of sleeping and hoping.
 */
import type { MetricsSink, RequestSample, WsEvent } from '../../agent/metrics/sample';
import type { ErrorKind } from '../../agent/protocol/snapshot';

export interface RecordedRequest {
  name: string;
  sample: RequestSample;
}

export interface RecordedWs {
  event: WsEvent;
  bytes: number | undefined;
}

export interface RecordedError {
  kind: ErrorKind;
  message: string;
  name: string | undefined;
}

interface Watch {
  check(): boolean;
  resolve(): void;
}

export class FakeSink implements MetricsSink {
  readonly requests: RecordedRequest[] = [];
  readonly ws: RecordedWs[] = [];
  readonly errors: RecordedError[] = [];
  private readonly watches = new Set<Watch>();

  recordRequest(name: string, sample: RequestSample): void {
    this.requests.push({ name, sample });
    this.notify();
  }

  recordWs(event: WsEvent, bytes?: number): void {
    this.ws.push({ event, bytes });
    this.notify();
  }

  recordError(kind: ErrorKind, message: string, name?: string): void {
    this.errors.push({ kind, message, name });
    this.notify();
  }

  /** The WebSocket events recorded so far, of one kind. */
  wsEvents(event: WsEvent): RecordedWs[] {
    return this.ws.filter((entry) => entry.event === event);
  }

  /** Resolves once `condition` holds (now or after a later record call); rejects after `timeoutMs`. */
  waitFor(condition: (sink: this) => boolean, timeoutMs = 2000, what = 'condition'): Promise<void> {
    if (condition(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const watch: Watch = {
        check: () => condition(this),
        resolve: () => {
          clearTimeout(timer);
          this.watches.delete(watch);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.watches.delete(watch);
        reject(new Error(`FakeSink: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.watches.add(watch);
    });
  }

  private notify(): void {
    for (const watch of this.watches) if (watch.check()) watch.resolve();
  }
}
