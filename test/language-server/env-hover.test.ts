import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover, MarkupContent } from 'vscode-languageserver';
import { extractDeclarations } from '../../agent/analysis/extract-variables';
import { envHover, type DeclaredVariable } from '../../extension/language-server/env-completion';

const VARIABLES: DeclaredVariable[] = extractDeclarations('/w/api.scenario.ts', [
  "import { scenario, variable } from 'rookery';",
  'export default scenario({ variables: {',
  "  maxUsers: variable<number>({ description: 'Users at most', default: 10 }),",
  "  region: variable({ description: 'Region', verify: ['eu', 'us'] }),",
  '}, start() {} });',
].join('\n')).variables.map((variable) => ({ scenarioFile: '/w/api.scenario.ts', variable }));

const TEXT = 'ROOKERY_MAX_USERS=5\nROOKERY_TOKEN=t\nROOKERY_REGOIN=eu\nROOKERY_ZZZ=1\nPATH=/bin\n# ROOKERY_REGION\n';

function hoverAt(line: number, character: number): Hover | null {
  return envHover(TEXT, { line, character }, VARIABLES);
}

function markdown(hover: Hover | null): string {
  assert.ok(hover, 'no hover');
  return (hover.contents as MarkupContent).value;
}

describe('envHover', () => {
  test('on a declared name: the variable documentation and its scenario, over the name', () => {
    const hover = hoverAt(0, 3);
    assert.match(markdown(hover), /^\*\*maxUsers\*\* — Rookery variable\n\nUsers at most[\s\S]*Environment: `ROOKERY_MAX_USERS`[\s\S]*Declared in `api\.scenario\.ts`/);
    assert.deepEqual(hover!.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 'ROOKERY_MAX_USERS'.length } });
  });

  test("on the engine's own setting", () => {
    assert.match(markdown(hoverAt(1, 2)), /^\*\*ROOKERY_TOKEN\*\* — Rookery setting\n\nThe shared token/);
  });

  test('on an undeclared name: not a variable, with the likely name when there is one', () => {
    assert.match(markdown(hoverAt(2, 5)), /^\*\*ROOKERY_REGOIN\*\* — not a variable of any scenario in this workspace\n\nDid you mean \*\*ROOKERY_REGION\*\*\?/);
    assert.match(markdown(hoverAt(3, 5)), /Runs ignore it/);
  });

  test('nothing on values, other names, comments, or outside the text', () => {
    assert.equal(hoverAt(0, 19), null);
    assert.equal(hoverAt(4, 1), null);
    assert.equal(hoverAt(5, 4), null);
    assert.equal(hoverAt(40, 0), null);
    assert.equal(hoverAt(0, 400), null);
  });
});
