import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { declarationsOf, extractDeclarations } from '../../../agent/analysis/extract-variables';
import { parseScenarioSource, reparseScenarioSource } from '../../../agent/analysis/scenario-source';
import { seededRandom } from '../../helpers/seeded-random';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'scenarios');
const SOURCES = ['clean-inline.ts', 'editor-reads.ts', 'dynamic-read.ts', 'broken-syntax.ts', 'unused-variable.ts']
  .map((name) => readFileSync(join(FIXTURES, name), 'utf8'));

/** Snippets an author types: parts of declarations, reads, brackets, quotes — valid or not. */
const TYPED = ["vars.host", "vars['mode']", "variable({ description: 'x', default: 1 })", '{', '}', '(', "'", '"', ',\n',
  'size: variable({ description: "n", default: 3, verify: [1, 2, 3] }),\n', ' ', '\n', 'vars[', 'user.', '//', '/*', '*/'];

test('an incremental re-parse reads exactly what a fresh parse reads, edit after edit', () => {
  const random = seededRandom(20261123);
  for (const [index, original] of SOURCES.entries()) {
    let text = original;
    let tree = parseScenarioSource('/work/s.scenario.ts', text);
    for (let step = 0; step < 150; step++) {
      const at = Math.floor(random() * (text.length + 1));
      const removed = random() < 0.5 ? Math.floor(random() * 12) : 0;
      const inserted = random() < 0.8 ? TYPED[Math.floor(random() * TYPED.length)] : '';
      text = text.slice(0, at) + inserted + text.slice(at + removed);
      tree = reparseScenarioSource(tree, text);
      assert.equal(tree.text, text);
      assert.deepEqual(declarationsOf(tree), extractDeclarations('/work/s.scenario.ts', text), `source ${index}, step ${step}`);
    }
  }
});

test('unchanged text keeps the tree; a whole rewrite still reads right', () => {
  const tree = parseScenarioSource('/work/s.scenario.ts', SOURCES[0]);
  assert.equal(reparseScenarioSource(tree, SOURCES[0]), tree);
  const rewritten = reparseScenarioSource(tree, SOURCES[1]);
  assert.deepEqual(declarationsOf(rewritten), extractDeclarations('/work/s.scenario.ts', SOURCES[1]));
  const emptied = reparseScenarioSource(rewritten, '');
  assert.deepEqual(declarationsOf(emptied), extractDeclarations('/work/s.scenario.ts', ''));
});
