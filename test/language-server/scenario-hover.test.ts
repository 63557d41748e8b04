import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hover, MarkupContent } from 'vscode-languageserver';
import { extractDeclarations } from '../../agent/analysis/extract-variables';
import type { ScenarioContext } from '../../extension/language-server/feature-context';
import { scenarioHover } from '../../extension/language-server/scenario-hover';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/scenarios');

function context(text: string, file = '/w/t.scenario.ts'): ScenarioContext {
  return { uri: pathToFileURL(file).href, file, text, declarations: extractDeclarations(file, text) };
}

/** The position `delta` characters into the `nth` occurrence of `needle`. */
function at(text: string, needle: string, nth = 0, delta = 0): { line: number; character: number } {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    assert.ok(index >= 0, `"${needle}" #${nth} not in text`);
  }
  const lines = text.slice(0, index + delta).split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

function markdown(hover: Hover | null): string {
  assert.ok(hover, 'no hover');
  const contents = hover.contents as MarkupContent;
  assert.equal(contents.kind, 'markdown');
  return contents.value;
}

describe('scenarioHover on editor-reads.ts', () => {
  const text = readFileSync(join(FIXTURES, 'editor-reads.ts'), 'utf8');
  const ctx = context(text, join(FIXTURES, 'editor-reads.ts'));
  const hoverAt = (needle: string, nth = 0, delta = 0) => scenarioHover(ctx, at(text, needle, nth, delta));

  test('on a declaration key: the variable documentation, over the name', () => {
    const hover = hoverAt('host: variable', 0, 2);
    const value = markdown(hover);
    assert.match(value, /^\*\*host\*\* — Rookery variable\n\nBase URL of the target\n/);
    assert.match(value, /Default: `"http:\/\/127\.0\.0\.1:8080"`/);
    assert.match(value, /Environment: `ROOKERY_HOST`/);
    assert.deepEqual(hover!.range, { start: at(text, 'host: variable'), end: at(text, 'host: variable', 0, 4) });
  });

  test('on a shorthand declaration and on a quoted name', () => {
    const region = markdown(hoverAt('    region,', 0, 6));
    assert.match(region, /^\*\*region\*\* — Rookery variable\n\nRegion to target/);
    assert.match(region, /Allowed: `"eu"`, `"us"`/);
    const key = markdown(hoverAt("'api-key': variable", 0, 3));
    assert.match(key, /^\*\*api-key\*\*/);
    assert.match(key, /Required: no default/);
    assert.match(key, /ROOKERY_API_KEY/);
  });

  test('on every read form: property, string key, template key, destructuring, parameter, alias', () => {
    const reads: [string, number, number, string][] = [
      ['user.vars.host', 0, 'user.vars.'.length + 1, 'host'],
      ["user.vars['api-key']", 0, "user.vars['".length + 2, 'api-key'],
      ['const { rate }', 0, 'const { '.length + 1, 'rate'],
      ['{ vars: { region: r } }', 0, '{ vars: { '.length, 'region'],
      ['v[`region`]', 0, 3, 'region'],
      ['v.burst', 0, 4, 'burst'],
    ];
    for (const [needle, nth, delta, name] of reads) {
      const value = markdown(hoverAt(needle, nth, delta));
      assert.ok(value.startsWith(`**${name}** — Rookery variable`), `${needle}: ${value}`);
    }
  });

  test('the hover range is the read, quotes included for string keys', () => {
    const hover = hoverAt("user.vars['api-key']", 0, 12);
    assert.deepEqual(hover!.range, { start: at(text, "'api-key']"), end: at(text, "'api-key']", 0, "'api-key'".length) });
  });

  test('the cursor just after a name still finds it; elsewhere there is no hover', () => {
    assert.match(markdown(hoverAt('v.burst', 0, 'v.burst'.length)), /^\*\*burst\*\*/);
    assert.equal(hoverAt('user.vars.host', 0, 1), null, 'on `user`');
    assert.equal(hoverAt('user.vars.host', 0, 7), null, 'on `vars`');
    assert.equal(hoverAt("description: 'Region", 0, 3), null, 'on an option key');
    assert.equal(hoverAt('// Fixture', 0, 4), null, 'in a comment');
  });
});

describe('scenarioHover on problems', () => {
  const header = "import { scenario, variable } from 'rookery';\n";

  test('a read of an undeclared name says so, with the likely name and what is declared', () => {
    const text = `${header}export default scenario({ variables: { region: variable({ description: 'r' }), host: variable({ description: 'h' }) },\n  start(user) { return user.vars.regoin; } });`;
    const hover = scenarioHover(context(text), at(text, 'regoin', 0, 2));
    const value = markdown(hover);
    assert.match(value, /^\*\*regoin\*\* — not a declared variable/);
    assert.match(value, /Did you mean \*\*region\*\*\?/);
    assert.match(value, /Declared: `region`, `host`\./);
    assert.match(value, /variables: \{ regoin: variable\(\{ description: '\.\.\.' \}\) \}/);
    assert.deepEqual(hover!.range, { start: at(text, 'regoin'), end: at(text, 'regoin', 0, 6) });
  });

  test('an undeclared read in a scenario declaring nothing, and one whose declarations are computed', () => {
    const none = `${header}export default scenario({ start(user) { return user.vars['x-y']; } });`;
    const value = markdown(scenarioHover(context(none), at(none, "'x-y'", 0, 1)));
    assert.match(value, /This scenario declares no variables\./);
    assert.match(value, /variables: \{ 'x-y': variable/);
    const computed = `${header}export default scenario({ variables: { ...shared }, start(user) { return user.vars.fromShared; } });`;
    assert.match(markdown(scenarioHover(context(computed), at(computed, 'fromShared', 0, 1))), /some declarations are computed/);
  });

  test('duplicate declarations: the hover says which one wins', () => {
    const text = `${header}export default scenario({ variables: { a: variable({ description: 'first' }), a: variable({ description: 'second' }) },\n  start(user) { return user.vars.a; } });`;
    const read = markdown(scenarioHover(context(text), at(text, 'vars.a', 0, 5)));
    assert.match(read, /second/);
    assert.match(read, /Declared 2 times \(lines 2, 2\): the last declaration wins\./);
    assert.match(markdown(scenarioHover(context(text), at(text, 'a: variable', 0))), /first/);
  });

  test('dynamic reads and files that are not scenarios get no hover of ours', () => {
    const dynamic = `${header}export default scenario({ variables: { a: variable({ description: 'a' }) }, start(user) { const k = 'a'; return user.vars[k]; } });`;
    assert.equal(scenarioHover(context(dynamic), at(dynamic, '[k]', 0, 1)), null);
    const helper = 'export function read(vars: Record<string, unknown>) { return vars.host; }';
    assert.equal(scenarioHover(context(helper, '/w/helper.ts'), at(helper, 'host', 0, 1)), null);
  });
});
