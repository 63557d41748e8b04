/**
 * The error carrying variable problems: a `RookeryError` whose `problems` are ready for a terminal and whose
 * `variableProblems` keep the structured `VariableProblem`s for the editor, the control API and tests.
 */
import { RookeryError, type ErrorCode, type Problem } from '../common/errors';
import type { VariableProblem } from '../protocol/variables';
import { envName } from './env-name';
import { renderValue } from './json-value';

export class VariablesError extends RookeryError {
  readonly variableProblems: VariableProblem[];

  constructor(problems: VariableProblem[], options: { code?: ErrorCode; message?: string; hint?: string } = {}) {
    const count = problems.length;
    super(options.code ?? 'ROOKERY_VARIABLES', options.message ?? `${count} problem${count === 1 ? '' : 's'} with scenario variables`, {
      problems: problems.map(toProblem),
      hint: options.hint ?? 'set values with ROOKERY_<NAME>=value, the plan\'s `variables:`, or --var name=value',
    });
    this.name = 'VariablesError';
    this.variableProblems = problems;
  }
}

/** Where a value for `name` came from, as a user would find it again: the env var, the plan key or the option. */
export function whereFrom(name: string, source: VariableProblem['source']): string | undefined {
  switch (source) {
    case 'env':
      return envName(name);
    case 'plan':
      return `plan variables.${name}`;
    case 'cli':
      return `--var ${name}`;
    case 'default':
      return `default of "${name}"`;
    case 'update':
      return `update of "${name}"`;
    default:
      return undefined;
  }
}

/** One terminal line for a problem, e.g. `--var port: variable "port" = 70000: not one of the allowed values: ...`. */
export function toProblem(p: VariableProblem): Problem {
  const shown = p.value === undefined ? '' : ` = ${renderValue(p.value)}`;
  const message = p.kind === 'unknown' ? p.reason : `variable "${p.variable}"${shown}: ${p.reason}`;
  return { message, where: whereFrom(p.variable, p.source) };
}
