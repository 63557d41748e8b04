/**
 * The workspace's variables as `.env` files see them: grouped by their `ROOKERY_<NAME>` environment name (two
 * scenarios may declare the same variable; `maxUsers` and `max_users` share one name), the engine's own
 * `ROOKERY_*` settings that are not variables, and the Markdown describing an environment name.
 */
import { basename } from 'node:path';
import type { VariableDeclarationInfo } from '../../agent/protocol/variables';
import { envName } from '../../agent/variables/env-name';
import { variableMarkdown } from './variable-docs';

/** A variable declared by one scenario of the workspace (what the server hands the `.env` features). */
export interface DeclaredVariable {
  /** Absolute path of the declaring scenario. */
  scenarioFile: string;
  variable: VariableDeclarationInfo;
}

/**
 * `ROOKERY_*` names the engine reads for itself (grep `ROOKERY_` env reads in agent/): they are not variables and
 * never reported as undeclared. Spelled out here because the language server does not import agent/cli.
 */
export const ENGINE_ENV: ReadonlyMap<string, string> = new Map([
  ['ROOKERY_TOKEN', 'The shared token of a Rookery cluster (agent/cli/network-options.ts): `rookery run`, `agent` and `coordinator` use it when `--token` is not given. Not a scenario variable, and never sent to agents as one.'],
  ['ROOKERY_DEBUG', 'When set, a local run prints the log lines of its in-process cluster to stderr (agent/cli/local-cluster.ts). Not a scenario variable.'],
]);

export const ENV_PREFIX = 'ROOKERY_';

/** Declarations by environment name, in the order first met. */
export function byEnvName(variables: DeclaredVariable[]): Map<string, DeclaredVariable[]> {
  const map = new Map<string, DeclaredVariable[]>();
  for (const declared of variables) {
    const key = envName(declared.variable.name);
    const list = map.get(key);
    if (list) list.push(declared);
    else map.set(key, [declared]);
  }
  return map;
}

/** Each declaration's documentation with the scenario declaring it, separated by rules. */
export function declaredMarkdown(declarations: DeclaredVariable[]): string {
  return declarations
    .map((d) => `${variableMarkdown(d.variable)}\n\n_Declared in \`${basename(d.scenarioFile)}\` (${d.scenarioFile})._`)
    .join('\n\n---\n\n');
}

/** `host — http-api.scenario.ts`, or `host — a.scenario.ts and 2 more`. */
export function declaredDetail(declarations: DeclaredVariable[]): string {
  const [first] = declarations;
  const names = [...new Set(declarations.map((d) => d.variable.name))].join(', ');
  const more = declarations.length > 1 ? ` and ${declarations.length - 1} more` : '';
  return `${names} — ${basename(first.scenarioFile)}${more}`;
}
