import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SCENARIO_VARIABLES_REQUEST, type ScenarioVariablesParams } from '../../../extension/language-server/protocol';
import { scenarioFiles } from '../../../extension/language/scenario-template';
import { checkScenarioVariablesResult, requestScenarioVariables } from '../../../extension/language/scenario-variables-request';
import { LspClient } from '../../helpers/lsp-client';

const VARIABLE = { name: 'url', nameRange: {}, range: {}, hasDefault: false, verify: 'none', update: 'any' };

describe('requestScenarioVariables (fake client)', () => {
  test('passes a well-formed answer through, asking for the uri given once ready', async () => {
    const order: string[] = [];
    const answer = { found: true, scenarioFile: '/w/a.scenario.ts', variables: [VARIABLE] };
    const result = await requestScenarioVariables('file:///w/a.plan.yaml', {
      ready: async () => void order.push('ready'),
      send: async (params) => {
        order.push(`send ${params.uri}`);
        return answer;
      },
    });
    assert.deepEqual(result, answer);
    assert.deepEqual(order, ['ready', 'send file:///w/a.plan.yaml']);
  });

  test('every failure answers "nothing found" and says why', async () => {
    const cases: [string, Parameters<typeof requestScenarioVariables>[1], RegExp][] = [
      ['not started', { ready: () => Promise.reject(new Error('server failed to initialize')), send: async () => ({}) }, /failed to initialize/],
      ['crashed', { ready: async () => undefined, send: () => Promise.reject(new Error('connection closed')) }, /connection closed/],
      ['malformed', { ready: async () => undefined, send: async () => ({ found: 'yes', variables: [] }) }, /malformed answer: `found`/],
      ['bad variable', { ready: async () => undefined, send: async () => ({ found: true, variables: [{ name: 1 }] }) }, /variables\[0\]/],
      ['null', { ready: async () => undefined, send: async () => null }, /not an object/],
    ];
    for (const [what, deps, reason] of cases) {
      const reasons: string[] = [];
      const result = await requestScenarioVariables('file:///x.ts', { ...deps, onFailure: (r) => reasons.push(r) });
      assert.deepEqual(result, { found: false, variables: [] }, what);
      assert.equal(reasons.length, 1, what);
      assert.match(reasons[0], reason, what);
      assert.match(reasons[0], /file:\/\/\/x\.ts/, what);
    }
  });

  test('a server that does not answer is cancelled at the deadline', async () => {
    let signal: AbortSignal | undefined;
    const reasons: string[] = [];
    const started = Date.now();
    const result = await requestScenarioVariables('file:///x.ts', {
      ready: async () => undefined,
      send: (_params, s) => {
        signal = s;
        return new Promise(() => undefined);
      },
      onFailure: (r) => reasons.push(r),
      deadlineMs: 50,
    });
    assert.deepEqual(result, { found: false, variables: [] });
    assert.ok(Date.now() - started < 2000);
    assert.equal(signal?.aborted, true);
    assert.match(reasons[0], /no answer within 50 ms/);
  });

  test('a client still starting at the deadline never sends', async () => {
    let sent = false;
    let release!: () => void;
    const ready = new Promise<void>((r) => (release = r));
    const result = await requestScenarioVariables('file:///x.ts', { ready: () => ready, send: async () => ((sent = true), {}), deadlineMs: 30 });
    assert.deepEqual(result, { found: false, variables: [] });
    release();
    await new Promise((r) => setImmediate(r));
    assert.equal(sent, false);
  });

  test('checkScenarioVariablesResult accepts "not found" and refuses wrong shapes', () => {
    assert.deepEqual(checkScenarioVariablesResult({ found: false, variables: [] }), { found: false, variables: [] });
    assert.equal(typeof checkScenarioVariablesResult([]), 'string');
    assert.equal(typeof checkScenarioVariablesResult({ found: true, variables: {} }), 'string');
    assert.equal(typeof checkScenarioVariablesResult({ found: true, scenarioFile: 3, variables: [] }), 'string');
  });
});

describe('requestScenarioVariables against the real language server', () => {
  let dir: string;
  let client: LspClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rookery-variables-request-'));
    for (const file of scenarioFiles('shop', 'export {};', false)) {
      mkdirSync(dirname(join(dir, file.name)), { recursive: true });
      writeFileSync(join(dir, file.name), file.content);
    }
    ({ client } = await LspClient.start(dir));
  });

  after(async () => {
    await client?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const deps = () => ({
    ready: async () => undefined,
    send: (params: ScenarioVariablesParams) => client.connection.sendRequest(SCENARIO_VARIABLES_REQUEST, params) as Promise<unknown>,
  });

  test('a new scenario, and its plan, read as the scenario with its two variables', async () => {
    for (const file of ['shop.scenario.ts', 'shop.plan.yaml']) {
      const result = await requestScenarioVariables(pathToFileURL(join(dir, file)).href, deps());
      assert.equal(result.found, true, file);
      assert.equal(result.scenarioFile, join(dir, 'shop.scenario.ts'));
      assert.deepEqual(result.variables.map((v) => [v.name, v.hasDefault]), [['base_url', true], ['think_time_ms', true]]);
    }
  });

  test('a file that is not a scenario reads as nothing found', async () => {
    const result = await requestScenarioVariables(pathToFileURL(join(dir, 'missing.scenario.ts')).href, deps());
    assert.equal(result.found, false);
    assert.deepEqual(result.variables, []);
  });
});
