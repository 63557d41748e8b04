/**
 * How a declared variable reads in the editor: the Markdown of hovers and of completion documentation, and the
 * one-line detail of completion items. One rendering for scenario files and plan files alike.
 */
import type { VariableDeclarationInfo } from '../../agent/protocol/variables';
import { envName } from '../../agent/variables/env-name';
import { renderValue } from '../../agent/variables/json-value';

/** `default: 100`, `required`, or the default's source text when it is not a literal. */
export function variableDetail(v: VariableDeclarationInfo): string {
  if (!v.hasDefault) return 'required (no default)';
  if (v.default !== undefined) return `default: ${renderValue(v.default)}`;
  return `default: ${v.defaultText ?? '(computed)'}`;
}

const UPDATE_TEXT: Record<VariableDeclarationInfo['update'], string> = {
  read_only: 'read-only while a test runs',
  none: 'can be changed while a test runs (users read the new value)',
  function: 'can be changed while a test runs (the scenario reacts in its update hook)',
};

/** The Markdown shown on hover and as completion documentation. */
export function variableMarkdown(v: VariableDeclarationInfo): string {
  const lines: string[] = [`**${v.name}** — Rookery variable`, ''];
  if (v.description !== undefined && v.description.trim() !== '') lines.push(v.description, '');
  else lines.push('_No description._', '');
  lines.push(`- ${v.hasDefault ? variableDetail(v).replace(/^default: /, 'Default: `') + '`' : 'Required: no default, a value must be given'}`);
  if (v.verify === 'allowlist' && v.allowlist !== undefined) {
    lines.push(`- Allowed: ${v.allowlist.map((a) => `\`${renderValue(a)}\``).join(', ') || '_nothing (empty allowlist)_'}`);
  } else if (v.verify === 'function') {
    lines.push('- Verified by a function in the scenario');
  }
  lines.push(`- Updates: ${v.updateText !== undefined ? `invalid policy \`${v.updateText}\` (treated as read-only)` : UPDATE_TEXT[v.update]}`);
  lines.push(`- Environment: \`${envName(v.name)}\``);
  return lines.join('\n');
}
