/**
 * The Rookery language server's own requests beyond LSP, shared by the server and the VS Code client (the
 * extension imports this file; it imports only types). Each says who sends it and what the receiver does.
 */
import type { VariableDeclarationInfo } from '../../agent/protocol/variables';

/**
 * `rookery/scenarioVariables` — client → server. The static reading of a scenario (or of a plan's scenario) as the
 * editor sees it now, unsaved edits included: the extension's "Update variable" and "Run scenario" pickers show
 * these. The server answers `found: false` (never an error) for a file that is not a scenario or does not exist.
 */
export const SCENARIO_VARIABLES_REQUEST = 'rookery/scenarioVariables';

export interface ScenarioVariablesParams {
  /** A scenario or plan document URI (`file://...`); for a plan, its scenario is read. */
  uri: string;
}

export interface ScenarioVariablesResult {
  found: boolean;
  /** Absolute path of the scenario read. */
  scenarioFile?: string;
  variables: VariableDeclarationInfo[];
}

/** Documents the server serves, by file name (the client's document selector says the same). */
export const PLAN_FILE = /\.plan\.ya?ml$/i;
export const ENV_FILE = /(^|[\\/])\.env(\.[^\\/]*)?$/;
