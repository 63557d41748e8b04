/**
 * The demo target's options: their types, their limits, and the one check that turns what a user typed into
 * resolved values or a `ROOKERY_USAGE` error listing every problem at once.
 */
import { RookeryError, type Problem } from '../common/errors';

/** A fixed delay in ms, or a [min, max] ms range drawn uniformly per request. */
export type Latency = number | readonly [number, number];

/** Faults the HTTP API injects into every request except `GET /health`. */
export interface FaultOptions {
  latency?: Latency;
  /** Fraction (0..1) of requests answered 500. */
  errorRate?: number;
}

export interface TargetOptions extends FaultOptions {
  /** Interface to listen on; default 127.0.0.1 (the demo target is not meant to face a network). */
  host?: string;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
}

export interface ResolvedFaults {
  latencyMinMs: number;
  latencyMaxMs: number;
  errorRate: number;
}

export interface ResolvedTargetOptions {
  host: string;
  port: number;
  faults: ResolvedFaults;
}

/** A minute: longer delays only make a demo look hung, and every delayed request holds a timer. */
export const MAX_LATENCY_MS = 60_000;

function isDelay(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_LATENCY_MS;
}

/** Checks the fault options, appending what is wrong to `problems`; the result is only meaningful without problems. */
export function checkFaults(options: FaultOptions, problems: Problem[]): ResolvedFaults {
  const faults: ResolvedFaults = { latencyMinMs: 0, latencyMaxMs: 0, errorRate: 0 };
  const latency: unknown = options.latency;
  if (latency !== undefined) {
    if (isDelay(latency)) {
      faults.latencyMinMs = faults.latencyMaxMs = latency;
    } else if (Array.isArray(latency) && latency.length === 2 && isDelay(latency[0]) && isDelay(latency[1]) && latency[0] <= latency[1]) {
      faults.latencyMinMs = latency[0];
      faults.latencyMaxMs = latency[1];
    } else {
      problems.push({
        where: 'latency',
        message: `expected milliseconds (0..${MAX_LATENCY_MS}) or a [min, max] range with min <= max, got ${JSON.stringify(latency)}`,
      });
    }
  }
  const errorRate: unknown = options.errorRate;
  if (errorRate !== undefined) {
    if (typeof errorRate === 'number' && errorRate >= 0 && errorRate <= 1) faults.errorRate = errorRate;
    else problems.push({ where: 'errorRate', message: `expected a fraction between 0 and 1, got ${JSON.stringify(errorRate)}` });
  }
  return faults;
}

function fail(problems: Problem[]): never {
  throw new RookeryError('ROOKERY_USAGE', 'invalid demo target options', {
    problems,
    hint: 'fix the options listed above; see `rookery target --help`',
  });
}

/** Resolved fault options, or a `ROOKERY_USAGE` error naming each bad option. */
export function resolveFaults(options: FaultOptions): ResolvedFaults {
  const problems: Problem[] = [];
  const faults = checkFaults(options, problems);
  if (problems.length > 0) fail(problems);
  return faults;
}

/** Resolved target options with defaults applied, or a `ROOKERY_USAGE` error naming each bad option. */
export function resolveTargetOptions(options: TargetOptions): ResolvedTargetOptions {
  const problems: Problem[] = [];
  const host: unknown = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.trim() === '') {
    problems.push({ where: 'host', message: `expected a host name or IP address, got ${JSON.stringify(host)}` });
  }
  const port: unknown = options.port ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push({ where: 'port', message: `expected an integer between 0 and 65535, got ${JSON.stringify(port)}` });
  }
  const faults = checkFaults(options, problems);
  if (problems.length > 0) fail(problems);
  return { host: host as string, port: port as number, faults };
}
