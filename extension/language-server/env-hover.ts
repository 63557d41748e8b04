/**
 * Hovers in `.env` files: on a `ROOKERY_*` name, the documentation of every variable it sets (with the scenario
 * declaring it), the engine's own settings explained, or "not a variable" with the likely intended name.
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { didYouMean } from '../../agent/common/did-you-mean';
import { envLineAt, lineStarts, offsetOf, rangeOfOffsets } from './env-file';
import { byEnvName, declaredMarkdown, ENGINE_ENV, ENV_PREFIX, type DeclaredVariable } from './env-variables';

export function envHover(text: string, position: Position, variables: DeclaredVariable[]): Hover | null {
  const starts = lineStarts(text);
  const offset = offsetOf(text, starts, position);
  if (offset === undefined) return null;
  const at = envLineAt(text, offset);
  if (at.part !== 'key' || !at.key.toUpperCase().startsWith(ENV_PREFIX)) return null;
  const range = rangeOfOffsets(starts, at.keyRange);
  const declared = byEnvName(variables);
  const declarations = declared.get(at.key);
  let value: string;
  if (declarations !== undefined) {
    value = declaredMarkdown(declarations);
  } else if (ENGINE_ENV.has(at.key)) {
    value = `**${at.key}** — Rookery setting\n\n${ENGINE_ENV.get(at.key)!}`;
  } else {
    const guess = didYouMean(at.key, declared.keys());
    value = [
      `**${at.key}** — not a variable of any scenario in this workspace`,
      '',
      guess ? `Did you mean **${guess}**?` : 'Runs ignore it: the engine reads `ROOKERY_<NAME>` only for declared variables.',
    ].join('\n');
  }
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}
