/**
 * Whether the scenario a plan names can be checked against: the file exists, could be read, and is a scenario.
 * The problem, if any, is placed on the plan's `scenario:` value, so the editor underlines the path and the
 * terminal prints the plan's line. How the file is found and read is the caller's (the disk for `rookery
 * validate`, open documents first for the language server).
 */
import type { ScenarioDeclarations, SourceRange, StaticProblem } from '../protocol/variables';
import { VAR_NOT_A_SCENARIO } from './problem-codes';

export interface PlanScenarioFacts {
  /** The `scenario:` value as written, and its range in the plan. */
  given: string;
  range: SourceRange;
  /** The absolute path it resolves to. */
  path: string;
  /** Whether that path names a regular file. */
  exists: boolean;
  /** Its static reading; undefined when the file could not be read. */
  decls: ScenarioDeclarations | undefined;
}

/** The one problem that stops the plan's variables from being checked, or undefined when there is none. */
export function checkPlanScenario(facts: PlanScenarioFacts): StaticProblem | undefined {
  const { given, range, path, exists, decls } = facts;
  if (!exists) return { severity: 'error', code: 'ROOKERY_PLAN_SCENARIO_NOT_FOUND', range, message: `scenario file not found: ${given} (looked for ${path})` };
  if (decls === undefined) {
    return { severity: 'warning', code: 'ROOKERY_PLAN_SCENARIO_NOT_FOUND', range, message: `scenario ${given} cannot be read, so its variables are not checked` };
  }
  if (decls.isScenario) return undefined;
  // A reading that says why there is nothing (the file is too large to analyse, say) beats the generic message.
  const other = decls.problems.find((p) => p.code !== VAR_NOT_A_SCENARIO);
  if (other && !decls.problems.some((p) => p.code === VAR_NOT_A_SCENARIO)) {
    return { severity: 'warning', code: other.code, range, message: `${given}: ${other.message}` };
  }
  return { severity: 'error', code: VAR_NOT_A_SCENARIO, range, message: `${given} is not a scenario: no \`export default scenario({...})\` found in it` };
}
