import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { declaredVariables } from '../helpers/fake-workspace';
import { CompletionItemKind, type CompletionItem, type MarkupContent, type TextEdit } from 'vscode-languageserver';
import type { LiteralValue } from '../../agent/protocol/variables';
import { parseLooseValue } from '../../agent/variables/env-name';
import { jsonEqual } from '../../agent/variables/json-value';
import { envCompletion, envValueText } from '../../extension/language-server/env-completion';
import { parseEnvFile } from '../../extension/language-server/env-file';

const VARIABLES = declaredVariables({
  '/w/api.scenario.ts': `export default scenario({ variables: {
    host: variable({ description: 'Base URL', default: 'http://127.0.0.1:8080' }),
    region: variable({ description: 'Region', default: 'eu', verify: ['eu', 'us'] }),
    rate: variable<number>({ description: 'Rate', default: 5, verify: [1, 5, 10] }),
    mode: variable({ description: 'Mode', verify: ['42', 'a b', '#x', { deep: [1] }, true] }),
  }, start() {} });`,
  '/w/chat.scenario.ts': `export default scenario({ variables: {
    region: variable({ description: 'Chat region', verify: ['eu', 'ap'] }),
  }, start() {} });`,
});

function complete(source: string, variables = VARIABLES): { items: CompletionItem[]; text: string } {
  const index = source.indexOf('|');
  const text = source.slice(0, index) + source.slice(index + 1);
  const lines = text.slice(0, index).split('\n');
  return { items: envCompletion(text, { line: lines.length - 1, character: lines[lines.length - 1].length }, variables), text };
}

function apply(text: string, item: CompletionItem): string {
  const edit = item.textEdit as TextEdit;
  const offset = (p: { line: number; character: number }) => text.split('\n').slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(0, offset(edit.range.start)) + edit.newText + text.slice(offset(edit.range.end));
}

function item(items: CompletionItem[], label: string): CompletionItem {
  const found = items.find((i) => i.label === label);
  assert.ok(found, `no ${label} in ${items.map((i) => i.label).join(', ')}`);
  return found;
}

describe('envCompletion of names', () => {
  test('on an empty line: every declared ROOKERY_<NAME>=, once each, then the engine settings', () => {
    const { items, text } = complete('# settings\n|');
    assert.deepEqual(items.map((i) => i.label), ['ROOKERY_HOST', 'ROOKERY_REGION', 'ROOKERY_RATE', 'ROOKERY_MODE', 'ROOKERY_TOKEN', 'ROOKERY_DEBUG']);
    const host = item(items, 'ROOKERY_HOST');
    assert.equal(host.kind, CompletionItemKind.Variable);
    assert.equal(host.detail, 'host — api.scenario.ts');
    assert.equal(apply(text, host), '# settings\nROOKERY_HOST=');
    assert.equal(item(items, 'ROOKERY_TOKEN').kind, CompletionItemKind.Constant);
  });

  test('a name declared by two scenarios documents both', () => {
    const region = item(complete('|').items, 'ROOKERY_REGION');
    assert.equal(region.detail, 'region — api.scenario.ts and 1 more');
    const doc = (region.documentation as MarkupContent).value;
    assert.match(doc, /\*\*region\*\* — Rookery variable\n\nRegion\n[\s\S]*Declared in `api\.scenario\.ts` \(\/w\/api\.scenario\.ts\)/);
    assert.match(doc, /---[\s\S]*Chat region[\s\S]*Allowed: `"eu"`, `"ap"`[\s\S]*Declared in `chat\.scenario\.ts`/);
  });

  test('a partial name is replaced whole; with = already there none is added; export is kept', () => {
    const partial = complete('ROOKERY_RE|');
    assert.equal(apply(partial.text, item(partial.items, 'ROOKERY_REGION')), 'ROOKERY_REGION=');
    const withValue = complete('ROOKERY_H|OST=x');
    assert.equal(apply(withValue.text, item(withValue.items, 'ROOKERY_RATE')), 'ROOKERY_RATE=x');
    const exported = complete('export ROOK|');
    assert.equal(apply(exported.text, item(exported.items, 'ROOKERY_HOST')), 'export ROOKERY_HOST=');
  });

  test('names set on other lines are not offered again', () => {
    const { items } = complete('ROOKERY_HOST=x\nROOKERY_TOKEN=t\n|');
    assert.ok(!items.some((i) => i.label === 'ROOKERY_HOST' || i.label === 'ROOKERY_TOKEN'));
    assert.ok(items.some((i) => i.label === 'ROOKERY_RATE'));
  });

  test('nothing in comments, after a value, or with no scenario declaring anything', () => {
    assert.deepEqual(complete('# ROOKERY_|').items, []);
    assert.deepEqual(complete('ROOKERY_HOST=x # |').items, []);
    assert.deepEqual(complete('ROOKERY_HOST=x|').items, [], 'no allowlist: no value to offer');
    assert.deepEqual(complete('|', []).items.map((i) => i.label), ['ROOKERY_TOKEN', 'ROOKERY_DEBUG']);
  });
});

describe('envCompletion of values', () => {
  test('after =: the allowed values of every declaring scenario, once each, replacing the written value', () => {
    const { items, text } = complete('ROOKERY_REGION=e|u # region');
    assert.deepEqual(items.map((i) => i.label), ['eu', 'us', 'ap']);
    assert.equal(item(items, 'eu').detail, 'allowed value of region (its default)');
    assert.equal(apply(text, item(items, 'us')), 'ROOKERY_REGION=us # region');
  });

  test('values that would read differently are written so the engine parses them back', () => {
    const { items } = complete('ROOKERY_MODE=|');
    assert.deepEqual(items.map((i) => i.label), [`'"42"'`, 'a b', `'#x'`, '{"deep":[1]}', 'true']);
  });
});

describe('envValueText', () => {
  test('round-trips through the .env reading and parseLooseValue', () => {
    const values: LiteralValue[] = ['eu', '42', 'true', 'null', '"q"', ' padded ', 'a#b', '', "it's", 42, -1.5, true, null, [1, 'a'], { a: { b: [null] } }, 'http://h:1/p?q=1'];
    for (const value of values) {
      const written = envValueText(value);
      if (written === undefined) {
        assert.equal(value, "it's", 'only a value needing quotes and holding a single quote cannot be written');
        continue;
      }
      const [entry] = parseEnvFile(`K=${written}`);
      assert.ok(jsonEqual(parseLooseValue(entry.value), value), `${JSON.stringify(value)} written as ${written} reads as ${entry.value}`);
    }
  });
});
