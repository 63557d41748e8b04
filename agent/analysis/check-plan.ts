/**
 * Cross-checks a plan's `variables:` against the static reading of its scenario — unknown names (with a
 * suggestion), values outside an allowlist or of another type than the default, required variables with no value
 * anywhere — for `rookery validate` and the language server alike. Runs nothing.
 */
import { didYouMean } from '../common/did-you-mean';
import type { PlanParseResult, PlanProblem } from '../plan/parse-plan';
import type { ScenarioDeclarations } from '../protocol/variables';
import { envName } from '../variables/env-name';
import { jsonEqual, jsonType, renderValue } from '../variables/json-value';

export type PlanVariableProblemCode = 'ROOKERY_PLAN_UNKNOWN_VARIABLE' | 'ROOKERY_PLAN_MISSING_VARIABLE' | 'ROOKERY_PLAN_VARIABLE_VALUE';

export interface PlanVariableProblem extends Omit<PlanProblem, 'code'> {
  code: PlanVariableProblemCode;
  /** For quick fixes: the variable concerned, and the suggested name for an unknown one. */
  variable: string;
  suggestion?: string;
}

/**
 * `values` are the plan's variable values; `env` (optional) counts `ROOKERY_<NAME>` values as given, as a run would.
 * Variables the static reader could not read are not reported missing or unknown when `decls` has NOT_STATIC
 * problems (the list may be incomplete).
 */
export function checkPlanVariables(
  parsed: Pick<PlanParseResult, 'ranges'>,
  values: Record<string, unknown>,
  decls: ScenarioDeclarations,
  env: Record<string, string | undefined> = {},
): PlanVariableProblem[] {
  const problems: PlanVariableProblem[] = [];
  const complete = !decls.problems.some((p) => p.code === 'ROOKERY_VAR_NOT_STATIC');
  const declared = new Map(decls.variables.map((v) => [v.name, v]));
  const variablesKey = parsed.ranges.keys.find((k) => k.name === 'variables');
  const scenarioKey = parsed.ranges.keys.find((k) => k.name === 'scenario');

  for (const entry of parsed.ranges.variables) {
    const decl = declared.get(entry.name);
    if (!decl) {
      if (!complete) continue;
      const suggestion = didYouMean(entry.name, declared.keys());
      problems.push({
        severity: 'error',
        code: 'ROOKERY_PLAN_UNKNOWN_VARIABLE',
        variable: entry.name,
        suggestion,
        range: entry.key,
        message: `the scenario declares no variable "${entry.name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      });
      continue;
    }
    const value = values[entry.name];
    if (decl.allowlist && !decl.allowlist.some((allowed) => jsonEqual(allowed, value))) {
      problems.push({
        severity: 'error',
        code: 'ROOKERY_PLAN_VARIABLE_VALUE',
        variable: entry.name,
        range: entry.value,
        message: `${renderValue(value)} is not allowed for "${entry.name}": use one of ${decl.allowlist.map(renderValue).join(', ')}`,
      });
    } else if (decl.default !== undefined && decl.default !== null && value !== null && jsonType(value) !== jsonType(decl.default)) {
      problems.push({
        severity: 'error',
        code: 'ROOKERY_PLAN_VARIABLE_VALUE',
        variable: entry.name,
        range: entry.value,
        message: `"${entry.name}" is a ${jsonType(decl.default)} (its default is ${renderValue(decl.default)}), not a ${jsonType(value)}`,
      });
    }
  }

  if (complete) {
    for (const decl of decls.variables) {
      if (decl.hasDefault || decl.name in values || env[envName(decl.name)] !== undefined) continue;
      problems.push({
        severity: 'error',
        code: 'ROOKERY_PLAN_MISSING_VARIABLE',
        variable: decl.name,
        range: (variablesKey ?? scenarioKey)?.key ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: `required variable "${decl.name}" has no default and no value: set it under variables:, with ${envName(decl.name)} or --var ${decl.name}=...`,
      });
    }
  }
  return problems;
}
