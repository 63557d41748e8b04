/**
 * The diagnostics of a plan file: every problem parsePlan finds (YAML syntax, unknown keys, units, stages,
 * thresholds...), then its scenario as the workspace sees it (a path that names no file, a file that is not a
 * scenario), then the plan's variables against the scenario's declarations (checkPlanVariables). The checks are
 * the analysis's, shared with `rookery validate`; this module only places them and attaches what quick fixes need.
 */
import type { Diagnostic } from 'vscode-languageserver';
import { checkPlanVariables } from '../../agent/analysis/check-plan';
import { checkPlanScenario } from '../../agent/analysis/check-plan-scenario';
import { findEntry, parsePlan, type PlanParseResult } from '../../agent/plan/parse-plan';
import type { ScenarioDeclarations } from '../../agent/protocol/variables';
import type { PlanContext } from './feature-context';
import { splitPlanLines } from './plan-lines';
import { toDiagnostic } from './to-diagnostic';

/** What a variable diagnostic carries to its quick fixes (in `Diagnostic.data`). */
export interface PlanVariableData {
  variable: string;
  suggestion?: string;
}

/** The last plan parsed: one keystroke asks for diagnostics, completion and code actions of the same text. */
let lastParse: { file: string; text: string; parsed: PlanParseResult } | undefined;

/**
 * The plan as parsed for the editor: the scenario is checked through the workspace, not the disk. A pure function
 * of the file name and text (the result is read, never changed), so the last parse is reused for the same text.
 */
export function parseForEditor(ctx: PlanContext): PlanParseResult {
  if (lastParse?.file === ctx.file && lastParse.text === ctx.text) return lastParse.parsed;
  const parsed = parsePlan(ctx.file, ctx.text, { checkScenarioExists: false });
  lastParse = { file: ctx.file, text: ctx.text, parsed };
  return parsed;
}

/**
 * The scenario's static reading when the plan names one that exists and is a scenario (read through the
 * workspace: open documents first); otherwise the problem to report at the `scenario:` value (neither when there
 * is no usable value at all: parsePlan said why).
 */
export function planScenario(ctx: PlanContext, parsed: PlanParseResult): { decls?: ScenarioDeclarations; problem?: Diagnostic } {
  const path = parsed.scenarioPath;
  const entry = findEntry(parsed.ranges.keys, 'scenario');
  if (path === undefined || entry === undefined) return {};
  const exists = ctx.workspace.fileExists(path);
  const decls = exists ? ctx.workspace.scenario(path) : undefined;
  const problem = checkPlanScenario({ given: valueText(ctx.text, entry.value) || path, range: entry.value, path, exists, decls });
  return problem ? { problem: toDiagnostic(problem) } : { decls };
}

export function planDiagnostics(ctx: PlanContext): Diagnostic[] {
  const parsed = parseForEditor(ctx);
  const diagnostics = parsed.problems.map((p) => toDiagnostic(p));
  const { decls, problem } = planScenario(ctx, parsed);
  if (problem) diagnostics.push(problem);
  if (decls) {
    for (const p of checkPlanVariables(parsed, parsed.variableValues, decls, process.env)) {
      const data: PlanVariableData = p.suggestion === undefined ? { variable: p.variable } : { variable: p.variable, suggestion: p.suggestion };
      diagnostics.push(toDiagnostic(p, data));
    }
  }
  // In file order, as parsePlan orders its own (a stable sort keeps equal positions in the order found).
  return diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** The source text of a one-line range (the scenario value as written, quotes included). */
function valueText(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  if (range.start.line !== range.end.line) return '';
  const line = splitPlanLines(text)[range.start.line] ?? '';
  return line.slice(range.start.character, range.end.character);
}
