import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import { compileScenario } from '../../../agent/scenario/compile';
import { loadScenario } from '../../../agent/scenario/load';
import { startTarget } from '../../../agent/target/server';
import {
  DEMO_TARGET_URL,
  planFileName,
  scenarioFileName,
  scenarioFiles,
  scenarioNameProblem,
  TSCONFIG_FILE_NAME,
  tsconfigSource,
  WORKSPACE_TYPES_FILE,
} from '../../../extension/language/scenario-template';
import { ROOT, runCli } from '../../helpers/cli';
import { runConfig, runLocally } from '../../helpers/local-runs';

/** The declarations the build ships (esbuild.mjs emits them before the tests run), as the command copies them. */
const SHIPPED_TYPES = join(ROOT, 'dist', 'types', 'api.d.ts');
const NAME = 'checkout-flow';
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rookery-new-scenario-'));
  // What the command writes into a new workspace, the shipped declarations included: no node_modules, no rookery.
  for (const file of scenarioFiles(NAME, readFileSync(SHIPPED_TYPES, 'utf8'), false)) {
    mkdirSync(dirname(join(dir, file.name)), { recursive: true });
    writeFileSync(join(dir, file.name), file.content);
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** The written tsconfig's diagnostics for one file of the folder, as the editor's TypeScript would report them. */
function typeErrors(file: string): string[] {
  const configFile = join(dir, TSCONFIG_FILE_NAME);
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  assert.equal(read.error, undefined);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dir, undefined, configFile);
  assert.deepEqual(parsed.errors, []);
  const program = ts.createProgram({ rootNames: [file], options: parsed.options });
  const source = program.getSourceFile(file);
  assert.ok(source, `${file} is in the program`);
  return [...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(
    (d) => `${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
  );
}

describe('scenarioNameProblem', () => {
  test('accepts file-name-safe identifiers', () => {
    for (const name of ['checkout', 'Checkout_2', 'a', 'api-v2-smoke', 'x'.repeat(64)]) assert.equal(scenarioNameProblem(name), undefined, name);
  });

  test('refuses what would make a bad or surprising file name, saying why', () => {
    for (const name of ['', '2fast', 'a b', 'a/b', '../up', 'a.b', '-x', 'é', 'x'.repeat(65), 'con', 'NUL', 'com1']) {
      const problem = scenarioNameProblem(name);
      assert.ok(problem && problem.length > 10, `${JSON.stringify(name)}: ${problem}`);
    }
  });
});

describe('scenarioFiles', () => {
  test('a scenario and its plan; the tsconfig only where there is none', () => {
    const files = scenarioFiles('x', 'declare module "x";', false);
    assert.deepEqual(files.map((f) => f.name), ['x.scenario.ts', 'x.plan.yaml', 'tsconfig.json', WORKSPACE_TYPES_FILE]);
    assert.equal(files[3].content, 'declare module "x";', 'the declarations are copied as shipped');
    assert.deepEqual(scenarioFiles('x', '', true).map((f) => f.name), ['x.scenario.ts', 'x.plan.yaml']);
    assert.throws(() => scenarioFiles('../x', '', false), RangeError);
  });

  test('the plan runs the scenario beside it with both variables, against the demo target', () => {
    const plan = readFileSync(join(dir, planFileName(NAME)), 'utf8');
    assert.match(plan, new RegExp(`^scenario: \\./${scenarioFileName(NAME)}$`, 'm'));
    assert.match(plan, new RegExp(`^  base_url: ${DEMO_TARGET_URL}$`, 'm'));
    assert.match(plan, /^  think_time_ms: \d+$/m);
    assert.match(plan, /^thresholds:\n  - /m);
  });

  test('the tsconfig maps rookery to the workspace\'s copy of the types (relative: it survives extension updates)', () => {
    const written = JSON.parse(readFileSync(join(dir, TSCONFIG_FILE_NAME), 'utf8'));
    assert.deepEqual(written.compilerOptions.paths, { rookery: [`./${WORKSPACE_TYPES_FILE}`] });
    const config = JSON.parse(tsconfigSource('C:\\types\\api.d.ts'));
    assert.deepEqual(config.compilerOptions.paths, { rookery: ['C:/types/api.d.ts'] }, 'forward slashes');
    assert.equal(config.compilerOptions.skipLibCheck, true);
  });
});

describe('the written scenario', () => {
  test('compiles and loads as a scenario with its two variables', async () => {
    const loaded = await loadScenario(await compileScenario(join(dir, scenarioFileName(NAME))));
    const vars = loaded.scenario.variables as Record<string, { default?: unknown }>;
    assert.deepEqual(Object.keys(vars), ['base_url', 'think_time_ms']);
    assert.equal(vars.base_url.default, DEMO_TARGET_URL);
  });

  test('`rookery validate` finds nothing wrong with the scenario or the plan', async () => {
    const result = await runCli(['validate', join(dir, scenarioFileName(NAME)), join(dir, planFileName(NAME))], { timeoutMs: 20_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(result.stdout.match(/: ok$/gm)?.length, 2, result.stdout);
  });

  test('type-checks with the written tsconfig against the rookery API', () => {
    assert.deepEqual(typeErrors(join(dir, scenarioFileName(NAME))), []);
  });

  test('the type check is real: a misuse of the API is reported', () => {
    const source = readFileSync(join(dir, scenarioFileName(NAME)), 'utf8');
    const wrong = join(dir, 'wrong.scenario.ts');
    writeFileSync(wrong, source.replace('const think = user.vars.think_time_ms;', 'const think = user.vars.think_time_ms.toUpperCase();'));
    const errors = typeErrors(wrong);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /toUpperCase/);
  });

  test('runs against the demo target: requests succeed and every check passes', async () => {
    const target = await startTarget({ port: 0 });
    try {
      const result = await runLocally(
        runConfig(join(dir, scenarioFileName(NAME)), { users: 2, durationMs: 1200, planVariables: { base_url: target.url, think_time_ms: 20 } }),
      );
      const total = result.summary.total;
      assert.ok(total.count >= 4, `only ${total.count} requests`);
      assert.equal(total.failed, 0);
      assert.deepEqual(result.summary.checks.map((c) => c.name).sort(), ['home page is 200', 'item found']);
      for (const check of result.summary.checks) assert.equal(check.fail, 0, check.name);
    } finally {
      await target.close();
    }
  });
});
