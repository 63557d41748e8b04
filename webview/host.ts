/**
 * The page's link to the extension host: typed messages both ways and the sequence rules of dashboard.ts.
 *
 * The host numbers every message. The page applies a message only when it is the next one; a gap (a hidden webview
 * drops messages), a message that fails validation, or one the store cannot apply makes the page ask for a
 * snapshot (`dashboard/resync`) and ignore updates until it comes, since any later update would build on missing
 * data. The page also asks for a snapshot (`dashboard/ready`) when it loads and when it becomes visible again
 * after being hidden. A request is repeated at most once per RETRY_MS while no snapshot answers it, so a host that
 * keeps sending something unusable cannot make the page flood it.
 */
import type { HostMessage, PageMessage } from '../agent/protocol/dashboard';
import { parseHostMessage } from '../agent/protocol/validate-dashboard';

/** The object VS Code gives a webview once (`acquireVsCodeApi`); state survives the webview being hidden or reloaded. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** Calls `acquireVsCodeApi` (which VS Code allows once per page). */
export function acquireHostApi(): VsCodeApi {
  if (typeof acquireVsCodeApi !== 'function') throw new Error('not running in a VS Code webview (no acquireVsCodeApi)');
  return acquireVsCodeApi();
}

type Snapshot = Extract<HostMessage, { type: 'dashboard/snapshot' }>;
type Update = Extract<HostMessage, { type: 'dashboard/update' }>;
type Compare = Extract<HostMessage, { type: 'dashboard/compare' }>;

/** What the page does with each message; a handler throws when it cannot apply the message. */
export interface HostHandlers {
  snapshot(message: Snapshot): void;
  update(message: Update): void;
  compare(message: Compare): void;
  /** A message was refused (invalid, out of order, or failed to apply): for the console and the status line. */
  problem(reason: string): void;
}

/** Minimum time between two snapshot requests while none has been answered. */
export const RETRY_MS = 2000;

export class HostLink {
  private seq = -1;
  private synced = false;
  /** When the last ready/resync was sent, while its snapshot has not arrived. */
  private askedAt: number | undefined;
  private wasHidden = false;

  constructor(
    private readonly api: VsCodeApi,
    private readonly handlers: HostHandlers,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The seq of the last message applied; -1 before the first snapshot. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Listens to the host and to visibility, and asks for the first snapshot. */
  start(win: Window = window): void {
    win.addEventListener('message', (event: MessageEvent) => this.receive(event.data));
    win.document.addEventListener('visibilitychange', () => this.visibilityChanged(win.document.visibilityState));
    this.ask({ type: 'dashboard/ready' });
  }

  send(message: PageMessage): void {
    this.api.postMessage(message);
  }

  receive(data: unknown): void {
    let message: HostMessage;
    try {
      message = parseHostMessage(data);
    } catch (error) {
      this.resync(`invalid message from the host: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (message.type === 'dashboard/snapshot') {
      this.applySnapshot(message);
      return;
    }
    // Before the first snapshot, and after a gap, updates have nothing valid to build on. The host is still
    // sending, so if the earlier request was lost, ask again (at most once per RETRY_MS).
    if (!this.synced) {
      if (this.seq >= 0) this.resync(`waiting for a snapshot; ignored ${message.type} #${message.seq}`);
      else this.ask({ type: 'dashboard/ready' });
      return;
    }
    if (message.seq <= this.seq) return; // a duplicate, or a stale message from before the last snapshot
    if (message.seq !== this.seq + 1) {
      this.lost(`missed message(s) #${this.seq + 1}..#${message.seq - 1}`);
      return;
    }
    try {
      if (message.type === 'dashboard/update') this.handlers.update(message);
      else this.handlers.compare(message);
    } catch (error) {
      this.lost(`could not apply ${message.type} #${message.seq}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.seq = message.seq;
  }

  private applySnapshot(message: Snapshot): void {
    try {
      this.handlers.snapshot(message);
    } catch (error) {
      this.lost(`could not apply snapshot #${message.seq}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.seq = message.seq;
    this.synced = true;
    this.askedAt = undefined;
  }

  private lost(reason: string): void {
    this.synced = false;
    this.resync(reason);
  }

  private resync(reason: string): void {
    this.handlers.problem(reason);
    this.ask({ type: 'dashboard/resync', lastSeq: Math.max(0, this.seq) });
  }

  private ask(message: PageMessage): void {
    const now = this.now();
    if (this.askedAt !== undefined && now - this.askedAt < RETRY_MS) return;
    this.askedAt = now;
    this.send(message);
  }

  private visibilityChanged(state: DocumentVisibilityState): void {
    if (state === 'hidden') {
      this.wasHidden = true;
    } else if (this.wasHidden) {
      this.wasHidden = false;
      // Messages may have been dropped while hidden: a fresh snapshot is cheaper than finding out.
      this.askedAt = undefined;
      this.ask({ type: 'dashboard/ready' });
    }
  }
}
