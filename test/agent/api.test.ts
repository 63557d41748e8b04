import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isScenario, isVariable, scenario, variable, type User, type Vars } from '../../agent/api';

// The type-level half of this file is checked by `tsc` (part of `npm test`): every @ts-expect-error below must
// be an error, so `vars` really is typed from the declarations.
const declarations = {
  host: variable({ description: 'host', default: '127.0.0.1' }),
  port: variable({ description: 'port', default: 8080 }),
  mode: variable({ description: 'mode', default: 'fast', verify: ['fast', 'slow'] }),
  debug: variable<boolean>({ description: 'debug', default: false, update: 'none' }),
};

const defined = scenario({
  variables: declarations,
  init(ctx) {
    const host: string = ctx.vars.host;
    // @ts-expect-error a port is a number
    const wrong: string = ctx.vars.port;
    // @ts-expect-error undeclared variables do not exist
    void ctx.vars.nope;
    return { host, wrong };
  },
  start(user: User<Vars<typeof declarations>>, state) {
    const port: number = user.vars.port;
    const debug: boolean = user.vars.debug;
    const mode: string = user.vars.mode;
    // @ts-expect-error vars are read-only
    user.vars.port = 1;
    void [port, debug, mode, state.host];
  },
});

test('scenario() and variable() brand what they make, and keep the definition', () => {
  assert.equal(isScenario(defined), true);
  assert.equal(isScenario({ start() {} }), false);
  assert.equal(isVariable(declarations.host), true);
  assert.equal(isVariable({ description: 'x' }), false);
  assert.equal(defined.variables.port.default, 8080);
  assert.deepEqual(scenario({ start() {} }).variables, {});
});
