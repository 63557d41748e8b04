/**
 * Diagnostics of `.env` files against the workspace's declared variables: a `ROOKERY_*` name no scenario declares
 * (the engine looks up declared names only, so it is ignored: a typo), and a value a variable's allowlist rejects,
 * read as the engine reads environment values (parseLooseValue: JSON when it parses, else the text).
 *
 * Trade-off: when the workspace declares no variables at all (no scenario found, or none readable) nothing is
 * called undeclared: there is nothing to compare with, and a file full of false warnings teaches users to ignore
 * the real ones. Verify functions are not run here (they are code); allowlists are checked.
 */
import { basename } from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { didYouMean } from '../../agent/common/did-you-mean';
import { parseLooseValue } from '../../agent/variables/env-name';
import { jsonEqual, renderValue } from '../../agent/variables/json-value';
import { lineStarts, parseEnvFile, rangeOfOffsets, type EnvEntry } from './env-file';
import { byEnvName, ENGINE_ENV, ENV_PREFIX, type DeclaredVariable } from './env-variables';
import { DIAGNOSTIC_SOURCE } from './to-diagnostic';

/** A `ROOKERY_*` name that no scenario of the workspace declares. */
export const ENV_UNKNOWN_VARIABLE = 'ROOKERY_ENV_UNKNOWN_VARIABLE';
/** A value that a declaring scenario's allowlist rejects. */
export const ENV_VARIABLE_VALUE = 'ROOKERY_ENV_VARIABLE_VALUE';

export function envDiagnostics(text: string, variables: DeclaredVariable[]): Diagnostic[] {
  const starts = lineStarts(text);
  const declared = byEnvName(variables);
  const out: Diagnostic[] = [];
  for (const entry of parseEnvFile(text)) {
    // Environment names are case-sensitive: `rookery_host` is not read, but it is surely meant as one.
    if (!entry.key.toUpperCase().startsWith(ENV_PREFIX)) continue;
    const declarations = declared.get(entry.key);
    if (declarations !== undefined) {
      const problem = valueProblem(entry, declarations);
      if (problem) out.push({ ...problem, range: rangeOfOffsets(starts, entry.valueRange), code: ENV_VARIABLE_VALUE, source: DIAGNOSTIC_SOURCE });
    } else if (!ENGINE_ENV.has(entry.key) && declared.size > 0) {
      const guess = didYouMean(entry.key, declared.keys());
      out.push({
        range: rangeOfOffsets(starts, entry.keyRange),
        severity: DiagnosticSeverity.Warning,
        code: ENV_UNKNOWN_VARIABLE,
        source: DIAGNOSTIC_SOURCE,
        message: `${entry.key} is not a variable of any scenario in this workspace${guess ? ` (did you mean ${guess}?)` : ''}, so runs ignore it`,
      });
    }
  }
  return out;
}

/**
 * An error when every declaration of the name rejects the value (any run reading this file fails), a warning
 * when only some scenarios' allowlists do (runs of those fail).
 */
function valueProblem(entry: EnvEntry, declarations: DeclaredVariable[]): Pick<Diagnostic, 'severity' | 'message'> | undefined {
  const value = parseLooseValue(entry.value);
  const rejecting = declarations.filter((d) => {
    const { verify, allowlist } = d.variable;
    return verify === 'allowlist' && allowlist !== undefined && !allowlist.some((allowed) => jsonEqual(allowed, value));
  });
  if (rejecting.length === 0) return undefined;
  const reasons = rejecting.map((d) => {
    const allowed = d.variable.allowlist!.length === 0 ? 'its allowlist is empty' : `allowed: ${d.variable.allowlist!.map(renderValue).join(', ')}`;
    return `not an allowed value of "${d.variable.name}" in ${basename(d.scenarioFile)} (${allowed})`;
  });
  return {
    severity: rejecting.length === declarations.length ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    message: `${entry.key}=${renderValue(value)}: ${reasons.join('; ')}`,
  };
}
