/**
 * Reading a plan file from disk for the CLI: the file's text → a Plan, or one `ROOKERY_PLAN` error listing every
 * problem with its `file:line:col`. Warnings come back with the plan for the caller to print.
 */
import { readFileSync } from 'node:fs';
import { RookeryError } from '../common/errors';
import type { Plan } from '../protocol/plan';
import { parsePlan, planError, type ParsePlanOptions } from './parse-plan';
import type { PlanProblem } from './plan-problems';

export interface LoadedPlan {
  plan: Plan;
  warnings: PlanProblem[];
}

export function loadPlan(fileName: string, options: ParsePlanOptions = {}): LoadedPlan {
  let text: string;
  try {
    text = readFileSync(fileName, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'plan file not found' : code === 'EISDIR' ? 'the plan path is a directory' : 'cannot read the plan file';
    throw new RookeryError('ROOKERY_PLAN', `${reason}: ${fileName}`, {
      where: fileName,
      hint: 'give the path of a .plan.yaml file, relative to the current directory',
      cause: error,
    });
  }
  const result = parsePlan(fileName, text, options);
  if (!result.plan) throw planError(fileName, result.problems);
  return { plan: result.plan, warnings: result.problems.filter((p) => p.severity === 'warning') };
}
