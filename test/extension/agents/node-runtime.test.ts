import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describeNodeRuntime, isSupportedNodeVersion, nodeCandidatesOnPath, parseNodeVersion, resolveNodeRuntime,
} from '../../../extension/agents/node-runtime';

const root = mkdtempSync(join(tmpdir(), 'rookery-node-runtime-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A directory holding an executable `node` script that prints `output` for --version. */
function fakeNodeDir(name: string, output: string, exitCode = 0): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'node');
  writeFileSync(file, `#!/bin/sh\necho '${output}'\nexit ${exitCode}\n`);
  chmodSync(file, 0o755);
  return dir;
}

const posix = process.platform !== 'win32';

describe('node runtime', () => {
  test('versions: parsed and compared with 20.18', () => {
    assert.deepEqual(parseNodeVersion('v20.18.1\n'), [20, 18, 1]);
    assert.deepEqual(parseNodeVersion('22.3.0'), [22, 3, 0]);
    assert.equal(parseNodeVersion('node is great'), undefined);
    assert.equal(isSupportedNodeVersion([20, 18, 0]), true);
    assert.equal(isSupportedNodeVersion([20, 17, 9]), false);
    assert.equal(isSupportedNodeVersion([18, 30, 0]), false);
    assert.equal(isSupportedNodeVersion([21, 0, 0]), true);
  });

  test('the setting wins, and is checked', { skip: !posix }, async () => {
    const dir = fakeNodeDir('setting-ok', 'v22.4.1');
    const runtime = await resolveNodeRuntime({ setting: join(dir, 'node'), env: { PATH: '' } });
    assert.equal(runtime.source, 'setting');
    assert.equal(runtime.command, join(dir, 'node'));
    assert.equal(runtime.version, 'v22.4.1');
    assert.deepEqual(runtime.env, {});
    assert.match(describeNodeRuntime(runtime), /Node v22\.4\.1 .*rookery\.nodePath/);
  });

  test('a setting that is missing, too old or not node is an error naming the setting', { skip: !posix }, async () => {
    await assert.rejects(resolveNodeRuntime({ setting: join(root, 'nope', 'node') }), (e: any) =>
      e.code === 'ROOKERY_USAGE' && e.where === 'rookery.nodePath' && /no such file/.test(e.message) && /20\.18/.test(e.hint));
    const old = fakeNodeDir('setting-old', 'v18.19.0');
    await assert.rejects(resolveNodeRuntime({ setting: join(old, 'node') }), /older than 20\.18\.0/);
    const notNode = fakeNodeDir('setting-python', 'Python 3.11.2');
    await assert.rejects(resolveNodeRuntime({ setting: join(notNode, 'node') }), /not a Node\.js version/);
    const failing = fakeNodeDir('setting-fails', 'boom', 3);
    await assert.rejects(resolveNodeRuntime({ setting: join(failing, 'node') }), /--version` failed/);
  });

  test('PATH: the first node that runs and is new enough', { skip: !posix }, async () => {
    const old = fakeNodeDir('path-old', 'v16.20.0');
    const empty = join(root, 'path-empty');
    mkdirSync(empty, { recursive: true });
    const good = fakeNodeDir('path-good', 'v20.19.0');
    const later = fakeNodeDir('path-later', 'v23.0.0');
    const env = { PATH: [empty, old, good, later].join(':') };
    assert.deepEqual(await nodeCandidatesOnPath(env, 'linux'), [join(old, 'node'), join(good, 'node'), join(later, 'node')]);
    const runtime = await resolveNodeRuntime({ env });
    assert.equal(runtime.source, 'path');
    assert.equal(runtime.command, join(good, 'node'));
    assert.equal(runtime.version, 'v20.19.0');
    assert.equal(runtime.notes.length, 1);
    assert.match(runtime.notes[0], /skipped .*path-old\/node: Node v16\.20\.0 is older/);
  });

  test('a file named node that is not executable is not a candidate', { skip: !posix }, async () => {
    const dir = join(root, 'path-noexec');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'node'), '#!/bin/sh\necho v22.0.0\n');
    chmodSync(join(dir, 'node'), 0o644);
    assert.deepEqual(await nodeCandidatesOnPath({ PATH: dir }, 'linux'), []);
  });

  test("no usable node on PATH: VS Code's own runtime as node", async () => {
    const old = posix ? fakeNodeDir('fallback-old', 'v14.0.0') : root;
    const runtime = await resolveNodeRuntime({ env: { PATH: old }, execPath: '/opt/vscode/code', execVersion: '20.18.3' });
    assert.equal(runtime.source, 'vscode');
    assert.equal(runtime.command, '/opt/vscode/code');
    assert.deepEqual(runtime.env, { ELECTRON_RUN_AS_NODE: '1' });
    assert.equal(runtime.version, 'v20.18.3');
    assert.match(describeNodeRuntime(runtime), /VS Code's own runtime/);
  });

  test("an old VS Code runtime is still used, with a note saying what to install", async () => {
    const runtime = await resolveNodeRuntime({ env: { PATH: '' }, execPath: '/opt/vscode/code', execVersion: '20.9.0' });
    assert.equal(runtime.source, 'vscode');
    assert.ok(runtime.notes.some((n) => /older than 20\.18\.0.*rookery\.nodePath/.test(n)), runtime.notes.join('\n'));
  });

  test('Windows PATH: Path spelling, node.exe', async () => {
    // Only the lookup is platform-specific; on Linux nothing named node.exe exists, so the list is empty but parsed.
    assert.deepEqual(await nodeCandidatesOnPath({ Path: `${root};${root}` }, 'win32'), []);
  });
});
