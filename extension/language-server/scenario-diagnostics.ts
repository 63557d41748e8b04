/**
 * The diagnostics of a scenario file: exactly the problems `rookery validate` prints for it (the shared
 * checkScenarioDeclarations), as LSP diagnostics. Nothing here decides what is a problem: a check added to the
 * analysis shows in the terminal and the editor at once, with the same message, range and code.
 */
import type { Diagnostic } from 'vscode-languageserver';
import { checkScenarioDeclarations } from '../../agent/analysis/check-scenario';
import type { ScenarioContext } from './feature-context';
import { toDiagnostic } from './to-diagnostic';

export function scenarioDiagnostics(ctx: ScenarioContext): Diagnostic[] {
  return checkScenarioDeclarations(ctx.declarations).map((problem) => toDiagnostic(problem));
}
