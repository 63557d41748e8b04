/**
 * The analysis's problems (agent/analysis, agent/plan) as LSP diagnostics: same message, same range, the stable
 * `ROOKERY_*` code (quick fixes key on it), source "rookery", and the "unnecessary" tag for declared-but-unused
 * variables so editors fade them as they fade unused TypeScript locals.
 */
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import { VAR_UNUSED } from '../../agent/analysis/problem-codes';
import type { SourceRange } from '../../agent/protocol/variables';

export const DIAGNOSTIC_SOURCE = 'rookery';

/** Any problem the analysis reports: StaticProblem, PlanProblem and PlanVariableProblem all fit. */
export interface AnalysisProblem {
  severity: 'error' | 'warning' | 'info' | 'hint';
  code: string;
  message: string;
  range: SourceRange;
}

const SEVERITY: Record<AnalysisProblem['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** `data` rides along to code actions (LSP keeps it between publishDiagnostics and codeAction). */
export function toDiagnostic(problem: AnalysisProblem, data?: unknown): Diagnostic {
  const diagnostic: Diagnostic = {
    range: { start: { ...problem.range.start }, end: { ...problem.range.end } },
    severity: SEVERITY[problem.severity],
    code: problem.code,
    source: DIAGNOSTIC_SOURCE,
    message: problem.message,
  };
  if (problem.code === VAR_UNUSED) diagnostic.tags = [DiagnosticTag.Unnecessary];
  if (data !== undefined) diagnostic.data = data;
  return diagnostic;
}
