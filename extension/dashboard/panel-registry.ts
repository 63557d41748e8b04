/**
 * Which run each open dashboard panel shows, kept in the workspace's state so panels restored after a window
 * reload show the same runs. The page's own `setState` holds UI choices only; the run is the extension's business.
 *
 * VS Code hands a restored panel back with its title and nothing else that identifies it, so records are matched
 * by title (which the service keeps up to date: run name and status), first come first served; a title shared by
 * two records gives each restored panel one of them. Records of the last session not claimed yet are kept (up to
 * MAX_RECORDS) beside the open panels', since VS Code may restore panels lazily, when they are first shown.
 *
 * Closing a panel forgets it; shutting the window down does not (the service stops recording first), or nothing
 * would be left to restore.
 */

/** The slice of vscode.Memento this needs. */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface PanelRecord {
  runId: string;
  title: string;
}

export const PANELS_STATE_KEY = 'rookery.dashboardPanels';
export const MAX_RECORDS = 20;

function isRecord(value: unknown): value is PanelRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r.runId === 'string' && r.runId.length > 0 && typeof r.title === 'string';
}

export class PanelRegistry {
  private readonly open = new Map<number, PanelRecord>();
  private pending: PanelRecord[];
  private nextKey = 1;
  private frozen = false;

  constructor(
    private readonly store: StateStore,
    private readonly onSaveError: (error: unknown) => void = () => undefined,
  ) {
    // Whatever was stored is untrusted (another version wrote it, or it was edited): keep well-formed records only.
    const stored = store.get<unknown>(PANELS_STATE_KEY);
    this.pending = Array.isArray(stored) ? stored.filter(isRecord).slice(0, MAX_RECORDS).map((r) => ({ runId: r.runId, title: r.title })) : [];
  }

  /** Records a newly open panel; returns its key. */
  add(record: PanelRecord): number {
    const key = this.nextKey++;
    this.open.set(key, { ...record });
    this.save();
    return key;
  }

  /** The panel's title changed (its run's status did). */
  retitle(key: number, title: string): void {
    const record = this.open.get(key);
    if (record === undefined || record.title === title) return;
    record.title = title;
    this.save();
  }

  /** The user closed the panel. */
  remove(key: number): void {
    if (this.open.delete(key)) this.save();
  }

  /** The run of a panel restored with `title`, taken from the last session's records; undefined when none match. */
  claim(title: string): string | undefined {
    const i = this.pending.findIndex((r) => r.title === title);
    if (i < 0) return undefined;
    const [record] = this.pending.splice(i, 1);
    this.save();
    return record.runId;
  }

  /** Stops recording (the window is closing: its panels are disposed, but must be restored next time). */
  freeze(): void {
    this.frozen = true;
  }

  /** What is stored now: open panels first, then unclaimed ones of the last session. */
  records(): PanelRecord[] {
    return [...this.open.values(), ...this.pending].slice(0, MAX_RECORDS).map((r) => ({ ...r }));
  }

  private save(): void {
    if (this.frozen) return;
    try {
      Promise.resolve(this.store.update(PANELS_STATE_KEY, this.records())).catch(this.onSaveError);
    } catch (error) {
      this.onSaveError(error);
    }
  }
}
