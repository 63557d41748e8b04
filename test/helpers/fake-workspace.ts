/**
 * In-memory workspaces for the language server's feature tests: scenario sources by path, read by the real
 * extractor, as the server's WorkspaceIndex would serve them.
 */
import { extractDeclarations } from '../../agent/analysis/extract-variables';
import type { ScenarioDeclarations } from '../../agent/protocol/variables';
import type { DeclaredVariable } from '../../extension/language-server/env-completion';
import type { WorkspaceView } from '../../extension/language-server/feature-context';

/**
 * `files` by absolute path; `unreadable` paths exist but cannot be read. Every file counts as a scenario file of
 * the workspace (as the server lists `*.scenario.ts` and whatever a plan names), sorted.
 */
export function fakeWorkspace(files: Record<string, string>, unreadable: string[] = []): WorkspaceView {
  return {
    scenario: (file): ScenarioDeclarations | undefined => (file in files ? extractDeclarations(file, files[file]) : undefined),
    fileExists: (file) => file in files || unreadable.includes(file),
    scenarioFiles: () => Object.keys(files).sort(),
  };
}

const HEADER = "import { scenario, variable } from 'rookery';\n";

/** Every variable declared by the given scenario bodies (the `rookery` import is added), for `.env` features. */
export function declaredVariables(files: Record<string, string>): DeclaredVariable[] {
  return Object.entries(files).flatMap(([file, text]) =>
    extractDeclarations(file, HEADER + text).variables.map((variable) => ({ scenarioFile: file, variable })));
}
