/**
 * Completion in plan files: top-level keys (with documentation and snippets), scenario paths, the scenario's
 * variables and their allowed values, durations, rates, booleans and policies, stage kinds and fields, threshold
 * stats and operators. Every item carries a `textEdit` replacing the word at the cursor (plan-position), so
 * accepting `duration` over a typed `dur` leaves `duration: `, not `durduration: `.
 */
import { dirname, relative, sep } from 'node:path';
import {
  CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type Position, type Range,
} from 'vscode-languageserver';
import { PLAN_KEYS, THRESHOLD_KEYS } from '../../agent/plan/parse-plan';
import {
  AGENT_LOSS_POLICY_DOCS, PLAN_KEY_DOCS, STAGE_FIELD_DOCS, agentLossPolicyMarkdown,
  planKeyMarkdown, stageFieldMarkdown, stageKindMarkdown, thresholdOptionMarkdown, thresholdStatMarkdown,
} from '../../agent/plan/plan-key-docs';
import { STAGE_KINDS } from '../../agent/plan/parse-stages';
import { THRESHOLD_WORDS } from '../../agent/plan/thresholds';
import { THRESHOLD_OPERATORS, THRESHOLD_STATS } from '../../agent/protocol/thresholds';
import type { ScenarioDeclarations, VariableDeclarationInfo } from '../../agent/protocol/variables';
import type { PlanContext } from './feature-context';
import { parseForEditor } from './plan-diagnostics';
import { durationWords, rateWords, scenarioVariablesMarkdown } from './plan-describe';
import { flowDepth, indentUnit, readPlanLine, splitPlanLines, topLevelKeys } from './plan-lines';
import { planPositionAt, type PlanPosition, type PlanSpot } from './plan-position';
import { yamlKey, yamlValue } from './plan-yaml-value';
import { variableDetail, variableMarkdown } from './variable-docs';

const DURATIONS = ['10s', '30s', '1m', '1m30s', '5m', '10m', '1h', '500ms'];
const RATES = ['600/min', '1200/min', '60/min', '10/s', '100/s', '3600/h'];
const LATENCY_LIMITS = ['100ms', '200ms', '500ms', '1s', '2s'];
const PERCENT_LIMITS = ['1%', '5%', '99%', '99.9%'];

const OPERATOR_WORDS: Record<string, string> = {
  '<': 'less than', '<=': 'at most', '>': 'more than', '>=': 'at least', '==': 'exactly', '!=': 'anything but',
};

/** One item: the label, the text replacing the word at the cursor, and how it reads in the list. */
interface Choice {
  label: string;
  insert: string;
  snippet?: boolean;
  kind: CompletionItemKind;
  detail?: string;
  doc?: string;
  /** Sorting among the choices (their order, when absent). */
  sort?: string;
}

export function planCompletion(ctx: PlanContext, position: Position): CompletionItem[] {
  const at = planPositionAt(ctx.text, position);
  const choices = choicesFor(ctx, at, position);
  return choices.map((c, i) => toItem(c, i, at));
}

function toItem(choice: Choice, index: number, at: PlanPosition): CompletionItem {
  const trail = at.trail ?? '';
  const newText = choice.snippet ? escapeSnippet(at.lead) + choice.insert + escapeSnippet(trail) : at.lead + choice.insert + trail;
  const item: CompletionItem = {
    label: choice.label,
    kind: choice.kind,
    textEdit: { range: copyRange(at.word.range), newText },
    insertTextFormat: choice.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    sortText: choice.sort ?? String(index).padStart(4, '0'),
    // The word typed is matched against the label, not against the lead the insert adds.
    filterText: choice.label,
  };
  if (choice.detail !== undefined) item.detail = choice.detail;
  if (choice.doc !== undefined) item.documentation = { kind: MarkupKind.Markdown, value: choice.doc };
  return item;
}

function copyRange(range: Range): Range {
  return { start: { ...range.start }, end: { ...range.end } };
}

function choicesFor(ctx: PlanContext, at: PlanPosition, position: Position): Choice[] {
  const spot = at.spot;
  switch (spot.kind) {
    case 'top-key':
      return topKeys(ctx, spot.hasColon, position.line);
    case 'top-value':
      return topValue(ctx, spot.key);
    case 'variable-name':
      return variableNames(ctx, spot, inFlow(ctx, position));
    case 'variable-value':
      return variableValues(ctx, spot.variable, inFlow(ctx, position));
    case 'stage-kind':
      return stageKinds(spot.hasColon);
    case 'stage-value':
      return spot.stage === 'hold' ? durations() : stageSettings(spot.stage);
    case 'stage-field':
      return stageFields(spot.stage, spot.present, spot.hasColon);
    case 'stage-field-value':
      return spot.field === 'over' || spot.field === 'every' ? durations() : [];
    case 'threshold':
      return thresholdChoices(ctx, at, spot);
    case 'threshold-key':
      return thresholdKeys(spot.present, spot.hasColon);
    case 'threshold-option':
      return spot.option === 'abortOnFail' ? booleans() : durations();
    case 'agent':
    case 'none':
      return [];
  }
}

/** The snippet of each top-level key: its value's usual form, the cursor on what to change first. */
function keySnippet(key: string, indent: string, scenarioPaths: string[]): string {
  switch (key) {
    case 'scenario':
      return scenarioPaths.length > 0 && scenarioPaths.length <= 20
        ? `scenario: \${1|${scenarioPaths.map(escapeChoice).join(',')}|}`
        : 'scenario: ${1:./my.scenario.ts}';
    case 'users': return 'users: ${1:10}';
    case 'userRate': return 'userRate: ${1:600/min}';
    case 'duration': return 'duration: ${1:30s}';
    case 'maintain': return 'maintain: ${1|true,false|}';
    case 'variables': return `variables:\n${indent}$0`;
    case 'stages': return `stages:\n${indent}- $0`;
    case 'thresholds': return `thresholds:\n${indent}- \${1:p99 < 500ms}`;
    case 'agents': return `agents:\n${indent}- \${1:ws://127.0.0.1:7400}`;
    case 'onAgentLoss': return 'onAgentLoss: ${1|continue,redistribute,abort|}';
    default: return `${key}: $0`;
  }
}

function topKeys(ctx: PlanContext, hasColon: boolean, line: number): Choice[] {
  const lines = splitPlanLines(ctx.text).map(readPlanLine);
  const present = new Set(topLevelKeys(lines, line));
  const indent = ' '.repeat(indentUnit(lines));
  const paths = scenarioPaths(ctx);
  return PLAN_KEYS.filter((k) => !present.has(k)).map((key) => ({
    label: key,
    insert: hasColon ? key : keySnippet(key, indent, paths),
    snippet: !hasColon,
    kind: CompletionItemKind.Property,
    detail: PLAN_KEY_DOCS[key].format,
    doc: planKeyMarkdown(key),
  }));
}

function topValue(ctx: PlanContext, key: string): Choice[] {
  switch (key) {
    case 'scenario': return scenarioChoices(ctx);
    case 'maintain': return booleans();
    case 'duration': return durations();
    case 'userRate': return rates();
    case 'onAgentLoss':
      return Object.keys(AGENT_LOSS_POLICY_DOCS).map((policy) => ({
        label: policy, insert: policy, kind: CompletionItemKind.EnumMember, doc: agentLossPolicyMarkdown(policy),
      }));
    default: return [];
  }
}

/** The workspace's scenarios as the plan would name them: relative to its folder, `./` first, `/` separators. */
function scenarioPaths(ctx: PlanContext): string[] {
  const from = dirname(ctx.file);
  return ctx.workspace.scenarioFiles().map((file) => {
    const rel = relative(from, file).split(sep).join('/');
    return rel.startsWith('../') ? rel : `./${rel}`;
  });
}

function scenarioChoices(ctx: PlanContext): Choice[] {
  const files = ctx.workspace.scenarioFiles();
  return scenarioPaths(ctx).map((path, i) => {
    const decls = ctx.workspace.scenario(files[i]);
    const required = decls?.variables.filter((v) => !v.hasDefault).length ?? 0;
    const count = decls?.variables.length ?? 0;
    return {
      label: path,
      insert: path,
      kind: CompletionItemKind.File,
      detail: decls === undefined ? undefined : `${count} variable${count === 1 ? '' : 's'}${required > 0 ? `, ${required} required` : ''}`,
      doc: decls === undefined ? undefined : scenarioVariablesMarkdown(path, decls),
    };
  });
}

/** The scenario's static reading when the plan names one that is readable. */
function declarations(ctx: PlanContext): ScenarioDeclarations | undefined {
  const path = parseForEditor(ctx).scenarioPath;
  const decls = path === undefined ? undefined : ctx.workspace.scenario(path);
  return decls?.isScenario ? decls : undefined;
}

/** Whether the cursor is inside a flow collection of its line, where values are written in flow style. */
function inFlow(ctx: PlanContext, position: Position): boolean {
  const line = splitPlanLines(ctx.text)[position.line] ?? '';
  return flowDepth(line, 0, Math.min(position.character, line.length)) > 0;
}

function variableNames(ctx: PlanContext, spot: Extract<PlanSpot, { kind: 'variable-name' }>, flow: boolean): Choice[] {
  const decls = declarations(ctx);
  if (!decls) return [];
  const present = new Set(spot.present);
  const open = decls.variables.filter((v) => !present.has(v.name));
  return open.map((v, i) => ({
    label: v.name,
    insert: spot.hasColon ? escapeSnippet(yamlKey(v.name, flow))
      : `${escapeSnippet(yamlKey(v.name, flow))}: ${v.default !== undefined ? `\${1:${escapeSnippet(yamlValue(v.default, flow))}}` : '$1'}`,
    snippet: true,
    kind: CompletionItemKind.Variable,
    detail: variableDetail(v),
    doc: variableMarkdown(v),
    // Required ones first: they are the ones the plan must set.
    sort: `${v.hasDefault ? 1 : 0}${String(i).padStart(4, '0')}`,
  }));
}

function variableValues(ctx: PlanContext, name: string, flow: boolean): Choice[] {
  const v: VariableDeclarationInfo | undefined = declarations(ctx)?.variables.find((d) => d.name === name);
  if (!v) return [];
  if (v.allowlist !== undefined) {
    return v.allowlist.map((value) => ({
      label: yamlValue(value, flow), insert: yamlValue(value, flow), kind: CompletionItemKind.EnumMember,
      detail: `allowed for ${v.name}`,
    }));
  }
  if (v.default !== undefined) {
    return [{ label: yamlValue(v.default, flow), insert: yamlValue(v.default, flow), kind: CompletionItemKind.Value, detail: `default of ${v.name}` }];
  }
  return [];
}

function booleans(): Choice[] {
  return ['true', 'false'].map((b) => ({ label: b, insert: b, kind: CompletionItemKind.Value }));
}

function durations(): Choice[] {
  return DURATIONS.map((d) => ({ label: d, insert: d, kind: CompletionItemKind.Value, detail: durationWords(d) }));
}

function rates(): Choice[] {
  return RATES.map((r) => ({ label: r, insert: r, kind: CompletionItemKind.Value, detail: rateWords(r) }));
}

const STAGE_SETTINGS: Record<string, string> = {
  ramp: '{ to: ${1:100}, over: ${2:30s} }',
  hold: '${1:1m}',
  seq: '{ every: ${1:10s}, users: [${2:10, 20, 50}] }',
  aseq: '{ every: ${1:5s}, add: ${2:10}, to: ${3:100} }',
};

function stageKinds(hasColon: boolean): Choice[] {
  return STAGE_KINDS.map((kind) => ({
    label: kind,
    insert: hasColon ? kind : `${kind}: ${STAGE_SETTINGS[kind]}`,
    snippet: true,
    kind: CompletionItemKind.Struct,
    doc: stageKindMarkdown(kind),
  }));
}

function stageSettings(stage: string): Choice[] {
  const settings = STAGE_SETTINGS[stage];
  if (settings === undefined) return [];
  return [{ label: settings.replace(/\$\{\d+:([^}]*)\}/g, '$1'), insert: settings, snippet: true, kind: CompletionItemKind.Snippet, doc: stageKindMarkdown(stage) }];
}

const FIELD_SNIPPETS: Record<string, string> = {
  to: 'to: ${1:100}',
  over: 'over: ${1:30s}',
  every: 'every: ${1:10s}',
  users: 'users: [${1:10, 20, 50}]',
  add: 'add: ${1:10}',
};

function stageFields(stage: string, present: string[], hasColon: boolean): Choice[] {
  const fields = STAGE_FIELD_DOCS[stage as keyof typeof STAGE_FIELD_DOCS];
  if (!fields) return [];
  return Object.keys(fields).filter((f) => !present.includes(f)).map((field) => ({
    label: field,
    insert: hasColon ? field : FIELD_SNIPPETS[field],
    snippet: true,
    kind: CompletionItemKind.Field,
    doc: stageFieldMarkdown(stage, field),
  }));
}

function thresholdKeys(present: string[], hasColon: boolean): Choice[] {
  const snippets: Record<string, string> = { threshold: 'threshold: ${1:p99 < 500ms}', abortOnFail: 'abortOnFail: ${1|true,false|}', delay: 'delay: ${1:10s}' };
  return THRESHOLD_KEYS.filter((k) => !present.includes(k)).map((key) => ({
    label: key, insert: hasColon ? key : snippets[key], snippet: true, kind: CompletionItemKind.Property, doc: thresholdOptionMarkdown(key),
  }));
}

function thresholdChoices(ctx: PlanContext, at: PlanPosition, spot: Extract<PlanSpot, { kind: 'threshold' }>): Choice[] {
  const wordEnd = at.word.range.end.character;
  const rest = spot.expression.range.end.character > wordEnd
    ? spot.expression.text.slice(wordEnd - spot.expression.range.start.character).trim() : '';
  switch (spot.part) {
    case 'stat': {
      // Alone in the expression, a stat comes with the rest of an expression to fill; in one, only the name.
      const whole = rest === '';
      const choices: Choice[] = THRESHOLD_WORDS.map((head) => ({
        label: head,
        insert: whole ? statSnippet(head) : head,
        snippet: true,
        kind: CompletionItemKind.Function,
        doc: thresholdStatMarkdown(head),
      }));
      if (spot.bare && whole && spot.expression.text === at.word.text) {
        choices.push({
          label: '{ threshold, abortOnFail }',
          insert: '{ threshold: ${1:p99 < 800ms}, abortOnFail: true, delay: ${2:10s} }',
          snippet: true,
          kind: CompletionItemKind.Snippet,
          doc: thresholdOptionMarkdown('abortOnFail'),
        });
      }
      return choices;
    }
    case 'operator': {
      const space = needsSpaceBefore(ctx.text, at.word.range) ? ' ' : '';
      return THRESHOLD_OPERATORS.map((op) => ({
        label: op, insert: `${space}${op}${rest === '' ? ' ' : ''}`, kind: CompletionItemKind.Operator, detail: OPERATOR_WORDS[op],
      }));
    }
    case 'value': {
      const latency = spot.stat !== undefined && (THRESHOLD_STATS as readonly string[]).includes(spot.stat);
      return valueChoices(spot.stat).map((v) => ({ label: v, insert: v, kind: CompletionItemKind.Value, detail: latency ? durationWords(v) : undefined }));
    }
    case 'name':
      return [];
  }
}

/** The usual comparison and limit of each threshold metric, for the expression snippets. */
function usual(head: string): { operator: string; limit: string; named: boolean } {
  if (head === 'counter') return { operator: '>', limit: '0', named: true };
  if (head.startsWith('histogram.')) return { operator: '<', limit: '50', named: true };
  switch (head) {
    case 'error_rate': return { operator: '<', limit: '1%', named: false };
    case 'errors': return { operator: '==', limit: '0', named: false };
    case 'requests': return { operator: '>', limit: '1000', named: false };
    case 'rps': return { operator: '>=', limit: '100', named: false };
    case 'checks': return { operator: '>', limit: '99%', named: false };
    default: return { operator: '<', limit: '500ms', named: false };
  }
}

/** `p99 ${<} ${500ms}`: the metric's usual comparison first, its name in braces for those that need one. */
function statSnippet(head: string): string {
  const { operator, limit, named } = usual(head);
  const operators = [operator, ...THRESHOLD_OPERATORS.filter((op) => op !== operator)].map(escapeChoice).join(',');
  const n = named ? 2 : 1;
  return `${head}${named ? '{${1:name}}' : ''} \${${n}|${operators}|} \${${n + 1}:${limit}}`;
}

function valueChoices(stat: string | undefined): string[] {
  if (stat === undefined) return [];
  if ((THRESHOLD_STATS as readonly string[]).includes(stat)) return LATENCY_LIMITS;
  if (stat === 'error_rate') return PERCENT_LIMITS.slice(0, 2);
  if (stat === 'checks') return PERCENT_LIMITS.slice(2);
  if (stat === 'errors') return ['0'];
  return [];
}

function needsSpaceBefore(text: string, range: Range): boolean {
  const line = splitPlanLines(text)[range.start.line] ?? '';
  const before = line[range.start.character - 1];
  return before !== undefined && !/\s/.test(before);
}

/** Text taken literally inside a snippet (`$`, `}` and `\` escaped; `,` and `|` too inside a choice). */
function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, '\\$&');
}

function escapeChoice(text: string): string {
  return text.replace(/[\\$}|,]/g, '\\$&');
}
