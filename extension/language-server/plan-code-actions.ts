/**
 * Quick fixes for plan diagnostics, keyed on their stable codes: add the missing required variables, rename an
 * unknown variable or key to the likely one (or remove it), pick an allowed value; and one source action that
 * lists every variable of the scenario, with its default, as comments to uncomment. Each action edits ctx.uri,
 * and every fix leaves a plan that the same analysis accepts.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver';
import { checkPlanVariables } from '../../agent/analysis/check-plan';
import { didYouMean } from '../../agent/common/did-you-mean';
import { PLAN_KEYS, THRESHOLD_KEYS, type PlanParseResult } from '../../agent/plan/parse-plan';
import { STAGE_FIELD_DOCS } from '../../agent/plan/plan-key-docs';
import type { ScenarioDeclarations, VariableDeclarationInfo } from '../../agent/protocol/variables';
import { renderValue } from '../../agent/variables/json-value';
import type { PlanContext } from './feature-context';
import { parseForEditor, planScenario, type PlanVariableData } from './plan-diagnostics';
import { flowDepth, readPlanLine, splitPlanLines, topLevelKeys } from './plan-lines';
import { planPositionAt } from './plan-position';
import { addVariablesEdit, commentLines, removeEntryEdit, type VariableLine } from './plan-text-edits';
import { DIAGNOSTIC_SOURCE } from './to-diagnostic';
import { yamlKey, yamlValue } from './plan-yaml-value';

/** The source action's kind: clients list it under "Source Action…". */
export const ADD_SCENARIO_VARIABLES_KIND = `${CodeActionKind.Source}.rookery.addScenarioVariables`;

export function planCodeActions(ctx: PlanContext, range: Range, diagnostics: Diagnostic[]): CodeAction[] {
  const parsed = parseForEditor(ctx);
  const { decls } = planScenario(ctx, parsed);
  const actions: CodeAction[] = [];
  const ours = diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && overlaps(d.range, range));

  const missing = ours.filter((d) => d.code === 'ROOKERY_PLAN_MISSING_VARIABLE');
  if (missing.length > 0 && decls) {
    const action = addMissingVariables(ctx, parsed, decls, missing);
    if (action) actions.push(action);
  }
  for (const d of ours) {
    switch (d.code) {
      case 'ROOKERY_PLAN_UNKNOWN_VARIABLE':
        actions.push(...unknownVariable(ctx, d, decls));
        break;
      case 'ROOKERY_PLAN_UNKNOWN_KEY':
        actions.push(...unknownKey(ctx, d));
        break;
      case 'ROOKERY_PLAN_VARIABLE_VALUE':
        actions.push(...allowedValues(ctx, d, decls));
        break;
    }
  }
  if (decls) {
    const source = addAllVariablesAsComments(ctx, parsed, decls);
    if (source) actions.push(source);
  }
  return actions;
}

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character <= q.character);
  return before(a.start, b.end) && before(b.start, a.end);
}

function edit(ctx: PlanContext, edits: TextEdit[]): CodeAction['edit'] {
  return { changes: { [ctx.uri]: edits } };
}

function fix(ctx: PlanContext, title: string, edits: TextEdit[], diagnostics: Diagnostic[], preferred = false): CodeAction {
  const action: CodeAction = { title, kind: CodeActionKind.QuickFix, diagnostics, edit: edit(ctx, edits) };
  if (preferred) action.isPreferred = true;
  return action;
}

/** The text of a one-line range of the plan. */
function textAt(ctx: PlanContext, range: Range): string {
  const line = splitPlanLines(ctx.text)[range.start.line] ?? '';
  return line.slice(range.start.character, range.start.line === range.end.line ? range.end.character : line.length);
}

/**
 * A required variable as a plan line: the first allowed value when there is a list, else an empty string (with
 * no default there is no type to guess from, and "" passes every check the editor can make).
 */
function requiredLine(v: VariableDeclarationInfo): VariableLine {
  const value = v.allowlist !== undefined && v.allowlist.length > 0 ? v.allowlist[0] : '';
  return { name: v.name, value, comments: v.description?.trim() ? commentLines(v.description.trim()) : [] };
}

function addMissingVariables(ctx: PlanContext, parsed: PlanParseResult, decls: ScenarioDeclarations, diagnostics: Diagnostic[]): CodeAction | undefined {
  const names = new Set(checkPlanVariables(parsed, parsed.variableValues, decls, process.env)
    .filter((p) => p.code === 'ROOKERY_PLAN_MISSING_VARIABLE').map((p) => p.variable));
  const missing = decls.variables.filter((v) => names.has(v.name));
  const change = addVariablesEdit(ctx.text, missing.map(requiredLine));
  if (!change) return undefined;
  const title = missing.length === 1 ? `Add missing variable "${missing[0].name}"` : `Add missing variables (${missing.map((v) => v.name).join(', ')})`;
  return fix(ctx, title, [change], diagnostics, true);
}

function unknownVariable(ctx: PlanContext, d: Diagnostic, decls: ScenarioDeclarations | undefined): CodeAction[] {
  const data = d.data as Partial<PlanVariableData> | undefined;
  const name = typeof data?.variable === 'string' ? data.variable : textAt(ctx, d.range);
  const suggestion = typeof data?.suggestion === 'string' ? data.suggestion
    : decls && didYouMean(name, decls.variables.map((v) => v.name));
  if (suggestion !== undefined) {
    return [fix(ctx, `Change to "${suggestion}"`, [{ range: d.range, newText: yamlKey(suggestion, isInFlow(ctx, d.range)) }], [d], true)];
  }
  const removal = removeEntryEdit(ctx.text, d.range.start);
  return removal ? [fix(ctx, `Remove "${name}"`, [removal], [d])] : [];
}

/** The keys the mapping of an unknown key accepts, and those it already has (from the text around it). */
function keysAround(ctx: PlanContext, range: Range): { known: readonly string[]; present: string[] } {
  const spot = planPositionAt(ctx.text, range.end).spot;
  switch (spot.kind) {
    case 'top-key':
      return { known: PLAN_KEYS, present: topLevelKeys(splitPlanLines(ctx.text).map(readPlanLine), range.start.line) };
    case 'stage-field':
      return { known: Object.keys(STAGE_FIELD_DOCS[spot.stage as keyof typeof STAGE_FIELD_DOCS] ?? {}), present: spot.present };
    case 'threshold-key':
      return { known: THRESHOLD_KEYS, present: spot.present };
    default:
      return { known: [], present: [] };
  }
}

function unknownKey(ctx: PlanContext, d: Diagnostic): CodeAction[] {
  const key = textAt(ctx, d.range);
  const actions: CodeAction[] = [];
  const { known, present } = keysAround(ctx, d.range);
  const suggestion = didYouMean(key, known);
  // Renaming onto a key the mapping already has would make a duplicate: removing is the fix then.
  if (suggestion !== undefined && !present.includes(suggestion)) {
    actions.push(fix(ctx, `Change to "${suggestion}"`, [{ range: d.range, newText: suggestion }], [d], true));
  }
  const removal = removeEntryEdit(ctx.text, d.range.start);
  if (removal) actions.push(fix(ctx, `Remove key "${key}"`, [removal], [d]));
  return actions;
}

/** Whether the range sits inside a flow collection of its line (`{ a: 1, b| }`), where plain scalars end at `,]}`. */
function isInFlow(ctx: PlanContext, range: Range): boolean {
  const line = splitPlanLines(ctx.text)[range.start.line] ?? '';
  return flowDepth(line, 0, range.start.character) > 0;
}

function allowedValues(ctx: PlanContext, d: Diagnostic, decls: ScenarioDeclarations | undefined): CodeAction[] {
  const data = d.data as Partial<PlanVariableData> | undefined;
  const decl = decls?.variables.find((v) => v.name === data?.variable);
  if (!decl?.allowlist) return [];
  return decl.allowlist.map((value, i) =>
    fix(ctx, `Change to ${renderValue(value)}`, [{ range: d.range, newText: yamlValue(value, isInFlow(ctx, d.range)) }], [d], decl.allowlist!.length === 1 && i === 0));
}

/** `# name: default` for every declared variable the plan does not set, its description above it. */
function addAllVariablesAsComments(ctx: PlanContext, parsed: PlanParseResult, decls: ScenarioDeclarations): CodeAction | undefined {
  const set = new Set(parsed.ranges.variables.map((e) => e.name));
  const lines: VariableLine[] = decls.variables.filter((v) => !set.has(v.name)).map((v) => ({
    name: v.name,
    ...(v.default !== undefined ? { value: v.default }
      : { note: v.hasDefault ? `${v.defaultText ?? ''} (computed default)`.trim() : '(required, no default)' }),
    comments: v.description?.trim() ? commentLines(v.description.trim()) : [],
  }));
  const change = addVariablesEdit(ctx.text, lines, true);
  if (!change) return undefined;
  return { title: 'Add all scenario variables with their defaults as comments', kind: ADD_SCENARIO_VARIABLES_KIND, edit: edit(ctx, [change]) };
}
