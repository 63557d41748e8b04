/**
 * The coordinator's side of a run's variables: loads the shipped bundle in the coordinator only to read its
 * declarations, resolves and verifies every value (default < env < plan < --var, every problem at once, before any
 * agent is touched), and keeps a VariableStore that checks runtime updates before they are sent to the agents.
 *
 * The store checks; it does not act. Update hooks are scenario code meant to run beside the scenario's state in
 * each worker (after `init`), which never runs here, so the coordinator's store treats a hook as `update: 'none'`:
 * the update is allowed and verified, and the hooks run on the agents when they apply it.
 */
import { dirname, basename, join } from 'node:path';
import { RookeryError } from '../common/errors';
import type { ScenarioBundle } from '../protocol/cluster';
import type { ValueSource } from '../protocol/variables';
import type { CompiledScenario } from '../scenario/compile';
import { loadScenario } from '../scenario/load';
import { resolveVariables, type VariableDeclarations } from '../variables/resolve';
import { VariableStore } from '../variables/store';

export interface RunVariables {
  store: VariableStore;
  /** Where each value came from at the start. */
  sources: Record<string, ValueSource>;
}

export interface VariableInputs {
  envVariables: Record<string, string>;
  planVariables: Record<string, unknown>;
  cliVariables: Record<string, unknown>;
}

/** The bundle as the loader wants it: loaded under a path beside the scenario, as compileScenario names it. */
export function bundleToCompiled(bundle: ScenarioBundle): CompiledScenario {
  if (typeof bundle?.file !== 'string' || bundle.file === '' || typeof bundle.code !== 'string' || !Array.isArray(bundle.sources)) {
    throw new RookeryError('ROOKERY_USAGE', 'the run carries no valid scenario bundle (file, code, sources)', {
      hint: 'the client compiles the scenario and ships it with the run',
    });
  }
  const file = bundle.file;
  const bundlePath = join(dirname(file), `${basename(file).replace(/\.[cm]?[jt]sx?$/, '')}.rookery.js`);
  return { file, bundlePath, code: bundle.code, sources: [...bundle.sources] };
}

/** Loads the bundle and resolves its variables; throws (ROOKERY_SCENARIO_LOAD, ROOKERY_VARIABLES) on bad input. */
export function resolveRunVariables(bundle: ScenarioBundle, inputs: VariableInputs): RunVariables {
  const loaded = loadScenario(bundleToCompiled(bundle));
  const declarations = (loaded.scenario.variables ?? {}) as VariableDeclarations;
  const resolved = resolveVariables(declarations, { env: inputs.envVariables, plan: inputs.planVariables, cli: inputs.cliVariables });
  const checking: Record<string, VariableDeclarations[string]> = {};
  for (const [name, decl] of Object.entries(declarations)) {
    checking[name] = typeof decl.update === 'function' ? { ...decl, update: 'none' } : decl;
  }
  return { store: new VariableStore(checking, resolved.values, resolved.sources), sources: resolved.sources };
}
