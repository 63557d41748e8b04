/**
 * The language server as an editor sees it: the bundled server process (dist/language-server.js) driven over
 * stdio by a real LSP client. Documents are opened, edited and closed; completion, hover and quick fixes are asked
 * at positions; diagnostics are awaited as published. The features' details have their own unit tests; this file
 * checks that they reach the client, that changes flow across files, and that bad input never kills the server.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { FileChangeType, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SCENARIO_VARIABLES_REQUEST, type ScenarioVariablesResult } from '../../extension/language-server/protocol';
import { LspClient } from '../helpers/lsp-client';
import { ScenarioDir } from '../helpers/scenario-files';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

const SCENARIO = `import { scenario, variable } from 'rookery';

export default scenario({
  variables: {
    host: variable({ description: 'Base URL of the API', default: 'http://127.0.0.1:8080' }),
    mode: variable({ description: 'Which endpoints to hit', default: 'read', verify: ['read', 'write'] }),
    token: variable({ description: 'API token (no default: must be given)' }),
  },
  async start(user) {
    const { vars } = user;
    await user.http(vars.host).get('/items?mode=' + vars.mode + '&t=' + vars.token);
  },
});
`;

const PLAN = `scenario: ./api.scenario.ts
users: 2
duration: 5s
variables:
  hots: http://127.0.0.1:9000
  mode: write
`;

function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code)).sort();
}

function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'x', 1, text), edits);
}

function editsFor(action: CodeAction, uri: string): TextEdit[] {
  const changes = action.edit?.changes?.[uri];
  if (changes) return changes;
  const documentChange = action.edit?.documentChanges?.find((c) => 'textDocument' in c && c.textDocument.uri === uri);
  assert.ok(documentChange && 'edits' in documentChange, `action "${action.title}" has no edits for the plan`);
  return documentChange.edits as TextEdit[];
}

describe('language server over stdio', () => {
  const dir = new ScenarioDir();
  let client: LspClient;
  let scenarioFile: string;
  let planFile: string;

  before(async () => {
    scenarioFile = dir.write('api.scenario.ts', SCENARIO);
    planFile = dir.write('api.plan.yaml', PLAN);
    const started = await LspClient.start(dir.dir);
    client = started.client;
    const caps = started.init.capabilities;
    assert.ok(caps.completionProvider && caps.hoverProvider && caps.codeActionProvider, 'completion, hover and code actions are offered');
  });

  after(async () => {
    if (client) assert.equal(await client.stop(), 0, 'the server exits with 0 after shutdown + exit');
    dir.remove();
  });

  test('a plan gets diagnostics from the shared analysis: unknown variable with did-you-mean, missing required one', async () => {
    const uri = await client.open(planFile, PLAN);
    const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(codes(diagnostics), ['ROOKERY_PLAN_MISSING_VARIABLE', 'ROOKERY_PLAN_UNKNOWN_VARIABLE']);
    const unknown = diagnostics.find((d) => d.code === 'ROOKERY_PLAN_UNKNOWN_VARIABLE')!;
    assert.match(messageOf(unknown), /"hots".*did you mean "host"/);
    assert.deepEqual(unknown.range, { start: { line: 4, character: 2 }, end: { line: 4, character: 6 } });
    assert.equal(unknown.source, 'rookery');
    const missing = diagnostics.find((d) => d.code === 'ROOKERY_PLAN_MISSING_VARIABLE')!;
    assert.match(messageOf(missing), /token/);
    assert.match(messageOf(missing), /ROOKERY_TOKEN/);
  });

  test('the terminal agrees: rookery validate reports the same problems at the same places', () => {
    const r = spawnSync(process.execPath, [CLI, 'validate', planFile], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /api\.plan\.yaml:5:3: error: .*"hots".*did you mean "host"/);
    assert.match(r.stdout, /error: required variable "token"/);
  });

  test('completion under variables: offers the scenario\'s names with their documentation', async () => {
    const uri = pathToFileURL(planFile).href;
    const items = await client.completion(uri, 6, 2);
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('token'), `token offered: ${labels.join(', ')}`);
    assert.ok(!labels.includes('mode'), 'a variable already set is not offered again');
    const token = items.find((i) => i.label === 'token')!;
    const doc = typeof token.documentation === 'string' ? token.documentation : token.documentation?.value;
    assert.match(doc ?? '', /API token/);
    assert.match(doc ?? '', /ROOKERY_TOKEN/);
  });

  test('hover on a plan variable shows its declaration', async () => {
    const hover = await client.hover(pathToFileURL(planFile).href, 5, 3);
    assert.ok(hover, 'a hover');
    const value = typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : JSON.stringify(hover.contents);
    assert.match(value, /Which endpoints to hit/);
    assert.match(value, /write/);
  });

  test('quick fixes applied to the plan leave it valid, in the editor and in the terminal', async () => {
    const uri = pathToFileURL(planFile).href;
    let text = PLAN;
    let diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
    // Fix one problem at a time, as a user would, until none is left.
    for (let round = 0; round < 4 && diagnostics.some((d) => d.severity === 1); round++) {
      const target = diagnostics.find((d) => d.severity === 1)!;
      const actions = await client.codeActions(uri, target.range, [target]);
      const fix = actions.find((a) => a.isPreferred) ?? actions[0];
      assert.ok(fix, `a quick fix for ${target.code}: ${target.message}`);
      text = apply(text, editsFor(fix, uri));
      await client.replace(uri, text);
      diagnostics = await client.diagnostics(uri);
    }
    assert.deepEqual(diagnostics.filter((d) => d.severity === 1).map(messageOf), [], `fixed plan:\n${text}`);
    assert.match(text, /^\s+host:/m, 'the unknown name was replaced by the suggestion');
    assert.match(text, /^\s+token:/m, 'the missing variable was added');
    writeFileSync(planFile, text);
    const r = spawnSync(process.execPath, [CLI, 'validate', planFile], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, `rookery validate agrees that the fixed plan is clean:\n${r.stdout}${r.stderr}\n${text}`);
  });

  test('editing the scenario re-validates the open plan, and a new variable appears in its completion', async () => {
    const planUri = pathToFileURL(planFile).href;
    await client.diagnostics(planUri, (d) => !d.some((x) => x.severity === 1));
    const scenarioUri = await client.open(scenarioFile, SCENARIO);
    await client.diagnostics(scenarioUri);
    const withRegion = SCENARIO.replace(
      "    token: variable(",
      "    region: variable({ description: 'Cloud region to tag requests with' }),\n    token: variable(",
    ).replace("'&t=' + vars.token", "'&t=' + vars.token + vars.region");
    await client.replace(scenarioUri, withRegion);
    const planDiagnostics = await client.diagnostics(planUri, (d) => d.some((x) => x.code === 'ROOKERY_PLAN_MISSING_VARIABLE'));
    assert.match(messageOf(planDiagnostics.find((d) => d.code === 'ROOKERY_PLAN_MISSING_VARIABLE')!), /region/);
    const text = readFileSync(planFile, 'utf8');
    const variablesLine = text.split('\n').findIndex((l) => l.startsWith('variables:'));
    const items = await client.completion(planUri, variablesLine + 1, 0);
    assert.ok(items.some((i) => i.label === 'region'), `region offered without reopening: ${items.map((i) => i.label).join(', ')}`);
    // Undo: the plan is clean again.
    await client.replace(scenarioUri, SCENARIO);
    await client.diagnostics(planUri, (d) => !d.some((x) => x.code === 'ROOKERY_PLAN_MISSING_VARIABLE'));
    await client.close(scenarioUri);
  });

  test('a scenario changed on disk (not open) re-validates the plans that use it', async () => {
    const planUri = pathToFileURL(planFile).href;
    writeFileSync(scenarioFile, SCENARIO.replace("    token: variable(", "    tenant: variable({ description: 'Tenant id' }),\n    token: variable("));
    await client.fileChanged(scenarioFile, FileChangeType.Changed);
    const diagnostics = await client.diagnostics(planUri, (d) => d.some((x) => x.code === 'ROOKERY_PLAN_MISSING_VARIABLE'));
    assert.match(messageOf(diagnostics.find((d) => d.code === 'ROOKERY_PLAN_MISSING_VARIABLE')!), /tenant/);
    writeFileSync(scenarioFile, SCENARIO);
    await client.fileChanged(scenarioFile, FileChangeType.Changed);
    await client.diagnostics(planUri, (d) => !d.some((x) => x.code === 'ROOKERY_PLAN_MISSING_VARIABLE'));
  });

  test('scenario files: declaration problems as diagnostics, hover on a read, the variables request', async () => {
    const file = dir.write('broken.scenario.ts', `import { scenario, variable } from 'rookery';
export default scenario({
  variables: {
    size: variable({ default: 5 }),
    level: variable({ description: 'Log level', default: 'loud', verify: ['quiet', 'debug'] }),
    spare: variable({ description: 'Never read', default: 1 }),
  },
  async start(user) {
    const vars = user.vars;
    await user.sleep(vars.size + vars.levle.length + vars.level.length);
  },
});
`);
    const uri = await client.open(file, readFileSync(file, 'utf8'));
    const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(codes(diagnostics), ['ROOKERY_VAR_DEFAULT_NOT_ALLOWED', 'ROOKERY_VAR_NO_DESCRIPTION', 'ROOKERY_VAR_UNDECLARED', 'ROOKERY_VAR_UNUSED']);
    const unused = diagnostics.find((d) => d.code === 'ROOKERY_VAR_UNUSED')!;
    assert.deepEqual(unused.tags, [1], 'an unused variable is tagged unnecessary');
    assert.equal(unused.range.start.line, 5);
    const undeclared = diagnostics.find((d) => d.code === 'ROOKERY_VAR_UNDECLARED')!;
    assert.match(messageOf(undeclared), /did you mean "level"/);

    const readLine = readFileSync(file, 'utf8').split('\n')[9];
    const hover = await client.hover(uri, 9, readLine.indexOf('vars.level.') + 'vars.'.length + 1);
    const value = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
    assert.match(value, /Log level/);
    assert.match(value, /ROOKERY_LEVEL/);

    const result = await client.request<ScenarioVariablesResult>(SCENARIO_VARIABLES_REQUEST, { uri });
    assert.equal(result.found, true);
    assert.deepEqual(result.variables.map((v) => v.name), ['size', 'level', 'spare']);
    const viaPlan = await client.request<ScenarioVariablesResult>(SCENARIO_VARIABLES_REQUEST, { uri: pathToFileURL(planFile).href });
    assert.equal(viaPlan.scenarioFile, scenarioFile);
    assert.deepEqual(viaPlan.variables.map((v) => v.name), ['host', 'mode', 'token']);
    const nothing = await client.request<ScenarioVariablesResult>(SCENARIO_VARIABLES_REQUEST, { uri: 'file:///does/not/exist.ts' });
    assert.equal(nothing.found, false);
    await client.close(uri);
  });

  test('bad input: half-typed, binary, huge, missing imports — the server answers and stays up', async () => {
    const half = await client.open(join(dir.dir, 'half.plan.yaml'), 'scenario: ./api.scenario.ts\nvariables:\n  ho');
    const items = await client.completion(half, 2, 4);
    assert.ok(items.some((i) => i.label === 'host'), 'a half-typed variable name completes');
    await client.replace(half, 'scenario: ./api.scenario.ts\nusers: [\nvariables: {{{\n  - : :');
    const broken = await client.diagnostics(half, (d) => d.length > 0);
    assert.ok(broken.some((d) => d.code === 'ROOKERY_PLAN_YAML'), 'YAML syntax errors are reported');

    const garbage = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    const binaryPlan = await client.open(join(dir.dir, 'binary.plan.yaml'), garbage);
    await client.diagnostics(binaryPlan, (d) => d.length > 0);
    const binaryScenario = await client.open(join(dir.dir, 'binary.scenario.ts'), garbage);
    await client.diagnostics(binaryScenario);
    await client.completion(binaryScenario, 3, 3);
    await client.hover(binaryPlan, 1, 1);

    const huge = await client.open(join(dir.dir, 'huge.scenario.ts'), `// ${'x'.repeat(6 * 1024 * 1024)}\n`);
    const hugeDiagnostics = await client.diagnostics(huge, (d) => d.length > 0);
    assert.match(messageOf(hugeDiagnostics[0]), /more than Rookery's editor analysis reads.*rookery validate/);

    const imports = await client.open(join(dir.dir, 'imports.scenario.ts'), `import { scenario, variable } from 'rookery';
import { helper } from './does-not-exist';
import missing from 'no-such-package';
export default scenario({
  variables: { a: variable({ description: 'A', default: helper }) },
  async start(user) { await user.sleep(Number(user.vars.a) + missing); },
});
`);
    const importDiagnostics = await client.diagnostics(imports);
    assert.deepEqual(importDiagnostics.filter((d) => d.severity === 1), [], 'imports the editor cannot follow are not our errors');
    const hover = await client.hover(imports, 4, 15);
    assert.ok(hover, 'hover still works');

    const planWithMissingScenario = await client.open(join(dir.dir, 'lost.plan.yaml'), 'scenario: ./nowhere.scenario.ts\nusers: 1\n');
    const lost = await client.diagnostics(planWithMissingScenario, (d) => d.length > 0);
    assert.match(messageOf(lost[0]), /nowhere\.scenario\.ts/);
    assert.ok(client.alive, 'the server is still running');
    for (const uri of [half, binaryPlan, binaryScenario, huge, imports, planWithMissingScenario]) await client.close(uri);
  });
});

describe('language server lifetime', () => {
  test('exits by itself when its client goes away (stdin closed)', async () => {
    const dir = new ScenarioDir();
    const { client } = await LspClient.start(dir.dir);
    const exited = new Promise<number | null>((resolve) => client.process.once('exit', (code) => resolve(code)));
    client.process.stdin.end();
    const timer = setTimeout(() => client.process.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    assert.notEqual(client.process.signalCode, 'SIGKILL', 'it exited without being killed');
    assert.equal(typeof code, 'number');
    dir.remove();
  });
});
