import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CompletionItemKind, type CompletionItem, type MarkupContent, type TextEdit } from 'vscode-languageserver';
import { extractDeclarations } from '../../agent/analysis/extract-variables';
import { parseScenarioSource } from '../../agent/analysis/scenario-source';
import type { ScenarioContext } from '../../extension/language-server/feature-context';
import { scenarioCompletion } from '../../extension/language-server/scenario-completion';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/scenarios');

const DECLARATIONS = [
  "import { scenario, variable, coordinator, throttle } from 'rookery';",
  'export default scenario({',
  '  variables: {',
  "    host: variable({ description: 'Base URL', default: 'http://127.0.0.1:8080' }),",
  "    region: variable({ description: 'Region', default: 'eu', verify: ['eu', 'us'], update: (name) => { if (name === 'region') return; } }),",
  "    'api-key': variable({ description: 'API key' }),",
  '  },',
].join('\n');

/**
 * A scenario whose `start` body is `body`, with `|` marking the cursor (removed from the text). The text need not
 * parse: half-typed lines are the point.
 */
function complete(body: string, declarations = DECLARATIONS): { items: CompletionItem[]; text: string; cursor: { line: number; character: number } } {
  const source = `${declarations}\n  async start(user) {\n    ${body}\n  },\n});\n`;
  const index = source.indexOf('|');
  assert.ok(index >= 0, 'no cursor in body');
  const text = source.slice(0, index) + source.slice(index + 1);
  const lines = text.slice(0, index).split('\n');
  const cursor = { line: lines.length - 1, character: lines[lines.length - 1].length };
  const file = '/w/t.scenario.ts';
  const ctx: ScenarioContext = { uri: pathToFileURL(file).href, file, text, declarations: extractDeclarations(file, text) };
  return { items: scenarioCompletion(ctx, cursor), text, cursor };
}

function labels(items: CompletionItem[]): string[] {
  return items.map((i) => i.label);
}

/** The text after applying `item`'s edit. */
function apply(text: string, item: CompletionItem): string {
  const edit = item.textEdit as TextEdit;
  const offset = (p: { line: number; character: number }) => text.split('\n').slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(0, offset(edit.range.start)) + edit.newText + text.slice(offset(edit.range.end));
}

function itemFor(items: CompletionItem[], label: string): CompletionItem {
  const item = items.find((i) => i.label === label);
  assert.ok(item, `no item ${label} in ${labels(items).join(', ')}`);
  return item;
}

describe('scenarioCompletion in string keys of vars', () => {
  test("vars['|']: every declared name, documented, inserted between the quotes", () => {
    const { items, text } = complete("const a = user.vars['|'];");
    assert.deepEqual(labels(items), ['host', 'region', 'api-key']);
    const host = itemFor(items, 'host');
    assert.equal(host.kind, CompletionItemKind.Variable);
    assert.equal(host.detail, 'default: "http://127.0.0.1:8080"');
    const doc = host.documentation as MarkupContent;
    assert.equal(doc.kind, 'markdown');
    assert.match(doc.value, /^\*\*host\*\* — Rookery variable\n\nBase URL/);
    assert.match(apply(text, host), /const a = user\.vars\['host'\];/);
    assert.equal(itemFor(items, 'api-key').detail, 'required (no default)');
  });

  test('vars["ho|"] and vars["ho|st"]: the whole string content is replaced', () => {
    const partial = complete('const a = user.vars["ho|"];');
    assert.match(apply(partial.text, itemFor(partial.items, 'host')), /user\.vars\["host"\];/);
    const middle = complete('const a = user.vars["ho|st"];');
    assert.match(apply(middle.text, itemFor(middle.items, 'host')), /user\.vars\["host"\];/);
    assert.match(apply(middle.text, itemFor(middle.items, 'api-key')), /user\.vars\["api-key"\];/);
  });

  test('template keys, optional chaining, aliases and destructured vars', () => {
    for (const body of ['user.vars[`|`];', "user.vars?.['|'];", "const v = user.vars; v['|'];", "const f = ({ vars }) => vars['|'];", "ctx.vars['|'];"]) {
      assert.deepEqual(labels(complete(body).items), ['host', 'region', 'api-key'], body);
    }
    const template = complete('user.vars[`re|`];');
    assert.match(apply(template.text, itemFor(template.items, 'region')), /user\.vars\[`region`\];/);
  });

  test('empty brackets and a bare key get the name quoted', () => {
    const empty = complete('const a = user.vars[|];');
    assert.match(apply(empty.text, itemFor(empty.items, 'region')), /user\.vars\['region'\];/);
    const bare = complete('const a = user.vars[reg|];');
    assert.match(apply(bare.text, itemFor(bare.items, 'region')), /user\.vars\['region'\];/);
  });

  test("'|' in vars", () => {
    const { items, text } = complete("if ('|' in user.vars) return;");
    assert.match(apply(text, itemFor(items, 'api-key')), /if \('api-key' in user\.vars\)/);
  });
});

describe('scenarioCompletion on half-typed text', () => {
  test("an unterminated string: vars['h| with more code after the line", () => {
    const { items, text } = complete("const a = user.vars['h|\n    await user.sleep(1);");
    assert.deepEqual(labels(items), ['host', 'region', 'api-key']);
    assert.match(apply(text, itemFor(items, 'host')), /const a = user\.vars\['host\n {4}await user\.sleep\(1\);/);
  });

  test('an unterminated template key edits only its own line', () => {
    const { items, text } = complete('const a = user.vars[`|\n    await user.sleep(1);');
    const edit = itemFor(items, 'host').textEdit as TextEdit;
    assert.equal(edit.range.start.line, edit.range.end.line);
    assert.match(apply(text, itemFor(items, 'host')), /user\.vars\[`host\n/);
  });

  test('vars[ at the end of a line, and a file cut off after the cursor', () => {
    assert.deepEqual(labels(complete('const a = user.vars[|\n    await user.sleep(1);').items), ['host', 'region', 'api-key']);
    const text = `${DECLARATIONS}\n  async start(user) {\n    user.vars["`;
    const file = '/w/cut.scenario.ts';
    const ctx: ScenarioContext = { uri: pathToFileURL(file).href, file, text, declarations: extractDeclarations(file, text) };
    const lines = text.split('\n');
    const items = scenarioCompletion(ctx, { line: lines.length - 1, character: lines[lines.length - 1].length });
    assert.deepEqual(labels(items), ['host', 'region', 'api-key']);
  });
});

describe('scenarioCompletion in update hooks', () => {
  test("an inline hook's name comparison offers its own variable", () => {
    const declarations = DECLARATIONS.replace("if (name === 'region')", "if (name === '|')");
    const source = `${declarations}\n  async start() {},\n});\n`;
    const index = source.indexOf('|');
    const text = source.slice(0, index) + source.slice(index + 1);
    const lines = text.slice(0, index).split('\n');
    const file = '/w/t.scenario.ts';
    const ctx: ScenarioContext = { uri: pathToFileURL(file).href, file, text, declarations: extractDeclarations(file, text) };
    const items = scenarioCompletion(ctx, { line: lines.length - 1, character: lines[lines.length - 1].length });
    assert.deepEqual(labels(items), ['region']);
  });

  test('a hook shared by name offers the variables using it, in comparisons and switch cases', () => {
    const text = readFileSync(join(FIXTURES, 'editor-reads.ts'), 'utf8');
    const file = join(FIXTURES, 'editor-reads.ts');
    const ctx: ScenarioContext = { uri: pathToFileURL(file).href, file, text, declarations: extractDeclarations(file, text) };
    const index = text.indexOf("name === 'rate'") + "name === '".length;
    const lines = text.slice(0, index).split('\n');
    const items = scenarioCompletion(ctx, { line: lines.length - 1, character: lines[lines.length - 1].length });
    assert.deepEqual(labels(items), ['rate', 'burst']);
    assert.equal(((items[0].textEdit as TextEdit).range.end.character - (items[0].textEdit as TextEdit).range.start.character), 'rate'.length);

    const switched = [
      "import { scenario, variable } from 'rookery';",
      "const onUpdate = (changed: string) => { switch (changed) { case '': break; } };",
      "export default scenario({ variables: { a: variable({ description: 'a', update: onUpdate }), b: variable({ description: 'b' }) }, start() {} });",
    ].join('\n');
    const sctx: ScenarioContext = { uri: 'file:///w/s.scenario.ts', file: '/w/s.scenario.ts', text: switched, declarations: extractDeclarations('/w/s.scenario.ts', switched) };
    assert.deepEqual(labels(scenarioCompletion(sctx, { line: 1, character: switched.split('\n')[1].indexOf("''") + 1 })), ['a']);
  });
});

describe('scenarioCompletion stays out of everything else', () => {
  const elsewhere = [
    "user.http('|');",
    "user.check('|', true);",
    "coordinator.start('|', { users: 2, action: () => undefined });",
    "await throttle.wait('|');",
    "user.metrics.counter('|');",
    "const other = { a: 1 }; other['|'];",
    "const name = 'x'; if (name === '|') return;",
    "// user.vars['|']",
    "/* user.vars['|'] */",
    "user.vars['host']|;",
    'user.vars.|',
    "const s = `${user.vars['host']} |`;",
  ];
  for (const body of elsewhere) {
    test(body, () => {
      assert.deepEqual(complete(body).items, []);
    });
  }

  test('files that are not scenarios, scenarios without variables, positions outside the text', () => {
    const file = '/w/helper.ts';
    const text = "export const read = (vars: Record<string, string>) => vars[''];";
    const ctx: ScenarioContext = { uri: pathToFileURL(file).href, file, text, declarations: extractDeclarations(file, text) };
    assert.deepEqual(scenarioCompletion(ctx, { line: 0, character: text.indexOf("''") + 1 }), []);
    assert.deepEqual(complete("user.vars['|'];", "import { scenario } from 'rookery';\nexport default scenario({").items, []);
    const { text: full } = complete("user.vars['|'];");
    const fctx: ScenarioContext = { uri: 'file:///w/t.scenario.ts', file: '/w/t.scenario.ts', text: full, declarations: extractDeclarations('/w/t.scenario.ts', full) };
    for (const position of [{ line: 500, character: 0 }, { line: 0, character: 10_000 }, { line: -1, character: 0 }]) {
      assert.deepEqual(scenarioCompletion(fctx, position), []);
    }
  });

  test('names with quotes or backslashes are escaped for the string they go into', () => {
    const declarations = "import { scenario, variable } from 'rookery';\nexport default scenario({\n  variables: { \"it's\": variable({ description: 'q' }), 'a\\\\b': variable({ description: 'b' }) },";
    const { items, text } = complete("user.vars['|'];", declarations);
    assert.match(apply(text, itemFor(items, "it's")), /user\.vars\['it\\'s'\];/);
    assert.match(apply(text, itemFor(items, 'a\\b')), /user\.vars\['a\\\\b'\];/);
  });
});

describe('scenarioCompletion: the server\'s kept syntax tree', () => {
  test('a tree of the same text is walked as is; a tree of another version is ignored', () => {
    const file = '/w/t.scenario.ts';
    const text = `${DECLARATIONS}\n  async start(user) {\n    user.vars['ho'];\n  },\n});\n`;
    const cursor = { line: text.split('\n').findIndex((l) => l.includes("vars['ho")), character: 0 };
    cursor.character = text.split('\n')[cursor.line].indexOf("'ho") + 3;
    const base: ScenarioContext = { uri: pathToFileURL(file).href, file, text, declarations: extractDeclarations(file, text) };
    const fresh = scenarioCompletion(base, cursor);
    assert.deepEqual(labels(fresh), ['host', 'region', 'api-key']);
    assert.deepEqual(scenarioCompletion({ ...base, tree: parseScenarioSource(file, text) }, cursor), fresh);
    const stale = parseScenarioSource(file, text.replace("vars['ho']", 'vars'));
    assert.deepEqual(scenarioCompletion({ ...base, tree: stale }, cursor), fresh);
  });
});
