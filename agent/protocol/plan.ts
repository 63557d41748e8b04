/**
 * A load-test plan: which scenario, how many users, at what rate, for how long, with which variables, and the
 * load shape over time. Parsed from YAML by agent/plan/, built from CLI flags by the CLI, later sent by the
 * extension to a coordinator. Plain data; imports only other protocol files.
 */
import type { ThresholdSpec } from './thresholds';

/** One step of a load shape. Durations are in ms, user counts absolute. */
export type Stage =
  /** Linearly add or remove users until `to` are running, over `duration` (Stressgrid's ramp up / wind down). */
  | { kind: 'ramp'; to: number; duration: number }
  /** Keep the current users for `duration` (Stressgrid's sustain). */
  | { kind: 'hold'; duration: number }
  /** wile-e-coyote's `seq`: every `interval`, set the user count to the next listed value. */
  | { kind: 'seq'; interval: number; users: number[] }
  /** wile-e-coyote's `aseq`: every `interval`, add `add` users until `to` are running. */
  | { kind: 'aseq'; interval: number; add: number; to: number };

export interface Plan {
  /** Absolute path of the plan file, when the plan came from one. */
  file?: string;
  /** Absolute path of the scenario file. */
  scenario: string;
  /** Users started at the beginning (ids 1..users); with stages, the count the first stage starts from. */
  users: number;
  /** New users per minute (amoc's interarrival, as a rate); default 1200. */
  userRate: number;
  /** Stop the run after this many ms (after the stages, if both are given and this is shorter, it wins). */
  duration?: number;
  /** Replace every user that finishes by a new one, keeping the count (Stressgrid's behaviour). */
  maintain: boolean;
  /** Variable values set by the plan (precedence: default < env < plan < --var). */
  variables: Record<string, unknown>;
  stages: Stage[];
  /** URLs of remote agents to run on (`rookery agent --listen`); a local agent when absent. */
  agents?: string[];
  /** What to do when an agent is lost mid-run; `continue` by default. */
  onAgentLoss?: 'continue' | 'redistribute' | 'abort';
  /** Pass/fail criteria of the run (`thresholds:`), in file order; empty when none. */
  thresholds: ThresholdSpec[];
}

/** A point of a load shape: from `at` ms after the start, `users` users should be running. */
export interface TimelinePoint {
  at: number;
  users: number;
}

export const DEFAULT_USER_RATE = 1200;
