/**
 * The time limits of a cluster run, in one place: the defaults production uses, and the one object tests shorten.
 */
import { DEFAULT_SERIES_GRACE_MS } from './series';
import { DEFAULT_STATUS_SETTLE_MS } from './user-ledger';

export interface ClusterTiming {
  /** How long agents may take to load the scenario and run `init` (60 s). */
  prepareTimeoutMs: number;
  /** How long a second waits for missing agents before it is emitted (2 s). */
  seriesGraceMs: number;
  /** How long after a command an agent's status is trusted (2 s, see user-ledger.ts). */
  statusSettleMs: number;
  /** Added to the grace period when waiting for agents to confirm a stop (5 s). */
  stopMarginMs: number;
}

export const DEFAULT_TIMING: ClusterTiming = {
  prepareTimeoutMs: 60_000,
  seriesGraceMs: DEFAULT_SERIES_GRACE_MS,
  statusSettleMs: DEFAULT_STATUS_SETTLE_MS,
  stopMarginMs: 5000,
};
