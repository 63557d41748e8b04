/**
 * Completion of declared variable names in scenario files, only where TypeScript's types do not reach: string keys
 * of the vars object, `'…' in vars`, and update hooks' name comparisons (see scenario-name-sites.ts). Each item
 * carries the variable's documentation and replaces the whole partly typed name, so accepting `host` inside
 * `vars['ho|st']` leaves `vars['host']`, not `vars['hostst']`.
 */
import { CompletionItemKind, MarkupKind, type CompletionItem, type Position } from 'vscode-languageserver';
import type { VariableDeclarationInfo } from '../../agent/protocol/variables';
import type { ScenarioContext } from './feature-context';
import { parseScenarioSource } from '../../agent/analysis/scenario-source';
import { findNameSite, offsetAt, type NameSite } from './scenario-name-sites';
import { variableDetail, variableMarkdown } from './variable-docs';

export function scenarioCompletion(ctx: ScenarioContext, position: Position): CompletionItem[] {
  const decls = ctx.declarations;
  if (!decls.isScenario || decls.variables.length === 0) return [];
  // The server's tree of this very text when it has one (re-parsing a large scenario per keystroke costs ~35 ms).
  const sf = ctx.tree?.text === ctx.text ? ctx.tree : parseScenarioSource(ctx.file, ctx.text);
  const offset = offsetAt(sf, position);
  if (offset === undefined) return [];
  const site = findNameSite(sf, offset, decls.variables);
  if (site === undefined) return [];
  const range = { start: sf.getLineAndCharacterOfPosition(site.replaceStart), end: sf.getLineAndCharacterOfPosition(site.replaceEnd) };
  return candidates(decls.variables, site.names).map((v, i): CompletionItem => ({
    label: v.name,
    kind: CompletionItemKind.Variable,
    detail: variableDetail(v),
    documentation: { kind: MarkupKind.Markdown, value: variableMarkdown(v) },
    // Ours first, in declaration order, above whatever TypeScript offers in the same string.
    sortText: `0${String(i).padStart(4, '0')}`,
    textEdit: { range, newText: written(v.name, site) },
  }));
}

/** One item per name: the last declaration, as at runtime; restricted to `names` when the site says so. */
function candidates(variables: VariableDeclarationInfo[], names: string[] | undefined): VariableDeclarationInfo[] {
  const byName = new Map<string, VariableDeclarationInfo>();
  for (const v of variables) {
    if (names !== undefined && !names.includes(v.name)) continue;
    byName.delete(v.name);
    byName.set(v.name, v);
  }
  return [...byName.values()].sort((a, b) => variables.indexOf(a) - variables.indexOf(b));
}

/** The name as it must be typed at the site: escaped for the string it goes into, or quoted when bare. */
function written(name: string, site: NameSite): string {
  const quote = site.quote ?? site.wrap ?? "'";
  let escaped = name.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`).replace(/\r?\n/g, '\\n');
  if (quote === '`') escaped = escaped.replace(/\$\{/g, '\\${');
  return site.wrap === undefined ? escaped : `${site.wrap}${escaped}${site.wrap}`;
}
