/**
 * Turns whatever a coordinator operation threw into the ControlError a client receives: a RookeryError keeps its
 * code, where, hint and problems (and the structured variable problems of a VariablesError); anything else is an
 * internal error, reported with its message rather than swallowed.
 */
import { RookeryError } from '../common/errors';
import type { ControlError } from '../protocol/control';
import { VariablesError } from '../variables/variables-error';

export function toControlError(error: unknown): ControlError {
  if (error instanceof RookeryError) {
    const out: ControlError = { code: error.code, message: error.message };
    if (error.where !== undefined) out.where = error.where;
    if (error.hint !== undefined) out.hint = error.hint;
    if (error.problems.length > 0) out.problems = error.problems.map((p) => (p.where === undefined ? { message: p.message } : { where: p.where, message: p.message }));
    if (error instanceof VariablesError) out.variableProblems = error.variableProblems.map((p) => ({ ...p }));
    return out;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'ROOKERY_INTERNAL', message: `coordinator error: ${message}` };
}
