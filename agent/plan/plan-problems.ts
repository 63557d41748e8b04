/**
 * What a plan file can get wrong: the problem shape with its position (the language server turns these into
 * diagnostics as they are), the stable codes, the terminal rendering `file:line:col: error: message`, and the
 * single `ROOKERY_PLAN` error that carries all of them to the CLI.
 */
import { RookeryError, formatWhere, type Problem } from '../common/errors';
import type { SourceRange } from '../protocol/variables';

/** Stable codes of plan problems; the language server may key quick fixes on them. */
export type PlanProblemCode =
  | 'ROOKERY_PLAN_EMPTY' // the file holds no document
  | 'ROOKERY_PLAN_YAML' // a YAML syntax error (or an alias to an anchor that does not exist)
  | 'ROOKERY_PLAN_YAML_WARNING' // YAML the parser accepted with a warning (an unknown tag)
  | 'ROOKERY_PLAN_NOT_MAPPING' // the document, or a part that must be a mapping, is something else
  | 'ROOKERY_PLAN_UNKNOWN_KEY'
  | 'ROOKERY_PLAN_DUPLICATE_KEY'
  | 'ROOKERY_PLAN_BAD_KEY' // a key that is not a plain string (a list, a mapping, nothing)
  | 'ROOKERY_PLAN_MISSING_KEY' // `scenario`, or a field a stage needs
  | 'ROOKERY_PLAN_TYPE' // a value of the wrong kind (a list where a string belongs, "yes" for a boolean)
  | 'ROOKERY_PLAN_DURATION'
  | 'ROOKERY_PLAN_RATE'
  | 'ROOKERY_PLAN_USERS'
  | 'ROOKERY_PLAN_VALUE' // a value of the right kind out of range (every: 0, add: 0, an empty seq list)
  | 'ROOKERY_PLAN_STAGE' // a stage that is not one of ramp, hold, seq, aseq, or names more than one
  | 'ROOKERY_PLAN_SCENARIO_NOT_FOUND'
  | 'ROOKERY_PLAN_THRESHOLD' // a threshold that does not parse (at its exact characters), or an option that does nothing
  | 'ROOKERY_PLAN_DURATION_CUTS_STAGES' // warning: `duration` ends the run before the stages do
  | 'ROOKERY_PLAN_NO_USERS' // warning: nothing would ever run
  | 'ROOKERY_PLAN_STAGE_NO_EFFECT'; // warning: an aseq that starts at or above its `to`

export interface PlanProblem {
  severity: 'error' | 'warning';
  code: PlanProblemCode;
  message: string;
  /** Zero-based, as LSP counts (UTF-16 code units, a leading byte-order mark not counted). */
  range: SourceRange;
}

/** `file:line:col: error: message`, 1-based, as compilers print them (terminals make these clickable). */
export function formatPlanProblem(fileName: string, problem: PlanProblem): string {
  const { line, character } = problem.range.start;
  return `${formatWhere(fileName, line, character)}: ${problem.severity}: ${problem.message}`;
}

/**
 * One `ROOKERY_PLAN` error for a plan that cannot be run: every problem, in file order, with `where` filled in
 * (warnings kept, marked as such, since they often explain an error next to them).
 */
export function planError(fileName: string, problems: PlanProblem[]): RookeryError {
  const sorted = sortProblems(problems);
  const errors = sorted.filter((p) => p.severity === 'error').length;
  const listed: Problem[] = sorted.map((p) => ({
    where: formatWhere(fileName, p.range.start.line, p.range.start.character),
    message: p.severity === 'warning' ? `warning: ${p.message}` : p.message,
  }));
  const message = `invalid plan: ${errors === 1 ? '1 error' : `${errors} errors`}`;
  return new RookeryError('ROOKERY_PLAN', message, {
    where: fileName,
    problems: listed,
    hint: 'fix each problem at the line:column shown; a plan\'s keys are scenario, users, userRate, duration, maintain, variables, stages, agents, onAgentLoss and thresholds',
  });
}

/** Problems by position (stable for equal positions), the order a reader fixes them in. */
export function sortProblems(problems: PlanProblem[]): PlanProblem[] {
  return [...problems].sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
}
