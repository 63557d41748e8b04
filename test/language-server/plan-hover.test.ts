import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MarkupContent } from 'vscode-languageserver';
import type { PlanContext, WorkspaceView } from '../../extension/language-server/feature-context';
import { fakeWorkspace } from '../helpers/fake-workspace';
import { planHover } from '../../extension/language-server/plan-hover';

const API = `import { scenario, variable } from 'rookery';
export default scenario({
  variables: {
    host: variable({ description: 'Base URL of the API', default: 'http://127.0.0.1:8080' }),
    mode: variable({ description: 'Which endpoints | to hit', default: 'read', verify: ['read', 'write'] }),
    token: variable({ description: 'API token' }),
  },
  async start() {},
});`;

const NOT_STATIC = `import { scenario, variable } from 'rookery';
import { shared } from './shared';
export default scenario({ variables: { ...shared, mode: variable({ description: 'Mode', default: 'read' }) }, async start() {} });`;

const FILES: Record<string, string> = { '/ws/api.scenario.ts': API, '/ws/open.scenario.ts': NOT_STATIC, '/ws/plain.scenario.ts': 'export default 1;' };

const WS: WorkspaceView = fakeWorkspace(FILES);

/** The hover's Markdown at the `^` of `marked` (the caret is removed), or null; `^` is free in plans. */
function hover(marked: string): { value: string; range?: string } | null {
  const index = marked.indexOf('^');
  const before = marked.slice(0, index).split('\n');
  const ctx: PlanContext = { uri: 'file:///ws/p.plan.yaml', file: '/ws/p.plan.yaml', text: marked.slice(0, index) + marked.slice(index + 1), workspace: WS };
  const h = planHover(ctx, { line: before.length - 1, character: before[before.length - 1].length });
  if (h === null) return null;
  const r = h.range;
  return { value: (h.contents as MarkupContent).value, range: r && `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}` };
}

describe('planHover: keys and values', () => {
  test('a top-level key: its documentation, over the key', () => {
    const h = hover('scenario: ./api.scenario.ts\nuser^Rate: 600/min');
    assert.match(h!.value, /^\*\*userRate\*\* — plan key/);
    assert.match(h!.value, /users per time unit/);
    assert.equal(h!.range, '1:0-1:8');
    assert.equal(hover('nope^: 1'), null);
  });

  test('durations and rates in plain words', () => {
    assert.equal(hover('duration: 1m3^0s')!.value, '1m30s = 90 seconds (1.5 minutes)');
    assert.equal(hover('duration: ^45')!.value, '45 = 45 seconds');
    assert.equal(hover('duration: "2^h"')!.value, '2h = 7200 seconds (2 hours)');
    assert.equal(hover('userRate: 600/m^in')!.value, '600/min = 10 users per second');
    assert.equal(hover('userRate: 3^0/min')!.value, '30/min = 30 users per minute (one every 2s)');
    assert.equal(hover('userRate: 3^0/h')!.value, '30/h = one user every 2m');
    assert.equal(hover('stages:\n  - hold: 50^0ms')!.value, '500ms = 500 milliseconds');
    assert.equal(hover('stages:\n  - ramp: { to: 5, over: 1^s }')!.value, '1s = 1 second');
    assert.equal(hover('duration: so^on'), null, 'an invalid value has its diagnostic, not a hover');
  });

  test('stage kinds and fields, policies, threshold options', () => {
    assert.match(hover('stages:\n  - as^eq: { every: 5s, add: 1, to: 9 }')!.value, /^\*\*aseq\*\* — stage/);
    assert.match(hover('stages:\n  - ramp: { t^o: 5, over: 1s }')!.value, /^\*\*to\*\* — ramp setting/);
    assert.match(hover('onAgentLoss: redis^tribute')!.value, /remaining agents/);
    assert.match(hover('thresholds:\n  - threshold: p99 < 1s\n    abort^OnFail: true')!.value, /^\*\*abortOnFail\*\* — threshold option/);
    assert.equal(hover('thresholds:\n  - { threshold: p99 < 1s, abortOnFail: true, delay: 1^0s }')!.value, '10s = 10 seconds');
  });

  test('comments and empty lines have no hover', () => {
    assert.equal(hover('# dura^tion: 5m'), null);
    assert.equal(hover('users: 1\n^\n'), null);
    assert.equal(hover('^'), null);
  });
});

describe('planHover: thresholds', () => {
  test('what an expression checks, with its stat\'s documentation, over the whole expression', () => {
    const h = hover('thresholds:\n  - p9^5{GET /api/items} <= 1.5s');
    assert.match(h!.value, /^`p95\{GET \/api\/items\} <= 1\.5s` — threshold/);
    assert.match(h!.value, /Passes when the 95th percentile response time of the requests named `GET \/api\/items` is at most 1\.5s \(1500 ms\)/);
    assert.match(h!.value, /\*\*p95\*\* — request latency/);
    assert.equal(h!.range, '1:4-1:31');
  });

  test('each metric in words', () => {
    const words = (expr: string) => hover(`thresholds:\n  - ${expr.replace(' ', '^ ')}`)!.value.split('\n')[2];
    assert.equal(words('error_rate < 1%'), 'Passes when the share of failed requests is below 1%; otherwise the run fails.');
    assert.equal(words('errors == 0'), 'Passes when the number of failed requests is exactly 0; otherwise the run fails.');
    assert.equal(words('rps >= 100'), 'Passes when the requests per second over the run is at least 100 requests per second; otherwise the run fails.');
    assert.equal(words('checks{status is 200} > 99%'), 'Passes when the pass rate of the check `status is 200` is above 99%; otherwise the run fails.');
    assert.equal(words('counter{chat.sent} != 0'), 'Passes when the custom counter `chat.sent` is anything but 0; otherwise the run fails.');
    assert.equal(words('histogram.p99{chat.delivery_ms} < 50'),
      'Passes when the 99th percentile of the custom histogram `chat.delivery_ms` (in its own unit) is below 50; otherwise the run fails.');
  });

  test('an invalid expression says why', () => {
    assert.match(hover('thresholds:\n  - p9^8 < 1s')!.value, /_Invalid: unknown stat "p98" \(did you mean "p99"\?\)/);
    assert.match(hover('thresholds:\n  - { threshold: "error_rate ^< 1" }')!.value, /_Invalid: `error_rate` is a percentage/);
  });
});

describe('planHover: the scenario and its variables', () => {
  test('on the scenario path: its variables as a table (pipes escaped)', () => {
    const h = hover('scenario: ./api.sce^nario.ts');
    assert.equal(h!.value, [
      '**./api.scenario.ts**',
      '',
      '| Variable | Default | Description |',
      '| --- | --- | --- |',
      '| `host` | `"http://127.0.0.1:8080"` | Base URL of the API |',
      '| `mode` | `"read"` | Which endpoints \\| to hit |',
      '| `token` | **required** | API token |',
    ].join('\n'));
    assert.equal(h!.range, '0:10-0:27');
    assert.match(hover('scenario: ./no^pe.ts')!.value, /No such file: \/ws\/nope\.ts/);
    assert.match(hover('scenario: ./pla^in.scenario.ts')!.value, /Not a scenario/);
    assert.match(hover('scenario: ./op^en.scenario.ts')!.value, /may be incomplete/);
  });

  test('on a variable name or value: its declaration', () => {
    const h = hover('scenario: ./api.scenario.ts\nvariables:\n  mo^de: read');
    assert.match(h!.value, /^\*\*mode\*\* — Rookery variable\n\nWhich endpoints \| to hit/);
    assert.match(h!.value, /Allowed: `"read"`, `"write"`/);
    assert.equal(h!.range, '2:2-2:6');
    assert.match(hover('scenario: ./api.scenario.ts\nvariables:\n  mode: re^ad')!.value, /\*\*mode\*\*/);
  });

  test('on an unknown variable: not declared, with the suggestion and the declared names', () => {
    assert.equal(hover('scenario: ./api.scenario.ts\nvariables:\n  tok^en2: x')!.value,
      '**token2** — not declared by api.scenario.ts\n\nDid you mean `token`?\n\nIts variables: `host`, `mode`, `token`');
    assert.equal(hover('scenario: ./api.scenario.ts\nvariables:\n  zz^z: x')!.value,
      '**zzz** — not declared by api.scenario.ts\n\nIts variables: `host`, `mode`, `token`');
    assert.match(hover('scenario: ./open.scenario.ts\nvariables:\n  zz^z: x')!.value, /may be among them/);
    assert.equal(hover('variables:\n  zz^z: x'), null, 'no scenario: nothing to say');
  });
});
