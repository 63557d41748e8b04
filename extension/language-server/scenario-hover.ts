/**
 * Hovers in scenario files over what TypeScript's own hover cannot explain: a variable's name where it is declared
 * (`host: variable({...})`, or the shorthand `host`) and every read of it (`vars.host`, `vars['host']`,
 * `const { host } = vars`) show the variable's documentation; a read of a name no declaration has says so, with
 * the likely intended name. Works from the static reading alone, so it answers on files that do not compile.
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { didYouMean } from '../../agent/common/did-you-mean';
import { VAR_NOT_STATIC } from '../../agent/analysis/problem-codes';
import type { ScenarioDeclarations, SourceRange, VariableDeclarationInfo } from '../../agent/protocol/variables';
import type { ScenarioContext } from './feature-context';
import { variableMarkdown } from './variable-docs';

/** How many declared names an "undeclared" hover lists before it stops. */
const LISTED_NAMES = 12;

export function scenarioHover(ctx: ScenarioContext, position: Position): Hover | null {
  const decls = ctx.declarations;
  // A helper module that reads `vars` cannot know the scenario's declarations; saying "undeclared" there would lie.
  if (!decls.isScenario) return null;

  const declaration = decls.variables.find((v) => contains(v.nameRange, position));
  if (declaration) return hover(withDuplicates(variableMarkdown(declaration), declaration.name, decls), declaration.nameRange);

  const read = decls.reads.find((r) => r.name !== null && contains(r.range, position));
  if (!read || read.name === null) return null;
  const winner = lastDeclaration(decls.variables, read.name);
  if (winner) return hover(withDuplicates(variableMarkdown(winner), winner.name, decls), read.range);
  return hover(undeclaredMarkdown(read.name, decls), read.range);
}

/** Inclusive of the end, so a hover asked for with the cursor just after a name still finds it. */
function contains(range: SourceRange, p: Position): boolean {
  const afterStart = p.line > range.start.line || (p.line === range.start.line && p.character >= range.start.character);
  const beforeEnd = p.line < range.end.line || (p.line === range.end.line && p.character <= range.end.character);
  return afterStart && beforeEnd;
}

function hover(value: string, range: SourceRange): Hover {
  return { contents: { kind: MarkupKind.Markdown, value }, range: { start: { ...range.start }, end: { ...range.end } } };
}

/** At runtime the later of two same-named declarations wins (object literal semantics). */
function lastDeclaration(variables: VariableDeclarationInfo[], name: string): VariableDeclarationInfo | undefined {
  for (let i = variables.length - 1; i >= 0; i--) if (variables[i].name === name) return variables[i];
  return undefined;
}

function withDuplicates(markdown: string, name: string, decls: ScenarioDeclarations): string {
  const same = decls.variables.filter((v) => v.name === name);
  if (same.length < 2) return markdown;
  const lines = same.map((v) => v.nameRange.start.line + 1).join(', ');
  return `${markdown}\n\n_Declared ${same.length} times (lines ${lines}): the last declaration wins._`;
}

function undeclaredMarkdown(name: string, decls: ScenarioDeclarations): string {
  const names = [...new Set(decls.variables.map((v) => v.name))];
  const lines = [`**${name}** — not a declared variable`, ''];
  if (decls.problems.some((p) => p.code === VAR_NOT_STATIC)) {
    // The reader could not see every declaration: the name may exist among the computed ones.
    lines.push('Not among the variables Rookery can read from this file: some declarations are computed, so it may still exist at runtime.');
    return lines.join('\n');
  }
  const guess = didYouMean(name, names);
  if (guess !== undefined) lines.push(`Did you mean **${guess}**?`, '');
  if (names.length === 0) {
    lines.push('This scenario declares no variables.');
  } else {
    const shown = names.slice(0, LISTED_NAMES).map((n) => `\`${n}\``).join(', ');
    lines.push(`Declared: ${shown}${names.length > LISTED_NAMES ? `, and ${names.length - LISTED_NAMES} more` : ''}.`);
  }
  const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name.replace(/['\\]/g, '\\$&')}'`;
  lines.push('', `Declare it under \`variables: { ${key}: variable({ description: '...' }) }\` to read it.`);
  return lines.join('\n');
}
