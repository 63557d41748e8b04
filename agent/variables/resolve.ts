/**
 * Resolving the values of a scenario's variables before a run: default < `ROOKERY_<NAME>` < plan < `--var`, every
 * value verified, every problem collected and thrown together as one `VariablesError`.
 */
import type { VariableOptions } from '../api';
import { suggestionSuffix } from '../common/did-you-mean';
import type { ValueSource, VariableProblem } from '../protocol/variables';
import { envName, parseLooseValue } from './env-name';
import { renderValue } from './json-value';
import { verifyValue } from './verify';
import { VariablesError } from './variables-error';

/** A scenario's declarations by name (`scenario.variables`); plain option objects are accepted too. */
export type VariableDeclarations = Readonly<Record<string, VariableOptions<any>>>;

export interface VariableSources {
  /** The environment to read `ROOKERY_<NAME>` from (pass `process.env`); only declared names are looked up. */
  env?: Record<string, string | undefined>;
  /** The plan's `variables:`. */
  plan?: Record<string, unknown>;
  /** `--var name=value` options, values already parsed with `parseLooseValue`. */
  cli?: Record<string, unknown>;
}

export interface ResolvedVariables {
  values: Record<string, unknown>;
  sources: Record<string, ValueSource>;
}

function given(record: Record<string, unknown> | undefined, key: string): boolean {
  return record !== undefined && Object.prototype.hasOwnProperty.call(record, key) && record[key] !== undefined;
}

/** Where a value for `name` could come from, for the "missing" message. */
function howToSet(name: string): string {
  return `no default and no value given: set ${envName(name)}, \`${name}\` under the plan's \`variables:\`, or --var ${name}=<value>`;
}

/**
 * The value of every declared variable, or a `VariablesError` listing every missing variable, every invalid value
 * and every unknown name in the plan or `--var`. A declared default is verified even when another source
 * overrides it, as amoc does: a default that fails its own verification is a bug in the scenario that would bite
 * the next run that relies on it. Values lower in precedence than the one used are not verified (they are unused).
 */
export function resolveVariables(declarations: VariableDeclarations, sources: VariableSources = {}): ResolvedVariables {
  const problems: VariableProblem[] = [];
  const values: Record<string, unknown> = {};
  const from: Record<string, ValueSource> = {};

  for (const [name, decl] of Object.entries(declarations)) {
    // Untyped (JavaScript) scenarios can put anything here; say so instead of crashing on it.
    if (typeof decl !== 'object' || decl === null) {
      problems.push({ variable: name, kind: 'invalid', reason: `is not a variable({...}) declaration (got ${renderValue(decl)})` });
      continue;
    }
    const hasDefault = decl.default !== undefined;
    const defaultCheck = hasDefault ? verifyValue(name, decl, decl.default) : undefined;
    if (defaultCheck && !defaultCheck.ok) {
      problems.push({ variable: name, kind: 'invalid', source: 'default', value: decl.default, reason: defaultCheck.reason });
    }

    let source: ValueSource;
    let value: unknown;
    const envKey = envName(name);
    if (given(sources.cli, name)) {
      [source, value] = ['cli', sources.cli![name]];
    } else if (given(sources.plan, name)) {
      [source, value] = ['plan', sources.plan![name]];
    } else if (sources.env?.[envKey] !== undefined) {
      [source, value] = ['env', parseLooseValue(sources.env[envKey]!)];
    } else if (defaultCheck) {
      // Verified above (an invalid one is already reported); a verify function is not called twice on one value.
      if (defaultCheck.ok) {
        values[name] = defaultCheck.value;
        from[name] = 'default';
      }
      continue;
    } else {
      problems.push({ variable: name, kind: 'missing', reason: howToSet(name) });
      continue;
    }

    const check = verifyValue(name, decl, value);
    if (check.ok) {
      values[name] = check.value;
      from[name] = source;
    } else {
      problems.push({ variable: name, kind: 'invalid', source, value, reason: check.reason });
    }
  }

  const declared = Object.keys(declarations);
  for (const source of ['plan', 'cli'] as const) {
    for (const name of Object.keys(sources[source] ?? {})) {
      if (Object.prototype.hasOwnProperty.call(declarations, name)) continue;
      problems.push({
        variable: name,
        kind: 'unknown',
        source,
        reason: `unknown variable "${name}"${suggestionSuffix(name, declared)}; the scenario declares ${
          declared.length === 0 ? 'no variables' : declared.join(', ')
        }`,
      });
    }
  }

  if (problems.length > 0) throw new VariablesError(problems);
  return { values, sources: from };
}
