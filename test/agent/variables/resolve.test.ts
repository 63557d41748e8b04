import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { variable } from '../../../agent/api';
import { RookeryError } from '../../../agent/common/errors';
import type { VariableProblem } from '../../../agent/protocol/variables';
import { resolveVariables, type VariableDeclarations, type VariableSources } from '../../../agent/variables/resolve';
import { VariablesError } from '../../../agent/variables/variables-error';

function problemsOf(declarations: VariableDeclarations, sources: VariableSources): VariableProblem[] {
  try {
    resolveVariables(declarations, sources);
  } catch (error) {
    assert.ok(error instanceof VariablesError);
    assert.ok(error instanceof RookeryError);
    assert.equal(error.code, 'ROOKERY_VARIABLES');
    assert.equal(error.problems.length, error.variableProblems.length);
    return error.variableProblems;
  }
  assert.fail('expected resolveVariables to throw');
}

describe('resolveVariables precedence', () => {
  const declarations = {
    host: variable({ description: 'host', default: 'http://default' }),
  };

  test('default < env < plan < cli', () => {
    const env = { ROOKERY_HOST: 'http://env' };
    const plan = { host: 'http://plan' };
    const cli = { host: 'http://cli' };
    assert.deepEqual(resolveVariables(declarations, {}), { values: { host: 'http://default' }, sources: { host: 'default' } });
    assert.deepEqual(resolveVariables(declarations, { env }).sources, { host: 'env' });
    assert.deepEqual(resolveVariables(declarations, { env, plan }), { values: { host: 'http://plan' }, sources: { host: 'plan' } });
    assert.deepEqual(resolveVariables(declarations, { env, plan, cli }), { values: { host: 'http://cli' }, sources: { host: 'cli' } });
  });

  test('undefined entries count as not given', () => {
    const r = resolveVariables(declarations, { env: { ROOKERY_HOST: undefined }, plan: { host: undefined }, cli: { host: undefined } });
    assert.equal(r.sources.host, 'default');
  });
});

describe('resolveVariables environment', () => {
  test('env values are parsed loosely and looked up by the upper snake name', () => {
    const declarations = {
      numberOfNeighbours: variable<number>({ description: 'n' }),
      region_list: variable<string[]>({ description: 'r' }),
      limits: variable<object>({ description: 'l' }),
      host: variable({ description: 'h' }),
    };
    const env = {
      ROOKERY_NUMBER_OF_NEIGHBOURS: '4',
      ROOKERY_REGION_LIST: '["eu","us"]',
      ROOKERY_LIMITS: '{"max": 3}',
      ROOKERY_HOST: 'http://x:1',
      ROOKERY_TOKEN: 'not a declared variable, ignored',
    };
    const { values, sources } = resolveVariables(declarations, { env });
    assert.deepEqual(values, { numberOfNeighbours: 4, region_list: ['eu', 'us'], limits: { max: 3 }, host: 'http://x:1' });
    assert.ok(Object.values(sources).every((s) => s === 'env'));
  });
});

describe('resolveVariables verification', () => {
  test('every chosen value is verified and normalised values are kept', () => {
    const declarations = {
      port: variable<number>({ description: 'p', verify: (v) => ({ ok: true, value: Number(v) }) }),
      region: variable({ description: 'r', verify: ['eu', 'us'], default: 'eu' }),
    };
    const r = resolveVariables(declarations, { cli: { port: '8080' } });
    assert.deepEqual(r.values, { port: 8080, region: 'eu' });
  });

  test('an invalid default is reported even when another source overrides it', () => {
    const declarations = { region: variable({ description: 'r', verify: ['eu', 'us'], default: 'asia' }) };
    const problems = problemsOf(declarations, { cli: { region: 'eu' } });
    assert.equal(problems.length, 1);
    assert.deepEqual(
      { ...problems[0], reason: undefined },
      { variable: 'region', kind: 'invalid', source: 'default', value: 'asia', reason: undefined },
    );
  });

  test('an invalid value names its source and value', () => {
    const declarations = { users: variable<number>({ description: 'u', verify: (v) => typeof v === 'number' }) };
    const [p] = problemsOf(declarations, { env: { ROOKERY_USERS: 'many' } });
    assert.equal(p.kind, 'invalid');
    assert.equal(p.source, 'env');
    assert.equal(p.value, 'many');
  });

  test('a verify function that throws is reported, not propagated', () => {
    const declarations = {
      x: variable({
        description: 'x',
        verify: () => {
          throw new Error('verifier bug');
        },
      }),
    };
    const [p] = problemsOf(declarations, { plan: { x: 1 } });
    assert.match(p.reason, /verifier bug/);
  });
});

describe('resolveVariables problem collection', () => {
  test('all missing variables are listed together with how to set each', () => {
    const declarations = {
      host: variable({ description: 'h' }),
      numberOfNeighbours: variable<number>({ description: 'n' }),
      withDefault: variable({ description: 'd', default: 'ok' }),
    };
    const problems = problemsOf(declarations, {});
    assert.deepEqual(problems.map((p) => [p.variable, p.kind]), [['host', 'missing'], ['numberOfNeighbours', 'missing']]);
    assert.match(problems[1].reason, /ROOKERY_NUMBER_OF_NEIGHBOURS/);
    assert.match(problems[1].reason, /variables:/);
    assert.match(problems[1].reason, /--var numberOfNeighbours=/);
  });

  test('unknown plan and cli names are reported with a suggestion', () => {
    const declarations = { host: variable({ description: 'h', default: 'x' }), users: variable({ description: 'u', default: 'y' }) };
    const problems = problemsOf(declarations, { plan: { hosts: 'a' }, cli: { user: 'b', zzzzzz: 1 } });
    assert.deepEqual(problems.map((p) => [p.variable, p.kind, p.source]), [
      ['hosts', 'unknown', 'plan'],
      ['user', 'unknown', 'cli'],
      ['zzzzzz', 'unknown', 'cli'],
    ]);
    assert.match(problems[0].reason, /did you mean "host"/);
    assert.match(problems[1].reason, /did you mean "users"/);
    assert.doesNotMatch(problems[2].reason, /did you mean/);
  });

  test('missing, invalid and unknown all arrive in one error, with terminal lines', () => {
    const declarations = {
      a: variable({ description: 'a' }),
      b: variable<number>({ description: 'b', verify: [1, 2] }),
    };
    try {
      resolveVariables(declarations, { cli: { b: 3, c: true } });
      assert.fail('expected a throw');
    } catch (error) {
      assert.ok(error instanceof VariablesError);
      assert.deepEqual(error.variableProblems.map((p) => p.kind), ['missing', 'invalid', 'unknown']);
      const text = error.format();
      assert.match(text, /3 problems with scenario variables/);
      assert.match(text, /--var b: variable "b" = 3: not one of the allowed values: 1, 2/);
      assert.match(text, /hint:/);
    }
  });

  test('no declarations and no values resolve to nothing', () => {
    assert.deepEqual(resolveVariables({}, { env: { ROOKERY_X: '1' } }), { values: {}, sources: {} });
  });
});

describe('resolveVariables on untyped declarations', () => {
  test('a declaration that is not an object is reported, not thrown as a TypeError', () => {
    const declarations = { broken: null, fine: variable({ description: 'f', default: 1 }) } as unknown as VariableDeclarations;
    const problems = problemsOf(declarations, {});
    assert.deepEqual(problems.map((p) => [p.variable, p.kind]), [['broken', 'invalid']]);
    assert.match(problems[0].reason, /not a variable/);
  });
});
