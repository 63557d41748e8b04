/**
 * Completion in `.env` files: `ROOKERY_<NAME>=` for every variable the workspace's scenarios declare (and the
 * engine's own `ROOKERY_*` settings), and after `=` the allowed values of a variable with an allowlist, written so
 * that the engine parses them back to the same value (agent/variables/env-name.ts parseLooseValue).
 *
 * The server imports every `.env` feature from here: diagnostics and hover live beside it and are re-exported.
 */
import { CompletionItemKind, MarkupKind, type CompletionItem, type Position } from 'vscode-languageserver';
import type { LiteralValue } from '../../agent/protocol/variables';
import { parseLooseValue } from '../../agent/variables/env-name';
import { envLineAt, lineStarts, offsetOf, parseEnvFile, rangeOfOffsets, type EnvLineAt } from './env-file';
import { byEnvName, declaredDetail, declaredMarkdown, ENGINE_ENV, type DeclaredVariable } from './env-variables';

export { envDiagnostics } from './env-diagnostics';
export { envHover } from './env-hover';
export type { DeclaredVariable } from './env-variables';

export function envCompletion(text: string, position: Position, variables: DeclaredVariable[]): CompletionItem[] {
  const starts = lineStarts(text);
  const offset = offsetOf(text, starts, position);
  if (offset === undefined) return [];
  const at = envLineAt(text, offset);
  if (at.part === 'key') return keyItems(text, starts, at, variables);
  if (at.part === 'value') return valueItems(starts, at, variables);
  return [];
}

function keyItems(text: string, starts: number[], at: EnvLineAt, variables: DeclaredVariable[]): CompletionItem[] {
  // A name already set on another line is not offered again: the later line would silently win.
  const taken = new Set(parseEnvFile(text).filter((e) => e.keyRange.start !== at.keyRange.start).map((e) => e.key));
  const range = rangeOfOffsets(starts, at.keyRange);
  const suffix = at.hasEquals ? '' : '=';
  const items: CompletionItem[] = [];
  for (const [key, declarations] of byEnvName(variables)) {
    if (taken.has(key)) continue;
    items.push({
      label: key,
      kind: CompletionItemKind.Variable,
      detail: declaredDetail(declarations),
      documentation: { kind: MarkupKind.Markdown, value: declaredMarkdown(declarations) },
      sortText: `0${key}`,
      textEdit: { range, newText: key + suffix },
    });
  }
  for (const [key, doc] of ENGINE_ENV) {
    if (taken.has(key) || items.some((i) => i.label === key)) continue;
    items.push({
      label: key,
      kind: CompletionItemKind.Constant,
      detail: 'Rookery setting (not a variable)',
      documentation: { kind: MarkupKind.Markdown, value: doc },
      sortText: `1${key}`,
      textEdit: { range, newText: key + suffix },
    });
  }
  return items;
}

function valueItems(starts: number[], at: EnvLineAt, variables: DeclaredVariable[]): CompletionItem[] {
  const declarations = byEnvName(variables).get(at.key);
  if (declarations === undefined || at.valueRange === undefined) return [];
  const range = rangeOfOffsets(starts, at.valueRange);
  const seen = new Set<string>();
  const items: CompletionItem[] = [];
  for (const d of declarations) {
    if (d.variable.verify !== 'allowlist' || d.variable.allowlist === undefined) continue;
    for (const value of d.variable.allowlist) {
      const written = envValueText(value);
      if (written === undefined || seen.has(written)) continue;
      seen.add(written);
      items.push({
        label: written,
        kind: CompletionItemKind.Value,
        detail: `allowed value of ${d.variable.name}${value === d.variable.default ? ' (its default)' : ''}`,
        documentation: { kind: MarkupKind.Markdown, value: declaredMarkdown([d]) },
        sortText: String(items.length).padStart(5, '0'),
        textEdit: { range, newText: written },
      });
    }
  }
  return items;
}

/**
 * How `value` is written after `KEY=` so that the process sees text which parseLooseValue turns back into
 * `value`: strings as they are unless they would parse as JSON (`"42"` must stay a string), JSON otherwise,
 * in single quotes when a `#`, a quote or outer blanks would change the reading. `undefined` when it cannot be.
 */
export function envValueText(value: LiteralValue): string | undefined {
  const raw = typeof value === 'string' && parseLooseValue(value) === value ? value : JSON.stringify(value);
  if (raw.includes('\n') || raw.includes('\r')) return undefined;
  const needsQuotes = raw.includes('#') || /^['"`]/.test(raw) || raw !== raw.trim() || raw === '';
  if (!needsQuotes) return raw;
  return raw.includes("'") ? undefined : `'${raw}'`;
}

