/**
 * A failure to start or control a run, as the extension tells it: the engine's own message (with its first
 * problem, so the notification says what is wrong, not just that something is), the full terminal rendering for
 * the output channel, and the buttons that lead to the fix — the file and line of a compile error or of a
 * rejected variable value, Restart Local Agent when the coordinator could not be reached, Show Output always.
 */
import { basename } from 'node:path';
import { RookeryError, type Problem } from '../../agent/common/errors';
import type { VariableProblem } from '../../agent/protocol/variables';
import { toProblem } from '../../agent/variables/variables-error';
import type { FileLocation, PlanPositions } from './plan-run-config';

export type RunErrorAction =
  | { kind: 'open'; title: string; location: FileLocation }
  | { kind: 'restartLocal'; title: string }
  | { kind: 'output'; title: string };

export interface RunErrorReport {
  /** One notification's text. */
  message: string;
  /** Everything, for the output channel (problems one a line, the hint). */
  detail: string;
  actions: RunErrorAction[];
}

/** What the caller knows about the run the error is about, to point at the right line. */
export interface RunErrorContext {
  /** Where the plan sets each variable (a plan run). */
  plan?: PlanPositions;
  /** Where the scenario declares each variable (from the language server's reading). */
  declarations?: Record<string, FileLocation>;
  /** The coordinator is the extension's own local agent (so restarting it is a way forward). */
  localTarget: boolean;
}

export const SHOW_OUTPUT = 'Show Output';
export const RESTART_LOCAL_AGENT = 'Restart Local Agent';

/** `file:line:col` (1-based, as RookeryError.where and compilers write it) → a zero-based location. */
export function parseWhere(where: string | undefined): FileLocation | undefined {
  if (where === undefined) return undefined;
  const match = /^(.+?):(\d+)(?::(\d+))?$/.exec(where);
  if (!match || /^[a-z][a-z0-9+.-]*:\/\//i.test(match[1])) return undefined; // a URL's port is not a line
  const line = Number(match[2]);
  const column = match[3] === undefined ? 1 : Number(match[3]);
  if (line < 1 || column < 1) return undefined;
  return { file: match[1], line: line - 1, character: column - 1 };
}

/**
 * Where the user fixes a variable problem: the plan's value when the plan set it (or named a variable the
 * scenario does not declare), the plan's `variables:` for a missing value in a plan run, else the scenario's
 * declaration (its default, its verify, or where a value for the environment or `--var` is described).
 */
export function locateVariableProblem(problem: VariableProblem, context: Pick<RunErrorContext, 'plan' | 'declarations'>): FileLocation | undefined {
  const inPlan = context.plan?.variables[problem.variable];
  const declared = context.declarations?.[problem.variable];
  if (problem.source === 'plan' || problem.kind === 'unknown') return inPlan ?? declared;
  if (problem.kind === 'missing') return context.plan?.variablesKey ?? declared;
  return declared ?? inPlan;
}

export function locationLabel(location: FileLocation): string {
  return `${basename(location.file)}:${location.line + 1}`;
}

function variableProblemsOf(error: unknown): VariableProblem[] {
  const problems = (error as { variableProblems?: unknown }).variableProblems;
  return Array.isArray(problems) ? (problems as VariableProblem[]) : [];
}

/** The report of `error`, thrown while `doing` (e.g. "start the run", "add users"). */
export function describeRunError(error: unknown, doing: string, context: RunErrorContext): RunErrorReport {
  if (!(error instanceof RookeryError)) {
    const text = error instanceof Error ? error.message : String(error);
    return { message: `Could not ${doing}: ${text}`, detail: error instanceof Error ? (error.stack ?? text) : text, actions: [{ kind: 'output', title: SHOW_OUTPUT }] };
  }
  const actions: RunErrorAction[] = [];
  let location = parseWhere(error.where);
  const variableProblems = variableProblemsOf(error);
  if (variableProblems.length > 0) {
    for (const problem of variableProblems) {
      location = locateVariableProblem(problem, context);
      if (location) break;
    }
  } else if (location === undefined) {
    for (const problem of error.problems) {
      location = parseWhere(problem.where);
      if (location) break;
    }
  }
  let message = error.message;
  const at = location && !message.includes(location.file) ? ` (${locationLabel(location)})` : '';
  // Variable problems read as the engine prints them (`variable "host" = 5: ...`), wherever they came from.
  const problems: Problem[] = variableProblems.length > 0 ? variableProblems.map((p) => ({ message: toProblem(p).message })) : error.problems;
  const first = problems[0];
  if (first !== undefined) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    message = `${message}: ${first.where ? `${shortWhere(first.where)}: ` : ''}${first.message}${more}`;
  }
  message = `Could not ${doing}: ${message}${at}`;
  if (error.hint) message += ` — ${error.hint}`;
  if (location) actions.push({ kind: 'open', title: `Open ${locationLabel(location)}`, location });
  if (error.code === 'ROOKERY_CONNECT' && context.localTarget) actions.push({ kind: 'restartLocal', title: RESTART_LOCAL_AGENT });
  actions.push({ kind: 'output', title: SHOW_OUTPUT });
  return { message, detail: `[${error.code}] ${error.format()}`, actions };
}

/** A problem's `where` without the folders of a file path (the button and the output name it in full). */
function shortWhere(where: string): string {
  const location = parseWhere(where);
  return location ? locationLabel(location) : where;
}
