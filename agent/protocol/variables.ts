/**
 * Shapes of required variables that cross boundaries: what static analysis reads from a scenario's source
 * (for `rookery validate`, the language server and the extension), and the problems found when values are
 * resolved. Plain data; imports nothing.
 */

/** A zero-based position range in a file, as the TypeScript compiler and LSP count them. */
export interface SourceRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** A JSON-compatible literal read from source (`undefined` when the source holds no literal there). */
export type LiteralValue = string | number | boolean | null | LiteralValue[] | { [key: string]: LiteralValue };

/** How runtime updates of a variable are treated: amoc's `read_only`, `none`, or a hook function. */
export type UpdatePolicyKind = 'read_only' | 'none' | 'function';

/** What a static reader found about one `variable({...})` declaration, without running anything. */
export interface VariableDeclarationInfo {
  name: string;
  nameRange: SourceRange;
  /** The whole `variable({...})` call (or whatever expression stands in its place). */
  range: SourceRange;
  description?: string;
  descriptionRange?: SourceRange;
  /** True when a `default` property exists (its value may still be non-literal). */
  hasDefault: boolean;
  /** The default's literal value, when it is one. */
  default?: LiteralValue;
  defaultRange?: SourceRange;
  /** Source text of the default, always present when `hasDefault` (for hovers when it is not a literal). */
  defaultText?: string;
  /** `verify` kind: absent, an allowlist array literal, or a function (or other expression). */
  verify: 'none' | 'allowlist' | 'function';
  allowlist?: LiteralValue[];
  verifyRange?: SourceRange;
  update: UpdatePolicyKind;
  /** When `update` is not one of the known strings or a function (e.g. a typo), its source text. */
  updateText?: string;
  updateRange?: SourceRange;
}

/** Something a static reader could not read or found wrong, pointing at the source. */
export interface StaticProblem {
  severity: 'error' | 'warning' | 'info' | 'hint';
  /** Stable code, e.g. `ROOKERY_VAR_NOT_STATIC`. */
  code: string;
  message: string;
  range: SourceRange;
}

/** The static reading of a whole scenario file. */
export interface ScenarioDeclarations {
  file: string;
  /** Whether a `scenario({...})` call was found as (or leading to) the default export. */
  isScenario: boolean;
  variables: VariableDeclarationInfo[];
  problems: StaticProblem[];
  /** `vars.x` / `vars['x']` reads found in the source, for "declared but never read" and "read but undeclared". */
  reads: { name: string | null; range: SourceRange }[];
}

/** A problem with a variable's value found while resolving values before a run (or on a runtime update). */
export interface VariableProblem {
  variable: string;
  kind: 'missing' | 'invalid' | 'unknown' | 'read_only' | 'update_failed';
  /** Where the offending value came from. */
  source?: 'default' | 'env' | 'plan' | 'cli' | 'update';
  /** The value as given (JSON-safe rendering). */
  value?: unknown;
  reason: string;
}

/** Where each resolved value came from, for the summary and the editor. */
export type ValueSource = 'default' | 'env' | 'plan' | 'cli' | 'update';
