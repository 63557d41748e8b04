/**
 * The plan language configuration (syntaxes/rookery-plan.language-configuration.json) and package.json's
 * `contributes` that points VS Code at it and at the grammar. VS Code reads these regexes as JavaScript RegExps;
 * here they are compiled the same way and applied to plan lines as the editor would on Enter, on typing and on
 * double-click.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { GRAMMAR_PATH, ROOT } from '../helpers/textmate';

interface OnEnterRule {
  beforeText: string;
  afterText?: string;
  action: { indent: string; appendText?: string };
}

interface LanguageConfiguration {
  comments: { lineComment: string };
  brackets: Array<[string, string]>;
  autoClosingPairs: Array<{ open: string; close: string; notIn?: string[] }>;
  surroundingPairs: Array<[string, string]>;
  folding: { offSide: boolean; markers: { start: string; end: string } };
  wordPattern: string;
  indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  onEnterRules: OnEnterRule[];
}

const CONFIG_PATH = join(ROOT, 'syntaxes', 'rookery-plan.language-configuration.json');
const config = JSON.parse(readFileSync(CONFIG_PATH, 'utf8')) as LanguageConfiguration;

/** The word VS Code would select at `column`, found as its getWordAtText does: the match that spans it. */
function wordAt(line: string, column: number): string | undefined {
  const pattern = new RegExp(config.wordPattern, 'g');
  for (const match of line.matchAll(pattern)) {
    if (match.index <= column && column < match.index + match[0].length) return match[0];
  }
  return undefined;
}

/** The text VS Code appends after pressing Enter at the end of `line`, by the first onEnterRule that matches. */
function onEnter(line: string): string | undefined {
  const rule = config.onEnterRules.find((r) => new RegExp(r.beforeText).test(line));
  return rule?.action.appendText;
}

describe('language configuration', () => {
  test('is JSON whose every regex compiles as VS Code compiles it', () => {
    const patterns = [
      config.wordPattern,
      config.indentationRules.increaseIndentPattern,
      config.indentationRules.decreaseIndentPattern,
      config.folding.markers.start,
      config.folding.markers.end,
      ...config.onEnterRules.flatMap((r) => [r.beforeText, ...(r.afterText ? [r.afterText] : [])]),
    ];
    for (const pattern of patterns) {
      assert.equal(typeof pattern, 'string');
      assert.doesNotThrow(() => new RegExp(pattern), pattern);
    }
  });

  test('comments, brackets, auto-closing pairs and indentation folding', () => {
    assert.equal(config.comments.lineComment, '#');
    assert.deepEqual(config.brackets, [['{', '}'], ['[', ']']]);
    const pairs = config.autoClosingPairs.map((p) => p.open + p.close);
    assert.deepEqual(pairs.sort(), ['""', "''", '[]', '{}']);
    for (const quote of config.autoClosingPairs.filter((p) => p.open === '"' || p.open === "'")) {
      assert.ok(quote.notIn?.includes('string'), `${quote.open} must not auto-close inside a string`);
    }
    assert.equal(config.surroundingPairs.length, 4);
    assert.equal(config.folding.offSide, true);
    assert.ok(new RegExp(config.folding.markers.start).test('  # region stages'));
    assert.ok(new RegExp(config.folding.markers.end).test('# endregion'));
  });

  test('a duration, a rate and a metric are one word each', () => {
    const line = '  - { threshold: error_rate < 1%, over: 500ms, userRate: 600/min, duration: 1m30s, x-trace: 1.5h }';
    const cases: Array<[string, string]> = [
      ['error_rate', 'error_rate'],
      ['1%', '1%'],
      ['500ms', '500ms'],
      ['600/min', '600/min'],
      ['1m30s', '1m30s'],
      ['x-trace', 'x-trace'],
      ['1.5h', '1.5h'],
    ];
    for (const [text, word] of cases) {
      const column = line.indexOf(text) + text.length - 1; // the last character, to be sure the word spans it
      assert.equal(wordAt(line, column), word, `word at "${text}"`);
    }
    // The list dash and punctuation are not part of a word.
    assert.equal(wordAt(line, line.indexOf('-')), undefined);
    assert.equal(wordAt('  - ramp: x', 5), 'ramp');
    assert.equal(wordAt('users: -3', 8), '-3');
  });

  test('indents after a line ending with `:` or `- key:`, and after an open flow or a block scalar header', () => {
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    for (const line of ['stages:', '  - ramp:', 'variables:   # the values', '  notes: |', '  notes: >-', 'headers: {', 'users: [']) {
      assert.ok(increase.test(line), `should indent after: ${line}`);
    }
    for (const line of ['users: 10', 'users: 10 # note:', '  - p99 < 500ms', '# heading:', '  - hold: 1m', 'url: http://h:80']) {
      assert.ok(!increase.test(line), `should not indent after: ${line}`);
    }
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    assert.ok(decrease.test('  }'));
    assert.ok(decrease.test('  ]'));
    assert.ok(!decrease.test('  users: 1'));
  });

  test('Enter continues a `- ` list item, and nests under a `- key:` item', () => {
    assert.equal(onEnter('  - hold: 10s'), '- ');
    assert.equal(onEnter('  - p99 < 500ms # fast'), '- ');
    assert.equal(onEnter('- ws://10.0.0.5:7400'), '- ');
    // `- ramp:` opens the ramp's mapping: the next key goes under `ramp`, not beside it.
    assert.equal(onEnter('  - ramp:'), '    ');
    assert.equal(onEnter('  - run: |'), '    ');
    // An item that opens a flow collection, a plain key and a bare dash are left to the indentation rules.
    assert.equal(onEnter('  - ramp: {'), undefined);
    assert.equal(onEnter('users: 10'), undefined);
    assert.equal(onEnter('  - '), undefined);
  });
});

describe('package.json contributes', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: {
      languages: Array<{ id: string; aliases: string[]; filenamePatterns: string[]; configuration: string }>;
      grammars: Array<{ language: string; scopeName: string; path: string }>;
    };
  };

  test('declares the plan language and grammar, with paths that exist', () => {
    const [language] = pkg.contributes.languages;
    assert.equal(language.id, 'rookery-plan');
    assert.deepEqual(language.aliases, ['Rookery Plan']);
    assert.deepEqual(language.filenamePatterns, ['*.plan.yaml', '*.plan.yml']);
    assert.equal(join(ROOT, language.configuration), CONFIG_PATH);
    assert.ok(existsSync(join(ROOT, language.configuration)));

    const [grammar] = pkg.contributes.grammars;
    assert.equal(grammar.language, language.id);
    assert.equal(join(ROOT, grammar.path), GRAMMAR_PATH);
    assert.ok(existsSync(join(ROOT, grammar.path)));
    const grammarFile = JSON.parse(readFileSync(GRAMMAR_PATH, 'utf8')) as { scopeName: string };
    assert.equal(grammar.scopeName, grammarFile.scopeName);
  });

  test('the example plans match the file name patterns', () => {
    const plans = readdirSync(join(ROOT, 'examples')).filter((name) => name.includes('.plan.'));
    assert.ok(plans.length > 0);
    for (const name of plans) {
      assert.ok(pkg.contributes.languages[0].filenamePatterns.some((p) => name.endsWith(p.slice(1))), name);
    }
  });
});
