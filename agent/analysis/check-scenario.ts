/**
 * The checks of a scenario's variable declarations shared by `rookery validate` and the language server, so the
 * terminal and the editor report the same problems with the same codes, plus their one-line terminal rendering.
 */
import { didYouMean } from '../common/did-you-mean';
import type { ScenarioDeclarations, StaticProblem, VariableDeclarationInfo } from '../protocol/variables';
import { envName } from '../variables/env-name';
import { jsonEqual, jsonType, renderValue } from '../variables/json-value';
import {
  VAR_DEFAULT_NOT_ALLOWED, VAR_DEFAULT_TYPE, VAR_DUPLICATE, VAR_DYNAMIC_READ, VAR_EMPTY_ALLOWLIST, VAR_ENV_CLASH,
  VAR_INVALID_UPDATE, VAR_NOT_A_SCENARIO, VAR_NOT_STATIC, VAR_OPTIONS_NOT_STATIC, VAR_NO_DESCRIPTION, VAR_UNDECLARED, VAR_UNUSED,
} from './problem-codes';
import { compareRanges, FILE_START, rangeWithin } from './source-range';

/**
 * Every problem to show for the file: the reader's own (what it could not read) and these checks, without
 * duplicates, in source order. Checks that need the complete list of variables (undeclared reads) are skipped
 * when the reader could not see all of them (`ROOKERY_VAR_NOT_STATIC`), and "never read" is skipped when some read
 * is dynamic: a false alarm teaches users to ignore the real ones.
 */
export function checkScenarioDeclarations(decls: ScenarioDeclarations): StaticProblem[] {
  const found: StaticProblem[] = [...decls.problems];
  if (!decls.isScenario) {
    if (!found.some((p) => p.code === VAR_NOT_A_SCENARIO)) {
      found.push({ severity: 'error', code: VAR_NOT_A_SCENARIO, range: FILE_START, message: 'no `export default scenario({...})` found' });
    }
    return finish(found);
  }
  for (const v of decls.variables) found.push(...checkVariable(v, decls.problems));
  found.push(...checkNames(decls.variables), ...checkReads(decls));
  return finish(found);
}

/** `file:line:col: severity: message`, with 1-based line and column as terminals and editors expect. */
export function formatProblem(file: string, p: StaticProblem): string {
  return `${file}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.severity}: ${p.message}`;
}

function finish(problems: StaticProblem[]): StaticProblem[] {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.code}@${p.range.start.line}:${p.range.start.character}-${p.range.end.line}:${p.range.end.character}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => compareRanges(a.range, b.range));
}

function checkVariable(v: VariableDeclarationInfo, readerProblems: StaticProblem[]): StaticProblem[] {
  const out: StaticProblem[] = [];
  // Options the reader could not see (a spread, options passed by name) may hold the description: do not blame.
  const partlyUnreadable = readerProblems.some((p) => p.code === VAR_OPTIONS_NOT_STATIC && rangeWithin(p.range, v.range));
  if (v.descriptionRange === undefined && !partlyUnreadable) {
    out.push({ severity: 'error', code: VAR_NO_DESCRIPTION, range: v.nameRange,
      message: `variable "${v.name}" has no description: add description: '...' (required; shown by validate, hovers and completions)` });
  } else if (v.description !== undefined && v.description.trim() === '') {
    out.push({ severity: 'error', code: VAR_NO_DESCRIPTION, range: v.descriptionRange ?? v.nameRange,
      message: `variable "${v.name}" has an empty description: say what it is for` });
  }

  if (v.verify === 'allowlist' && v.allowlist !== undefined) {
    const listRange = v.verifyRange ?? v.nameRange;
    if (v.allowlist.length === 0) {
      out.push({ severity: 'error', code: VAR_EMPTY_ALLOWLIST, range: listRange,
        message: `variable "${v.name}" has an empty allowlist, so no value can pass: list the allowed values or remove verify` });
    } else if (v.default !== undefined) {
      const types = [...new Set(v.allowlist.map(jsonType))];
      const defaultRange = v.defaultRange ?? v.nameRange;
      if (!types.includes(jsonType(v.default))) {
        out.push({ severity: 'error', code: VAR_DEFAULT_TYPE, range: defaultRange,
          message: `the default of "${v.name}" is ${article(jsonType(v.default))} but its allowed values are ${types.map(plural).join(' or ')}` });
      } else if (!v.allowlist.some((allowed) => jsonEqual(allowed, v.default))) {
        out.push({ severity: 'error', code: VAR_DEFAULT_NOT_ALLOWED, range: defaultRange,
          message: `the default ${renderValue(v.default)} of "${v.name}" is not one of its allowed values: ${v.allowlist.map(renderValue).join(', ')}` });
      }
    }
  }

  if (v.updateText !== undefined) {
    out.push({ severity: 'error', code: VAR_INVALID_UPDATE, range: v.updateRange ?? v.nameRange,
      message: `invalid update policy ${v.updateText} for "${v.name}": use 'read_only', 'none' or a function; treated as 'read_only'` });
  }
  return out;
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function plural(type: string): string {
  return type === 'null' ? 'null' : `${type}s`;
}

/** Duplicate names (the later declaration wins at runtime) and names sharing one environment variable. */
function checkNames(variables: VariableDeclarationInfo[]): StaticProblem[] {
  const out: StaticProblem[] = [];
  const byName = new Map<string, VariableDeclarationInfo>();
  const byEnv = new Map<string, VariableDeclarationInfo>();
  for (const v of variables) {
    const first = byName.get(v.name);
    if (first) {
      out.push({ severity: 'error', code: VAR_DUPLICATE, range: v.nameRange,
        message: `variable "${v.name}" is declared twice (first on line ${first.nameRange.start.line + 1}); the later declaration wins` });
      continue;
    }
    byName.set(v.name, v);
    const env = envName(v.name);
    const clash = byEnv.get(env);
    if (clash) {
      out.push({ severity: 'warning', code: VAR_ENV_CLASH, range: v.nameRange,
        message: `"${v.name}" and "${clash.name}" are both set by ${env}: rename one so each has its own environment variable` });
    } else {
      byEnv.set(env, v);
    }
  }
  return out;
}

/** How a read of `name` is written: `vars.host`, or `vars["api-key"]` for names that are not identifiers. */
function readExpression(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `vars.${name}` : `vars[${JSON.stringify(name)}]`;
}

function checkReads(decls: ScenarioDeclarations): StaticProblem[] {
  const out: StaticProblem[] = [];
  const declared = new Set(decls.variables.map((v) => v.name));
  const complete = !decls.problems.some((p) => p.code === VAR_NOT_STATIC);
  for (const read of decls.reads) {
    if (read.name === null) {
      out.push({ severity: 'warning', code: VAR_DYNAMIC_READ, range: read.range,
        message: 'cannot check dynamic variable access: a computed key, or the whole vars object handed on, reads variables known only at runtime, so unread variables are not reported in this file; read them by name (vars.name) where you can' });
    } else if (complete && !declared.has(read.name)) {
      const guess = didYouMean(read.name, declared);
      out.push({ severity: 'error', code: VAR_UNDECLARED, range: read.range,
        message: `"${read.name}" is not a declared variable${guess ? ` (did you mean "${guess}"?)` : ''}; declare it under variables: { ${read.name}: variable({...}) }` });
    }
  }
  if (decls.reads.some((r) => r.name === null)) return out;
  const read = new Set(decls.reads.map((r) => r.name));
  const reported = new Set<string>();
  for (const v of decls.variables) {
    if (read.has(v.name) || reported.has(v.name)) continue;
    reported.add(v.name);
    out.push({ severity: 'hint', code: VAR_UNUSED, range: v.nameRange, message: `variable "${v.name}" is declared but never read: read it (${readExpression(v.name)}) or remove it` });
  }
  return out;
}
