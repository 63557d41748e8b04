/**
 * Compiles a scenario file (TypeScript, with whatever it imports) into one CommonJS bundle with an inline source
 * map, using esbuild. Nothing is written to disk: the bundle is loaded from memory (agent/scenario/load.ts) and,
 * later, shipped to agents as is. `rookery` stays external: the loader hands the scenario the engine's own API
 * module, so `isScenario`/`isVariable` and the engine agree on one copy.
 */
import { build, type Message } from 'esbuild';
import { basename, dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { RookeryError } from '../common/errors';

export interface CompiledScenario {
  /** Absolute path of the scenario's entry file. */
  file: string;
  /** The virtual path the bundle is loaded under (beside the entry file, so source-map paths resolve). */
  bundlePath: string;
  /** CommonJS code with an inline source map. */
  code: string;
  /** Absolute paths of the source files in the bundle (to find the scenario's frames in stack traces). */
  sources: string[];
}

function formatMessage(m: Message): { message: string; where?: string } {
  const where = m.location ? `${resolve(m.location.file)}:${m.location.line}:${m.location.column + 1}` : undefined;
  return { message: m.text, where };
}

export async function compileScenario(file: string): Promise<CompiledScenario> {
  const entry = resolve(file);
  if (!existsSync(entry)) {
    throw new RookeryError('ROOKERY_SCENARIO_COMPILE', `scenario file not found: ${entry}`, {
      hint: 'check the path (plan paths are relative to the plan file)',
    });
  }
  const bundlePath = join(dirname(entry), `${basename(entry).replace(/\.[cm]?[jt]sx?$/, '')}.rookery.js`);
  let result;
  try {
    result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      write: false,
      outfile: bundlePath,
      sourcemap: 'inline',
      sourcesContent: false,
      external: ['rookery'],
      logLevel: 'silent',
      metafile: true,
    });
  } catch (error) {
    const failure = error as { errors?: Message[] };
    const problems = (failure.errors ?? []).map(formatMessage);
    const first = problems[0];
    throw new RookeryError('ROOKERY_SCENARIO_COMPILE', `scenario does not compile: ${first?.message ?? String(error)}`, {
      where: first?.where,
      problems: problems.slice(1),
      hint: 'fix the errors above; `rookery validate` checks a scenario without running it',
    });
  }
  const output = result.outputFiles.find((f) => f.path.endsWith('.js'));
  if (!output) throw new RookeryError('ROOKERY_INTERNAL', 'esbuild produced no JavaScript output');
  const cwd = process.cwd();
  const sources = Object.keys(result.metafile.inputs).map((p) => resolve(cwd, p));
  return { file: entry, bundlePath, code: output.text, sources };
}
