/**
 * Builds a run configuration from `rookery run`'s arguments: a scenario file with flags, or a plan file whose
 * values the flags override (flags > plan > defaults). `--threshold`s add to the plan's thresholds.
 */
import { resolve } from 'node:path';
import { RookeryError, type Problem } from '../common/errors';
import type { AgentLossPolicy } from '../protocol/cluster';
import type { RunRequest } from '../protocol/control';
import type { CompiledScenario } from '../scenario/compile';
import { loadPlan } from '../plan/load-plan';
import { formatPlanProblem } from '../plan/parse-plan';
import { ThresholdError, parseThreshold } from '../plan/thresholds';
import { parseDuration, parseRate, parseUserCount } from '../plan/units';
import { DEFAULT_USER_RATE } from '../protocol/plan';
import type { ThresholdSpec } from '../protocol/thresholds';
import { parseLooseValue } from '../variables/env-name';
import { option, parseVarFlags } from './args';

/**
 * A run as the command line describes it: the request a coordinator receives (control.ts), before the scenario is
 * compiled and the environment's `ROOKERY_*` values are picked.
 */
export type RunConfig = Omit<RunRequest, 'scenario' | 'envVariables' | 'onAgentLoss' | 'agents'> & {
  scenarioFile: string;
  /** The environment `ROOKERY_<NAME>` variables are read from. */
  env: Record<string, string | undefined>;
};

export interface RunFlags {
  users?: string;
  rate?: string;
  duration?: string;
  var?: string[];
  maintain?: boolean;
  /** `--threshold` expressions, like `p99<500ms`. */
  threshold?: string[];
}

export function isPlanFile(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

/** A run configuration, and the plan's warnings (as `file:line:col: warning: ...` lines) for the CLI to print. */
export interface CliRunConfig {
  config: RunConfig;
  warnings: string[];
  /** Remote agents named by the plan's `agents:` (the CLI's --agents wins). */
  agents?: string[];
  onAgentLoss?: AgentLossPolicy;
}

export async function buildRunConfig(file: string, flags: RunFlags, env: Record<string, string | undefined>): Promise<CliRunConfig> {
  const users = option('users', flags.users, (v) => parseUserCount(v)); // the same rules and messages as a plan's `users:`
  const userRate = option('rate', flags.rate, (v) => parseRate(v));
  const durationMs = option('duration', flags.duration, (v) => parseDuration(v));
  const cliVariables = parseVarFlags(flags.var, parseLooseValue);
  const cliThresholds = parseThresholdFlags(flags.threshold);
  const path = resolve(file);

  if (!isPlanFile(path)) {
    const config: RunConfig = {
      scenarioFile: path,
      users: users ?? 1,
      userRate: userRate ?? DEFAULT_USER_RATE,
      durationMs,
      maintain: flags.maintain ?? false,
      stages: [],
      planVariables: {},
      cliVariables,
      env,
      thresholds: cliThresholds,
    };
    return { config, warnings: [] };
  }

  const { plan, warnings } = loadPlan(path);
  const config: RunConfig = {
    scenarioFile: plan.scenario,
    planFile: path,
    users: users ?? plan.users,
    userRate: userRate ?? plan.userRate,
    durationMs: durationMs ?? plan.duration,
    maintain: flags.maintain ?? plan.maintain,
    // --users replaces the plan's load shape with a fixed count.
    stages: users !== undefined ? [] : plan.stages,
    planVariables: plan.variables,
    cliVariables,
    env,
    thresholds: [...plan.thresholds, ...cliThresholds],
  };
  return { config, warnings: warnings.map((w) => formatPlanProblem(path, w)), agents: plan.agents, onAgentLoss: plan.onAgentLoss };
}

/** The request a coordinator receives: the compiled scenario, and the environment's `ROOKERY_*` values (not the token). */
export function toRunRequest(config: RunConfig, compiled: CompiledScenario, onAgentLoss: AgentLossPolicy, tokenEnv: string): RunRequest {
  const envVariables: Record<string, string> = {};
  for (const [key, value] of Object.entries(config.env)) {
    if (key.startsWith('ROOKERY_') && key !== tokenEnv && value !== undefined) envVariables[key] = value;
  }
  return {
    scenario: { file: compiled.file, code: compiled.code, sources: compiled.sources },
    planFile: config.planFile,
    users: config.users,
    userRate: config.userRate,
    durationMs: config.durationMs,
    maintain: config.maintain,
    stages: config.stages,
    planVariables: config.planVariables,
    cliVariables: config.cliVariables,
    envVariables,
    onAgentLoss,
    gracePeriodMs: config.gracePeriodMs,
    thresholds: config.thresholds ?? [],
  };
}

/** `--threshold` expressions → specs; every bad one is reported at once, with the column of its bad part. */
export function parseThresholdFlags(expressions: readonly string[] | undefined): ThresholdSpec[] {
  const specs: ThresholdSpec[] = [];
  const problems: Problem[] = [];
  for (const expression of expressions ?? []) {
    try {
      specs.push(parseThreshold(expression));
    } catch (error) {
      if (!(error instanceof ThresholdError)) throw error;
      problems.push({ where: `--threshold ${JSON.stringify(expression)}`, message: `column ${error.start + 1}: ${error.message}` });
    }
  }
  if (problems.length > 0) {
    throw new RookeryError('ROOKERY_USAGE', `invalid --threshold${problems.length === 1 ? '' : ` (${problems.length})`}`, {
      problems,
      hint: 'a threshold is a stat, an operator and a limit, like --threshold "p99<500ms" or --threshold "error_rate<1%"',
    });
  }
  return specs;
}
