/**
 * Writes scenario sources to a temporary folder and loads them as the engine does (esbuild compile + in-memory
 * load), so controller and run tests use real scenarios without fixture files for every variation.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileScenario } from '../../agent/scenario/compile';
import { loadScenario, type LoadedScenario } from '../../agent/scenario/load';

export class ScenarioDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'rookery-test-'));

  write(name: string, source: string): string {
    const file = join(this.dir, name);
    writeFileSync(file, source);
    return file;
  }

  async load(name: string, source: string): Promise<LoadedScenario> {
    return loadScenario(await compileScenario(this.write(name, source)));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Resolves when `predicate` holds, polling every 10 ms; rejects after `timeoutMs` with `what` in the message. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
