import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { extractDeclarations } from '../../agent/analysis/extract-variables';
import { envCompletion, envDiagnostics, envHover, type DeclaredVariable } from '../../extension/language-server/env-completion';
import type { ScenarioContext } from '../../extension/language-server/feature-context';
import { scenarioCompletion } from '../../extension/language-server/scenario-completion';
import { scenarioDiagnostics } from '../../extension/language-server/scenario-diagnostics';
import { scenarioHover } from '../../extension/language-server/scenario-hover';
import { seededRandom } from '../helpers/seeded-random';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/scenarios');

function context(text: string, file = '/w/bad.scenario.ts'): ScenarioContext {
  return { uri: pathToFileURL(file).href, file, text, declarations: extractDeclarations(file, text) };
}

/** Positions on every line of `text` (a few per line), plus some outside it. */
function positions(text: string): { line: number; character: number }[] {
  const lines = text.split('\n');
  const out = lines.flatMap((l, line) => [0, Math.floor(l.length / 2), l.length].map((character) => ({ line, character })));
  return [...out, { line: lines.length + 3, character: 0 }, { line: 0, character: 1e6 }, { line: -1, character: -1 }];
}

/** Runs every scenario feature everywhere in `text`; they must answer (possibly nothing) and never throw. */
function everyScenarioFeature(ctx: ScenarioContext): void {
  assert.ok(Array.isArray(scenarioDiagnostics(ctx)));
  for (const p of positions(ctx.text)) {
    const hover = scenarioHover(ctx, p);
    assert.ok(hover === null || typeof hover === 'object');
    assert.ok(Array.isArray(scenarioCompletion(ctx, p)));
  }
}

function garbage(seed: number, length: number): string {
  const random = seededRandom(seed);
  // Latin-1 bytes as a decoder would hand them over, with extra of the characters parsers care about.
  const special = "'\"`[]{}()=#\n\r\\/*$";
  return Array.from({ length }, () => (random() < 0.3 ? special[Math.floor(random() * special.length)] : String.fromCharCode(Math.floor(random() * 256)))).join('');
}

describe('scenario features on bad input', () => {
  test('empty text', () => {
    const ctx = context('');
    assert.deepEqual(scenarioDiagnostics(ctx), [{
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 1, code: 'ROOKERY_VAR_NOT_A_SCENARIO', source: 'rookery',
      message: 'no `export default scenario({...})` found',
    }]);
    assert.equal(scenarioHover(ctx, { line: 0, character: 0 }), null);
    assert.deepEqual(scenarioCompletion(ctx, { line: 0, character: 0 }), []);
  });

  test('binary garbage, and garbage after a valid scenario header', () => {
    for (let seed = 1; seed <= 6; seed++) everyScenarioFeature(context(garbage(seed, 600)));
    const header = "import { scenario, variable } from 'rookery';\nexport default scenario({ variables: { a: variable({ description: 'a' }) }, start(user) { user.vars['";
    for (let seed = 7; seed <= 10; seed++) everyScenarioFeature(context(header + garbage(seed, 300)));
  });

  test('a scenario importing files that do not exist still gets its features', () => {
    const file = join(FIXTURES, 'broken-missing-module.ts');
    const ctx = context(readFileSync(file, 'utf8'), file);
    everyScenarioFeature(ctx);
    assert.deepEqual(scenarioDiagnostics(ctx).map((d) => d.code), ['ROOKERY_VAR_NOT_LITERAL']);
    const read = ctx.text.indexOf('user.vars.password') + 'user.vars.'.length + 2;
    const lines = ctx.text.slice(0, read).split('\n');
    const hover = scenarioHover(ctx, { line: lines.length - 1, character: lines[lines.length - 1].length });
    assert.match((hover?.contents as { value: string }).value, /^\*\*password\*\* — Rookery variable/);
  });

  test('a 2,000-line scenario answers correctly, and quickly', () => {
    const count = 600;
    const declarations = Array.from({ length: count }, (_, i) => `    v${i}: variable({ description: 'variable ${i}', default: ${i}, verify: (v) => typeof v === 'number' && v >= 0 }),`);
    const reads = Array.from({ length: count }, (_, i) => `    total += user.vars.v${i} + user.vars['v${i}'];`);
    const text = [
      "import { scenario, variable } from 'rookery';",
      'export default scenario({',
      '  variables: {', ...declarations, '  },',
      '  async start(user) {', '    let total = 0;', ...reads, '    user.vars[\'\'];', '    // filler', ...Array.from({ length: 2000 - 2 * count - 11 }, (_, i) => `    total += ${i};`),
      '    await user.sleep(total);', '  },', '});',
    ].join('\n');
    assert.ok(text.split('\n').length >= 2000);
    const started = Date.now();
    const ctx = context(text);
    assert.deepEqual(scenarioDiagnostics(ctx), []);
    const lastRead = text.split('\n').findIndex((l) => l.includes(`user.vars.v${count - 1} `));
    const hover = scenarioHover(ctx, { line: lastRead, character: '    total += user.vars.v'.length });
    assert.match((hover?.contents as { value: string }).value, new RegExp(`^\\*\\*v${count - 1}\\*\\*`));
    const emptyKey = text.split('\n').findIndex((l) => l.includes("user.vars['']"));
    assert.equal(scenarioCompletion(ctx, { line: emptyKey, character: "    user.vars['".length }).length, count);
    // Generous: a feature runs on every keystroke, but CI machines are shared and slow.
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });
});

describe('.env features on bad input', () => {
  const variables: DeclaredVariable[] = extractDeclarations('/w/a.scenario.ts',
    "import { scenario, variable } from 'rookery';\nexport default scenario({ variables: { region: variable({ description: 'r', verify: ['eu'] }) }, start() {} });",
  ).variables.map((variable) => ({ scenarioFile: '/w/a.scenario.ts', variable }));

  test('empty text, garbage and a large file answer and never throw', () => {
    const texts = ['', '\n\n', '=', '==\'"`', garbage(11, 800), garbage(12, 800), Array.from({ length: 2000 }, (_, i) => `ROOKERY_REGION=${i}`).join('\n')];
    for (const text of texts) {
      assert.ok(Array.isArray(envDiagnostics(text, variables)));
      // Every position of the small texts; a spread of positions in the large one (each call reads the whole file).
      const all = positions(text);
      const step = Math.max(1, Math.floor(all.length / 150));
      for (const p of all.filter((_, i) => i % step === 0 || i >= all.length - 3)) {
        assert.ok(Array.isArray(envCompletion(text, p, variables)));
        envHover(text, p, variables);
      }
    }
    assert.equal(envDiagnostics(texts[texts.length - 1], variables).length, 2000);
  });
});
