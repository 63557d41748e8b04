import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AGENT_LOSS_POLICIES, PLAN_KEYS, THRESHOLD_KEYS, parsePlan } from '../../../agent/plan/parse-plan';
import { STAGE_KINDS } from '../../../agent/plan/parse-stages';
import {
  AGENT_LOSS_POLICY_DOCS, PLAN_KEY_DOCS, STAGE_FIELD_DOCS, STAGE_KIND_DOCS, THRESHOLD_METRIC_DOCS, THRESHOLD_OPTION_DOCS,
  agentLossPolicyMarkdown, planKeyMarkdown, stageFieldMarkdown, stageKindMarkdown, thresholdOptionMarkdown, thresholdStatMarkdown,
} from '../../../agent/plan/plan-key-docs';
import { THRESHOLD_WORDS } from '../../../agent/plan/thresholds';

/** The problems of a plan made of a scenario line and `body` (the scenario is not looked up). */
function problemsOf(body: string): string[] {
  const text = body.startsWith('scenario:') ? body : `scenario: ./x.scenario.ts\n${body}`;
  return parsePlan('/plans/p.plan.yaml', text, { checkScenarioExists: false }).problems.map((p) => `${p.code}: ${p.message}`);
}

/** The YAML of the first fenced block of a Markdown text. */
function fencedYaml(markdown: string): string {
  const match = /```yaml\n([\s\S]*?)\n```/.exec(markdown);
  assert.ok(match, `no yaml example in:\n${markdown}`);
  return match[1];
}

describe('plan key docs: coverage', () => {
  test('every plan key the parser accepts is documented, and only those', () => {
    assert.deepEqual(Object.keys(PLAN_KEY_DOCS).sort(), [...PLAN_KEYS].sort());
    for (const key of PLAN_KEYS) {
      const doc = PLAN_KEY_DOCS[key];
      assert.ok(doc.summary.length > 20 && doc.format.length > 5 && doc.example.includes(`${key}:`), `weak docs for ${key}`);
      const md = planKeyMarkdown(key);
      assert.ok(md?.startsWith(`**${key}** — plan key`), key);
      assert.ok(md !== undefined && md.includes(doc.summary) && md.includes(doc.format) && md.includes(doc.example));
    }
  });

  test('every stage kind, stage field, threshold word, threshold option and loss policy is documented', () => {
    assert.deepEqual(Object.keys(STAGE_KIND_DOCS).sort(), [...STAGE_KINDS].sort());
    for (const kind of STAGE_KINDS) assert.ok(stageKindMarkdown(kind)?.includes(STAGE_KIND_DOCS[kind].example));
    for (const [kind, fields] of Object.entries(STAGE_FIELD_DOCS)) {
      for (const field of Object.keys(fields)) {
        assert.ok(STAGE_KIND_DOCS[kind as keyof typeof STAGE_KIND_DOCS].example.includes(`${field}:`), `${kind}'s example lacks ${field}`);
        assert.ok(stageFieldMarkdown(kind, field)?.includes(fields[field]));
      }
    }
    for (const word of THRESHOLD_WORDS) assert.ok(thresholdStatMarkdown(word)?.includes(word), `no docs for threshold word ${word}`);
    assert.deepEqual(Object.keys(THRESHOLD_OPTION_DOCS).sort(), [...THRESHOLD_KEYS].sort());
    for (const key of THRESHOLD_KEYS) assert.ok(thresholdOptionMarkdown(key)?.includes(THRESHOLD_OPTION_DOCS[key].summary));
    assert.deepEqual(Object.keys(AGENT_LOSS_POLICY_DOCS).sort(), [...AGENT_LOSS_POLICIES].sort());
    for (const policy of AGENT_LOSS_POLICIES) assert.ok(agentLossPolicyMarkdown(policy)?.includes(AGENT_LOSS_POLICY_DOCS[policy]));
  });

  test('unknown names (prototype names included) have no docs', () => {
    for (const name of ['nope', '__proto__', 'toString', 'constructor', '']) {
      assert.equal(planKeyMarkdown(name), undefined, name);
      assert.equal(stageKindMarkdown(name), undefined, name);
      assert.equal(stageFieldMarkdown('ramp', name), undefined, name);
      assert.equal(thresholdOptionMarkdown(name), undefined, name);
      assert.equal(agentLossPolicyMarkdown(name), undefined, name);
      assert.equal(thresholdStatMarkdown(name), undefined, name);
    }
    assert.equal(stageFieldMarkdown('hold', 'to'), undefined);
    assert.equal(thresholdStatMarkdown('histogram.p98'), undefined);
    assert.equal(thresholdStatMarkdown('p98'), undefined);
  });
});

describe('plan key docs: every example is a valid plan', () => {
  test('top-level keys', () => {
    for (const key of PLAN_KEYS) {
      const example = PLAN_KEY_DOCS[key].example;
      assert.deepEqual(problemsOf(example), [], `${key}: ${example}`);
    }
  });

  test('stage kinds, in a stages list', () => {
    for (const kind of STAGE_KINDS) {
      assert.deepEqual(problemsOf(`stages:\n  ${STAGE_KIND_DOCS[kind].example}`), [], kind);
    }
  });

  test('threshold stats and metrics, in a thresholds list', () => {
    for (const word of THRESHOLD_WORDS) {
      const yaml = fencedYaml(thresholdStatMarkdown(word)!);
      assert.deepEqual(problemsOf(`thresholds:\n  ${yaml}`), [], `${word}: ${yaml}`);
    }
    for (const [metric, doc] of Object.entries(THRESHOLD_METRIC_DOCS)) {
      assert.deepEqual(problemsOf(`thresholds:\n  ${doc.example}`), [], metric);
    }
  });

  test('threshold options, in the mapping form', () => {
    for (const key of THRESHOLD_KEYS) {
      const example = THRESHOLD_OPTION_DOCS[key].example;
      const item = key === 'threshold' ? `- ${example}` : `- threshold: p99 < 1s\n    ${key === 'abortOnFail' ? '' : 'abortOnFail: true\n    '}${example}`;
      assert.deepEqual(problemsOf(`thresholds:\n  ${item}`), [], `${key}: ${item}`);
    }
  });

  test('loss policies', () => {
    for (const policy of AGENT_LOSS_POLICIES) assert.deepEqual(problemsOf(`onAgentLoss: ${policy}`), [], policy);
  });
});
