/**
 * What the reader chose on the page — the table tab, the series they hid, the run they compare with — kept with
 * VS Code's `setState` so it survives the panel being hidden or the window reloading. Only these choices: run data
 * always comes from the host (state is serialized on every change, and a stale copy of a run would be wrong).
 */
import type { VsCodeApi } from './host';

export const TABLE_TABS = ['requests', 'errors', 'agents', 'checks', 'custom', 'thresholds'] as const;
export type TableTab = (typeof TABLE_TABS)[number];

export interface UiState {
  tab: TableTab;
  /** Series keys (`chart:series`) the reader hid from the legend. */
  hiddenSeries: string[];
  /** The run drawn beside this one, if the reader chose one. */
  compareRunId?: string;
  /**
   * Which run this panel shows (an id, not its data): VS Code hands this state to the extension's panel serializer
   * after a window reload, and that is how a restored panel finds its run again.
   */
  runId?: string;
}

const DEFAULT: UiState = { tab: 'requests', hiddenSeries: [] };
/** A reader hides a handful of series; a bound keeps a corrupt state from growing the saved one. */
const HIDDEN_MAX = 200;

/** Reads a saved state defensively: it may come from an older page, or be absent. */
export function readUiState(saved: unknown): UiState {
  if (typeof saved !== 'object' || saved === null) return { ...DEFAULT, hiddenSeries: [] };
  const s = saved as Record<string, unknown>;
  const tab = TABLE_TABS.find((t) => t === s.tab) ?? DEFAULT.tab;
  const hiddenSeries = Array.isArray(s.hiddenSeries)
    ? s.hiddenSeries.filter((k): k is string => typeof k === 'string' && k.length <= 200).slice(0, HIDDEN_MAX)
    : [];
  const state: UiState = { tab, hiddenSeries };
  if (typeof s.compareRunId === 'string' && s.compareRunId.length > 0) state.compareRunId = s.compareRunId;
  if (typeof s.runId === 'string' && s.runId.length > 0 && s.runId.length <= 200) state.runId = s.runId;
  return state;
}

export class UiStateStore {
  private state: UiState;

  constructor(private readonly api: VsCodeApi) {
    this.state = readUiState(api.getState());
  }

  get(): Readonly<UiState> {
    return this.state;
  }

  isHidden(seriesKey: string): boolean {
    return this.state.hiddenSeries.includes(seriesKey);
  }

  setTab(tab: TableTab): void {
    this.save({ ...this.state, tab });
  }

  toggleSeries(seriesKey: string): void {
    const hidden = this.state.hiddenSeries;
    const next = hidden.includes(seriesKey) ? hidden.filter((k) => k !== seriesKey) : [...hidden, seriesKey].slice(-HIDDEN_MAX);
    this.save({ ...this.state, hiddenSeries: next });
  }

  setCompareRun(runId: string | undefined): void {
    const next: UiState = { tab: this.state.tab, hiddenSeries: this.state.hiddenSeries };
    if (this.state.runId !== undefined) next.runId = this.state.runId;
    if (runId !== undefined) next.compareRunId = runId;
    this.save(next);
  }

  /** Remembers the run the panel shows (from each snapshot); saved only when it changes. */
  setRun(runId: string): void {
    if (this.state.runId !== runId) this.save({ ...this.state, runId });
  }

  private save(next: UiState): void {
    this.state = next;
    this.api.setState(next);
  }
}
