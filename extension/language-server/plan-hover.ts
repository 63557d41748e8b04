/**
 * Hovers in plan files: a variable's declaration (or why it is unknown), a key's documentation, a duration or a
 * rate in plain words, what a threshold checks, and the scenario's variables on its path. The spot under the
 * cursor comes from plan-position (text-based, so hovers work in a plan that does not parse).
 */
import { basename } from 'node:path';
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { didYouMean } from '../../agent/common/did-you-mean';
import {
  agentLossPolicyMarkdown, planKeyMarkdown, stageFieldMarkdown, stageKindMarkdown, thresholdOptionMarkdown, thresholdStatMarkdown,
} from '../../agent/plan/plan-key-docs';
import type { PlanContext } from './feature-context';
import { durationWords, rateWords, scenarioVariablesMarkdown, thresholdWords } from './plan-describe';
import { parseForEditor } from './plan-diagnostics';
import { planPositionAt, type PlanPosition } from './plan-position';
import { variableMarkdown } from './variable-docs';

export function planHover(ctx: PlanContext, position: Position): Hover | null {
  const at = planPositionAt(ctx.text, position);
  const markdown = hoverMarkdown(ctx, at);
  if (markdown === undefined) return null;
  const hover: Hover = { contents: { kind: MarkupKind.Markdown, value: markdown } };
  if (at.spot.kind === 'threshold') hover.range = at.spot.expression.range;
  else if (at.word.text !== '') hover.range = at.word.range;
  return hover;
}

/** A value as written, quotes dropped, for the unit parsers. */
function unquoted(text: string): string {
  return /^(["']).*\1$/.test(text) ? text.slice(1, -1) : text;
}

function hoverMarkdown(ctx: PlanContext, at: PlanPosition): string | undefined {
  const spot = at.spot;
  const word = unquoted(at.word.text.trim());
  if (word === '' && spot.kind !== 'threshold') return undefined;
  switch (spot.kind) {
    case 'top-key':
      return planKeyMarkdown(word);
    case 'top-value':
      switch (spot.key) {
        case 'scenario': return scenarioHover(ctx, word);
        case 'duration': return durationWords(word);
        case 'userRate': return rateWords(word);
        case 'onAgentLoss': return agentLossPolicyMarkdown(word);
        default: return undefined;
      }
    case 'variable-name':
      return variableHover(ctx, word);
    case 'variable-value':
      return variableHover(ctx, spot.variable);
    case 'stage-kind':
      return stageKindMarkdown(word);
    case 'stage-value':
      return spot.stage === 'hold' ? durationWords(word) : undefined;
    case 'stage-field':
      return stageFieldMarkdown(spot.stage, word);
    case 'stage-field-value':
      return spot.field === 'over' || spot.field === 'every' ? durationWords(word) : undefined;
    case 'threshold':
      return thresholdHover(spot.expression.text, spot.part === 'stat' ? word : spot.stat);
    case 'threshold-key':
      return thresholdOptionMarkdown(word);
    case 'threshold-option':
      return spot.option === 'delay' ? durationWords(word) : undefined;
    case 'agent':
    case 'none':
      return undefined;
  }
}

function scenarioHover(ctx: PlanContext, given: string): string | undefined {
  const path = parseForEditor(ctx).scenarioPath;
  if (path === undefined) return undefined;
  if (!ctx.workspace.fileExists(path)) return `**${given}**\n\n_No such file: ${path}_`;
  const decls = ctx.workspace.scenario(path);
  return decls === undefined ? `**${given}**\n\n_Cannot be read._` : scenarioVariablesMarkdown(given, decls);
}

function variableHover(ctx: PlanContext, name: string): string | undefined {
  const path = parseForEditor(ctx).scenarioPath;
  const decls = path === undefined ? undefined : ctx.workspace.scenario(path);
  if (!path || !decls?.isScenario) return undefined;
  const decl = decls.variables.find((v) => v.name === name);
  if (decl) return variableMarkdown(decl);
  const lines = [`**${name}** — not declared by ${basename(path)}`];
  const suggestion = didYouMean(name, decls.variables.map((v) => v.name));
  if (suggestion !== undefined) lines.push('', `Did you mean \`${suggestion}\`?`);
  if (decls.problems.some((p) => p.code === 'ROOKERY_VAR_NOT_STATIC')) {
    lines.push('', '_Some of the scenario\'s variables cannot be read without running it: this one may be among them._');
  } else if (decls.variables.length > 0) {
    lines.push('', `Its variables: ${decls.variables.map((v) => `\`${v.name}\``).join(', ')}`);
  }
  return lines.join('\n');
}

function thresholdHover(expression: string, stat: string | undefined): string | undefined {
  if (expression === '') return undefined;
  const words = thresholdWords(expression);
  const parts = [`\`${expression}\` — threshold`, ''];
  if ('text' in words) parts.push(words.text);
  else parts.push(`_Invalid: ${words.error}_`);
  const statDoc = stat === undefined ? undefined : thresholdStatMarkdown(stat);
  if (statDoc !== undefined) parts.push('', '---', '', statDoc);
  return parts.join('\n');
}
