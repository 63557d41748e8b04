/**
 * The local agent process for real: the built CLI (dist/cli.js, `node esbuild.mjs`) spawned as the extension does,
 * plus fake CLIs that misbehave in exactly one way (never ready, exits with a code, ignores stdin and SIGTERM).
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CoordinatorConnection } from '../../../extension/agents/coordinator-connection';
import { describeExit, LocalAgentProcess, parseReadyLine, type LocalAgentOptions } from '../../../extension/agents/local-agent-process';
import { ROOT } from '../../helpers/cli';
import { deadline, nextEvent, waitFor } from '../../helpers/transport-peers';

const NODE = { command: process.execPath, env: {} };
const fakes = mkdtempSync(join(tmpdir(), 'rookery-local-agent-'));
const running: LocalAgentProcess[] = [];
after(async () => {
  for (const p of running) await p.stop();
  rmSync(fakes, { recursive: true, force: true });
});

/** An extension folder whose dist/cli.js is `source`. */
function fakeExtension(name: string, source: string): string {
  const dir = join(fakes, name);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'cli.js'), source);
  return dir;
}
const READY = `process.stdout.write(JSON.stringify({ ready: true, pid: process.pid, url: 'ws://127.0.0.1:1', controlUrl: 'ws://127.0.0.1:1/control', agentUrl: 'ws://127.0.0.1:1/agent', localAgent: true, workers: 1 }) + '\\n');`;

async function start(options: Partial<LocalAgentOptions> = {}): Promise<LocalAgentProcess> {
  const p = await LocalAgentProcess.start({ runtime: NODE, extensionPath: ROOT, workers: 1, ...options });
  running.push(p);
  return p;
}

describe('local agent process', () => {
  test('starts, serves a client with its token, and stops by closing stdin', async () => {
    const lines: string[] = [];
    const agent = await start({ onLine: (line) => lines.push(line) });
    assert.equal(agent.ready.localAgent, true);
    assert.equal(agent.ready.workers, 1);
    assert.match(agent.ready.controlUrl, /^ws:\/\/127\.0\.0\.1:\d+\/control$/);
    assert.ok(agent.token.length >= 40, 'a generated token');
    if (process.platform === 'linux') {
      const cmdline = readFileSync(`/proc/${agent.pid}/cmdline`, 'utf8');
      assert.ok(!cmdline.includes(agent.token), 'the token is not on the command line');
      assert.ok(cmdline.endsWith(['coordinator', '--listen', '127.0.0.1:0', '--local-agent', '--ready-json', '--exit-with-stdin', '--workers', '1', ''].join('\0')), cmdline);
    }
    assert.ok(lines.some((l) => /listening on ws:\/\/127\.0\.0\.1/.test(l)), `its log is streamed: ${lines.join('\n')}`);
    assert.ok(!lines.some((l) => l.includes('"ready":true')), 'the ready line is consumed, not logged');

    await assert.rejects(CoordinatorConnection.open(agent.ready.controlUrl, { token: 'wrong' }), /wrong or missing token/);
    const connection = await CoordinatorConnection.open(agent.ready.controlUrl, { token: agent.token });
    assert.equal(connection.status.agents.length, 1);
    assert.equal(connection.status.agents[0].state, 'ready');
    assert.equal(connection.status.agents[0].name, 'local');

    const disconnected = nextEvent(connection, 'disconnect', 10_000);
    const exit = await deadline(agent.stop(), 10_000, 'stop()');
    assert.deepEqual(exit, { code: 0, signal: null, crashed: false, stoppedBy: 'stdin' });
    assert.ok(lines.some((l) => /shutting down/.test(l)));
    await disconnected;
    assert.equal(await agent.stop(), exit, 'stop() again answers the same');
  });

  test('kill -9 is reported as a crash with the signal', async () => {
    const agent = await start();
    process.kill(agent.pid, 'SIGKILL');
    const exit = await deadline(agent.exited, 10_000, 'the exit');
    assert.deepEqual(exit, { code: null, signal: 'SIGKILL', crashed: true, stoppedBy: undefined });
    assert.equal(describeExit(exit), 'signal SIGKILL');
  });

  test('exits by itself when its parent dies (stdin closes)', async () => {
    const modulePath = join(__dirname, '..', '..', '..', 'extension', 'agents', 'local-agent-process.js');
    const script = `const { LocalAgentProcess } = require(${JSON.stringify(modulePath)});
      LocalAgentProcess.start({ runtime: { command: process.execPath, env: {} }, extensionPath: ${JSON.stringify(ROOT)}, workers: 1 })
        .then((p) => console.log('child ' + p.pid), (e) => { console.log('failed ' + e.message); process.exit(1); });`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const first = await deadline(new Promise<string>((resolve) => createInterface({ input: parent.stdout! }).once('line', resolve)), 20_000, 'the child pid');
      const pid = Number(/^child (\d+)$/.exec(first)?.[1]);
      assert.ok(pid > 0, first);
      parent.kill('SIGKILL');
      const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
      await waitFor(() => !alive(), 10_000, `the orphaned agent ${pid} to exit`);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  test('an exit with a code after ready is a crash with that code', async () => {
    const ext = fakeExtension('exits-3', `${READY}\nsetTimeout(() => process.exit(3), 100);`);
    const agent = await start({ extensionPath: ext });
    const exit = await deadline(agent.exited, 5000, 'the exit');
    assert.deepEqual(exit, { code: 3, signal: null, crashed: true, stoppedBy: undefined });
    assert.equal(describeExit(exit), 'exit code 3');
  });

  test('one that ignores stdin and SIGTERM is killed', async () => {
    const ext = fakeExtension('stubborn', `${READY}\nprocess.on('SIGTERM', () => console.error('ignoring SIGTERM'));\nsetInterval(() => {}, 1000);`);
    const lines: string[] = [];
    const agent = await start({ extensionPath: ext, sigtermAfterMs: 100, sigkillAfterMs: 300, onLine: (l) => lines.push(l) });
    const exit = await deadline(agent.stop(), 5000, 'stop()');
    assert.deepEqual(exit, { code: null, signal: 'SIGKILL', crashed: false, stoppedBy: 'SIGKILL' });
    assert.ok(lines.includes('ignoring SIGTERM'), 'SIGTERM came first');
  });

  test('a bad node path is a clear error', async () => {
    const missing = join(fakes, 'no-such-node');
    await assert.rejects(LocalAgentProcess.start({ runtime: { command: missing, env: {} }, extensionPath: ROOT }), (e: any) =>
      e.code === 'ROOKERY_USAGE' && e.message === `cannot start the local agent with ${missing}: no such file` && /rookery\.nodePath/.test(e.hint));
  });

  test('never ready: killed at the deadline, with a message', async () => {
    const ext = fakeExtension('never-ready', `console.error('warming up'); setInterval(() => {}, 1000);`);
    const lines: string[] = [];
    const started = Date.now();
    await assert.rejects(LocalAgentProcess.start({ runtime: NODE, extensionPath: ext, readyTimeoutMs: 300, onLine: (l) => lines.push(l) }),
      /did not report ready within 0\.3 s/);
    assert.ok(Date.now() - started < 3000);
    assert.ok(lines.includes('warming up'));
  });

  test('an exit before ready says why, with the last lines of output', async () => {
    const ext = fakeExtension('fails', `console.error('Error: Cannot find module undici'); process.exit(1);`);
    await assert.rejects(LocalAgentProcess.start({ runtime: NODE, extensionPath: ext }),
      (e: any) => /exited \(exit code 1\) before it was ready:\nError: Cannot find module undici/.test(e.message) && /nodePath/.test(e.hint));
  });

  test('the ready line: only the JSON the CLI prints', () => {
    assert.equal(parseReadyLine('[coordinator] listening'), undefined);
    assert.equal(parseReadyLine('{"ready":false}'), undefined);
    assert.equal(parseReadyLine('{not json'), undefined);
    assert.equal(parseReadyLine('{"ready":true,"url":"ws://a:1","controlUrl":"ws://a:1/control"}')?.controlUrl, 'ws://a:1/control');
  });
});
