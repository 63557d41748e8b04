/**
 * The run request of a plan or a scenario as the extension starts it, built exactly as `rookery run` builds it
 * (agent/cli/run-config.ts): buildRunConfig for what is on disk, and — the one thing the CLI has no entry for — the
 * same configuration from a plan's unsaved text, so "Run" in the editor runs what the editor shows. The plan is
 * parsed once here, and its problems and variable positions are kept: the extension reports a plan with errors
 * before starting anything, and points at a plan variable the engine rejected.
 */
import type { CliRunConfig, RunConfig } from '../../agent/cli/run-config';
import { buildRunConfig, toRunRequest } from '../../agent/cli/run-config';
import { TOKEN_ENV } from '../../agent/cli/network-options';
import { findEntry, formatPlanProblem, parsePlan, type PlanProblem } from '../../agent/plan/parse-plan';
import type { RunRequest } from '../../agent/protocol/control';
import type { CompiledScenario } from '../../agent/scenario/compile';

/** A zero-based position in a file, as the editor opens it. */
export interface FileLocation {
  file: string;
  line: number;
  character: number;
}

/** Where the plan sets things a failed start may be about: each variable's value, and the `variables:` key. */
export interface PlanPositions {
  planFile: string;
  variables: Record<string, FileLocation>;
  /** The `variables:` key, else the plan's first line (where a missing value would be added). */
  variablesKey: FileLocation;
}

export type PlanRunConfig =
  | { ok: true; cli: CliRunConfig; positions: PlanPositions }
  | { ok: false; errors: PlanProblem[]; warnings: PlanProblem[] };

/**
 * The configuration `rookery run <plan>` (no flags) builds from `text`, the plan's content (saved or not): flags
 * absent, so the plan's values stand as written. `{ ok: false }` with every error when the plan cannot run.
 */
export function planRunConfig(planFile: string, text: string, env: Record<string, string | undefined>): PlanRunConfig {
  const parsed = parsePlan(planFile, text);
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  const warnings = parsed.problems.filter((p) => p.severity === 'warning');
  if (parsed.plan === undefined || errors.length > 0) return { ok: false, errors, warnings };
  const plan = parsed.plan;
  // buildRunConfig's plan branch with every flag absent (users, rate, duration, maintain, --var, --threshold).
  const config: RunConfig = {
    scenarioFile: plan.scenario,
    planFile,
    users: plan.users,
    userRate: plan.userRate,
    durationMs: plan.duration,
    maintain: plan.maintain,
    stages: plan.stages,
    planVariables: plan.variables,
    cliVariables: {},
    env,
    thresholds: [...plan.thresholds],
  };
  const cli: CliRunConfig = { config, warnings: warnings.map((w) => formatPlanProblem(planFile, w)), agents: plan.agents, onAgentLoss: plan.onAgentLoss };
  const variables: Record<string, FileLocation> = {};
  for (const entry of parsed.ranges.variables) {
    variables[entry.name] = { file: planFile, line: entry.key.start.line, character: entry.key.start.character };
  }
  const key = findEntry(parsed.ranges.keys, 'variables');
  const variablesKey = { file: planFile, line: key?.key.start.line ?? 0, character: key?.key.start.character ?? 0 };
  return { ok: true, cli, positions: { planFile, variables, variablesKey } };
}

/** `rookery run <scenario> --users N`: the CLI's own function, so the two cannot differ. */
export function scenarioRunConfig(scenarioFile: string, users: number, env: Record<string, string | undefined>): Promise<CliRunConfig> {
  return buildRunConfig(scenarioFile, { users: String(users) }, env);
}

/**
 * The request a coordinator receives, as `rookery run` makes it: the plan's `onAgentLoss` (else `continue`), the
 * environment's `ROOKERY_*` values without the token.
 */
export function runRequestOf(cli: CliRunConfig, compiled: CompiledScenario): RunRequest {
  return toRunRequest(cli.config, compiled, cli.onAgentLoss ?? 'continue', TOKEN_ENV);
}

/** "Plan has 3 errors …" (the notification's text; the problems themselves are in the Problems view). */
export function planErrorsMessage(planName: string, errors: number): string {
  return `Plan has ${errors === 1 ? '1 error' : `${errors} errors`}: fix ${errors === 1 ? 'it' : 'them'} before running ${planName}.`;
}
