/**
 * Loads a compiled scenario bundle from memory as a CommonJS module and checks that it default-exports a
 * scenario. Source maps are enabled so that errors thrown by scenario code point at its TypeScript lines.
 */
import Module from 'node:module';
import { dirname } from 'node:path';
import * as api from '../api';
import { isScenario, type Scenario } from '../api';
import { RookeryError } from '../common/errors';
import type { CompiledScenario } from './compile';
import { scenarioFrame } from './stack';

interface InternalModule extends NodeJS.Module {
  _compile(code: string, filename: string): void;
}
interface ModuleStatics {
  _nodeModulePaths(dir: string): string[];
}

export interface LoadedScenario {
  compiled: CompiledScenario;
  scenario: Scenario;
}

export function loadScenario(compiled: CompiledScenario): LoadedScenario {
  // Stack traces of scenario code then show its .ts file and line (Node reads the inline map at compile time).
  process.setSourceMapsEnabled(true);
  const mod = new Module(compiled.bundlePath) as InternalModule;
  mod.filename = compiled.bundlePath;
  mod.paths = (Module as unknown as ModuleStatics)._nodeModulePaths(dirname(compiled.bundlePath));
  const parentRequire = mod.require.bind(mod);
  mod.require = ((id: string) => (id === 'rookery' ? api : parentRequire(id))) as NodeJS.Require;
  try {
    mod._compile(compiled.code, compiled.bundlePath);
  } catch (error) {
    const err = error as Error;
    throw new RookeryError('ROOKERY_SCENARIO_LOAD', `loading the scenario threw: ${err?.message ?? String(error)}`, {
      where: scenarioFrame(err, compiled.sources) ?? compiled.file,
      hint: 'code at the top level of a scenario runs when it loads; move side effects into init()',
      cause: error,
    });
  }
  const exported = (mod.exports as { default?: unknown }).default ?? mod.exports;
  if (!isScenario(exported)) {
    throw new RookeryError('ROOKERY_SCENARIO_LOAD', 'the module does not default-export a scenario', {
      where: compiled.file,
      hint: "write `export default scenario({ variables, init, start, terminate })` with scenario imported from 'rookery'",
    });
  }
  if (typeof exported.start !== 'function') {
    throw new RookeryError('ROOKERY_SCENARIO_LOAD', 'the scenario has no start(user, state) function', { where: compiled.file });
  }
  return { compiled, scenario: exported };
}
