/**
 * Where the end-to-end tests find their tools and put their results: the vscode-e2e cache (code-server, installed by
 * test/e2e/vscode-e2e/install.sh), the copied helper library, the repository's built bundles, and
 * test-results/e2e/ (screenshots, logs). Decides whether the suite runs: without the cache it is skipped with the
 * command that installs it, unless ROOKERY_E2E=required (set by .ci/run), where a missing install is a failure.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export type E2eLib = typeof import('../vscode-e2e/lib/vscode-e2e.mjs');

/** The repository (this file runs from out/test/e2e/helpers/). */
export const ROOT = join(__dirname, '..', '..', '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');
export const VSCE = join(ROOT, 'node_modules', '.bin', 'vsce');
export const RESULTS = join(ROOT, 'test-results', 'e2e');
export const INSTALL_SCRIPT = join(ROOT, 'test', 'e2e', 'vscode-e2e', 'install.sh');

/** The same default as the library's (it reads the variable when it is imported). */
export const CACHE = process.env.VSCODE_E2E_CACHE
  || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'vscode-e2e');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function missingTools(): string | undefined {
  if (!existsSync(join(CACHE, 'node_modules', '.bin', 'code-server'))) {
    return `code-server is not installed in ${CACHE}: run ${INSTALL_SCRIPT} (or set VSCODE_E2E_CACHE to its folder)`;
  }
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`;
  return undefined;
}

/**
 * The `skip` option of the suite: a reason when the tools are missing and the run does not require them. When it
 * does (ROOKERY_E2E=required), the suite runs and its setup fails with that reason.
 */
export function skipReason(): string | false {
  const missing = missingTools();
  if (!missing || process.env.ROOKERY_E2E === 'required') return false;
  return missing;
}

export function assertToolsInstalled(): void {
  const missing = missingTools();
  if (missing) throw new Error(missing);
}

/** The vscode-e2e helper library (an ES module; these tests are CommonJS, hence the dynamic import). */
export async function loadE2eLib(): Promise<E2eLib> {
  process.env.VSCODE_E2E_CACHE = CACHE;
  const url = pathToFileURL(join(ROOT, 'test', 'e2e', 'vscode-e2e', 'lib', 'vscode-e2e.mjs')).href;
  return (await import(url)) as E2eLib;
}
